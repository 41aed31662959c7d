import { describe, expect, it } from 'vitest';
import { evaluateEase } from '../../core/math/bezier.js';
import { DEFAULT_EASE } from '../../core/motion/types.js';

/** Brute force: sample the curve densely and interpolate y at x = u (independent of the solver). */
function bruteForce(x1: number, y1: number, x2: number, y2: number, u: number): number {
  const n = 200_000;
  let prevX = 0;
  let prevY = 0;
  for (let i = 1; i <= n; i++) {
    const s = i / n;
    const m = 1 - s;
    const x = 3 * m * m * s * x1 + 3 * m * s * s * x2 + s * s * s;
    const y = 3 * m * m * s * y1 + 3 * m * s * s * y2 + s * s * s;
    if (x >= u) return prevY + ((y - prevY) * (u - prevX)) / (x - prevX || 1);
    prevX = x;
    prevY = y;
  }
  return 1;
}

describe('evaluateEase (CSS cubic-bezier)', () => {
  it('a linear curve is the identity', () => {
    for (const u of [0, 0.1, 0.25, 0.5, 0.77, 1]) {
      expect(evaluateEase({ x1: 0, y1: 0, x2: 1, y2: 1 }, u)).toBeCloseTo(u, 9);
      expect(evaluateEase({ x1: 0.3, y1: 0.3, x2: 0.7, y2: 0.7 }, u)).toBeCloseTo(u, 9);
    }
  });

  it('hits the endpoints and clamps outside [0, 1]', () => {
    expect(evaluateEase(DEFAULT_EASE, 0)).toBe(0);
    expect(evaluateEase(DEFAULT_EASE, 1)).toBe(1);
    expect(evaluateEase(DEFAULT_EASE, -0.5)).toBe(0);
    expect(evaluateEase(DEFAULT_EASE, 1.5)).toBe(1);
  });

  it('is monotonic for monotonic curves', () => {
    for (const ease of [
      DEFAULT_EASE,
      { x1: 0.25, y1: 0.1, x2: 0.25, y2: 1 },
      { x1: 1, y1: 0, x2: 0, y2: 1 },
    ]) {
      let prev = 0;
      for (let i = 1; i <= 1000; i++) {
        const v = evaluateEase(ease, i / 1000);
        expect(v).toBeGreaterThanOrEqual(prev - 1e-12);
        prev = v;
      }
    }
  });

  it('matches known CSS values', () => {
    // ease-in-out is symmetric about (0.5, 0.5).
    expect(evaluateEase(DEFAULT_EASE, 0.5)).toBeCloseTo(0.5, 9);
    expect(evaluateEase(DEFAULT_EASE, 0.2) + evaluateEase(DEFAULT_EASE, 0.8)).toBeCloseTo(1, 9);
    // CSS `ease` = cubic-bezier(0.25, 0.1, 0.25, 1) is about 0.8024 at half time.
    expect(evaluateEase({ x1: 0.25, y1: 0.1, x2: 0.25, y2: 1 }, 0.5)).toBeCloseTo(0.8024, 4);
  });

  it('agrees with a brute-force solution, including flat-slope and overshooting curves', () => {
    const curves: [number, number, number, number][] = [
      [0.42, 0, 0.58, 1],
      [0.25, 0.1, 0.25, 1],
      [1, 0, 0, 1],
      [0, 0, 0, 1],
      [0.68, -0.55, 0.265, 1.55],
    ];
    for (const [x1, y1, x2, y2] of curves) {
      for (const u of [0.01, 0.13, 0.37, 0.5, 0.62, 0.91, 0.999]) {
        expect(evaluateEase({ x1, y1, x2, y2 }, u)).toBeCloseTo(bruteForce(x1, y1, x2, y2, u), 4);
      }
    }
    // The back-in-out curve overshoots below 0 early on.
    expect(evaluateEase({ x1: 0.68, y1: -0.55, x2: 0.265, y2: 1.55 }, 0.15)).toBeLessThan(0);
  });

  it('clamps x control points to [0, 1] as CSS does', () => {
    expect(evaluateEase({ x1: -2, y1: 0, x2: 3, y2: 1 }, 0.3)).toBeCloseTo(
      evaluateEase({ x1: 0, y1: 0, x2: 1, y2: 1 }, 0.3),
      9,
    );
  });
});
