import type { RgbaImage } from '../types.js';
import type { PartsRig, PixelRect } from './types.js';
import { layerRects } from './types.js';

/**
 * The layers resampled once, S texels per art pixel, into one texture the frame engine samples
 * with a single nearest fetch per output pixel (onnxruntime's gathers cost ~2 ns per element:
 * one packed RGBA fetch instead of a bilinear footprint of 16 values is most of the engine's
 * speed, docs/ARCHITECTURE.md "Frame engine"). Nearest sampling of an S-times supersampled
 * bilinear reconstruction is bilinear sampling with positions rounded to 1/S px (1/8 px at S = 4).
 *
 * Texel j of a layer (0 <= j <= S * width, per axis) holds the art at imagePx rect.x + j / S, so
 * output pixel centres of an unmoved picture (i + 0.5) land exactly on art pixel centres and the
 * rest pose reproduces the art.
 *
 * Colour is bilinear on premultiplied RGBA. Alpha is crisp: it is rebuilt from a signed distance
 * to the layer's alpha = 0.5 contour (anti-aliased pixels give sub-pixel distances, alpha - 0.5),
 * interpolated bilinearly and clamped back to a 1 px ramp, so a resampled edge stays as narrow
 * as the art's (plain bilinear alpha doubles it). Soft alpha (glows, shadows) has |distance| <
 * 0.5 everywhere and comes out as plain bilinear alpha.
 */
export interface AtlasPlacement {
  /** Atlas texel of the layer's rect origin (its texel j = 0). */
  readonly atlasX: number;
  readonly atlasY: number;
  readonly rect: PixelRect;
  /** Texels per axis: S * width + 1, S * height + 1 (plus a transparent border of 1 around them). */
  readonly texelsX: number;
  readonly texelsY: number;
}

export interface Atlas {
  /** Texels per art pixel. */
  readonly scale: number;
  readonly width: number;
  readonly height: number;
  /** Straight RGBA8 per texel, packed little-endian (R in the low byte); 0 = transparent. */
  readonly texels: Int32Array;
  /** One per layer, in the rig's layer order (parts, then spheres). */
  readonly placements: readonly AtlasPlacement[];
}

/** Widest atlas row in texels; layers are packed on shelves below each other. */
const ATLAS_MAX_WIDTH = 8192;

export function buildAtlas(rig: PartsRig, scale: number): Atlas {
  if (!Number.isInteger(scale) || scale < 1 || scale > 8)
    throw new Error(`atlas scale ${scale} must be 1..8`);
  const rects = layerRects(rig);
  // Each layer gets its texels plus a transparent border of one texel (the engine clamps its
  // fetches into [border, border + texels] so a fetch outside a layer reads transparent).
  const boxes = rects.map((r) => ({ w: scale * r.width + 3, h: scale * r.height + 3 }));
  const { positions, width, height } = packShelves(boxes);
  const texels = new Int32Array(width * height);
  const placements: AtlasPlacement[] = rects.map((rect, i) => ({
    atlasX: positions[i]!.x + 1,
    atlasY: positions[i]!.y + 1,
    rect,
    texelsX: scale * rect.width + 1,
    texelsY: scale * rect.height + 1,
  }));
  rig.layers.forEach((layer, i) => {
    const p = placements[i]!;
    if (layer.width !== p.rect.width || layer.height !== p.rect.height) {
      throw new Error(
        `layer ${i} is ${layer.width}x${layer.height} but its rect is ${p.rect.width}x${p.rect.height}`,
      );
    }
    resampleLayer(layer, scale, texels, width, p);
  });
  return { scale, width, height, texels, placements };
}

function packShelves(boxes: readonly { w: number; h: number }[]): {
  positions: { x: number; y: number }[];
  width: number;
  height: number;
} {
  const area = boxes.reduce((s, b) => s + b.w * b.h, 0);
  const widest = boxes.reduce((m, b) => Math.max(m, b.w), 1);
  const width = Math.min(ATLAS_MAX_WIDTH, Math.max(widest, Math.ceil(Math.sqrt(area * 1.2))));
  if (widest > width) throw new Error(`a layer is ${widest} texels wide, more than the atlas allows`);
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[b]!.h - boxes[a]!.h);
  const positions: { x: number; y: number }[] = boxes.map(() => ({ x: 0, y: 0 }));
  let x = 0;
  let y = 0;
  let shelf = 0;
  for (const i of order) {
    const b = boxes[i]!;
    if (x + b.w > width) {
      y += shelf;
      x = 0;
      shelf = 0;
    }
    positions[i] = { x, y };
    x += b.w;
    shelf = Math.max(shelf, b.h);
  }
  const height = Math.max(1, y + shelf);
  if (width * height > 2 ** 31 - 1) throw new Error('the parts atlas would exceed 2^31 texels');
  return { positions, width, height };
}

