import type { BoneProjection } from './project.js';
import { invertAffine2 } from './project.js';
import type { RgbaImage, SkinWeights } from './types.js';

/**
 * The reference frame warp, in plain TypeScript: the specification the ONNX engine is tested
 * against. Slow (single-threaded, every pixel, every bone), exact.
 *
 * Maths. Pixel centres sit at integer + 0.5 in imagePx, both in the art and in the frame. Bone k
 * maps a rest point p to A_k p (a 2x3 affine) with depth z_k(p) = D_k . (p, 1). Skinning blends
 * them with the weights w_k(p), sampled bilinearly (zero outside the picture):
 *   F(p) = sum_k w_k(p) [A_k, D_k],  S(p) = sum_k w_k(p),  M(p) = F(p) / S(p).
 * F is linear in the weights, so sampling F from per-pixel pre-blended values is exactly the same
 * as blending bilinearly-sampled weights: 10 channels instead of K.
 *
 * For an output pixel q, each bone k gives a candidate: start at p = A_k^-1 q, then ITERATIONS
 * fixed-point steps p <- L(p)^-1 (q - t(p)) with M(p) = [L | t]. A candidate is kept if S(p) > 0
 * where it ends, it lies inside the picture and |M(p) p - q| < TOLERANCE_PX. Its depth key is
 * z(p) + k * TIE_BREAK (parts at equal depth: later joints in front, deterministically).
 * The front-most candidate is composited (premultiplied "over") on top of the next one that ends
 * at a different rest point (> DUPLICATE_PX away; several bones converge to the same point in
 * blended regions): this is what keeps an arm's anti-aliased silhouette over the torso.
 * Colour is a bilinear premultiplied fetch of the art at p; the result is straight RGBA.
 */
export const WARP_ITERATIONS = 4;
export const WARP_TOLERANCE_PX = 0.2;
export const WARP_TIE_BREAK = 1 / 1024;
export const WARP_DUPLICATE_PX = 0.5;
/** Below this total weight a point is outside the character (also avoids dividing by ~0). */
export const WARP_MIN_WEIGHT = 1e-4;
export const FIELD_CHANNELS = 10;
/**
 * Coverage below half an 8-bit step is written as fully transparent black: its colour would be
 * float noise of the neighbours' (straight colour of a 0.00001-alpha pixel is meaningless).
 */
export const WARP_MIN_ALPHA = 0.5 / 255;

/** Bones in weight-map order; joints without a projection stay at rest. */
export function bonesInWeightOrder(weights: SkinWeights, bones: readonly BoneProjection[]): BoneProjection[] {
  const byId = new Map(bones.map((b) => [b.jointId as string, b]));
  return weights.jointIds.map(
    (id) => byId.get(id) ?? { jointId: id, affine: [1, 0, 0, 1, 0, 0], depth: [0, 0, 0] },
  );
}

/** Per bone the 10 field values [a, b, c, d, tx, ty, du, dv, d0, 1] (1 accumulates S). */
export function boneFieldRows(bones: readonly BoneProjection[]): Float64Array {
  const rows = new Float64Array(bones.length * FIELD_CHANNELS);
  bones.forEach((b, k) => {
    rows.set([...b.affine, ...b.depth, 1], k * FIELD_CHANNELS);
  });
  return rows;
}

/** Pre-blended field per rest pixel: H x W x 10. */
export function blendField(weights: SkinWeights, rows: Float64Array): Float64Array {
  const { width, height, data } = weights;
  const n = width * height;
  const k = weights.jointIds.length;
  const field = new Float64Array(n * FIELD_CHANNELS);
  for (let j = 0; j < k; j++) {
    const r = rows.subarray(j * FIELD_CHANNELS, (j + 1) * FIELD_CHANNELS);
    const base = j * n;
    for (let i = 0; i < n; i++) {
      const w = data[base + i]!;
      if (w === 0) continue;
      const o = i * FIELD_CHANNELS;
      for (let c = 0; c < FIELD_CHANNELS; c++) field[o + c]! += w * r[c]!;
    }
  }
  return field;
}

