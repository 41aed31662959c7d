import { describe, expect, test } from 'vitest';
import { parseBvh } from '../../../core/io/bvh.js';
import { angleBetweenDeg, rotate } from '../../../core/math/align.js';
import { quatFromAxisAngle, quatMultiply, quatNormalize } from '../../../core/math/quat.js';
import type { Quat, Vec3 } from '../../../core/math/types.js';
import { dot, sub } from '../../../core/math/vec3.js';
import { clipPose } from '../../../core/motion/clip.js';
import { autoMapJoints } from '../../../core/retarget/mapping.js';
import { retargetClip } from '../../../core/retarget/retarget.js';
import { buildRig } from '../../../core/retarget/rig.js';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import { computeWorldTransforms } from '../../../core/skeleton/kinematics.js';
import type { Skeleton } from '../../../core/skeleton/types.js';
import {
  ANIMATED_DRAWINGS,
  BLENDER,
  CMU_CGSPEED,
  CMU_HIP,
  type Convention,
  HUMANOID_CONVENTIONS,
  MIXAMO,
  ROKOKO,
  smoothMotion,
  TRUEBONES_DOG,
  writeConventionBvh,
} from './conventions.js';

/**
 * Retargeting real-world-style BVH files (tests/core/motion/conventions.ts) onto characters:
 * the mapping each convention gets, and the retargeted world-space bone directions against the
 * source's (≤ 2° per bone where the skeletons correspond), for T- and A-posed characters and a
 * four-legged one.
 */

const DEG = Math.PI / 180;

/** The source's world joint positions per frame, computed from the fixture itself (canonical frame). */
function canonicalWorld(
  convention: Convention,
  motion: { rotations: Quat[][]; root: Vec3[] },
  frame: number,
): Map<string, Vec3> {
  const out = new Map<string, Vec3>();
  const rotations = new Map<string, Quat>();
  convention.joints.forEach((joint, j) => {
    const q = motion.rotations[frame]![j]!;
    if (joint.parent === null) {
      const r = motion.root[frame]!;
      out.set(joint.name, [joint.at[0] + r[0], joint.at[1] + r[1], joint.at[2] + r[2]]);
      rotations.set(joint.name, q);
      return;
    }
    const parent = convention.joints.find((p) => p.name === joint.parent)!;
    const pw = rotations.get(parent.name)!;
    const offset = rotate(pw, sub(joint.at, parent.at));
    const pp = out.get(parent.name)!;
    out.set(joint.name, [pp[0] + offset[0], pp[1] + offset[1], pp[2] + offset[2]]);
    rotations.set(joint.name, quatNormalize(quatMultiply(pw, q)));
  });
  return out;
}

/**
 * Bones of the target that have a counterpart: a joint to its only child, or a branching joint
 * to a child on the body's centre plane (hips to spine, chest to neck), both mapped. Bones across
 * a branching joint (hips to thigh) differ in shape from skeleton to skeleton, so they are not
 * compared (their joints' frames are: see the retargeter's across-the-joint alignment).
 */
function correspondingBones(target: Skeleton, pairs: Readonly<Record<string, string>>): [string, string][] {
  const left = buildRig({ skeleton: target, up: [0, 1, 0] }).frame.left;
  const out: [string, string][] = [];
  for (const joint of target.joints) {
    if (!pairs[joint.id]) continue;
    const children = target.joints.filter((j) => j.parentId === joint.id);
    for (const child of children) {
      if (!pairs[child.id]) continue;
      const sideways = Math.abs(dot(sub(child.restPosition, joint.restPosition), left));
      if (children.length === 1 || sideways < 1e-6) out.push([joint.id, child.id]);
    }
  }
  return out;
}