/** Largest |signed distance| kept (pixels): enough for a 1 px ramp to interpolate through. */
const SDF_CLAMP = 1.5;

/**
 * Per pixel, the signed distance (pixels, positive inside) from its centre to the alpha = 0.5
 * contour, estimated from the 3x3 neighbourhood: an anti-aliased pixel is alpha - 0.5 from it;
 * other pixels are their distance to a neighbour plus that neighbour's own offset.
 */
export function alphaDistance(layer: RgbaImage): Float32Array {
  const { width: W, height: H, data } = layer;
  const a = new Float32Array(W * H);
  for (let i = 0; i < W * H; i++) a[i] = data[i * 4 + 3]! / 255;
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const ai = a[i]!;
      if (ai > 0 && ai < 1) {
        out[i] = ai - 0.5;
        continue;
      }
      const inside = ai >= 1;
      let best = SDF_CLAMP;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const xx = x + dx;
          // Outside the layer counts as transparent.
          const an = xx < 0 || yy < 0 || xx >= W || yy >= H ? 0 : a[yy * W + xx]!;
          const dist = dx !== 0 && dy !== 0 ? Math.SQRT2 : 1;
          if (inside && an < 1) best = Math.min(best, dist + (an - 0.5));
          else if (!inside && an > 0) best = Math.min(best, dist - (an - 0.5));
        }
      }
      out[i] = inside ? best : -best;
    }
  }
  return out;
}

