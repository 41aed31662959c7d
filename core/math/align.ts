import { IDENTITY_QUAT, quatConjugate, quatFromAxisAngle, quatMultiply, quatNormalize } from './quat.js';
import type { Quat, Vec3 } from './types.js';
import { cross, dot, length, normalize, scale, sub } from './vec3.js';

/**
 * Rotations that align directions: what retargeting (bone directions), IK (swinging a bone to a
 * target) and axis conversion (Z-up files) are built from. Pure functions on plain tuples.
 */

/** Any unit vector perpendicular to `v` (v need not be unit length; zero gives +x). */
export function perpendicular(v: Vec3): Vec3 {
  const n = normalize(v);
  // Cross with the axis least aligned with v, so the result never degenerates.
  const other: Vec3 = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  return normalize(cross(n, other));
}

/**
 * The shortest rotation taking direction `from` to direction `to` (neither need be unit length).
 * Opposite directions turn by 180 degrees about an axis perpendicular to `from`; a zero vector
 * gives the identity.
 */
export function quatFromTo(from: Vec3, to: Vec3): Quat {
  const a = normalize(from);
  const b = normalize(to);
  if (length(a) === 0 || length(b) === 0) return IDENTITY_QUAT;
  const d = dot(a, b);
  if (d < -0.999999) return quatFromAxisAngle(perpendicular(a), Math.PI);
  const c = cross(a, b);
  // q = (a x b, 1 + a.b) normalised: the half-angle rotation without trigonometry.
  return quatNormalize([c[0], c[1], c[2], 1 + d]);
}

/** `v` with its component along unit vector `axis` removed. */
export function rejectFrom(v: Vec3, axis: Vec3): Vec3 {
  return sub(v, scale(axis, dot(v, axis)));
}

/**
 * The rotation that takes `fromPrimary` exactly onto `toPrimary` and then turns about it so that
 * `fromSecondary` comes as close as it can to `toSecondary` (both secondaries projected onto the
 * plane perpendicular to the primary). Where a secondary is degenerate (zero or parallel to its
 * primary), the result is quatFromTo of the primaries.
 */
export function quatAlignTwo(
  fromPrimary: Vec3,
  fromSecondary: Vec3,
  toPrimary: Vec3,
  toSecondary: Vec3,
): Quat {
  const swing = quatFromTo(fromPrimary, toPrimary);
  const axis = normalize(toPrimary);
  if (length(axis) === 0) return swing;
  const turned = rejectFrom(rotate(swing, fromSecondary), axis);
  const wanted = rejectFrom(toSecondary, axis);
  if (length(turned) < 1e-9 || length(wanted) < 1e-9) return swing;
  const angle = Math.atan2(
    dot(cross(normalize(turned), normalize(wanted)), axis),
    dot(normalize(turned), normalize(wanted)),
  );
  return quatNormalize(quatMultiply(quatFromAxisAngle(axis, angle), swing));
}

/** q applied to v (re-exported here so alignment code reads in one vocabulary). */
export function rotate(q: Quat, v: Vec3): Vec3 {
  const [qx, qy, qz, qw] = q;
  const [vx, vy, vz] = v;
  const tx = 2 * (qy * vz - qz * vy);
  const ty = 2 * (qz * vx - qx * vz);
  const tz = 2 * (qx * vy - qy * vx);
  return [
    vx + qw * tx + (qy * tz - qz * ty),
    vy + qw * ty + (qz * tx - qx * tz),
    vz + qw * tz + (qx * ty - qy * tx),
  ];
}

/** The relative rotation a⁻¹ b (what to apply after a, in a's frame, to get b). */
export function quatBetween(a: Quat, b: Quat): Quat {
  return quatNormalize(quatMultiply(quatConjugate(a), b));
}

/** q conjugated by a change of basis: A q A⁻¹ (the same rotation expressed in A's frame). */
export function quatConjugateBy(a: Quat, q: Quat): Quat {
  return quatNormalize(quatMultiply(quatMultiply(a, q), quatConjugate(a)));
}

/**
 * The rotation whose columns map the unit axes x, y, z onto the given orthonormal right-handed
 * basis (e.g. a character's left, up and forward directions).
 */
export function quatFromBasis(x: Vec3, y: Vec3, z: Vec3): Quat {
  const [m00, m10, m20] = x;
  const [m01, m11, m21] = y;
  const [m02, m12, m22] = z;
  const trace = m00 + m11 + m22;
  let q: Quat;
  if (trace > 0) {
    const s = 0.5 / Math.sqrt(trace + 1);
    q = [(m21 - m12) * s, (m02 - m20) * s, (m10 - m01) * s, 0.25 / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    q = [0.25 * s, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
  } else if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    q = [(m01 + m10) / s, 0.25 * s, (m12 + m21) / s, (m02 - m20) / s];
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    q = [(m02 + m20) / s, (m12 + m21) / s, 0.25 * s, (m10 - m01) / s];
  }
  return quatNormalize(q);
}

/** The angle in degrees between two directions (0..180); 0 when either is zero. */
export function angleBetweenDeg(a: Vec3, b: Vec3): number {
  const la = length(a);
  const lb = length(b);
  if (la === 0 || lb === 0) return 0;
  return (Math.atan2(length(cross(a, b)), dot(a, b)) * 180) / Math.PI;
}
