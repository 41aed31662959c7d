import { describe, expect, test } from 'vitest';
import type { JointId } from '../../../core/ids.js';
import { quatFromAxisAngle } from '../../../core/math/quat.js';
import type { Quat } from '../../../core/math/types.js';
import { distance } from '../../../core/math/vec3.js';
import { evaluateCharacterPose } from '../../../core/motion/characterPose.js';
import { bakeIkToFk, keyIkBlend, keyIkTarget, switchToIk } from '../../../core/motion/ikEdit.js';
import {
  copySelectedKeys,
  deleteSelectedKeys,
  keysAtFrame,
  moveSelectedKeys,
  pasteKeys,
  ROOT_TRACK,
  scaleSelectedKeys,
} from '../../../core/motion/keySelection.js';
import type { Keyframe, Motion } from '../../../core/motion/types.js';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import { computeWorldTransforms } from '../../../core/skeleton/kinematics.js';

const q = (deg: number): Quat => quatFromAxisAngle([0, 0, 1], (deg * Math.PI) / 180);
const keys = (...frames: number[]): Keyframe<Quat>[] =>
  frames.map((frame) => ({ frame, value: q(frame), interpolation: 'linear' }));
const MOTION: Motion = {
  rotations: { A: keys(0, 10, 20, 30), B: keys(10, 25) },
  rootTranslation: [
    { frame: 0, value: [0, 0, 0], interpolation: 'linear' },
    { frame: 10, value: [5, 0, 0], interpolation: 'linear' },
  ],
};
const frames = (m: Motion, track: string) =>
  (track === ROOT_TRACK ? m.rootTranslation : (m.rotations[track] ?? [])).map((k) => k.frame);

describe('editing many keys', () => {
  const selection = [
    { track: 'A', frame: 10 },
    { track: 'A', frame: 20 },
    { track: 'B', frame: 10 },
    { track: ROOT_TRACK, frame: 10 },
  ];
  test('move: the block shifts together, replacing keys it lands on, never before frame 0', () => {
    const { motion, refs } = moveSelectedKeys(MOTION, selection, 10);
    expect(frames(motion, 'A')).toEqual([0, 20, 30]);
    expect(motion.rotations.A!.find((k) => k.frame === 30)!.value).toEqual(q(20));
    expect(frames(motion, 'B')).toEqual([20, 25]);
    expect(frames(motion, ROOT_TRACK)).toEqual([0, 20]);
    expect(refs).toContainEqual({ track: 'B', frame: 20 });
    expect(frames(moveSelectedKeys(MOTION, selection, -50).motion, 'B')).toEqual([0, 25]);
  });
  test('scale about a pivot, delete, and the keys of a summary frame', () => {
    const scaled = scaleSelectedKeys(MOTION, [...selection, { track: 'A', frame: 30 }], 10, 0.5).motion;
    expect(frames(scaled, 'A')).toEqual([0, 10, 15, 20]);
    const deleted = deleteSelectedKeys(MOTION, selection);
    expect(frames(deleted, 'A')).toEqual([0, 30]);
    expect(deleted.rotations.B!.map((k) => k.frame)).toEqual([25]);
    expect(keysAtFrame(MOTION, 10)).toHaveLength(3);
  });
  test('copy and paste at another frame keep the spacing', () => {
    const clip = copySelectedKeys(MOTION, selection)!;
    expect(clip.span).toBe(10);
    const { motion, refs } = pasteKeys(MOTION, clip, 40, ['A', 'B']);
    expect(frames(motion, 'A')).toEqual([0, 10, 20, 30, 40, 50]);
    expect(motion.rotations.A!.find((k) => k.frame === 50)!.value).toEqual(q(20));
    expect(frames(motion, ROOT_TRACK)).toEqual([0, 10, 40]);
    expect(refs).toHaveLength(4);
  });
});

describe('FK/IK switch', () => {
  const sk = createDefaultHumanoid({ heightPx: 800 });
  const hand = (m: Motion, f: number) =>
    computeWorldTransforms(sk, evaluateCharacterPose(sk, m, f)).get('LeftHand' as JointId)!.position;
  test('switching to IK does not jump; the target moves the hand; baking to FK keeps the pose', () => {
    const fk: Motion = {
      rotations: { LeftArm: keys(0).map((k) => ({ ...k, value: q(-30) })) },
      rootTranslation: [],
    };
    const ik = switchToIk(sk, fk, 'LeftHand', 5);
    expect(distance(hand(ik, 5), hand(fk, 5))).toBeLessThan(0.5);
    const moved = keyIkTarget(ik, 'LeftHand', 5, [200, 150, 40]);
    expect(distance(hand(moved, 5), [200, 150, 40])).toBeLessThan(0.5);
    const baked = bakeIkToFk(sk, moved, 'LeftHand', 5);
    expect(baked.ik!.LeftHand!.blend.find((k) => k.frame === 5)!.value).toBe(0);
    expect(distance(hand(baked, 5), [200, 150, 40])).toBeLessThan(0.5);
    const half = keyIkBlend(moved, 'LeftHand', 5, 0.5);
    expect(distance(hand(half, 5), [200, 150, 40])).toBeGreaterThan(1);
  });
});
