import { describe, expect, it } from 'vitest';
import { evaluateEase } from '../../core/math/bezier.js';
import { IDENTITY_QUAT, quatAngleBetween, quatFromAxisAngle, quatSlerp } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import {
  deleteKey,
  deleteKeysAt,
  EMPTY_MOTION,
  keyedFrames,
  keyPose,
  moveKeys,
  setKey,
  setKeyInterpolation,
} from '../../core/motion/edit.js';
import { evaluateMotion, evaluateRotationTrack, evaluateVec3Track } from '../../core/motion/evaluate.js';
import { DEFAULT_EASE, type Keyframe, type Track } from '../../core/motion/types.js';
import { expectSameRotation, expectVecClose } from './helpers.js';

const Z: Vec3 = [0, 0, 1];
const rotZ = (deg: number): Quat => quatFromAxisAngle(Z, (deg * Math.PI) / 180);
const angleZDeg = (q: Quat) => (quatAngleBetween(IDENTITY_QUAT, q) * 180) / Math.PI;

function track(interpolation: Keyframe<Quat>['interpolation']): Track<Quat> {
  return [
    { frame: 10, value: rotZ(0), interpolation },
    { frame: 20, value: rotZ(90), interpolation },
  ];
}

describe('evaluateRotationTrack', () => {
  it('holds the first value before the first key and the last after the last key', () => {
    for (const kind of ['step', 'linear', 'bezier'] as const) {
      expectSameRotation(evaluateRotationTrack(track(kind), 0), rotZ(0));
      expectSameRotation(evaluateRotationTrack(track(kind), -5.5), rotZ(0));
      expectSameRotation(evaluateRotationTrack(track(kind), 20), rotZ(90));
      expectSameRotation(evaluateRotationTrack(track(kind), 1000), rotZ(90));
    }
  });

  it('step holds the key value until the next key', () => {
    const t = track('step');
    expectSameRotation(evaluateRotationTrack(t, 10), rotZ(0));
    expectSameRotation(evaluateRotationTrack(t, 15), rotZ(0));
    expectSameRotation(evaluateRotationTrack(t, 19.99), rotZ(0));
    expectSameRotation(evaluateRotationTrack(t, 20), rotZ(90));
  });

  it('linear slerps at constant angular speed, also at fractional frames', () => {
    const t = track('linear');
    expect(angleZDeg(evaluateRotationTrack(t, 15))).toBeCloseTo(45, 9);
    expect(angleZDeg(evaluateRotationTrack(t, 12.5))).toBeCloseTo(22.5, 9);
    expectSameRotation(evaluateRotationTrack(t, 17), quatSlerp(rotZ(0), rotZ(90), 0.7));
  });

  it('bezier slerps with the eased fraction (default ease-in-out, or the key ease)', () => {
    const t = track('bezier');
    expect(angleZDeg(evaluateRotationTrack(t, 15))).toBeCloseTo(45, 9);
    const eased = evaluateEase(DEFAULT_EASE, 0.2);
    expect(eased).toBeLessThan(0.2);
    expect(angleZDeg(evaluateRotationTrack(t, 12))).toBeCloseTo(90 * eased, 9);
    const custom: Track<Quat> = [
      { frame: 0, value: rotZ(0), interpolation: 'bezier', ease: { x1: 0, y1: 0.8, x2: 0.2, y2: 1 } },
      { frame: 10, value: rotZ(90), interpolation: 'linear' },
    ];
    const fast = evaluateEase({ x1: 0, y1: 0.8, x2: 0.2, y2: 1 }, 0.5);
    expect(angleZDeg(evaluateRotationTrack(custom, 5))).toBeCloseTo(90 * fast, 9);
  });

  it('uses the interpolation of the key that starts each segment', () => {
    const t: Track<Quat> = [
      { frame: 0, value: rotZ(0), interpolation: 'linear' },
      { frame: 10, value: rotZ(40), interpolation: 'step' },
      { frame: 20, value: rotZ(80), interpolation: 'linear' },
    ];
    expect(angleZDeg(evaluateRotationTrack(t, 5))).toBeCloseTo(20, 9);
    expect(angleZDeg(evaluateRotationTrack(t, 15))).toBeCloseTo(40, 9);
  });

  it('an empty track is the identity; a single key holds everywhere', () => {
    expectSameRotation(evaluateRotationTrack([], 3), IDENTITY_QUAT);
    const one: Track<Quat> = [{ frame: 5, value: rotZ(30), interpolation: 'linear' }];
    expectSameRotation(evaluateRotationTrack(one, 0), rotZ(30));
    expectSameRotation(evaluateRotationTrack(one, 50), rotZ(30));
  });
});

