/**
 * The One Euro filter (Casiez, Roussel, Vogel, CHI 2012): a low-pass filter whose cutoff rises with
 * the signal's speed, so a still joint is smoothed hard (jitter gone) and a fast one barely lags.
 * Written out here (30 lines) rather than taken from the `1eurofilter` package: this one runs on
 * whole series at a fixed rate, in both the worker and the editor, with no state between calls.
 *
 * Units: positions are in whatever unit the caller gives (the video code uses fractions of the
 * person's height, so the parameters mean the same for a near and a far person); `rateHz` is the
 * sampling rate.
 */

export interface OneEuroParams {
  /** Cutoff at rest, Hz: lower removes more jitter from still joints (default 1). */
  readonly minCutoffHz: number;
  /** How fast the cutoff rises with speed (per unit/s): higher lags less on fast moves (default 8). */
  readonly beta: number;
  /** Cutoff of the speed estimate, Hz (default 1). */
  readonly derivativeCutoffHz: number;
}

export const DEFAULT_ONE_EURO: OneEuroParams = { minCutoffHz: 1, beta: 8, derivativeCutoffHz: 1 };

function alpha(cutoffHz: number, rateHz: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau * rateHz);
}

/** Filters one series sampled at `rateHz`; NaN samples pass through as NaN and restart the filter. */
export function oneEuroSeries(
  values: ArrayLike<number>,
  rateHz: number,
  params: OneEuroParams = DEFAULT_ONE_EURO,
): Float64Array {
  const out = new Float64Array(values.length);
  let prev = Number.NaN;
  let prevDx = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) {
      out[i] = Number.NaN;
      prev = Number.NaN;
      prevDx = 0;
      continue;
    }
    if (!Number.isFinite(prev)) {
      out[i] = prev = x;
      continue;
    }
    const dx = (x - prev) * rateHz;
    const aD = alpha(params.derivativeCutoffHz, rateHz);
    const edx = prevDx + aD * (dx - prevDx);
    const cutoff = params.minCutoffHz + params.beta * Math.abs(edx);
    const a = alpha(cutoff, rateHz);
    const y = prev + a * (x - prev);
    out[i] = y;
    prev = y;
    prevDx = edx;
  }
  return out;
}

/**
 * Fills runs of NaN no longer than `maxGap` samples by linear interpolation between the samples
 * either side; leading and trailing runs hold the nearest sample when it is within `maxGap`.
 * Longer gaps stay NaN (the joint is lost there).
 */
export function fillGaps(values: ArrayLike<number>, maxGap: number): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  const n = out.length;
  let i = 0;
  while (i < n) {
    if (Number.isFinite(out[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && !Number.isFinite(out[j]!)) j++;
    const len = j - i;
    const before = i > 0 ? out[i - 1]! : Number.NaN;
    const after = j < n ? out[j]! : Number.NaN;
    if (len <= maxGap) {
      for (let k = i; k < j; k++) {
        if (Number.isFinite(before) && Number.isFinite(after)) {
          out[k] = before + ((after - before) * (k - i + 1)) / (len + 1);
        } else if (Number.isFinite(before)) out[k] = before;
        else if (Number.isFinite(after)) out[k] = after;
      }
    }
    i = j;
  }
  return out;
}
