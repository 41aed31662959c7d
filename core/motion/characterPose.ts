import { blendJoints, solveIk } from '../ik/posing.js';
import type { Skeleton } from '../skeleton/types.js';
import { evaluateMotion, evaluateNumberTrack, evaluateVec3Track } from './evaluate.js';
import type { Motion, Pose } from './types.js';

/**
 * The pose a character shows at a frame: its motion (layers and keys, evaluate.ts) with its IK
 * limbs solved on top (docs/motion.md, "IK limbs"). Every consumer that draws or renders a
 * character uses this, so the viewport, the frame engine and the exports agree.
 */
export function evaluateCharacterPose(skeleton: Skeleton, motion: Motion, frame: number): Pose {
  const pose = evaluateMotion(motion, frame);
  if (!motion.ik) return pose;
  let out = pose;
  for (const [effector, channel] of Object.entries(motion.ik)) {
    if (channel.target.length === 0) continue;
    const blend = Math.min(1, Math.max(0, evaluateNumberTrack(channel.blend, frame, 0)));
    if (blend <= 0) continue;
    const pole = channel.pole && channel.pole.length > 0 ? evaluateVec3Track(channel.pole, frame) : null;
    const solved = solveIk(skeleton, out, effector, evaluateVec3Track(channel.target, frame), {
      pole,
      ...(channel.chainLength !== undefined ? { chainLength: channel.chainLength } : {}),
    });
    if (solved) out = blendJoints(out, solved.pose, solved.chain.joints, blend);
  }
  return out;
}

/** The IK blend of an effector's limb at a frame (0 = FK), 0 when it has no IK channel. */
export function ikBlendAt(motion: Motion, effector: string, frame: number): number {
  const channel = motion.ik?.[effector];
  if (!channel || channel.target.length === 0) return 0;
  return Math.min(1, Math.max(0, evaluateNumberTrack(channel.blend, frame, 0)));
}
