import { type JointId, jointId } from '../../core/ids.js';
import { quatConjugate, quatMultiply, quatNormalize } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import type { Pose } from '../../core/motion/types.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import type { Skeleton } from '../../core/skeleton/types.js';

/**
 * The skeletons the motion library is captured on (as a mocap file's would be): a humanoid in
 * centimetres with Mixamo-style names, and a dog named the Truebones way (Bip01_). Y up, facing
 * +Z, the body's left at +X. Their proportions differ from Keypose's default humanoid on purpose:
 * the library is retargeted like any other mocap.
 */

type Spec = readonly [name: string, parent: string | null, at: Vec3, end?: Vec3];

function build(spec: readonly Spec[]): { skeleton: Skeleton; endSites: Record<string, Vec3> } {
  const endSites: Record<string, Vec3> = {};
  const joints = spec.map(([name, parent, at, end]) => {
    if (end) endSites[name] = end;
    return { id: jointId(name), name, parentId: parent === null ? null : jointId(parent), restPosition: at };
  });
  return { skeleton: { joints }, endSites };
}

const swapSide = (name: string) => name.replace(/Left|_L_/g, (m) => (m === 'Left' ? 'Right' : '_R_'));
const mirror = (spec: readonly Spec[]): Spec[] =>
  spec.map(([name, parent, at, end]): Spec => {
    const flipped: Vec3 = [-at[0], at[1], at[2]];
    const parentName = parent === null ? null : swapSide(parent);
    return end
      ? [swapSide(name), parentName, flipped, [-end[0], end[1], end[2]]]
      : [swapSide(name), parentName, flipped];
  });

const HUMAN_LEFT: Spec[] = [
  ['LeftShoulder', 'Spine1', [4, 142, 0]],
  ['LeftArm', 'LeftShoulder', [18, 142, 0]],
  ['LeftForeArm', 'LeftArm', [46, 142, -1]],
  ['LeftHand', 'LeftForeArm', [72, 142, 0], [86, 142, 0]],
  ['LeftUpLeg', 'Hips', [9, 92, 0]],
  ['LeftLeg', 'LeftUpLeg', [9, 51, 1]],
  ['LeftFoot', 'LeftLeg', [9, 9, 0]],
  ['LeftToeBase', 'LeftFoot', [9, 2, 13], [9, 2, 21]],
];

export const HUMAN = build([
  ['Hips', null, [0, 96, 0]],
  ['Spine', 'Hips', [0, 108, 0]],
  ['Spine1', 'Spine', [0, 122, 0]],
  ['Neck', 'Spine1', [0, 146, 0]],
  ['Head', 'Neck', [0, 156, 0], [0, 174, 0]],
  ...HUMAN_LEFT,
  ...mirror(HUMAN_LEFT),
]);

const DOG_LEFT: Spec[] = [
  ['Bip01_L_Thigh', 'Bip01_Pelvis', [8, 56, -35]],
  ['Bip01_L_Calf', 'Bip01_L_Thigh', [8, 32, -27]],
  ['Bip01_L_Foot', 'Bip01_L_Calf', [8, 5, -36], [8, 0, -30]],
  ['Bip01_L_UpperArm', 'Bip01_Spine1', [8, 56, 24]],
  ['Bip01_L_Forearm', 'Bip01_L_UpperArm', [8, 32, 21]],
  ['Bip01_L_Hand', 'Bip01_L_Forearm', [8, 5, 24], [8, 0, 30]],
];

export const DOG = build([
  ['Bip01_Pelvis', null, [0, 60, -35]],
  ['Bip01_Spine', 'Bip01_Pelvis', [0, 62, -12]],
  ['Bip01_Spine1', 'Bip01_Spine', [0, 62, 12]],
  ['Bip01_Neck', 'Bip01_Spine1', [0, 66, 30]],
  ['Bip01_Head', 'Bip01_Neck', [0, 76, 44], [0, 73, 62]],
  ['Bip01_Tail', 'Bip01_Pelvis', [0, 62, -44]],
  ['Bip01_Tail1', 'Bip01_Tail', [0, 58, -56]],
  ['Bip01_Tail2', 'Bip01_Tail1', [0, 52, -67], [0, 46, -76]],
  ...DOG_LEFT,
  ...mirror(DOG_LEFT),
]);

/** Sets a joint's local rotation so that its world rotation (relative to rest) is `world`. */
export function withWorldRotation(sk: Skeleton, pose: Pose, joint: string, world: Quat): Pose {
  const parentId = sk.joints.find((j) => j.id === joint)?.parentId ?? null;
  const parentWorld =
    parentId === null ? ([0, 0, 0, 1] as Quat) : computeWorldTransforms(sk, pose).get(parentId)!.rotation;
  return {
    rotations: { ...pose.rotations, [joint]: quatNormalize(quatMultiply(quatConjugate(parentWorld), world)) },
    rootTranslation: pose.rootTranslation,
  };
}

export const id = (name: string): JointId => jointId(name);
