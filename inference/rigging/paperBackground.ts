import type { RgbaImage } from '../../core/render/types.js';
import { floodFromBorder } from './maskMorphology.js';

/**
 * The paper behind a drawing (mask.ts, maskFromBackground): a smooth colour model of the
 * background (a quadratic in x and y per channel, fitted to the picture's border with trimming,
 * so uneven light and a shadow across a phone photo of a page stay "paper"), and the flood fill
 * from the border through pixels close to it. Pure functions over typed arrays.
 */

export interface BackgroundModel {
  /** Per channel, coefficients of 1, u, v, u^2, uv, v^2 with u, v in [-1, 1]. */
  readonly coeffs: Float64Array;
  /** Typical colour distance of background pixels from the model (RGB units). */
  readonly noiseRgb: number;
  readonly width: number;
  readonly height: number;
}

/** Pixels of the border ring, thinned to about 8000 samples (plenty for 18 coefficients). */
export function borderPixels(width: number, height: number, ring: number): Int32Array {
  const total = 2 * ring * (width + height);
  const stride = Math.max(1, Math.floor(total / 8000));
  const out: number[] = [];
  let i = 0;
  for (let y = 0; y < height; y++) {
    const edgeRow = y < ring || y >= height - ring;
    for (let x = 0; x < width; x++) {
      if (edgeRow || x < ring || x >= width - ring) {
        if (i++ % stride === 0) out.push(y * width + x);
      } else {
        x = width - ring - 1;
      }
    }
  }
  return Int32Array.from(out);
}

function basis(x: number, y: number, width: number, height: number, out: Float64Array): void {
  const u = (2 * x) / Math.max(1, width - 1) - 1;
  const v = (2 * y) / Math.max(1, height - 1) - 1;
  out[0] = 1;
  out[1] = u;
  out[2] = v;
  out[3] = u * u;
  out[4] = u * v;
  out[5] = v * v;
}

function modelColour(model: BackgroundModel, x: number, y: number, b: Float64Array, out: Float64Array): void {
  basis(x, y, model.width, model.height, b);
  for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let k = 0; k < 6; k++) s += model.coeffs[c * 6 + k]! * b[k]!;
    out[c] = s;
  }
}

/** The model's colour at every pixel (RGB, row-major): per row the quadratic is one in u only. */
function modelImage(model: BackgroundModel): Float32Array {
  const { width, height, coeffs } = model;
  const out = new Float32Array(width * height * 3);
  const du = 2 / Math.max(1, width - 1);
  for (let y = 0; y < height; y++) {
    const v = (2 * y) / Math.max(1, height - 1) - 1;
    for (let c = 0; c < 3; c++) {
      const k = c * 6;
      const c0 = coeffs[k]! + coeffs[k + 2]! * v + coeffs[k + 5]! * v * v;
      const c1 = coeffs[k + 1]! + coeffs[k + 4]! * v;
      const c2 = coeffs[k + 3]!;
      let i = y * width * 3 + c;
      for (let x = 0; x < width; x++, i += 3) {
        const u = x * du - 1;
        out[i] = c0 + (c1 + c2 * u) * u;
      }
    }
  }
  return out;
}

/** Least squares with two rounds of trimming (samples far from the fit are figure, not paper). */
export function fitBackgroundModel(image: RgbaImage, samples: Int32Array): BackgroundModel {
  const { width, height, data } = image;
  let use = new Uint8Array(samples.length).fill(1);
  let coeffs = new Float64Array(18);
  let noiseRgb = 0;
  const b = new Float64Array(6);
  const colour = new Float64Array(3);
  for (let round = 0; round < 3; round++) {
    const ata = new Float64Array(36);
    const atb = new Float64Array(18);
    for (let i = 0; i < samples.length; i++) {
      if (!use[i]) continue;
      const p = samples[i]!;
      basis(p % width, Math.floor(p / width), width, height, b);
      for (let r = 0; r < 6; r++) {
        for (let c = 0; c < 6; c++) ata[r * 6 + c]! += b[r]! * b[c]!;
        for (let ch = 0; ch < 3; ch++) atb[ch * 6 + r]! += b[r]! * data[p * 4 + ch]!;
      }
    }
    // A little ridge keeps the solve stable when the samples are few or collinear.
    for (let r = 0; r < 6; r++) ata[r * 7]! += 1e-3;
    coeffs = new Float64Array(18);
    for (let ch = 0; ch < 3; ch++) {
      const solution = solve6(ata, atb.subarray(ch * 6, ch * 6 + 6));
      coeffs.set(solution, ch * 6);
    }
    const model = { coeffs, noiseRgb: 0, width, height };
    const distances = new Float64Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const p = samples[i]!;
      modelColour(model, p % width, Math.floor(p / width), b, colour);
      const dr = data[p * 4]! - colour[0]!;
      const dg = data[p * 4 + 1]! - colour[1]!;
      const db = data[p * 4 + 2]! - colour[2]!;
      distances[i] = Math.sqrt(dr * dr + dg * dg + db * db);
    }
    const sorted = Float64Array.from(distances).sort();
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    // For Gaussian noise of sigma per channel, the RGB distance has median ~1.54 sigma.
    noiseRgb = median;
    const cut = Math.max(12, 3 * median);
    use = new Uint8Array(samples.length);
    for (let i = 0; i < samples.length; i++) use[i] = distances[i]! <= cut ? 1 : 0;
  }
  return { coeffs, noiseRgb, width, height };
}

function solve6(ata: Float64Array, rhs: Float64Array): Float64Array {
  const n = 6;
  const m = new Float64Array(n * (n + 1));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) m[r * 7 + c] = ata[r * 6 + c]!;
    m[r * 7 + 6] = rhs[r]!;
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r * 7 + col]!) > Math.abs(m[pivot * 7 + col]!)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < 7; c++) {
        const t = m[col * 7 + c]!;
        m[col * 7 + c] = m[pivot * 7 + c]!;
        m[pivot * 7 + c] = t;
      }
    }
    const d = m[col * 7 + col]!;
    if (Math.abs(d) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r * 7 + col]! / d;
      if (f === 0) continue;
      for (let c = col; c < 7; c++) m[r * 7 + c]! -= f * m[col * 7 + c]!;
    }
  }
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const d = m[r * 7 + r]!;
    out[r] = Math.abs(d) < 1e-12 ? 0 : m[r * 7 + 6]! / d;
  }
  return out;
}

/** 4-connected flood fill from the border through pixels close to the background model. */
export function floodBackground(image: RgbaImage, model: BackgroundModel, toleranceRgb?: number): Uint8Array {
  const { width, height, data } = image;
  // Noise-adaptive tolerance: well above the paper's own scatter, but not so high that pale
  // figure colours (skin on white paper) drown.
  const tolerance = toleranceRgb ?? Math.min(90, Math.max(24, 4 * model.noiseRgb + 16));
  const tol2 = tolerance * tolerance;
  const expected = modelImage(model);
  return floodFromBorder(width, height, (p) => {
    const dr = data[p * 4]! - expected[p * 3]!;
    const dg = data[p * 4 + 1]! - expected[p * 3 + 1]!;
    const db = data[p * 4 + 2]! - expected[p * 3 + 2]!;
    return dr * dr + dg * dg + db * db <= tol2;
  });
}
