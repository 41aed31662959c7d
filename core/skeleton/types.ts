import type { JointId } from '../ids.js';
import type { Vec3 } from '../math/types.js';

/**
 * A joint of a character's skeleton. The rest pose is a T-pose: every joint's local frame is
 * aligned with character space at rest, so a pose is just a local rotation per joint (identity =
 * rest), like a BVH whose rest offsets carry no rotation.
 */
export interface Joint {
  readonly id: JointId;
  /** Display name; unique within a skeleton. Default names follow the Mixamo/BVH convention. */
  readonly name: string;
  readonly parentId: JointId | null;
  /** Rest position in character space (pixels, see math/types.ts). */
  readonly restPosition: Vec3;
}

/** Joints in parent-before-child order; exactly one root (parentId null). */
export interface Skeleton {
  readonly joints: readonly Joint[];
}
