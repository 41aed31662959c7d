import { describe, expect, it } from 'vitest';
import { type JointId, jointId } from '../../core/ids.js';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import type { Quat } from '../../core/math/types.js';
import { mirrorPose, restPose } from '../../core/motion/pose.js';
import type { Pose } from '../../core/motion/types.js';
import {
  addJoint,
  removeJoint,
  renameJoint,
  reparentJoint,
  setRestPosition,
  validateSkeleton,
} from '../../core/skeleton/edit.js';
import { createDefaultHumanoid, HUMANOID_JOINT_NAMES } from '../../core/skeleton/humanoid.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { childrenOf, jointById, mirrorJointId, mirrorName } from '../../core/skeleton/query.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { expectSameRotation, expectVecClose } from './helpers.js';

const id = jointId;

describe('default humanoid', () => {
  const sk = createDefaultHumanoid({ heightPx: 1000 });

  it('has the Mixamo-style joints, one root, parents first, and is valid', () => {
    expect(sk.joints.map((j) => j.name)).toEqual(HUMANOID_JOINT_NAMES);
    expect(HUMANOID_JOINT_NAMES).toHaveLength(21);
    expect(sk.joints.filter((j) => j.parentId === null).map((j) => j.name)).toEqual(['Hips']);
    expect(validateSkeleton(sk)).toEqual([]);
    expect(sk.joints.every((j) => j.id === j.name)).toBe(true);
  });

  it('is a symmetric T-pose centred on the figure', () => {
    const p = (name: string) => jointById(sk, name)!.restPosition;
    // Arms horizontal.
    expect(p('LeftArm')[1]).toBe(p('LeftHand')[1]);
    expect(p('LeftForeArm')[1]).toBe(p('LeftArm')[1]);
    expect(p('LeftHand')[0]).toBeGreaterThan(p('LeftForeArm')[0]);
    for (const j of sk.joints) {
      const mirror = jointById(sk, mirrorJointId(sk, j.id)!)!;
      expectVecClose(mirror.restPosition, [-j.restPosition[0], j.restPosition[1], j.restPosition[2]]);
    }
    // Feet near the bottom of the 1000 px figure, head near the top; toes point at the camera.
    expect(p('LeftFoot')[1]).toBeLessThan(-400);
    expect(p('Head')[1]).toBeGreaterThan(300);
    expect(p('LeftToeBase')[2]).toBeGreaterThan(0);
  });

  it('scales with heightPx', () => {
    const small = createDefaultHumanoid({ heightPx: 500 });
    expectVecClose(
      jointById(small, 'LeftHand')!.restPosition,
      jointById(sk, 'LeftHand')!.restPosition.map((v) => v / 2),
    );
  });
});

describe('forward kinematics', () => {
  const sk = createDefaultHumanoid({ heightPx: 1000 });
  const rest = (name: string) => jointById(sk, name)!.restPosition;

  it('the rest pose puts every joint at its rest position', () => {
    const world = computeWorldTransforms(sk, restPose());
    for (const j of sk.joints) expectVecClose(world.get(j.id)!.position, j.restPosition);
  });

  it('rotating LeftArm by 90 degrees about z raises the forearm and hand straight up', () => {
    const quarter = quatFromAxisAngle([0, 0, 1], Math.PI / 2);
    const world = computeWorldTransforms(sk, { rotations: { LeftArm: quarter }, rootTranslation: [0, 0, 0] });
    const shoulder = rest('LeftArm');
    const upperLen = rest('LeftForeArm')[0] - shoulder[0];
    const armLen = rest('LeftHand')[0] - shoulder[0];
    expectVecClose(world.get(id('LeftArm'))!.position, shoulder);
    expectVecClose(world.get(id('LeftForeArm'))!.position, [shoulder[0], shoulder[1] + upperLen, 0]);
    expectVecClose(world.get(id('LeftHand'))!.position, [shoulder[0], shoulder[1] + armLen, 0]);
    expectSameRotation(world.get(id('LeftHand'))!.rotation, quarter);
    // The other arm does not move.
    expectVecClose(world.get(id('RightHand'))!.position, rest('RightHand'));
  });

  it('composes rotations down the chain and applies the root translation to everything', () => {
    const quarter = quatFromAxisAngle([0, 0, 1], Math.PI / 2);
    const pose: Pose = {
      rotations: { LeftArm: quarter, LeftForeArm: quarter },
      rootTranslation: [10, 20, 0],
    };
    const world = computeWorldTransforms(sk, pose);
    const shoulder = rest('LeftArm');
    const upperLen = rest('LeftForeArm')[0] - shoulder[0];
    const foreLen = rest('LeftHand')[0] - rest('LeftForeArm')[0];
    // Upper arm points up, forearm then points to -x (180 degrees in total).
    expectVecClose(world.get(id('LeftHand'))!.position, [
      shoulder[0] - foreLen + 10,
      shoulder[1] + upperLen + 20,
      0,
    ]);
    expectVecClose(world.get(id('Hips'))!.position, [rest('Hips')[0] + 10, rest('Hips')[1] + 20, 0]);
  });
});

