import type { JointId } from '../ids.js';
import { IDENTITY_QUAT } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import type { BezierEase, Interpolation, Keyframe, Motion, Pose, Track } from './types.js';

export const EMPTY_MOTION: Motion = { rotations: {}, rootTranslation: [] };

/** Inserts `key`, replacing any key at the same frame; keeps the track sorted. */
export function setKey<T>(track: Track<T>, key: Keyframe<T>): Track<T> {
  const frame = Math.round(key.frame);
  const normalised = frame === key.frame ? key : { ...key, frame };
  const out = track.filter((k) => k.frame !== frame);
  let i = out.length;
  while (i > 0 && (out[i - 1] as Keyframe<T>).frame > frame) i--;
  out.splice(i, 0, normalised);
  return out;
}

export function deleteKey<T>(track: Track<T>, frame: number): Track<T> {
  return track.some((k) => k.frame === frame) ? track.filter((k) => k.frame !== frame) : track;
}

function withRotations(motion: Motion, rotations: Record<string, Track<Quat>>): Motion {
  const cleaned: Record<string, Track<Quat>> = {};
  for (const [joint, track] of Object.entries(rotations)) if (track.length > 0) cleaned[joint] = track;
  return { ...motion, rotations: cleaned };
}

/** A key of `value` at `frame` that keeps the interpolation of a key already there unless told. */
function keyFor<T>(
  track: Track<T>,
  frame: number,
  value: T,
  interpolation: Interpolation | undefined,
): Keyframe<T> {
  const existing = track.find((k) => k.frame === frame);
  if (existing && interpolation === undefined) return { ...existing, value };
  return { frame, value, interpolation: interpolation ?? 'bezier' };
}

/**
 * Keys `pose` at `frame`. With `jointIds`, only those joints are keyed (joints the pose leaves
 * out are keyed at rest). Without, every joint the pose or the motion mentions is keyed. The root
 * translation is keyed when no joint list is given, or when `opts.rootTranslation` says so.
 * New keys get `interpolation` (default bezier); re-keying keeps a key's interpolation.
 */
export function keyPose(
  motion: Motion,
  frame: number,
  pose: Pose,
  jointIds?: readonly (JointId | string)[] | null,
  interpolation?: Interpolation,
  opts: { rootTranslation?: boolean } = {},
): Motion {
  const f = Math.round(frame);
  const joints = jointIds ?? [...new Set([...Object.keys(pose.rotations), ...Object.keys(motion.rotations)])];
  const rotations: Record<string, Track<Quat>> = { ...motion.rotations };
  for (const joint of joints) {
    const track = rotations[joint] ?? [];
    rotations[joint] = setKey(track, keyFor(track, f, pose.rotations[joint] ?? IDENTITY_QUAT, interpolation));
  }
  const keyRoot = opts.rootTranslation ?? jointIds == null;
  const rootTranslation = keyRoot
    ? setKey(
        motion.rootTranslation,
        keyFor<Vec3>(motion.rootTranslation, f, pose.rootTranslation, interpolation),
      )
    : motion.rootTranslation;
  return withRotations({ ...motion, rootTranslation }, rotations);
}

/** Deletes keys at `frame` (of `jointIds`, or of every track including the root translation). */
export function deleteKeysAt(
  motion: Motion,
  frame: number,
  jointIds?: readonly (JointId | string)[] | null,
  opts: { rootTranslation?: boolean } = {},
): Motion {
  const rotations: Record<string, Track<Quat>> = { ...motion.rotations };
  for (const joint of jointIds ?? Object.keys(rotations)) {
    const track = rotations[joint];
    if (track) rotations[joint] = deleteKey(track, frame);
  }
  const removeRoot = opts.rootTranslation ?? jointIds == null;
  const rootTranslation = removeRoot ? deleteKey(motion.rootTranslation, frame) : motion.rootTranslation;
  return withRotations({ ...motion, rootTranslation }, rotations);
}

/** Every frame that has a key on any track, ascending. */
export function keyedFrames(motion: Motion): number[] {
  const frames = new Set<number>();
  for (const track of Object.values(motion.rotations)) for (const k of track) frames.add(k.frame);
  for (const k of motion.rootTranslation) frames.add(k.frame);
  return [...frames].sort((a, b) => a - b);
}

/** The last frame with a key on any track, clip layers and IK channels included (0 when nothing is keyed). */
export function lastKeyedFrame(motion: Motion): number {
  let last = 0;
  const tracks: (readonly { readonly frame: number }[])[] = [
    ...Object.values(motion.rotations),
    motion.rootTranslation,
  ];
  for (const layer of motion.layers ?? [])
    tracks.push(...Object.values(layer.rotations), layer.rootTranslation);
  for (const channel of Object.values(motion.ik ?? {})) tracks.push(channel.target, channel.blend);
  for (const track of tracks) for (const key of track) last = Math.max(last, key.frame);
  return last;
}

