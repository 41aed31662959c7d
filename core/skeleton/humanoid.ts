import { type JointId, jointId } from '../ids.js';
import type { Vec3 } from '../math/types.js';
import type { Joint, Skeleton } from './types.js';

/**
 * Joint positions of the default humanoid as fractions of the figure's height: x to the
 * character's left (which is +x, the viewer's right, since the character faces the camera),
 * y up from the soles, z towards the camera. Proportions are a slightly stylised adult (arms a
 * little short, so a T-pose fits a portrait picture); the rig editor's Fit mode moves joints onto
 * the actual art.
 */
const HUMANOID: readonly { name: string; parent: string | null; at: Vec3 }[] = [
  { name: 'Hips', parent: null, at: [0, 0.53, 0] },
  { name: 'Spine', parent: 'Hips', at: [0, 0.6, 0] },
  { name: 'Chest', parent: 'Spine', at: [0, 0.7, 0] },
  { name: 'Neck', parent: 'Chest', at: [0, 0.82, 0] },
  { name: 'Head', parent: 'Neck', at: [0, 0.87, 0] },
  { name: 'LeftShoulder', parent: 'Chest', at: [0.03, 0.8, 0] },
  { name: 'LeftArm', parent: 'LeftShoulder', at: [0.1, 0.8, 0] },
  { name: 'LeftForeArm', parent: 'LeftArm', at: [0.255, 0.8, 0] },
  { name: 'LeftHand', parent: 'LeftForeArm', at: [0.395, 0.8, 0] },
  { name: 'RightShoulder', parent: 'Chest', at: [-0.03, 0.8, 0] },
  { name: 'RightArm', parent: 'RightShoulder', at: [-0.1, 0.8, 0] },
  { name: 'RightForeArm', parent: 'RightArm', at: [-0.255, 0.8, 0] },
  { name: 'RightHand', parent: 'RightForeArm', at: [-0.395, 0.8, 0] },
  { name: 'LeftUpLeg', parent: 'Hips', at: [0.085, 0.5, 0] },
  { name: 'LeftLeg', parent: 'LeftUpLeg', at: [0.085, 0.28, 0] },
  { name: 'LeftFoot', parent: 'LeftLeg', at: [0.085, 0.05, 0] },
  { name: 'LeftToeBase', parent: 'LeftFoot', at: [0.085, 0.01, 0.08] },
  { name: 'RightUpLeg', parent: 'Hips', at: [-0.085, 0.5, 0] },
  { name: 'RightLeg', parent: 'RightUpLeg', at: [-0.085, 0.28, 0] },
  { name: 'RightFoot', parent: 'RightLeg', at: [-0.085, 0.05, 0] },
  { name: 'RightToeBase', parent: 'RightFoot', at: [-0.085, 0.01, 0.08] },
];

export const DEFAULT_HUMANOID_HEIGHT_PX = 800;

/** Names of the default humanoid's joints, parent before child. */
export const HUMANOID_JOINT_NAMES: readonly string[] = HUMANOID.map((j) => j.name);

/**
 * The default humanoid in T-pose, standing on y = -heightPx / 2 with the top of the head at
 * +heightPx / 2 (character space is centred on the figure). Ids equal the Mixamo-style names, so
 * BVH and glTF exports and tests can refer to joints by name.
 */
export function createDefaultHumanoid(opts: { heightPx?: number } = {}): Skeleton {
  const heightPx = opts.heightPx ?? DEFAULT_HUMANOID_HEIGHT_PX;
  const joints: Joint[] = HUMANOID.map(({ name, parent, at }) => ({
    id: jointId(name),
    name,
    parentId: parent === null ? null : (parent as JointId),
    restPosition: [at[0] * heightPx, (at[1] - 0.5) * heightPx, at[2] * heightPx],
  }));
  return { joints };
}
