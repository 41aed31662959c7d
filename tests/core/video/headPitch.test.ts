import { describe, expect, it } from 'vitest';
import { headPitch } from '../../../core/video/lift.js';

/**
 * The nod from the nose's height over the ears (core/video/lift.ts headPitch): a head whose nose
 * sits `depth` in front of the ears' axis and `rest` below it, nodded by known angles, gives its
 * nose heights; the nod comes back from them, relative to the clip's usual carriage.
 */
describe('headPitch', () => {
  const halfEars = 10;
  const depth = 1.2 * halfEars; // lift.ts NOSE_DEPTH_TO_HALF_EARS
  const rest = -2;
  const riseAt = (p: number) => rest * Math.cos(p) - depth * Math.sin(p);

  it('recovers nods down (+) and up (−) about an upright carriage', () => {
    const truth = [0, 0, 0, 0.2, 0.4, -0.3, 0, 0, -0.1, 0.1, 0];
    const got = headPitch(truth.map(riseAt), halfEars);
    for (const [i, p] of truth.entries()) expect(got[i]!).toBeCloseTo(p, 6);
  });

  it('reads nods relative to the clip usual carriage, and nothing where the face is not seen', () => {
    const got = headPitch([riseAt(0.3), riseAt(0.3), riseAt(0.3), Number.NaN, riseAt(0.5)], halfEars);
    // The median carriage here is the 0.3 nod: that is the zero.
    expect(got[0]!).toBeCloseTo(0, 6);
    expect(got[3]).toBeNaN();
    expect(got[4]!).toBeGreaterThan(0.15);
    expect(headPitch([Number.NaN, Number.NaN], halfEars).every(Number.isNaN)).toBe(true);
    expect(headPitch([1, 2], 0).every(Number.isNaN)).toBe(true);
  });
});
