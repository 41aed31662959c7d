import { expect } from 'vitest';
import { quatAngleBetween } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';

/** Same rotation (q and -q are equal rotations) within `tolRad`. */
export function expectSameRotation(actual: Quat, expected: Quat, tolRad = 1e-9): void {
  const angle = quatAngleBetween(actual, expected);
  if (!(angle <= tolRad)) {
    throw new Error(
      `rotations differ by ${angle} rad: got [${actual.join(', ')}], want [${expected.join(', ')}]`,
    );
  }
}

export function expectVecClose(actual: readonly number[], expected: readonly number[], digits = 9): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    expect(v, `component ${i} of [${actual.join(', ')}] vs [${expected.join(', ')}]`).toBeCloseTo(
      expected[i] as number,
      digits,
    );
  });
}

/** A deterministic pseudo-random generator so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

export type { Quat, Vec3 };
