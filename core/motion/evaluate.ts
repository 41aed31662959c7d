import { evaluateEase } from '../math/bezier.js';
import { IDENTITY_QUAT, quatNormalize, quatSlerp } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { lerpVec3 } from '../math/vec3.js';
import { DEFAULT_EASE, type Keyframe, type Motion, type Pose, type Track } from './types.js';

/**
 * The segment of `track` that contains `frame`, as (key, next key, eased blend factor), or the
 * single value that holds there (before the first key, after the last key, on a step segment).
 */
function locate<T>(
  track: Track<T>,
  frame: number,
): { value: T } | { from: Keyframe<T>; to: Keyframe<T>; t: number } | null {
  const first = track[0];
  const last = track[track.length - 1];
  if (!first || !last) return null;
  if (frame <= first.frame) return { value: first.value };
  if (frame >= last.frame) return { value: last.value };
  // Binary search for the last key with key.frame <= frame.
  let lo = 0;
  let hi = track.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((track[mid] as Keyframe<T>).frame <= frame) lo = mid;
    else hi = mid;
  }
  const from = track[lo] as Keyframe<T>;
  const to = track[hi] as Keyframe<T>;
  if (frame === from.frame || from.interpolation === 'step') return { value: from.value };
  const u = (frame - from.frame) / (to.frame - from.frame);
  const t = from.interpolation === 'bezier' ? evaluateEase(from.ease ?? DEFAULT_EASE, u) : u;
  return { from, to, t };
}

/** Rotation at a (possibly fractional) frame; an empty track is the identity (rest). */
export function evaluateRotationTrack(track: Track<Quat>, frame: number): Quat {
  const at = locate(track, frame);
  if (at === null) return IDENTITY_QUAT;
  if ('value' in at) return quatNormalize(at.value);
  return quatSlerp(at.from.value, at.to.value, at.t);
}

/** Vector at a (possibly fractional) frame; an empty track is zero. */
export function evaluateVec3Track(track: Track<Vec3>, frame: number): Vec3 {
  const at = locate(track, frame);
  if (at === null) return [0, 0, 0];
  if ('value' in at) return at.value;
  return lerpVec3(at.from.value, at.to.value, at.t);
}

/** The pose at a (possibly fractional) frame. Joints without keys are left out (= rest). */
export function evaluateMotion(motion: Motion, frame: number): Pose {
  const rotations: Record<string, Quat> = {};
  for (const [joint, track] of Object.entries(motion.rotations)) {
    if (track.length > 0) rotations[joint] = evaluateRotationTrack(track, frame);
  }
  return { rotations, rootTranslation: evaluateVec3Track(motion.rootTranslation, frame) };
}