function worstDirectionError(
  convention: Convention,
  target: Skeleton,
  targetToCanonical: Quat,
  frames = 48,
): { worstDeg: number; bones: number; pairs: Readonly<Record<string, string>> } {
  const motion = smoothMotion(convention, frames, 7);
  const bvh = parseBvh(writeConventionBvh(convention, motion));
  const source = buildRig({ skeleton: bvh.skeleton, endSites: bvh.endSites });
  const rig = buildRig({ skeleton: target, up: [0, 1, 0] });
  const mapping = autoMapJoints(source, rig);
  const result = retargetClip({ rig: source, clip: bvh.clip }, rig, { mapping, fixFeet: false });
  const bones = correspondingBones(target, mapping.pairs);
  let worstDeg = 0;
  for (let f = 0; f < frames; f++) {
    const world = computeWorldTransforms(target, clipPose(result.clip, f));
    const truth = canonicalWorld(convention, motion, f);
    for (const [a, b] of bones) {
      const got = rotate(
        targetToCanonical,
        sub(world.get(b as never)!.position, world.get(a as never)!.position),
      );
      const want = sub(truth.get(mapping.pairs[b]!)!, truth.get(mapping.pairs[a]!)!);
      worstDeg = Math.max(worstDeg, angleBetweenDeg(got, want));
    }
  }
  return { worstDeg, bones: bones.length, pairs: mapping.pairs };
}

const humanoid = createDefaultHumanoid({ heightPx: 800 });

/** The default humanoid with its arms 40° down: an A-posed character. */
function aPosed(): Skeleton {
  const sk = createDefaultHumanoid({ heightPx: 800 });
  const pivots: Record<string, Vec3> = {};
  for (const j of sk.joints) pivots[j.name] = j.restPosition;
  return {
    joints: sk.joints.map((joint) => {
      const side = joint.name.startsWith('Left') ? 1 : joint.name.startsWith('Right') ? -1 : 0;
      if (!side || !/Arm|Hand/.test(joint.name) || joint.name.endsWith('Shoulder')) return joint;
      const pivot = pivots[side > 0 ? 'LeftArm' : 'RightArm']!;
      const q = quatFromAxisAngle([0, 0, 1], -side * 40 * DEG);
      const r = rotate(q, sub(joint.restPosition, pivot));
      return { ...joint, restPosition: [pivot[0] + r[0], pivot[1] + r[1], pivot[2] + r[2]] };
    }),
  };
}

describe('automatic joint mapping', () => {
  const expected: Record<string, Record<string, string>> = {
    [CMU_CGSPEED.id]: {
      Hips: 'Hips',
      LeftUpLeg: 'LeftUpLeg',
      LeftLeg: 'LeftLeg',
      LeftForeArm: 'LeftForeArm',
      Chest: 'Spine1',
      Head: 'Head',
      RightHand: 'RightHand',
    },
    [CMU_HIP.id]: {
      Hips: 'hip',
      Chest: 'chest',
      LeftShoulder: 'lCollar',
      LeftArm: 'lShldr',
      LeftForeArm: 'lForeArm',
      LeftUpLeg: 'lThigh',
      RightLeg: 'rShin',
      Head: 'head',
    },
    [MIXAMO.id]: {
      Hips: 'mixamorig:Hips',
      Chest: 'mixamorig:Spine2',
      LeftArm: 'mixamorig:LeftArm',
      RightToeBase: 'mixamorig:RightToeBase',
      Neck: 'mixamorig:Neck',
    },
    [ROKOKO.id]: {
      Chest: 'Spine4',
      LeftUpLeg: 'LeftThigh',
      LeftLeg: 'LeftShin',
      LeftToeBase: 'LeftToe',
      RightForeArm: 'RightForeArm',
    },
    [BLENDER.id]: {
      Hips: 'spine',
      Chest: 'spine.003',
      LeftArm: 'upper_arm.L',
      RightLeg: 'shin.R',
      Neck: 'spine.004',
      Head: 'spine.006',
      LeftShoulder: 'shoulder.L',
    },
    [ANIMATED_DRAWINGS.id]: {
      Hips: 'hip',
      Chest: 'torso',
      LeftArm: 'left_shoulder',
      LeftForeArm: 'left_elbow',
      LeftHand: 'left_hand',
      RightUpLeg: 'right_hip',
      RightLeg: 'right_knee',
      RightFoot: 'right_foot',
      Neck: 'neck',
    },
  };
  for (const convention of HUMANOID_CONVENTIONS) {
    test(`${convention.id}: by names, synonyms and side conventions`, () => {
      const bvh = parseBvh(writeConventionBvh(convention, smoothMotion(convention, 2)));
      const mapping = autoMapJoints(
        buildRig({ skeleton: bvh.skeleton, endSites: bvh.endSites }),
        buildRig({ skeleton: humanoid, up: [0, 1, 0] }),
      );
      for (const [targetJoint, sourceJoint] of Object.entries(expected[convention.id]!)) {
        expect(mapping.pairs[targetJoint], targetJoint).toBe(sourceJoint);
      }
    });
  }
});