describe('skeleton edits', () => {
  const sk = createDefaultHumanoid();

  it('adds a joint under a parent with a fresh id, keeping parents first', () => {
    const { skeleton, jointId: tail } = addJoint(sk, {
      name: 'Tail',
      parentId: id('Hips'),
      restPosition: [0, -10, -30],
    });
    expect(tail).toBe('Tail');
    expect(skeleton.joints).toHaveLength(sk.joints.length + 1);
    expect(jointById(skeleton, tail)!.parentId).toBe('Hips');
    expect(validateSkeleton(skeleton)).toEqual([]);
    expect(sk.joints).toHaveLength(21);
    // A second joint whose name maps to a taken id gets a numbered id.
    const second = addJoint(skeleton, { name: 'Tail ', parentId: tail, restPosition: [0, -20, -60] });
    expect(second.jointId).not.toBe(tail);
    expect(() => addJoint(skeleton, { name: 'Tail', parentId: id('Hips'), restPosition: [0, 0, 0] })).toThrow(
      /already a joint named "Tail"/,
    );
    expect(() => addJoint(sk, { name: 'X', parentId: id('Nope'), restPosition: [0, 0, 0] })).toThrow(
      /no joint/,
    );
  });

  it('removes a joint and gives its children to its parent; the root stays', () => {
    const s = removeJoint(sk, id('LeftForeArm'));
    expect(jointById(s, 'LeftForeArm')).toBeUndefined();
    expect(jointById(s, 'LeftHand')!.parentId).toBe('LeftArm');
    expect(validateSkeleton(s)).toEqual([]);
    expect(() => removeJoint(sk, id('Hips'))).toThrow(/root/);
  });

  it('renames, rejecting duplicates', () => {
    const s = renameJoint(sk, id('Head'), 'Skull');
    expect(jointById(s, 'Head')!.name).toBe('Skull');
    expect(() => renameJoint(sk, id('Head'), 'Neck')).toThrow(/already/);
    expect(renameJoint(sk, id('Head'), 'Head')).toBe(sk);
  });

  it('reparents with its subtree, reorders parents first, and rejects cycles', () => {
    const s = reparentJoint(sk, id('LeftShoulder'), id('Head'));
    expect(jointById(s, 'LeftShoulder')!.parentId).toBe('Head');
    expect(validateSkeleton(s)).toEqual([]);
    expect(() => reparentJoint(sk, id('LeftArm'), id('LeftHand'))).toThrow(/cycle/);
    expect(() => reparentJoint(sk, id('Hips'), id('Spine'))).toThrow();
    // A reparent that puts a joint under one listed after it must reorder the list.
    const reordered = reparentJoint(sk, id('Spine'), id('RightToeBase'));
    expect(validateSkeleton(reordered)).toEqual([]);
    const names = reordered.joints.map((j) => j.name);
    expect(names.indexOf('RightToeBase')).toBeLessThan(names.indexOf('Spine'));
    expect(names.indexOf('Spine')).toBeLessThan(names.indexOf('Chest'));
  });

  it('sets rest positions', () => {
    const s = setRestPosition(sk, id('Head'), [1, 2, 3]);
    expect(jointById(s, 'Head')!.restPosition).toEqual([1, 2, 3]);
    expect(jointById(sk, 'Head')!.restPosition).not.toEqual([1, 2, 3]);
  });

  it('builds a six-armed character from the humanoid', () => {
    let s: Skeleton = sk;
    for (const side of ['Left', 'Right'] as const) {
      const dir = side === 'Left' ? 1 : -1;
      for (const [tier, dy] of [
        ['Mid', -60],
        ['Low', -120],
      ] as const) {
        const shoulder = addJoint(s, {
          name: `${side}${tier}Arm`,
          parentId: id('Chest'),
          restPosition: [dir * 80, 240 + dy, 0],
        });
        const fore = addJoint(shoulder.skeleton, {
          name: `${side}${tier}ForeArm`,
          parentId: shoulder.jointId,
          restPosition: [dir * 200, 240 + dy, 0],
        });
        const hand = addJoint(fore.skeleton, {
          name: `${side}${tier}Hand`,
          parentId: fore.jointId,
          restPosition: [dir * 310, 240 + dy, 0],
        });
        s = hand.skeleton;
      }
    }
    expect(validateSkeleton(s)).toEqual([]);
    expect(s.joints.filter((j) => j.name.endsWith('Hand'))).toHaveLength(6);
    expect(childrenOf(s, 'Chest').map((j) => j.name)).toEqual(
      expect.arrayContaining(['LeftMidArm', 'LeftLowArm', 'RightMidArm', 'RightLowArm', 'Neck']),
    );
    expect(mirrorJointId(s, id('LeftLowHand'))).toBe('RightLowHand');
    // Kinematics works on the custom skeleton: raise a lower arm.
    const world = computeWorldTransforms(s, {
      rotations: { LeftLowArm: quatFromAxisAngle([0, 0, 1], Math.PI / 2) },
      rootTranslation: [0, 0, 0],
    });
    expectVecClose(world.get(id('LeftLowHand'))!.position, [80, 120 + 230, 0]);
  });

  it('validateSkeleton reports problems', () => {
    const bad: Skeleton = {
      joints: [
        { id: id('A'), name: 'A', parentId: null, restPosition: [0, 0, 0] },
        { id: id('B'), name: 'B', parentId: id('C'), restPosition: [0, 0, 0] },
        { id: id('C'), name: 'C', parentId: id('B'), restPosition: [0, 0, 0] },
        { id: id('D'), name: 'A', parentId: null, restPosition: [0, Number.NaN, 0] },
      ],
    };
    const problems = validateSkeleton(bad).join('\n');
    expect(problems).toMatch(/exactly one root/);
    expect(problems).toMatch(/name "A" is used twice/);
    expect(problems).toMatch(/non-finite/);
    expect(problems).toMatch(/"B" comes before its parent/);
  });
});

