import type { Quat, Vec3 } from './types.js';

/** Quaternions are [x, y, z, w] (three.js order) and act on column vectors: v' = q v q*. */
export const IDENTITY_QUAT: Quat = [0, 0, 0, 1];

/** Rotation orders as BVH writes its rotation channels, e.g. "Zrotation Xrotation Yrotation" = 'ZXY'. */
export type EulerOrder = 'XYZ' | 'XZY' | 'YXZ' | 'YZX' | 'ZXY' | 'ZYX';
export const EULER_ORDERS: readonly EulerOrder[] = ['XYZ', 'XZY', 'YXZ', 'YZX', 'ZXY', 'ZYX'];

const DEG = Math.PI / 180;

/** a * b: rotate by b first, then by a (as matrices: R_a R_b). */
export function quatMultiply(a: Quat, b: Quat): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

/** The inverse of a unit quaternion. */
export function quatConjugate(q: Quat): Quat {
  return [-q[0], -q[1], -q[2], q[3]];
}

/** Unit quaternion along q; a zero (degenerate) quaternion becomes the identity. */
export function quatNormalize(q: Quat): Quat {
  const len = Math.hypot(q[0], q[1], q[2], q[3]);
  if (len === 0 || !Number.isFinite(len)) return IDENTITY_QUAT;
  return [q[0] / len, q[1] / len, q[2] / len, q[3] / len];
}

export function quatDot(a: Quat, b: Quat): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
}

/** Rotation by angleRad about `axis` (need not be unit length; a zero axis gives the identity). */
export function quatFromAxisAngle(axis: Vec3, angleRad: number): Quat {
  const len = Math.hypot(axis[0], axis[1], axis[2]);
  if (len === 0) return IDENTITY_QUAT;
  const s = Math.sin(angleRad / 2) / len;
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angleRad / 2)];
}

/**
 * Spherical interpolation along the shorter arc (q and -q are the same rotation, so b is flipped
 * when the 4D dot product is negative). t outside [0, 1] extrapolates, which bezier overshoot
 * relies on. The result is normalised.
 */
export function quatSlerp(a: Quat, b: Quat, t: number): Quat {
  let cos = quatDot(a, b);
  let b2: Quat = b;
  if (cos < 0) {
    cos = -cos;
    b2 = [-b[0], -b[1], -b[2], -b[3]];
  }
  let wa: number;
  let wb: number;
  if (cos > 0.9995) {
    // Nearly the same rotation: sin(theta) ~ 0, so normalised lerp is exact to rounding.
    wa = 1 - t;
    wb = t;
  } else {
    const theta = Math.acos(Math.min(1, cos));
    const sin = Math.sin(theta);
    wa = Math.sin((1 - t) * theta) / sin;
    wb = Math.sin(t * theta) / sin;
  }
  return quatNormalize([
    a[0] * wa + b2[0] * wb,
    a[1] * wa + b2[1] * wb,
    a[2] * wa + b2[2] * wb,
    a[3] * wa + b2[3] * wb,
  ]);
}

export function quatRotateVec3(q: Quat, v: Vec3): Vec3 {
  const [qx, qy, qz, qw] = q;
  const [vx, vy, vz] = v;
  // t = 2 (q.xyz x v); v' = v + w t + q.xyz x t
  const tx = 2 * (qy * vz - qz * vy);
  const ty = 2 * (qz * vx - qx * vz);
  const tz = 2 * (qx * vy - qy * vx);
  return [
    vx + qw * tx + (qy * tz - qz * ty),
    vy + qw * ty + (qz * tx - qx * tz),
    vz + qw * tz + (qx * ty - qy * tx),
  ];
}

/** The angle in radians (0..pi) of the rotation that takes a to b. */
export function quatAngleBetween(a: Quat, b: Quat): number {
  // atan2 of the relative rotation keeps full precision near 0, where acos(dot) loses half the digits.
  const [x, y, z, w] = quatMultiply(quatConjugate(quatNormalize(a)), quatNormalize(b));
  return 2 * Math.atan2(Math.hypot(x, y, z), Math.abs(w));
}