describe('evaluateVec3Track and evaluateMotion', () => {
  const root: Track<Vec3> = [
    { frame: 0, value: [0, 0, 0], interpolation: 'linear' },
    { frame: 10, value: [100, -20, 0], interpolation: 'step' },
    { frame: 20, value: [0, 0, 50], interpolation: 'linear' },
  ];

  it('lerps, steps and clamps translations', () => {
    expectVecClose(evaluateVec3Track(root, 2.5), [25, -5, 0]);
    expectVecClose(evaluateVec3Track(root, 15), [100, -20, 0]);
    expectVecClose(evaluateVec3Track(root, 25), [0, 0, 50]);
    expectVecClose(evaluateVec3Track([], 5), [0, 0, 0]);
  });

  it('evaluates every keyed joint and the root', () => {
    const pose = evaluateMotion(
      { rotations: { LeftArm: track('linear'), Empty: [] }, rootTranslation: root },
      15,
    );
    expect(Object.keys(pose.rotations)).toEqual(['LeftArm']);
    expect(angleZDeg(pose.rotations.LeftArm!)).toBeCloseTo(45, 9);
    expectVecClose(pose.rootTranslation, [100, -20, 0]);
  });
});

describe('motion edits', () => {
  it('setKey inserts sorted and replaces a key at the same frame; deleteKey removes it', () => {
    let t: Track<Quat> = [];
    t = setKey(t, { frame: 20, value: rotZ(20), interpolation: 'linear' });
    t = setKey(t, { frame: 5, value: rotZ(5), interpolation: 'linear' });
    t = setKey(t, { frame: 12, value: rotZ(12), interpolation: 'step' });
    t = setKey(t, { frame: 12, value: rotZ(13), interpolation: 'bezier' });
    expect(t.map((k) => k.frame)).toEqual([5, 12, 20]);
    expect(t[1]!.interpolation).toBe('bezier');
    expect(deleteKey(t, 12).map((k) => k.frame)).toEqual([5, 20]);
    expect(deleteKey(t, 99)).toBe(t);
  });

  it('keyPose keys selected joints or everything, keeping existing interpolation', () => {
    const pose = {
      rotations: { LeftArm: rotZ(30), RightArm: rotZ(-30) },
      rootTranslation: [5, 0, 0] as Vec3,
    };
    let m = keyPose(EMPTY_MOTION, 0, pose);
    expect(Object.keys(m.rotations).sort()).toEqual(['LeftArm', 'RightArm']);
    expect(m.rootTranslation).toHaveLength(1);
    expect(m.rotations.LeftArm![0]!.interpolation).toBe('bezier');

    m = keyPose(
      m,
      10,
      { rotations: { LeftArm: rotZ(60) }, rootTranslation: [0, 0, 0] },
      ['LeftArm'],
      'linear',
    );
    expect(m.rotations.LeftArm!.map((k) => k.frame)).toEqual([0, 10]);
    expect(m.rotations.RightArm!.map((k) => k.frame)).toEqual([0]);
    expect(m.rootTranslation).toHaveLength(1);

    // Re-keying frame 10 without an interpolation keeps 'linear'.
    m = keyPose(m, 10, { rotations: { LeftArm: rotZ(70) }, rootTranslation: [0, 0, 0] }, ['LeftArm']);
    expect(m.rotations.LeftArm![1]!.interpolation).toBe('linear');
    expectSameRotation(m.rotations.LeftArm![1]!.value, rotZ(70));
    // A joint the pose leaves out is keyed at rest.
    m = keyPose(m, 4, { rotations: {}, rootTranslation: [0, 0, 0] }, ['Head']);
    expectSameRotation(m.rotations.Head![0]!.value, IDENTITY_QUAT);
    expect(keyedFrames(m)).toEqual([0, 4, 10]);
  });

  it('deleteKeysAt, moveKeys and setKeyInterpolation', () => {
    const pose = { rotations: { A: rotZ(10), B: rotZ(20) }, rootTranslation: [1, 2, 3] as Vec3 };
    let m = keyPose(keyPose(EMPTY_MOTION, 0, pose), 8, pose);
    expect(deleteKeysAt(m, 8, ['A']).rotations.A!.map((k) => k.frame)).toEqual([0]);
    const cleared = deleteKeysAt(m, 8);
    expect(keyedFrames(cleared)).toEqual([0]);
    // Tracks that become empty disappear, so the document has no dangling tracks.
    expect(deleteKeysAt(deleteKeysAt(m, 8), 0).rotations).toEqual({});

    m = moveKeys(m, 8, 12);
    expect(keyedFrames(m)).toEqual([0, 12]);
    m = setKeyInterpolation(m, 0, 'step');
    expect(m.rotations.A![0]!.interpolation).toBe('step');
    expect(m.rootTranslation[0]!.interpolation).toBe('step');
    m = setKeyInterpolation(m, 0, 'bezier', { x1: 0.1, y1: 0, x2: 0.2, y2: 1 }, ['B']);
    expect(m.rotations.B![0]!.ease).toEqual({ x1: 0.1, y1: 0, x2: 0.2, y2: 1 });
    expect(m.rotations.A![0]!.interpolation).toBe('step');
  });
});