/**
 * Bilinear sample of an H x W x C buffer at imagePx (u, v) (pixel centres at +0.5), zero outside
 * the picture (GridSample's padding_mode=zeros, align_corners=0).
 */
export function sampleBilinear(
  src: Float64Array | Float32Array,
  width: number,
  height: number,
  channels: number,
  u: number,
  v: number,
  out: Float64Array,
): void {
  out.fill(0);
  const x = u - 0.5;
  const y = v - 0.5;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  for (let dy = 0; dy < 2; dy++) {
    const yy = y0 + dy;
    if (yy < 0 || yy >= height) continue;
    const wy = dy === 0 ? 1 - fy : fy;
    for (let dx = 0; dx < 2; dx++) {
      const xx = x0 + dx;
      if (xx < 0 || xx >= width) continue;
      const w = wy * (dx === 0 ? 1 - fx : fx);
      if (w === 0) continue;
      const o = (yy * width + xx) * channels;
      for (let c = 0; c < channels; c++) out[c]! += w * src[o + c]!;
    }
  }
}

/**
 * Candidate filter: bone k only starts a candidate at p if k has weight > 0 somewhere in the 3x3
 * pixels around the pixel containing p (the support dilated by one pixel, so any start whose
 * bilinear footprint touches the bone passes). Starts elsewhere only repeat another bone's
 * trajectory, so dropping them is what makes the solve cheap. Table layout: padded pixel
 * ((H + 2) x (W + 2), pixel (x, y) at (y + 1) * (W + 2) + x + 1) times K, bone fastest.
 */
export function dilatedSupport(weights: SkinWeights): Uint8Array {
  const { width, height, data } = weights;
  const k = weights.jointIds.length;
  const pw = width + 2;
  const ph = height + 2;
  const n = width * height;
  const out = new Uint8Array(pw * ph * k);
  for (let j = 0; j < k; j++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (data[j * n + y * width + x]! <= 0) continue;
        // Pixel (x, y) is padded (x + 1, y + 1); mark its 3x3 neighbourhood.
        for (let yy = y; yy <= y + 2; yy++) {
          for (let xx = x; xx <= x + 2; xx++) out[(yy * pw + xx) * k + j] = 1;
        }
      }
    }
  }
  return out;
}

/** Index into dilatedSupport's table of the padded pixel containing imagePx (u, v), clamped. */
export function supportPixel(width: number, height: number, u: number, v: number): number {
  const x = Math.min(width + 1, Math.max(0, Math.floor(u + 1)));
  const y = Math.min(height + 1, Math.max(0, Math.floor(v + 1)));
  return y * (width + 2) + x;
}

/** Premultiplied float art, H x W x 4 in [0, 1]. */
export function premultiply(art: RgbaImage): Float32Array {
  const n = art.width * art.height;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = art.data[i * 4 + 3]! / 255;
    out[i * 4] = (art.data[i * 4]! / 255) * a;
    out[i * 4 + 1] = (art.data[i * 4 + 1]! / 255) * a;
    out[i * 4 + 2] = (art.data[i * 4 + 2]! / 255) * a;
    out[i * 4 + 3] = a;
  }
  return out;
}

export interface WarpResult {
  /** Straight RGBA in [0, 1], H x W x 4: the unquantised frame, for comparisons. */
  readonly rgba: Float32Array;
  readonly image: RgbaImage;
  /** Per pixel the rest imagePx (u, v) of the front layer, NaN where nothing is drawn. */
  readonly frontMap: Float32Array;
}

interface Candidate {
  u: number;
  v: number;
  key: number;
}

/** Straight float RGBA -> RGBA8 (round to nearest). */
export function quantize(width: number, height: number, rgba: Float32Array): RgbaImage {
  const data = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, rgba[i]!)) * 255);
  return { width, height, data };
}

