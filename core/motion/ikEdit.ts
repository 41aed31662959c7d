import { ikChainFor, solveIk } from '../ik/posing.js';
import type { Vec3 } from '../math/types.js';
import { computeWorldTransforms } from '../skeleton/kinematics.js';
import type { Skeleton } from '../skeleton/types.js';
import { evaluateCharacterPose } from './characterPose.js';
import { setKey } from './edit.js';
import { evaluateNumberTrack } from './evaluate.js';
import { keyRotationFor } from './layers.js';
import type { IkChannel, Interpolation, Motion } from './types.js';

/**
 * The FK/IK switch of a limb (docs/motion.md, "IK posing"): put a limb under an IK target
 * without a jump, key its target and blend, bake it back to FK keys. Pure motion edits.
 */

function withChannel(motion: Motion, effector: string, channel: IkChannel | null): Motion {
  const ik = { ...(motion.ik ?? {}) };
  if (channel) ik[effector] = channel;
  else delete ik[effector];
  if (Object.keys(ik).length === 0) {
    const { ik: _gone, ...rest } = motion;
    return rest;
  }
  return { ...motion, ik };
}

/** Where the effector is at `frame` (what the viewport shows there). */
function effectorAt(skeleton: Skeleton, motion: Motion, effector: string, frame: number): Vec3 {
  const pose = evaluateCharacterPose(skeleton, motion, frame);
  const at = computeWorldTransforms(skeleton, pose).get(effector as never)?.position;
  if (!at) throw new Error(`the skeleton has no joint "${effector}"`);
  return at;
}

/**
 * Switches a limb to IK at `frame`: keys its target where the effector is now and its blend to 1,
 * so the pose does not change at that frame.
 */
export function switchToIk(
  skeleton: Skeleton,
  motion: Motion,
  effector: string,
  frame: number,
  interpolation: Interpolation = 'linear',
): Motion {
  const chain = ikChainFor(skeleton, effector);
  if (!chain) throw new Error(`"${effector}" has no joints above it to solve`);
  const target = effectorAt(skeleton, motion, effector, frame);
  const existing = motion.ik?.[effector];
  const channel: IkChannel = {
    target: setKey(existing?.target ?? [], { frame, value: target, interpolation }),
    blend: setKey(existing?.blend ?? [], { frame, value: 1, interpolation }),
    ...(existing?.pole ? { pole: existing.pole } : {}),
    ...(chain.kind === 'ccd' ? { chainLength: chain.joints.length } : {}),
  };
  return withChannel(motion, effector, channel);
}

/** Keys the IK blend of a limb (0 = FK, 1 = IK) at `frame`. */
export function keyIkBlend(
  motion: Motion,
  effector: string,
  frame: number,
  blend: number,
  interpolation: Interpolation = 'linear',
): Motion {
  const channel = motion.ik?.[effector];
  if (!channel) throw new Error(`"${effector}" has no IK limb; switch it to IK first`);
  const value = Math.min(1, Math.max(0, blend));
  return withChannel(motion, effector, {
    ...channel,
    blend: setKey(channel.blend, { frame, value, interpolation }),
  });
}

/** Keys the IK target of a limb at `frame` (character space). */
export function keyIkTarget(
  motion: Motion,
  effector: string,
  frame: number,
  target: Vec3,
  interpolation: Interpolation = 'linear',
): Motion {
  const channel = motion.ik?.[effector];
  if (!channel) throw new Error(`"${effector}" has no IK limb; switch it to IK first`);
  const existing = channel.target.find((k) => k.frame === frame);
  const key = existing ? { ...existing, value: target } : { frame, value: target, interpolation };
  return withChannel(motion, effector, { ...channel, target: setKey(channel.target, key) });
}

/**
 * Bakes the limb at `frame` into FK: keys the chain's solved rotations there and its blend to 0,
 * so the pose does not change at that frame but the limb follows its FK keys from here.
 */
export function bakeIkToFk(
  skeleton: Skeleton,
  motion: Motion,
  effector: string,
  frame: number,
  interpolation: Interpolation = 'linear',
): Motion {
  const channel = motion.ik?.[effector];
  if (!channel) return motion;
  const pose = evaluateCharacterPose(skeleton, motion, frame);
  const chain = ikChainFor(skeleton, effector, channel.chainLength);
  if (!chain) return motion;
  const rotations = { ...motion.rotations };
  for (const id of chain.joints) {
    const value = keyRotationFor(motion, id, frame, pose.rotations[id] ?? [0, 0, 0, 1]);
    const track = rotations[id] ?? [];
    const existing = track.find((k) => k.frame === frame);
    rotations[id] = setKey(track, existing ? { ...existing, value } : { frame, value, interpolation });
  }
  return withChannel({ ...motion, rotations }, effector, {
    ...channel,
    blend: setKey(channel.blend, { frame, value: 0, interpolation }),
  });
}

/** Removes a limb's IK channel (its FK keys stay). */
export function removeIk(motion: Motion, effector: string): Motion {
  return withChannel(motion, effector, null);
}

/** The blend track's value at a frame (0 without a channel). */
export function ikBlendValue(motion: Motion, effector: string, frame: number): number {
  const channel = motion.ik?.[effector];
  return channel ? evaluateNumberTrack(channel.blend, frame, 0) : 0;
}

/** IK posing in FK: the chain's rotations that put the effector on `target`, as full local rotations. */
export function ikPoseRotations(
  skeleton: Skeleton,
  motion: Motion,
  effector: string,
  frame: number,
  target: Vec3,
) {
  return solveIk(skeleton, evaluateCharacterPose(skeleton, motion, frame), effector, target);
}
