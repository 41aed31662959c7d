import { describe, expect, it } from 'vitest';
import { mat4Compose, mat4Invert, mat4Multiply, mat4TransformPoint } from '../../core/math/mat4.js';
import {
  EULER_ORDERS,
  IDENTITY_QUAT,
  quatAngleBetween,
  quatConjugate,
  quatFromAxisAngle,
  quatFromEulerDeg,
  quatMultiply,
  quatNormalize,
  quatRotateVec3,
  quatSlerp,
  quatToEulerDeg,
} from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { cross, distance, dot, length, lerpVec3, normalize } from '../../core/math/vec3.js';
import { expectSameRotation, expectVecClose, seededRandom } from './helpers.js';

const Z: Vec3 = [0, 0, 1];
const X: Vec3 = [1, 0, 0];
const Y: Vec3 = [0, 1, 0];

describe('vec3', () => {
  it('computes cross, dot, length, normalize, lerp and distance', () => {
    expectVecClose(cross(X, Y), Z);
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(length([3, 4, 12])).toBe(13);
    expectVecClose(normalize([0, 0, 5]), Z);
    expectVecClose(normalize([0, 0, 0]), [0, 0, 0]);
    expectVecClose(lerpVec3([0, 0, 0], [10, -10, 2], 0.25), [2.5, -2.5, 0.5]);
    expect(distance([1, 1, 1], [4, 5, 1])).toBe(5);
  });
});

describe('quaternions', () => {
  it('identity leaves vectors and products unchanged', () => {
    expectVecClose(quatRotateVec3(IDENTITY_QUAT, [1, 2, 3]), [1, 2, 3]);
    const q = quatFromAxisAngle([1, 2, 3], 0.7);
    expectVecClose(quatMultiply(q, IDENTITY_QUAT), q);
    expectVecClose(quatMultiply(IDENTITY_QUAT, q), q);
  });

  it('rotates by known angles about the axes (right-handed)', () => {
    expectVecClose(quatRotateVec3(quatFromAxisAngle(Z, Math.PI / 2), X), Y);
    expectVecClose(quatRotateVec3(quatFromAxisAngle(X, Math.PI / 2), Y), Z);
    expectVecClose(quatRotateVec3(quatFromAxisAngle(Y, Math.PI / 2), Z), X);
    expectVecClose(quatRotateVec3(quatFromAxisAngle(Z, Math.PI), [1, 1, 0]), [-1, -1, 0]);
    // A non-unit axis is normalised.
    expectVecClose(quatRotateVec3(quatFromAxisAngle([0, 0, 7], Math.PI / 2), X), Y);
  });

  it('multiplies as matrices do: (a * b) v = a (b v)', () => {
    const a = quatFromAxisAngle([1, -2, 0.5], 1.1);
    const b = quatFromAxisAngle([0.3, 1, 2], -0.4);
    const v: Vec3 = [3, -1, 2];
    expectVecClose(quatRotateVec3(quatMultiply(a, b), v), quatRotateVec3(a, quatRotateVec3(b, v)));
  });

  it('conjugate is the inverse and normalize handles degenerate input', () => {
    const q = quatFromAxisAngle([2, 1, -1], 2.3);
    expectSameRotation(quatMultiply(q, quatConjugate(q)), IDENTITY_QUAT);
    expectVecClose(quatNormalize([0, 0, 2, 0]), [0, 0, 1, 0]);
    expectVecClose(quatNormalize([0, 0, 0, 0]), IDENTITY_QUAT);
  });

  it('measures the angle between rotations, ignoring the sign of q', () => {
    const q = quatFromAxisAngle(Z, 0.5);
    expect(quatAngleBetween(IDENTITY_QUAT, q)).toBeCloseTo(0.5, 12);
    expect(quatAngleBetween(q, [-q[0], -q[1], -q[2], -q[3]])).toBeCloseTo(0, 6);
    expect(quatAngleBetween(quatFromAxisAngle(Z, -1), quatFromAxisAngle(Z, 1))).toBeCloseTo(2, 12);
  });
});

