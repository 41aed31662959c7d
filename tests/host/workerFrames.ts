import type { FrameRequest } from '../../core/contract/jobs.js';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import type { Pose } from '../../core/motion/types.js';
import { frameKey } from '../../core/render/frameKey.js';
import { artFrame, type OutputFrame } from '../../core/render/parts/posed.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import type { CharacterInput } from '../../host/worker/supervisor.js';
import { createSyntheticCharacter, type SyntheticCharacter } from '../fixtures/syntheticFigure.js';

/** The synthetic figure as the worker takes it, and numbered frame requests of a small motion. */
export function workerCharacter(
  width: number,
  height: number,
): SyntheticCharacter & { input: CharacterInput } {
  const ch = createSyntheticCharacter({ width, height });
  return {
    ...ch,
    input: {
      art: ch.art,
      skeleton: { joints: ch.skeleton.joints.map((j) => ({ ...j, restPosition: [...j.restPosition] })) },
    },
  };
}

export function motionPose(i: number, angle = 0.05): Pose {
  return {
    rotations: {
      LeftArm: quatFromAxisAngle([0, 0, 1], -angle * i),
      RightForeArm: quatFromAxisAngle([0, 1, 0], 0.8 * angle * i),
    },
    rootTranslation: [i * 0.5, 0, 0],
  };
}

export function frameRequests(
  ch: SyntheticCharacter,
  count: number,
  rigKey = 'rig_test',
  output: OutputFrame = artFrame(ch.art),
  angle = 0.05,
): FrameRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const pose = motionPose(i, angle);
    const key = frameKey({ rigKey, world: computeWorldTransforms(ch.skeleton, pose), output });
    return {
      frameIndex: i,
      key,
      pose: {
        rotations: Object.fromEntries(
          Object.entries(pose.rotations).map(([id, q]) => [id, [q[0], q[1], q[2], q[3]]]),
        ),
        rootTranslation: [...pose.rootTranslation],
      },
    } as FrameRequest;
  });
}
