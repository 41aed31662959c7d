import type { Placement } from '../../core/document/schema.js';
import type { RgbaImage } from '../../core/render/types.js';

/**
 * Puts a character frame (the art's size, as the engine renders it) into the document's output
 * frame. Scene convention, as in the viewport: the output frame is centred on the scene origin,
 * x right and y up, in output pixels; the character's picture centre sits at placement.offset
 * (x, y; z only orders characters) and the picture is scaled by placement.scale.
 *
 * Resampling is bilinear on premultiplied colour (so transparent pixels do not bleed dark
 * fringes), clamped at the picture's border, written back as straight RGBA; pixels the picture
 * does not cover are transparent.
 * A scene of several characters is the placed frames stacked with compositeOver (scene.ts).
 */
export interface OutputSize {
  readonly width: number;
  readonly height: number;
}

/** True when the frame already is the output frame (same size, centred, scale 1). */
export function isIdentityPlacement(frame: OutputSize, out: OutputSize, placement: Placement): boolean {
  return (
    frame.width === out.width &&
    frame.height === out.height &&
    placement.scale === 1 &&
    placement.offset[0] === 0 &&
    placement.offset[1] === 0
  );
}

export function composeFrame(frame: RgbaImage, out: OutputSize, placement: Placement): RgbaImage {
  const W = out.width;
  const H = out.height;
  const data = new Uint8Array(W * H * 4);
  const s = placement.scale;
  // Output pixel position of the picture's top-left corner.
  const left = W / 2 + placement.offset[0] - (frame.width * s) / 2;
  const top = H / 2 - placement.offset[1] - (frame.height * s) / 2;
  const x0 = Math.max(0, Math.floor(left));
  const x1 = Math.min(W, Math.ceil(left + frame.width * s));
  const y0 = Math.max(0, Math.floor(top));
  const y1 = Math.min(H, Math.ceil(top + frame.height * s));
  const fw = frame.width;
  const fh = frame.height;
  const src = frame.data;
  const acc = [0, 0, 0, 0];
  for (let y = y0; y < y1; y++) {
    // Source pixel coordinates of the output pixel centre, relative to source pixel centres.
    const v = (y + 0.5 - top) / s - 0.5;
    const sy = Math.floor(v);
    const fy = v - sy;
    for (let x = x0; x < x1; x++) {
      const u = (x + 0.5 - left) / s - 0.5;
      const sx = Math.floor(u);
      const fx = u - sx;
      acc[0] = acc[1] = acc[2] = acc[3] = 0;
      for (let k = 0; k < 4; k++) {
        // Clamped to the picture: only output pixels inside its footprint are visited.
        const px = Math.min(fw - 1, Math.max(0, sx + (k & 1)));
        const py = Math.min(fh - 1, Math.max(0, sy + (k >> 1)));
        const w = ((k & 1) === 1 ? fx : 1 - fx) * (k >> 1 === 1 ? fy : 1 - fy);
        const i = (py * fw + px) * 4;
        const a = src[i + 3]! * w;
        acc[0]! += src[i]! * a;
        acc[1]! += src[i + 1]! * a;
        acc[2]! += src[i + 2]! * a;
        acc[3]! += a;
      }
      const alpha = acc[3]!;
      if (alpha <= 0) continue;
      const o = (y * W + x) * 4;
      data[o] = Math.round(acc[0]! / alpha);
      data[o + 1] = Math.round(acc[1]! / alpha);
      data[o + 2] = Math.round(acc[2]! / alpha);
      data[o + 3] = Math.round(alpha);
    }
  }
  return { width: W, height: H, data };
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