function resampleLayer(
  layer: RgbaImage,
  S: number,
  texels: Int32Array,
  atlasW: number,
  p: AtlasPlacement,
): void {
  const { width: W, height: H, data } = layer;
  const sdf = alphaDistance(layer);
  // Premultiplied colour planes with a zero border, so taps outside the layer read transparent.
  const PW = W + 2;
  const PH = H + 2;
  const pm = new Float32Array(PW * PH * 4);
  const sd = new Float32Array(PW * PH).fill(-SDF_CLAMP);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (y * W + x) * 4;
      const d = (y + 1) * PW + x + 1;
      const al = data[s + 3]! / 255;
      pm[d * 4] = data[s]! * al;
      pm[d * 4 + 1] = data[s + 1]! * al;
      pm[d * 4 + 2] = data[s + 2]! * al;
      pm[d * 4 + 3] = al;
      sd[d] = sdf[y * W + x]!;
    }
  }
  // Per texel column/row: the padded pixel index of the left/top tap and its bilinear weight.
  // Texel j samples layer-local imagePx j / S, i.e. pixel-centre coordinate j / S - 0.5.
  const taps = (n: number, size: number) => {
    const i0 = new Int32Array(n);
    const f = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const c = j / S - 0.5;
      const fl = Math.floor(c);
      i0[j] = Math.min(size, Math.max(-1, fl)) + 1;
      f[j] = c - fl;
    }
    return { i0, f };
  };
  const tx = taps(p.texelsX, W);
  const ty = taps(p.texelsY, H);
  // A cell (the 2x2 taps from padded pixel (c, r)) whose four distances are all <= -0.5 gives
  // dist <= -0.5, crisp alpha 0, for every texel in it: such texels are skipped unread (most of a
  // layer's rect is transparent). Same arithmetic as the plain per-texel loop, so the same bits.
  // 0 = skip, 1 = interpolate, 2 = uniform (the four taps equal: see below).
  const live = new Uint8Array(PW * PH);
  const uniform = new Int32Array(PW * PH);
  const rowLive = new Uint8Array(PH);
  // With S a power of two every bilinear weight is a multiple of 1/S^2 and they sum to exactly 1,
  // so four equal taps interpolate to exactly their value: the cell's texel is computed once.
  const exactWeights = (S & (S - 1)) === 0;
  for (let r = 0; r < PH; r++) {
    const rr = Math.min(PH - 1, r + 1) * PW;
    for (let c = 0; c < PW; c++) {
      const cc = Math.min(PW - 1, c + 1);
      const a = r * PW + c;
      const b = r * PW + cc;
      const d = rr + c;
      const e = rr + cc;
      if (sd[a]! > -0.5 || sd[b]! > -0.5 || sd[d]! > -0.5 || sd[e]! > -0.5) {
        live[a] = 1;
        rowLive[r] = 1;
        if (!exactWeights || sd[a] !== sd[b] || sd[a] !== sd[d] || sd[a] !== sd[e]) continue;
        let same = true;
        for (let ch = 0; ch < 4 && same; ch++) {
          const v = pm[a * 4 + ch];
          same = v === pm[b * 4 + ch] && v === pm[d * 4 + ch] && v === pm[e * 4 + ch];
        }
        if (!same) continue;
        live[a] = 2;
        const alpha = Math.round(Math.min(1, Math.max(0, 0.5 + sd[a]!)) * 255);
        const ai = pm[a * 4 + 3]!;
        if (alpha === 0 || ai < 1e-6) continue;
        uniform[a] =
          (alpha << 24) |
          Math.min(255, Math.max(0, Math.round(pm[a * 4]! / ai))) |
          (Math.min(255, Math.max(0, Math.round(pm[a * 4 + 1]! / ai))) << 8) |
          (Math.min(255, Math.max(0, Math.round(pm[a * 4 + 2]! / ai))) << 16);
      }
    }
  }
  for (let jy = 0; jy < p.texelsY; jy++) {
    const ry = ty.i0[jy]!;
    if (!rowLive[ry]) continue;
    const r0 = ry * PW;
    const r1 = Math.min(PH - 1, ry + 1) * PW;
    const fy = ty.f[jy]!;
    const out = (p.atlasY + jy) * atlasW + p.atlasX;
    for (let jx = 0; jx < p.texelsX; jx++) {
      const c0 = tx.i0[jx]!;
      const kind = live[r0 + c0]!;
      if (kind === 0) continue;
      if (kind === 2) {
        const u = uniform[r0 + c0]!;
        if (u !== 0) texels[out + jx] = u;
        continue;
      }
      const c1 = Math.min(PW - 1, c0 + 1);
      const fx = tx.f[jx]!;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const i00 = r0 + c0;
      const i10 = r0 + c1;
      const i01 = r1 + c0;
      const i11 = r1 + c1;
      const dist = w00 * sd[i00]! + w10 * sd[i10]! + w01 * sd[i01]! + w11 * sd[i11]!;
      const crisp = Math.min(1, Math.max(0, 0.5 + dist));
      const alpha = Math.round(crisp * 255);
      if (alpha === 0) continue;
      const q00 = i00 * 4;
      const q10 = i10 * 4;
      const q01 = i01 * 4;
      const q11 = i11 * 4;
      const ai = w00 * pm[q00 + 3]! + w10 * pm[q10 + 3]! + w01 * pm[q01 + 3]! + w11 * pm[q11 + 3]!;
      if (ai < 1e-6) continue;
      const r = w00 * pm[q00]! + w10 * pm[q10]! + w01 * pm[q01]! + w11 * pm[q11]!;
      const g = w00 * pm[q00 + 1]! + w10 * pm[q10 + 1]! + w01 * pm[q01 + 1]! + w11 * pm[q11 + 1]!;
      const b = w00 * pm[q00 + 2]! + w10 * pm[q10 + 2]! + w01 * pm[q01 + 2]! + w11 * pm[q11 + 2]!;
      texels[out + jx] =
        (alpha << 24) |
        Math.min(255, Math.max(0, Math.round(r / ai))) |
        (Math.min(255, Math.max(0, Math.round(g / ai))) << 8) |
        (Math.min(255, Math.max(0, Math.round(b / ai))) << 16);
    }
  }
}

/** Unpacks a texel into [r, g, b, a] bytes. */
export function unpackTexel(t: number): [number, number, number, number] {
  return [t & 255, (t >>> 8) & 255, (t >>> 16) & 255, (t >>> 24) & 255];
}