describe('quatSlerp', () => {
  const a = quatFromAxisAngle(Z, 0);
  const b = quatFromAxisAngle(Z, Math.PI / 2);

  it('returns the ends at t = 0 and t = 1', () => {
    expectSameRotation(quatSlerp(a, b, 0), a);
    expectSameRotation(quatSlerp(a, b, 1), b);
  });

  it('halves the angle at t = 0.5 and moves at constant angular speed', () => {
    expectSameRotation(quatSlerp(a, b, 0.5), quatFromAxisAngle(Z, Math.PI / 4));
    expectSameRotation(quatSlerp(a, b, 0.2), quatFromAxisAngle(Z, (0.2 * Math.PI) / 2));
  });

  it('takes the shortest path when the quaternions are in opposite hemispheres', () => {
    const from = quatFromAxisAngle(Z, (170 * Math.PI) / 180);
    const to = quatFromAxisAngle(Z, (-170 * Math.PI) / 180);
    // The short way is through 180 degrees (20 degrees in all), not back through 0 (340 degrees).
    const mid = quatSlerp(from, to, 0.5);
    expectSameRotation(mid, quatFromAxisAngle(Z, Math.PI), 1e-9);
    expect(quatAngleBetween(from, mid)).toBeCloseTo((10 * Math.PI) / 180, 9);
  });

  it('returns unit quaternions, also for nearly equal inputs', () => {
    const rnd = seededRandom(3);
    for (let i = 0; i < 50; i++) {
      const q1 = quatFromAxisAngle([rnd() - 0.5, rnd() - 0.5, rnd() - 0.5], rnd() * 6);
      const q2 = quatFromAxisAngle([rnd() - 0.5, rnd() - 0.5, rnd() - 0.5], rnd() * 6);
      const q = quatSlerp(q1, q2, rnd());
      expect(Math.hypot(...q)).toBeCloseTo(1, 12);
    }
    const near = quatFromAxisAngle(Z, 1e-5);
    const q = quatSlerp(IDENTITY_QUAT, near, 0.5);
    expect(Math.hypot(...q)).toBeCloseTo(1, 12);
    expect(quatAngleBetween(q, quatFromAxisAngle(Z, 5e-6))).toBeLessThan(1e-9);
  });
});

describe('euler angles', () => {
  it('composes intrinsic rotations in channel order (ZXY = Rz * Rx * Ry)', () => {
    const deg: Vec3 = [30, 45, 60];
    const rad = (d: number) => (d * Math.PI) / 180;
    const expected = quatMultiply(
      quatMultiply(quatFromAxisAngle(Z, rad(60)), quatFromAxisAngle(X, rad(30))),
      quatFromAxisAngle(Y, rad(45)),
    );
    expectSameRotation(quatFromEulerDeg(deg, 'ZXY'), expected);
    expectSameRotation(quatFromEulerDeg([90, 0, 0], 'XYZ'), quatFromAxisAngle(X, Math.PI / 2));
  });

  it('the order matters', () => {
    const deg: Vec3 = [40, 50, 0];
    expect(quatAngleBetween(quatFromEulerDeg(deg, 'XYZ'), quatFromEulerDeg(deg, 'YXZ'))).toBeGreaterThan(0.1);
  });

  for (const order of EULER_ORDERS) {
    it(`round-trips through ${order}`, () => {
      const rnd = seededRandom(order.charCodeAt(0) * 31 + order.charCodeAt(1));
      for (let i = 0; i < 200; i++) {
        const q = quatNormalize([rnd() - 0.5, rnd() - 0.5, rnd() - 0.5, rnd() - 0.5] as Quat);
        const deg = quatToEulerDeg(q, order);
        expectSameRotation(quatFromEulerDeg(deg, order), q, 1e-7);
        // The middle channel's angle stays within [-90, 90].
        const middle = { X: 0, Y: 1, Z: 2 }[order[1] as 'X' | 'Y' | 'Z'];
        expect(Math.abs(deg[middle as 0 | 1 | 2])).toBeLessThanOrEqual(90 + 1e-9);
      }
      // Angles inside the principal range come back unchanged.
      const deg: Vec3 = [12, -34, 56];
      expectVecClose(quatToEulerDeg(quatFromEulerDeg(deg, order), order), deg, 7);
    });
  }

  it('survives gimbal lock', () => {
    const q = quatFromEulerDeg([20, 90, 0], 'XYZ');
    expectSameRotation(quatFromEulerDeg(quatToEulerDeg(q, 'XYZ'), 'XYZ'), q, 1e-6);
  });
});

describe('mat4', () => {
  it('composes, multiplies, inverts and transforms points', () => {
    const m = mat4Compose([10, 20, 30], quatFromAxisAngle(Z, Math.PI / 2), [2, 2, 2]);
    // Scale, then rotate x onto y, then translate.
    expectVecClose(mat4TransformPoint(m, [1, 0, 0]), [10, 22, 30]);
    const inv = mat4Invert(m);
    expect(inv).not.toBeNull();
    expectVecClose(mat4TransformPoint(inv!, [10, 22, 30]), [1, 0, 0]);
    expectVecClose(mat4Multiply(m, inv!), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(mat4Invert([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBeNull();
  });
});