describe('retargeted bone directions match the source (≤ 2°)', () => {
  for (const convention of HUMANOID_CONVENTIONS) {
    test(`${convention.id} onto the T-posed humanoid`, () => {
      const { worstDeg, bones } = worstDirectionError(convention, humanoid, [0, 0, 0, 1]);
      // Animated Drawings' 16 joints have no clavicles, toes or head joint: fewer bones correspond.
      expect(bones).toBeGreaterThanOrEqual(convention === ANIMATED_DRAWINGS ? 8 : 12);
      expect(worstDeg).toBeLessThanOrEqual(2);
    });
  }
  test('a T-pose capture onto an A-posed character, and an A-pose capture (Rokoko) onto it', () => {
    for (const convention of [MIXAMO, ROKOKO]) {
      const { worstDeg, bones } = worstDirectionError(convention, aPosed(), [0, 0, 0, 1]);
      expect(bones).toBeGreaterThanOrEqual(10);
      expect(worstDeg).toBeLessThanOrEqual(2);
    }
  });
});

/**
 * A four-legged character drawn side-on (facing +X) whose joints have no meaningful names: the
 * mapping can only go by the hierarchy's shape and the rest directions.
 */
function unnamedQuadruped(): Skeleton {
  const j = (id: string, parent: string | null, at: Vec3) => ({
    id: id as never,
    name: id,
    parentId: parent as never,
    restPosition: at,
  });
  const legs = (prefix: string, parent: string, x: number, z: number) => [
    j(`${prefix}a`, parent, [x, -10, z]),
    j(`${prefix}b`, `${prefix}a`, [x + 8, -90, z]),
    j(`${prefix}c`, `${prefix}b`, [x, -170, z]),
  ];
  return {
    joints: [
      j('q0', null, [-150, 0, 0]),
      j('q1', 'q0', [0, 10, 0]),
      j('q2', 'q1', [120, 10, 0]),
      j('q3', 'q2', [170, 40, 0]),
      j('q4', 'q3', [220, 80, 0]),
      j('q5', 'q0', [-190, 10, 0]),
      j('q6', 'q5', [-240, -10, 0]),
      // The animal faces +X, so its left side is towards -Z.
      ...legs('hl', 'q0', -150, -25),
      ...legs('hr', 'q0', -150, 25),
      ...legs('fl', 'q2', 120, -25),
      ...legs('fr', 'q2', 120, 25),
    ],
  };
}

describe('four legs onto four legs, by hierarchy shape', () => {
  test('a Truebones-style dog onto an unnamed side-view quadruped: legs, spine and tail correspond', () => {
    const target = unnamedQuadruped();
    // Canonical frame of the dog (facing +Z) to the target's (facing +X): a quarter turn about Y.
    const { worstDeg, bones, pairs } = worstDirectionError(
      TRUEBONES_DOG,
      target,
      quatFromAxisAngle([0, 1, 0], -90 * DEG),
    );
    expect(pairs).toMatchObject({
      q0: 'Bip01_Pelvis',
      q1: 'Bip01_Spine',
      q2: 'Bip01_Spine1',
      q3: 'Bip01_Neck',
      q5: 'Bip01_Tail',
      hla: 'Bip01_L_Thigh',
      hrc: 'Bip01_R_Foot',
      fla: 'Bip01_L_Clavicle',
      frc: 'Bip01_R_Hand',
    });
    expect(bones).toBeGreaterThanOrEqual(14);
    expect(worstDeg).toBeLessThanOrEqual(2);
  });
});
