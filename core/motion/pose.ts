import type { JointId } from '../ids.js';
import { quatNormalize } from '../math/quat.js';
import type { Quat } from '../math/types.js';
import { mirrorJointId } from '../skeleton/query.js';
import type { Skeleton } from '../skeleton/types.js';
import type { Pose } from './types.js';

/** Every joint at rest, no root translation. */
export function restPose(): Pose {
  return { rotations: {}, rootTranslation: [0, 0, 0] };
}

/**
 * Reflects a rotation across the x = 0 plane: the reflection M = diag(-1, 1, 1) maps a rotation
 * R to M R M, whose axis is the axial vector (x, -y, -z) with the same angle.
 */
export function mirrorQuat(q: Quat): Quat {
  return [q[0], -q[1], -q[2], q[3]];
}

/**
 * The left/right mirror image of a pose: each joint's rotation is reflected across x = 0 and
 * given to its counterpart (LeftArm <-> RightArm; centre joints keep their own); the root
 * translation's x is negated. Correct for skeletons whose rest pose is symmetric about x = 0.
 */
export function mirrorPose(sk: Skeleton, pose: Pose): Pose {
  const rotations: Record<string, Quat> = {};
  for (const [joint, q] of Object.entries(pose.rotations)) {
    const target: JointId | string = mirrorJointId(sk, joint) ?? joint;
    rotations[target] = mirrorQuat(q);
  }
  const [x, y, z] = pose.rootTranslation;
  return { rotations, rootTranslation: [-x, y, z] };
}

/** Copy of a pose with every rotation normalised (for values that arrive from outside). */
export function normalizePose(pose: Pose): Pose {
  const rotations: Record<string, Quat> = {};
  for (const [joint, q] of Object.entries(pose.rotations)) rotations[joint] = quatNormalize(q);
  return { rotations, rootTranslation: pose.rootTranslation };
}