const AXES: Record<'X' | 'Y' | 'Z', { index: 0 | 1 | 2; axis: Vec3 }> = {
  X: { index: 0, axis: [1, 0, 0] },
  Y: { index: 1, axis: [0, 1, 0] },
  Z: { index: 2, axis: [0, 0, 1] },
};

/**
 * Euler angles to a quaternion. `deg` is indexed by axis ([x, y, z] in degrees, like three.js'
 * Euler), `order` is the channel order: intrinsic rotations applied in that order, so 'ZXY' is
 * R = Rz * Rx * Ry, which is how BVH composes "Zrotation Xrotation Yrotation".
 */
export function quatFromEulerDeg(deg: Vec3, order: EulerOrder): Quat {
  let q: Quat = IDENTITY_QUAT;
  for (const letter of order as string) {
    const { index, axis } = AXES[letter as 'X' | 'Y' | 'Z'];
    q = quatMultiply(q, quatFromAxisAngle(axis, deg[index] * DEG));
  }
  return quatNormalize(q);
}

const clamp1 = (v: number) => Math.max(-1, Math.min(1, v));

/**
 * The inverse of quatFromEulerDeg: [x, y, z] degrees such that composing them in `order` gives q.
 * The middle angle lies in [-90, 90]; at gimbal lock (middle angle +-90) the last angle is 0.
 */
export function quatToEulerDeg(q: Quat, order: EulerOrder): Vec3 {
  const [x, y, z, w] = quatNormalize(q);
  // Row-major rotation matrix entries m{row}{col}.
  const m11 = 1 - 2 * (y * y + z * z);
  const m12 = 2 * (x * y - z * w);
  const m13 = 2 * (x * z + y * w);
  const m21 = 2 * (x * y + z * w);
  const m22 = 1 - 2 * (x * x + z * z);
  const m23 = 2 * (y * z - x * w);
  const m31 = 2 * (x * z - y * w);
  const m32 = 2 * (y * z + x * w);
  const m33 = 1 - 2 * (x * x + y * y);
  const LOCK = 0.9999999;
  let ax = 0;
  let ay = 0;
  let az = 0;
  switch (order) {
    case 'XYZ':
      ay = Math.asin(clamp1(m13));
      if (Math.abs(m13) < LOCK) {
        ax = Math.atan2(-m23, m33);
        az = Math.atan2(-m12, m11);
      } else {
        ax = Math.atan2(m32, m22);
      }
      break;
    case 'YXZ':
      ax = Math.asin(-clamp1(m23));
      if (Math.abs(m23) < LOCK) {
        ay = Math.atan2(m13, m33);
        az = Math.atan2(m21, m22);
      } else {
        ay = Math.atan2(-m31, m11);
      }
      break;
    case 'ZXY':
      ax = Math.asin(clamp1(m32));
      if (Math.abs(m32) < LOCK) {
        ay = Math.atan2(-m31, m33);
        az = Math.atan2(-m12, m22);
      } else {
        az = Math.atan2(m21, m11);
      }
      break;
    case 'ZYX':
      ay = Math.asin(-clamp1(m31));
      if (Math.abs(m31) < LOCK) {
        ax = Math.atan2(m32, m33);
        az = Math.atan2(m21, m11);
      } else {
        az = Math.atan2(-m12, m22);
      }
      break;
    case 'YZX':
      az = Math.asin(clamp1(m21));
      if (Math.abs(m21) < LOCK) {
        ax = Math.atan2(-m23, m22);
        ay = Math.atan2(-m31, m11);
      } else {
        ay = Math.atan2(m13, m33);
      }
      break;
    case 'XZY':
      az = Math.asin(-clamp1(m12));
      if (Math.abs(m12) < LOCK) {
        ax = Math.atan2(m32, m22);
        ay = Math.atan2(m13, m11);
      } else {
        ax = Math.atan2(-m23, m33);
      }
      break;
  }
  return [ax / DEG, ay / DEG, az / DEG];
}