/** Frames keyed on one joint's rotation track. */
export function keyedFramesOf(motion: Motion, joint: JointId | string): number[] {
  return (motion.rotations[joint] ?? []).map((k) => k.frame);
}

/**
 * Moves the keys at `fromFrame` to `toFrame` (replacing keys there), on `jointIds` or on every
 * track including the root translation.
 */
export function moveKeys(
  motion: Motion,
  fromFrame: number,
  toFrame: number,
  jointIds?: readonly (JointId | string)[] | null,
  opts: { rootTranslation?: boolean } = {},
): Motion {
  const to = Math.max(0, Math.round(toFrame));
  if (to === fromFrame) return motion;
  const move = <T>(track: Track<T>): Track<T> => {
    const key = track.find((k) => k.frame === fromFrame);
    return key ? setKey(deleteKey(track, fromFrame), { ...key, frame: to }) : track;
  };
  const rotations: Record<string, Track<Quat>> = { ...motion.rotations };
  for (const joint of jointIds ?? Object.keys(rotations)) {
    const track = rotations[joint];
    if (track) rotations[joint] = move(track);
  }
  const moveRoot = opts.rootTranslation ?? jointIds == null;
  const rootTranslation = moveRoot ? move(motion.rootTranslation) : motion.rootTranslation;
  return withRotations({ ...motion, rootTranslation }, rotations);
}

/** Sets the interpolation (and ease) of the keys at `frame`. */
export function setKeyInterpolation(
  motion: Motion,
  frame: number,
  interpolation: Interpolation,
  ease?: BezierEase,
  jointIds?: readonly (JointId | string)[] | null,
): Motion {
  const change = <T>(track: Track<T>): Track<T> =>
    track.map((k) => {
      if (k.frame !== frame) return k;
      const { ease: _old, ...rest } = k;
      return ease ? { ...rest, interpolation, ease } : { ...rest, interpolation };
    });
  const rotations: Record<string, Track<Quat>> = { ...motion.rotations };
  for (const joint of jointIds ?? Object.keys(rotations)) {
    const track = rotations[joint];
    if (track) rotations[joint] = change(track);
  }
  const rootTranslation = jointIds == null ? change(motion.rootTranslation) : motion.rootTranslation;
  return withRotations({ ...motion, rootTranslation }, rotations);
}

function pickTracks<T>(tracks: Readonly<Record<string, T>>, keep: ReadonlySet<string>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [joint, track] of Object.entries(tracks)) if (keep.has(joint)) out[joint] = track;
  return out;
}

/**
 * Drops tracks of joints that are not in `jointIds` (after removing joints from a skeleton): the
 * keys, the clip layers' tracks and the IK limbs of those joints.
 */
export function pruneMotion(motion: Motion, jointIds: Iterable<JointId | string>): Motion {
  const keep = new Set<string>(jointIds);
  const all = (tracks: Readonly<Record<string, unknown>> | undefined) =>
    Object.keys(tracks ?? {}).every((j) => keep.has(j));
  if (all(motion.rotations) && all(motion.ik) && (motion.layers ?? []).every((l) => all(l.rotations)))
    return motion;
  const out: Motion = { ...motion, rotations: pickTracks(motion.rotations, keep) };
  return {
    ...out,
    ...(motion.layers
      ? { layers: motion.layers.map((l) => ({ ...l, rotations: pickTracks(l.rotations, keep) })) }
      : {}),
    ...(motion.ik ? { ik: pickTracks(motion.ik, keep) } : {}),
  };
}

function renameKey<T>(
  tracks: Readonly<Record<string, T>>,
  fromId: string,
  toId: string,
): Readonly<Record<string, T>> {
  if (!(fromId in tracks)) return tracks;
  const { [fromId]: moved, ...rest } = tracks;
  return { ...rest, [toId]: moved as T };
}

/** Re-keys tracks (keys, layers, IK limbs) after a joint id changed. */
export function renameTrack(motion: Motion, fromId: JointId | string, toId: JointId | string): Motion {
  if (fromId === toId) return motion;
  const rotations = renameKey(motion.rotations, fromId, toId);
  const layers = motion.layers?.map((l) => {
    const renamed = renameKey(l.rotations, fromId, toId);
    return renamed === l.rotations ? l : { ...l, rotations: renamed };
  });
  const ik = motion.ik ? renameKey(motion.ik, fromId, toId) : undefined;
  if (
    rotations === motion.rotations &&
    ik === motion.ik &&
    (layers ?? []).every((l, i) => l === motion.layers![i])
  )
    return motion;
  return { ...motion, rotations, ...(layers ? { layers } : {}), ...(ik ? { ik } : {}) };
}
