import type { PartAxis } from './axes.js';
import type { PartRegion } from './regions.js';

/**
 * A part's cross-sections: per pixel of t along its axis, the lateral centre and half-width of
 * its full region (own + hidden), one pixel wider than the outermost pixel centres so the
 * anti-aliased fringe stays inside the 2.5D shape, smoothed over three rows (pixel staircases of
 * a diagonal limb would otherwise ripple its tilted silhouette).
 */
export interface Profile {
  readonly tMin: number;
  readonly centre: Float32Array;
  readonly radius: Float32Array;
}

export function partProfile(region: PartRegion, axis: PartAxis, width: number): Profile {
  const ts: number[] = [];
  const ls: number[] = [];
  const add = (i: number) => {
    const du = (i % width) + 0.5 - axis.originU;
    const dv = Math.floor(i / width) + 0.5 - axis.originV;
    ts.push(du * axis.axisU + dv * axis.axisV);
    ls.push(-du * axis.axisV + dv * axis.axisU);
  };
  region.own.forEach(add);
  region.hidden.forEach(add);
  if (ts.length === 0) return { tMin: 0, centre: new Float32Array(1), radius: new Float32Array(1) };
  let tLo = Number.POSITIVE_INFINITY;
  let tHi = Number.NEGATIVE_INFINITY;
  for (const t of ts) {
    tLo = Math.min(tLo, t);
    tHi = Math.max(tHi, t);
  }
  const tMin = Math.round(tLo);
  const n = Math.round(tHi) - tMin + 1;
  const lo = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  for (let k = 0; k < ts.length; k++) {
    const r = Math.min(n - 1, Math.max(0, Math.floor(ts[k]! - tMin + 0.5)));
    lo[r] = Math.min(lo[r]!, ls[k]!);
    hi[r] = Math.max(hi[r]!, ls[k]!);
  }
  const rawCentre = new Float64Array(n);
  const rawRadius = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    if (!Number.isFinite(lo[r]!)) continue;
    rawCentre[r] = (lo[r]! + hi[r]!) / 2;
    rawRadius[r] = (hi[r]! - lo[r]!) / 2 + 1;
  }
  const centre = new Float32Array(n);
  const radius = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    if (rawRadius[r] === 0) continue;
    let c = 0;
    let s = 0;
    let m = 0;
    for (let k = Math.max(0, r - 1); k <= Math.min(n - 1, r + 1); k++) {
      if (rawRadius[k] === 0) continue;
      c += rawCentre[k]!;
      s += rawRadius[k]!;
      m++;
    }
    const cr = c / m;
    centre[r] = cr;
    // Never narrower than the row itself: its pixels must stay inside the shape.
    radius[r] = Math.max(s / m, Math.max(cr - lo[r]!, hi[r]! - cr) + 1);
  }
  return { tMin, centre, radius };
}

/** Largest half-width among rows whose t lies in [t0, t1]. */
export function radiusNear(p: Profile, t0: number, t1: number): number {
  let best = 0;
  for (let r = 0; r < p.radius.length; r++) {
    const t = p.tMin + r;
    if (t >= t0 && t <= t1) best = Math.max(best, p.radius[r]!);
  }
  return best;
}
