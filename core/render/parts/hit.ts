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
 * then TILT_ITERATIONS more times at the t of the last hit (the nearer end's section while past
 * one). A front past an end is the end's cap where the ray crosses the end plane inside it.
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
/** A cap is read this far inside its part's last row (so the row index stays in the table). */
export const CAP_INSET_PX = 1e-3;
/** Below this axial motion per unit of depth the ray runs across the part: it meets no cap. */
export const TILT_MIN_WT = 1e-4;
/** How far inside a cross-section's edge a tilted part's texels are read from (art pixels). */
export const TILT_EDGE_PX = 1.5;

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
  const rows = profile.radius.length;
  // Where the ray passes closest to the axis (ignoring the centre offset).
  let z = -(l0 * a + B * b) / q;
  // The last cross-section looked at (centre m, radius r) and the ray's discriminant there.
  let m = 0;
  let r = 0;
  let disc = 0;
  for (let k = 0; k < TILT_ITERATIONS; k++) {
    // The cross-section at the ray's t, or at the nearer end while the ray is past one: a ray
    // that meets the part near its end may pass the end on its way (the part tilted steeply).
    const row = nearestRow(profile, t0 + wt * z);
    m = profile.centre[row]!;
    r = profile.radius[row]!;
    const A = l0 - m;
    const Bc = B - profile.depthCentre * r;
    const P = (A * a + Bc * b) / q;
    const C = (A * A + Bc * Bc - r * r) / q;
    disc = P * P - C;
    if (disc < -GRAZE_PX2) return null;
    // A grazing ray (disc in [-GRAZE_PX2, 0)) touches the ellipse: its root is 0, not NaN.
    z = -P + Math.sqrt(Math.max(0, disc));
  }
  // Whether the ray meets the surface more than TILT_EDGE_PX inside its silhouette as seen now:
  // q disc / r^2 is the squared cosine between the surface normal there and the view, and a point
  // of a round section E px inside the silhouette has q disc = E (2r - E).
  let inside = disc > (TILT_EDGE_PX * (2 * r - TILT_EDGE_PX)) / q;
  let t = t0 + wt * z;
  const first = profile.tMin - 0.5;
  const last = profile.tMin + rows - 0.5 - CAP_INSET_PX;
  if (t < first || t > last) {
    // The surface's front lies past an end: the ray enters the part through that end's cap (the
    // cross-section a limb pointing at the camera shows), if it crosses the end plane within the
    // last section looked at (the end's, or one next to it).
    if (Math.abs(wt) < TILT_MIN_WT) return null;
    t = clampTo(t, first, last);
    z = (t - t0) / wt;
    const A = l0 + a * z - m;
    const Bc = B + b * z - profile.depthCentre * r;
    if (A * A + Bc * Bc > r * r) return null;
    inside = true;
  }
  // The texel across the part: where the ray meets the surface; away from the silhouette seen now,
  // kept off the layer's outer TILT_EDGE_PX (its anti-aliased fringe). Where the part turns about
  // its axis, the front the camera sees maps onto the layer's side (planar texturing: the side is
  // the silhouette in the picture), and its fringe would stripe the limb with see-through slits;
  // at the silhouette seen now the fringe is the right edge.
  const inner = inside ? Math.max(0, r - TILT_EDGE_PX) : Number.POSITIVE_INFINITY;
  const l = clampTo(l0 + a * z, m - inner, m + inner);
  return {
    texelU: clampTo(part.u[0] * t + part.u[1] * l + part.u[2], part.clampU[0], part.clampU[1]),
    texelV: clampTo(part.v[0] * t + part.v[1] * l + part.v[2], part.clampV[0], part.clampV[1]),
    key: part.keyBase + part.keySlope * t,
  };
}

/** The profile row of t, clamped to the part's rows. */
function nearestRow(p: ProfileTable, t: number): number {
  return clampTo(Math.floor(t - p.tMin + 0.5), 0, p.radius.length - 1);
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