export function renderReference(
  art: RgbaImage,
  weights: SkinWeights,
  bones: readonly BoneProjection[],
): WarpResult {
  const { width, height } = art;
  if (weights.width !== width || weights.height !== height) {
    throw new Error(`weights are ${weights.width}x${weights.height}, art is ${width}x${height}`);
  }
  const ordered = bonesInWeightOrder(weights, bones);
  const field = blendField(weights, boneFieldRows(ordered));
  const inverses = ordered.map((b) => invertAffine2(b.affine));
  const support = dilatedSupport(weights);
  const nb = ordered.length;
  const pm = premultiply(art);
  const f = new Float64Array(FIELD_CHANNELS);
  const col = new Float64Array(4);
  const col2 = new Float64Array(4);
  const rgba = new Float32Array(width * height * 4);
  const frontMap = new Float32Array(width * height * 2).fill(Number.NaN);
  const found: Candidate[] = [];

  // Returns the blended map at p in `f` and S(p); false when p is outside the character.
  const fieldAt = (u: number, v: number): boolean => {
    sampleBilinear(field, width, height, FIELD_CHANNELS, u, v, f);
    return f[9]! >= WARP_MIN_WEIGHT;
  };

  for (let py = 0; py < height; py++) {
    const qv = py + 0.5;
    for (let px = 0; px < width; px++) {
      const qu = px + 0.5;
      found.length = 0;
      for (let k = 0; k < ordered.length; k++) {
        const inv = inverses[k];
        if (!inv) continue;
        let u = inv[0] * qu + inv[2] * qv + inv[4];
        let v = inv[1] * qu + inv[3] * qv + inv[5];
        if (support[supportPixel(width, height, u, v) * nb + k] === 0) continue;
        let ok = true;
        for (let it = 0; it < WARP_ITERATIONS && ok; it++) {
          if (!fieldAt(u, v)) {
            ok = false;
            break;
          }
          const s = f[9]!;
          const a = f[0]! / s;
          const b = f[1]! / s;
          const c = f[2]! / s;
          const d = f[3]! / s;
          const ru = qu - f[4]! / s;
          const rv = qv - f[5]! / s;
          const det = a * d - b * c;
          if (Math.abs(det) < 1e-6) {
            ok = false;
            break;
          }
          u = (d * ru - c * rv) / det;
          v = (a * rv - b * ru) / det;
        }
        if (!ok || !(u >= 0 && u <= width && v >= 0 && v <= height)) continue;
        if (!fieldAt(u, v)) continue;
        const s = f[9]!;
        const eu = (f[0]! * u + f[2]! * v + f[4]!) / s - qu;
        const ev = (f[1]! * u + f[3]! * v + f[5]!) / s - qv;
        if (eu * eu + ev * ev >= WARP_TOLERANCE_PX * WARP_TOLERANCE_PX) continue;
        const z = (f[6]! * u + f[7]! * v + f[8]!) / s;
        found.push({ u, v, key: z + k * WARP_TIE_BREAK });
      }
      const o = (py * width + px) * 4;
      if (found.length === 0) continue;
      let front = found[0]!;
      for (const cand of found) if (cand.key > front.key) front = cand;
      let second: Candidate | null = null;
      for (const cand of found) {
        const du = cand.u - front.u;
        const dv = cand.v - front.v;
        if (du * du + dv * dv <= WARP_DUPLICATE_PX * WARP_DUPLICATE_PX) continue;
        if (!second || cand.key > second.key) second = cand;
      }
      frontMap[(py * width + px) * 2] = front.u;
      frontMap[(py * width + px) * 2 + 1] = front.v;
      sampleBilinear(pm, width, height, 4, front.u, front.v, col);
      if (second) {
        sampleBilinear(pm, width, height, 4, second.u, second.v, col2);
        const t = 1 - col[3]!;
        for (let c = 0; c < 4; c++) col[c]! += col2[c]! * t;
      }
      const alpha = col[3]!;
      if (alpha < WARP_MIN_ALPHA) continue;
      rgba[o] = col[0]! / alpha;
      rgba[o + 1] = col[1]! / alpha;
      rgba[o + 2] = col[2]! / alpha;
      rgba[o + 3] = alpha;
    }
  }
  return { rgba, image: quantize(width, height, rgba), frontMap };
}
