import { describe, expect, it } from 'vitest';
import {
  BACKGROUND,
  compositeRgb,
  maskedPsnr,
  maskedSsim,
  silhouetteIou,
  ssimMap,
  temporalError,
  unionMask,
} from '../../bench/groundTruth/metrics.js';
import type { RgbaImage } from '../../core/render/types.js';

/** The ground-truth benchmark's metrics against values worked out by hand. */
const W = 32;
const H = 24;

function image(fill: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set(fill(x, y), (y * W + x) * 4);
  return { width: W, height: H, data };
}

/** A deterministic pseudo-random texture (values 0..255). */
function noise(seed: number): (x: number, y: number) => number {
  return (x, y) => {
    const s = Math.sin((x + 1) * 12.9898 + (y + 1) * 78.233 + seed * 37.719) * 43758.5453;
    return Math.floor((s - Math.floor(s)) * 256);
  };
}

describe('ground-truth metrics', () => {
  const tex = noise(1);
  const a = image((x, y) => [Math.floor(tex(x, y) * 0.9), 255 - tex(x, y), 100, 255]);

  it('SSIM is 1 for equal images and the luminance formula for flat ones', () => {
    const ca = compositeRgb(a);
    const mask = unionMask(a);
    expect(maskedSsim(ca, ca, mask, W, H)).toBeCloseTo(1, 6);
    // Flat images: no variance, so SSIM = (2 mu1 mu2 + C1) / (mu1^2 + mu2^2 + C1).
    const flat = (v: number) => new Float32Array(W * H).fill(v);
    const c1 = (0.01 * 255) ** 2;
    const map = ssimMap(flat(100), flat(140), W, H);
    expect(map[5 * W + 7]!).toBeCloseTo((2 * 100 * 140 + c1) / (100 * 100 + 140 * 140 + c1), 5);
  });

  it('SSIM falls as noise grows and is symmetric', () => {
    const n = noise(2);
    const noisy = (k: number) =>
      image((x, y) => [Math.floor(tex(x, y) * 0.9) + k * (n(x, y) / 255 - 0.5), 255 - tex(x, y), 100, 255]);
    const ca = compositeRgb(a);
    const mask = unionMask(a);
    const s1 = maskedSsim(ca, compositeRgb(noisy(40)), mask, W, H);
    const s2 = maskedSsim(ca, compositeRgb(noisy(160)), mask, W, H);
    expect(s1).toBeLessThan(0.999);
    expect(s2).toBeLessThan(s1);
    expect(maskedSsim(compositeRgb(noisy(160)), ca, mask, W, H)).toBeCloseTo(s2, 6);
  });

  it('PSNR is the masked mean square error in dB, composited over grey', () => {
    const b = image((x, y) => [a.data[(y * W + x) * 4]! + (x < 16 ? 10 : 0), 255 - tex(x, y), 100, 255]);
    // Half the pixels differ by 10 in one channel of three: MSE = 100 / 6.
    const mask = unionMask(a, b);
    expect(maskedPsnr(compositeRgb(a), compositeRgb(b), mask)).toBeCloseTo(
      10 * Math.log10((255 * 255 * 6) / 100),
      1,
    );
    // A transparent pixel composites to the background.
    const clear = image(() => [0, 0, 0, 0]);
    expect(compositeRgb(clear)[0]).toBe(BACKGROUND);
  });

  it('IoU counts the silhouettes at alpha 128 and the temporal error compares changes', () => {
    const left = image((x) => [0, 0, 0, x < 16 ? 255 : 0]);
    const mid = image((x) => [0, 0, 0, x >= 8 && x < 24 ? 255 : 0]);
    expect(silhouetteIou(left, mid)).toBeCloseTo(8 / 24, 6);
    const frames = [left, mid, left];
    expect(temporalError(frames, frames)).toBe(0);
    // A still engine misses all of the truth's motion; one that moves as the truth does, none.
    expect(temporalError([left, left, left], frames)).toBeGreaterThan(10);
  });
});
