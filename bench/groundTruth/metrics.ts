import type { RgbaImage } from '../../core/render/types.js';

/**
 * Image metrics for the ground-truth benchmark. Frames are compared composited over a mid-grey
 * background, inside a mask (the union of both frames' figures), so the empty canvas around the
 * figure neither inflates nor dilutes the score.
 *
 * SSIM is the standard one (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01,
 * K2 0.03, on luma) written out here rather than taken from npm: ssim.js, the usual package, is
 * archived (read-only since December 2023), downsamples images by default and returns its map at
 * the 'valid' (cropped) size, while the benchmark needs the full-size map to average it over the
 * figure's mask.
 */
export const BACKGROUND = 128;

/** Composited RGB over the grey background, as floats (3 per pixel). */
export function compositeRgb(image: RgbaImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const a = image.data[p * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = image.data[p * 4 + c]! * a + BACKGROUND * (1 - a);
  }
  return out;
}

/** Rec. 601 luma of a composited RGB buffer. */
export function luma(rgb: Float32Array): Float32Array {
  const n = rgb.length / 3;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++)
    out[p] = 0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!;
  return out;
}

/** Pixels where either image has any alpha (1) or neither (0). */
export function unionMask(...images: RgbaImage[]): Uint8Array {
  const n = images[0]!.width * images[0]!.height;
  const mask = new Uint8Array(n);
  for (const image of images) {
    if (image.width * image.height !== n) throw new RangeError('images differ in size');
    for (let p = 0; p < n; p++) if (image.data[p * 4 + 3]! > 0) mask[p] = 1;
  }
  return mask;
}

/** PSNR in dB of two composited RGB buffers over the masked pixels (peak 255). */
export function maskedPsnr(a: Float32Array, b: Float32Array, mask: Uint8Array): number {
  let sum = 0;
  let count = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    for (let c = 0; c < 3; c++) {
      const d = a[p * 3 + c]! - b[p * 3 + c]!;
      sum += d * d;
    }
    count += 3;
  }
  if (count === 0) return Number.NaN;
  const mse = sum / count;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

function gaussianKernel(sigma: number, radius: number): Float32Array {
  const k = new Float32Array(2 * radius + 1);
  let s = 0;
  for (let i = -radius; i <= radius; i++) {
    k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
    s += k[i + radius]!;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

/** Separable blur with edge clamping (full-size output). */
function blur(src: Float32Array, width: number, height: number, k: Float32Array): Float32Array {
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r]! * src[row + Math.min(width - 1, Math.max(0, x + i))]!;
      tmp[row + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++)
        s += k[i + r]! * tmp[Math.min(height - 1, Math.max(0, y + i)) * width + x]!;
      out[y * width + x] = s;
    }
  }
  return out;
}

/** The SSIM map of two single-channel images (values 0..255), full size. */
export function ssimMap(a: Float32Array, b: Float32Array, width: number, height: number): Float32Array {
  const k = gaussianKernel(1.5, 5);
  const n = width * height;
  const aa = new Float32Array(n);
  const bb = new Float32Array(n);
  const ab = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    aa[p] = a[p]! * a[p]!;
    bb[p] = b[p]! * b[p]!;
    ab[p] = a[p]! * b[p]!;
  }
  const ma = blur(a, width, height, k);
  const mb = blur(b, width, height, k);
  const saa = blur(aa, width, height, k);
  const sbb = blur(bb, width, height, k);
  const sab = blur(ab, width, height, k);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const mua = ma[p]!;
    const mub = mb[p]!;
    const va = saa[p]! - mua * mua;
    const vb = sbb[p]! - mub * mub;
    const cov = sab[p]! - mua * mub;
    out[p] = ((2 * mua * mub + c1) * (2 * cov + c2)) / ((mua * mua + mub * mub + c1) * (va + vb + c2));
  }
  return out;
}

/** Mean SSIM (on luma) of two composited RGB buffers over the masked pixels. */
export function maskedSsim(
  a: Float32Array,
  b: Float32Array,
  mask: Uint8Array,
  width: number,
  height: number,
): number {
  const map = ssimMap(luma(a), luma(b), width, height);
  let s = 0;
  let count = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    s += map[p]!;
    count++;
  }
  return count === 0 ? Number.NaN : s / count;
}

/** Intersection over union of the two silhouettes (alpha >= 128). */
export function silhouetteIou(a: RgbaImage, b: RgbaImage): number {
  let inter = 0;
  let union = 0;
  for (let p = 3; p < a.data.length; p += 4) {
    const ia = a.data[p]! >= 128;
    const ib = b.data[p]! >= 128;
    if (ia && ib) inter++;
    if (ia || ib) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * Temporal error of a sequence against the truth: per consecutive pair, the RMS (over the union
 * of the four frames' figures, composited RGB) of the difference between the engine's
 * frame-to-frame change and the truth's; the mean over pairs. A do-nothing engine (the same
 * picture every frame) scores the RMS of the truth's own motion.
 */
export function temporalError(engine: readonly RgbaImage[], truth: readonly RgbaImage[]): number {
  if (engine.length !== truth.length || engine.length < 2)
    throw new RangeError('need two or more frame pairs');
  const e = engine.map(compositeRgb);
  const t = truth.map(compositeRgb);
  let total = 0;
  for (let i = 1; i < engine.length; i++) {
    const mask = unionMask(engine[i]!, engine[i - 1]!, truth[i]!, truth[i - 1]!);
    let sum = 0;
    let count = 0;
    for (let p = 0; p < mask.length; p++) {
      if (!mask[p]) continue;
      for (let c = 0; c < 3; c++) {
        const q = p * 3 + c;
        const d = e[i]![q]! - e[i - 1]![q]! - (t[i]![q]! - t[i - 1]![q]!);
        sum += d * d;
      }
      count += 3;
    }
    total += Math.sqrt(sum / Math.max(1, count));
  }
  return total / (engine.length - 1);
}
