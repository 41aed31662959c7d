import { evaluateEase } from '../math/bezier.js';
import { IDENTITY_QUAT, quatMultiply, quatNormalize, quatSlerp } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { lerpVec3 } from '../math/vec3.js';
import {
  DEFAULT_EASE,
  type Keyframe,
  type Motion,
  type MotionLayer,
  type Pose,
  type Track,
} from './types.js';

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

/** Number at a (possibly fractional) frame; an empty track is `empty`. */
export function evaluateNumberTrack(track: Track<number>, frame: number, empty = 0): number {
  const at = locate(track, frame);
  if (at === null) return empty;
  if ('value' in at) return at.value;
  return at.from.value + (at.to.value - at.from.value) * at.t;
}

/**
 * The pose of the clip layers alone at a frame (docs/motion.md, "Layers"): each layer replaces
 * what is under it by its weight (slerp for rotations, lerp for the root), bottom layer first.
 * Joints no layer animates are left out (= rest).
 */
export function evaluateLayers(layers: readonly MotionLayer[] | undefined, frame: number): Pose {
  const rotations: Record<string, Quat> = {};
  let root: Vec3 = [0, 0, 0];
  for (const layer of layers ?? []) {
    if (layer.muted || !(layer.weight > 0)) continue;
    const w = Math.min(1, layer.weight);
    for (const [joint, track] of Object.entries(layer.rotations)) {
      if (track.length === 0) continue;
      const q = evaluateRotationTrack(track, frame);
      const under = rotations[joint];
      rotations[joint] =
        w >= 1 || !under ? (w >= 1 ? q : quatSlerp(IDENTITY_QUAT, q, w)) : quatSlerp(under, q, w);
    }
    if (layer.rootTranslation.length > 0)
      root = lerpVec3(root, evaluateVec3Track(layer.rootTranslation, frame), w);
  }
  return { rotations, rootTranslation: root };
}

/**
 * The pose at a (possibly fractional) frame: the clip layers, with the motion's own keys added on
 * top (a key is a local rotation applied after the layers' rotation of that joint, and a root
 * offset added to theirs; with no layers a key is simply the joint's rotation). Joints without
 * keys or layers are left out (= rest). IK limbs need the skeleton: motion/characterPose.ts.
 */
export function evaluateMotion(motion: Motion, frame: number): Pose {
  const keyed: Record<string, Quat> = {};
  for (const [joint, track] of Object.entries(motion.rotations)) {
    if (track.length > 0) keyed[joint] = evaluateRotationTrack(track, frame);
  }
  const keyedRoot = evaluateVec3Track(motion.rootTranslation, frame);
  if (!motion.layers || motion.layers.length === 0) return { rotations: keyed, rootTranslation: keyedRoot };
  const base = evaluateLayers(motion.layers, frame);
  const rotations: Record<string, Quat> = { ...base.rotations };
  for (const [joint, q] of Object.entries(keyed)) {
    const under = rotations[joint];
    rotations[joint] = under ? quatNormalize(quatMultiply(under, q)) : q;
  }
  const r = base.rootTranslation;
  return { rotations, rootTranslation: [r[0] + keyedRoot[0], r[1] + keyedRoot[1], r[2] + keyedRoot[2]] };
}
