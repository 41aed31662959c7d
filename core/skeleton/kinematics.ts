import type { JointId } from '../ids.js';
import { IDENTITY_QUAT, quatMultiply, quatNormalize, quatRotateVec3 } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { add, sub } from '../math/vec3.js';
import type { Pose } from '../motion/types.js';
import type { Skeleton } from './types.js';

export interface WorldTransform {
  /** Joint position in character space (pixels). */
  readonly position: Vec3;
  /** Joint rotation relative to its rest orientation, in character space. */
  readonly rotation: Quat;
}

/**
 * Forward kinematics. Rest frames carry no rotation (T-pose), so for joint j with parent p:
 *   R_j = R_p * local_j,   position_j = position_p + R_p * (rest_j - rest_p),
 * and the root sits at rest_root + rootTranslation. Joints must be parent-before-child (the
 * skeleton invariant); unknown joints in the pose are ignored.
 */
export function computeWorldTransforms(sk: Skeleton, pose: Pose): Map<JointId, WorldTransform> {
  const out = new Map<JointId, WorldTransform>();
  const rest = new Map<JointId, Vec3>();
  for (const joint of sk.joints) {
    rest.set(joint.id, joint.restPosition);
    const local = pose.rotations[joint.id] ?? IDENTITY_QUAT;
    const parent = joint.parentId === null ? undefined : out.get(joint.parentId);
    const parentRest = joint.parentId === null ? undefined : rest.get(joint.parentId);
    if (!parent || !parentRest) {
      out.set(joint.id, {
        position: add(joint.restPosition, pose.rootTranslation),
        rotation: quatNormalize(local),
      });
      continue;
    }
    out.set(joint.id, {
      position: add(parent.position, quatRotateVec3(parent.rotation, sub(joint.restPosition, parentRest))),
      rotation: quatNormalize(quatMultiply(parent.rotation, local)),
    });
  }
  return out;
}