describe('mirror', () => {
  const sk = createDefaultHumanoid({ heightPx: 1000 });

  it('maps side names both ways and leaves centre joints alone', () => {
    expect(mirrorName('LeftForeArm')).toBe('RightForeArm');
    expect(mirrorName('RightToeBase')).toBe('LeftToeBase');
    expect(mirrorName('arm.L')).toBe('arm.R');
    expect(mirrorName('hand_r')).toBe('hand_l');
    expect(mirrorName('Spine')).toBeNull();
    expect(mirrorJointId(sk, id('LeftArm'))).toBe('RightArm');
    expect(mirrorJointId(sk, id('Head'))).toBe('Head');
    const oneSided = removeJoint(sk, id('RightToeBase'));
    expect(mirrorJointId(oneSided, id('LeftToeBase'))).toBeNull();
  });

  it('mirrorPose swaps sides, reflects rotations across x = 0 and negates root x', () => {
    const raise = quatFromAxisAngle([0, 0, 1], Math.PI / 3);
    const twist = quatFromAxisAngle([0, 1, 0], 0.4);
    const pose: Pose = { rotations: { LeftArm: raise, Spine: twist }, rootTranslation: [30, 5, -2] };
    const mirrored = mirrorPose(sk, pose);
    expect(Object.keys(mirrored.rotations).sort()).toEqual(['RightArm', 'Spine']);
    expectSameRotation(mirrored.rotations.RightArm as Quat, quatFromAxisAngle([0, 0, 1], -Math.PI / 3));
    expectSameRotation(mirrored.rotations.Spine as Quat, quatFromAxisAngle([0, 1, 0], -0.4));
    expectVecClose(mirrored.rootTranslation, [-30, 5, -2]);
    // Positions are the mirror images of the original's.
    const a = computeWorldTransforms(sk, pose);
    const b = computeWorldTransforms(sk, mirrored);
    for (const j of sk.joints) {
      const p = a.get(j.id)!.position;
      expectVecClose(b.get(mirrorJointId(sk, j.id) as JointId)!.position, [-p[0], p[1], p[2]], 6);
    }
    // Mirroring twice is the identity.
    const twice = mirrorPose(sk, mirrored);
    expectSameRotation(twice.rotations.LeftArm as Quat, raise);
    expectVecClose(twice.rootTranslation, pose.rootTranslation);
  });
});
