import type { PosedPart, PosedSphere } from './posed.js';
import type { PartsRig } from './types.js';

/**
 * Where the view ray through an output pixel meets a posed part or joint sphere: the maths the
 * frame engine's graph evaluates (inference/engine/graph/*) and the reference renderer runs per
 * pixel (reference.ts). A hit is an atlas texel and a depth key; null is a miss.
 *
 * Flat parts: the texel follows from the pixel by the part's 2D rigid map.
 * Tilted parts: the ray (t, l, d) = M (x, y, 1) + z w meets the front of the cross-section
 * ellipse (l - centre(t))^2 + (d / depthRatio - depthCentre r)^2 = radius(t)^2, solved for z with the
 * cross-section taken at the ray's current t: first where the ray passes closest to the axis,
 * then TILT_ITERATIONS more times at the t of the last hit.
 * Spheres: the front of a sphere around the joint, textured through the joint's inverse transform.
 */
export const TILT_ITERATIONS = 2;
/** Below this the ray runs along the part's axis (no lateral motion): it sees no side of it. */
export const TILT_MIN_Q = 1e-6;
/**
 * A ray this close to grazing an ellipse (square pixels of the discriminant) still hits it: at a
 * silhouette the discriminant is ~0 and float32 (the engine) and float64 (the reference) would
 * otherwise disagree on whole rows of edge pixels.
 */
export const GRAZE_PX2 = 1e-2;

export interface Hit {
  readonly texelU: number;
  readonly texelV: number;
  readonly key: number;
}

export interface ProfileTable {
  readonly tMin: number;
  readonly centre: Float32Array;
  readonly radius: Float32Array;
  readonly depthRatio: number;
  readonly depthCentre: number;
}

const clampTo = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Profile row of a t, or -1 outside the part's rows: floor(t - tMin + 0.5). */
export function profileRow(p: ProfileTable, t: number): number {
  const i = Math.floor(t - p.tMin + 0.5);
  return i >= 0 && i < p.radius.length ? i : -1;
}

export function hitFlatPart(part: PosedPart, x: number, y: number): Hit {
  return {
    texelU: clampTo(part.flatU[0] * x + part.flatU[1] * y + part.flatU[2], part.clampU[0], part.clampU[1]),
    texelV: clampTo(part.flatV[0] * x + part.flatV[1] * y + part.flatV[2], part.clampV[0], part.clampV[1]),
    key: part.keyBase,
  };
}

export function hitTiltedPart(part: PosedPart, profile: ProfileTable, x: number, y: number): Hit | null {
  const t0 = part.t[0] * x + part.t[1] * y + part.t[2];
  const l0 = part.l[0] * x + part.l[1] * y + part.l[2];
  const d0 = part.d[0] * x + part.d[1] * y + part.d[2];
  const wt = part.t[3];
  const a = part.l[3];
  const b = part.d[3] / profile.depthRatio;
  const B = d0 / profile.depthRatio;
  const q = Math.max(TILT_MIN_Q, a * a + b * b);
  // Where the ray passes closest to the axis (ignoring the centre offset).
  let z = -(l0 * a + B * b) / q;
  for (let k = 0; k < TILT_ITERATIONS; k++) {
    const row = profileRow(profile, t0 + wt * z);
    if (row < 0) return null;
    const A = l0 - profile.centre[row]!;
    const r = profile.radius[row]!;
    const Bc = B - profile.depthCentre * r;
    const P = (A * a + Bc * b) / q;
    const C = (A * A + Bc * Bc - r * r) / q;
    const disc = P * P - C;
    if (disc < -GRAZE_PX2) return null;
    z = -P + Math.sqrt(disc);
  }
  const t = t0 + wt * z;
  if (profileRow(profile, t) < 0) return null;
  const l = l0 + a * z;
  return {
    texelU: clampTo(part.u[0] * t + part.u[1] * l + part.u[2], part.clampU[0], part.clampU[1]),
    texelV: clampTo(part.v[0] * t + part.v[1] * l + part.v[2], part.clampV[0], part.clampV[1]),
    key: part.keyBase + part.keySlope * t,
  };
}

export function hitSphere(s: PosedSphere, x: number, y: number): Hit | null {
  const dx = x - s.cx;
  const dy = y - s.cy;
  const h2 = s.radius * s.radius - dx * dx - dy * dy;
  if (h2 < 0) return null;
  // Depth in image pixels: the radius is in output pixels, so divide by the output scale, which
  // the posed constants carry in the ratio of the z and x coefficients' units (see posed.ts).
  const z = s.cz + Math.sqrt(h2) * s.depthPerPx;
  return {
    texelU: clampTo(s.u[0] * x + s.u[1] * y + s.u[2] * z + s.u[3], s.clampU[0], s.clampU[1]),
    texelV: clampTo(s.v[0] * x + s.v[1] * y + s.v[2] * z + s.v[3], s.clampV[0], s.clampV[1]),
    key: s.key,
  };
}

/** The parts' profiles as the hit functions take them. */
export function profileTables(rig: PartsRig): ProfileTable[] {
  return rig.parts.map((p) => ({
    tMin: p.tMin,
    centre: p.centre,
    radius: p.radius,
    depthRatio: p.depthRatio,
    depthCentre: p.depthCentre,
  }));
}
