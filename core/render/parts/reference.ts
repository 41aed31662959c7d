import type { RgbaImage } from '../types.js';
import type { Atlas } from './atlas.js';
import { type Hit, hitFlatPart, hitSphere, hitTiltedPart, type ProfileTable } from './hit.js';
import type { PosedFrame } from './posed.js';

/**
 * The reference frame renderer: per output pixel, every posed part and joint sphere whose box
 * holds it is hit-tested (hit.ts), its atlas texel fetched (nearest; transparent = no hit), and
 * the front-most hit by depth key composited over a second hit behind it (straight alpha): the
 * front-most opaque one where there is one, else the front-most. Only two layers are blended per
 * pixel, so the second must be the one that covers: at a seam the front part's anti-aliased edge
 * lies over the next part's edge and over the joint sphere's, and taking the nearer of two faint
 * edges instead of the opaque layer under them opened pinholes along every seam. Plain
 * TypeScript over every pixel: the specification the ONNX engine is tested against, slow.
 *
 * Pixel centres are at integer + 0.5 in output pixels.
 */
export function renderReference(
  frame: PosedFrame,
  atlas: Atlas,
  profiles: readonly ProfileTable[],
): RgbaImage {
  const { width, height } = frame;
  const out = new Uint8Array(width * height * 4);
  const fetch = (h: Hit | null): number => {
    if (!h) return 0;
    return atlas.texels[Math.trunc(h.texelV) * atlas.width + Math.trunc(h.texelU)]!;
  };
  for (let yi = 0; yi < height; yi++) {
    const y = yi + 0.5;
    for (let xi = 0; xi < width; xi++) {
      const x = xi + 0.5;
      // Front: the largest key. Second: the largest key behind it among opaque hits, or among
      // all hits behind it where none is opaque.
      let k1 = Number.NEGATIVE_INFINITY;
      let c1 = 0;
      let k2 = Number.NEGATIVE_INFINITY;
      let c2 = 0;
      let k2o = Number.NEGATIVE_INFINITY;
      let c2o = 0;
      const behind = (key: number, c: number) => {
        if (key > k2) {
          k2 = key;
          c2 = c;
        }
        if (c >>> 24 === 255 && key > k2o) {
          k2o = key;
          c2o = c;
        }
      };
      const consider = (h: Hit | null) => {
        const c = fetch(h);
        if (c === 0 || !h) return;
        if (h.key > k1) {
          if (c1 !== 0) behind(k1, c1);
          k1 = h.key;
          c1 = c;
        } else behind(h.key, c);
      };
      for (const part of frame.parts) {
        const [bx0, by0, bx1, by1] = part.bounds;
        if (xi < bx0 || xi >= bx1 || yi < by0 || yi >= by1) continue;
        consider(part.flat ? hitFlatPart(part, x, y) : hitTiltedPart(part, profiles[part.index]!, x, y));
      }
      for (const s of frame.spheres) {
        const [bx0, by0, bx1, by1] = s.bounds;
        if (xi < bx0 || xi >= bx1 || yi < by0 || yi >= by1) continue;
        consider(hitSphere(s, x, y));
      }
      if (c1 === 0) continue;
      const o = (yi * width + xi) * 4;
      writePixel(out, o, c1, c2o !== 0 ? c2o : c2);
    }
  }
  return { width, height, data: out };
}

/** Front texel over second texel (both straight RGBA8 packed; second may be 0), into out[o..o+4). */
export function writePixel(out: Uint8Array, o: number, front: number, second: number): void {
  const af = (front >>> 24) & 255;
  if (af === 255 || second === 0) {
    out[o] = front & 255;
    out[o + 1] = (front >>> 8) & 255;
    out[o + 2] = (front >>> 16) & 255;
    out[o + 3] = af;
    return;
  }
  const [r, g, b, a] = blendTexels(front, second);
  out[o] = r;
  out[o + 1] = g;
  out[o + 2] = b;
  out[o + 3] = a;
}

/**
 * "Over" of two straight texels, as the engine computes it (float32 there): alpha
 * a = af + as (1 - af), colour (cf af + cs as (1 - af)) / a, each rounded to the nearest byte.
 */
export function blendTexels(front: number, second: number): [number, number, number, number] {
  const af = ((front >>> 24) & 255) / 255;
  const as = ((second >>> 24) & 255) / 255;
  const ws = as * (1 - af);
  const a = af + ws;
  const ch = (shift: number) =>
    Math.round((((front >>> shift) & 255) * af + ((second >>> shift) & 255) * ws) / a);
  return [ch(0), ch(8), ch(16), Math.round(a * 255)];
}
