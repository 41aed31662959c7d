import type { RgbaImage } from '../../core/render/types.js';

/** The size of an output frame. */
export interface OutputSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Stacks same-size straight-alpha frames, back to front, with the Porter-Duff 'over' operator.
 * Straight colour has to be premultiplied to blend: per pixel, for each layer (colour c, alpha a
 * in 0..1) over what is below (premultiplied P, alpha A): P = c a + P (1 - a), A = a + A (1 - a);
 * the result is written back straight (P / A). Accumulated in floating point across all layers so
 * that stacking more characters does not add a rounding step per layer.
 */
export function compositeOver(layers: readonly RgbaImage[], out: OutputSize): RgbaImage {
  const W = out.width;
  const H = out.height;
  for (const layer of layers) {
    if (layer.width !== W || layer.height !== H) {
      throw new RangeError(`a ${layer.width}x${layer.height} layer in a ${W}x${H} scene frame`);
    }
  }
  const data = new Uint8Array(W * H * 4);
  const sources = layers.map((l) => l.data);
  for (let o = 0; o < data.length; o += 4) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (const src of sources) {
      const alpha8 = src[o + 3]!;
      if (alpha8 === 0) continue;
      const la = alpha8 / 255;
      const keep = 1 - la;
      r = src[o]! * la + r * keep;
      g = src[o + 1]! * la + g * keep;
      b = src[o + 2]! * la + b * keep;
      a = la + a * keep;
    }
    if (a <= 0) continue;
    data[o] = Math.round(r / a);
    data[o + 1] = Math.round(g / a);
    data[o + 2] = Math.round(b / a);
    data[o + 3] = Math.round(a * 255);
  }
  return { width: W, height: H, data };
}
