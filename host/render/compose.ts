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
 * One character per frame: several characters would composite here in offset z order.
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
