import type { Quat, Vec3 } from '../math/types.js';
import { deleteKey, setKey } from './edit.js';
import type { Keyframe, Motion, Track } from './types.js';

/**
 * Editing many keys at once (the timeline's box selection): move, scale their timing, delete,
 * copy and paste. A selected key is named by its track (a joint id, or ROOT_TRACK for the root
 * translation) and its frame. Operations return the new motion and where the selected keys went,
 * so the selection can follow them. Keys moved onto frames where unselected keys sit replace
 * them, as in every dope sheet.
 */

export const ROOT_TRACK = '@root';

export interface KeyRef {
  readonly track: string;
  readonly frame: number;
}

export const keyRefId = (ref: KeyRef): string => `${ref.track}@${ref.frame}`;

/** The selected keys, by track, as sorted frame lists (keys that no longer exist are skipped). */
export function selectedByTrack(motion: Motion, refs: readonly KeyRef[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const ref of refs) {
    const track = ref.track === ROOT_TRACK ? motion.rootTranslation : motion.rotations[ref.track];
    if (!track?.some((k) => k.frame === ref.frame)) continue;
    const frames = out.get(ref.track) ?? [];
    if (!frames.includes(ref.frame)) frames.push(ref.frame);
    out.set(ref.track, frames);
  }
  for (const frames of out.values()) frames.sort((a, b) => a - b);
  return out;
}

/** Every key at `frame` on every track (what a summary-row diamond stands for). */
export function keysAtFrame(motion: Motion, frame: number): KeyRef[] {
  const out: KeyRef[] = [];
  for (const [joint, track] of Object.entries(motion.rotations))
    if (track.some((k) => k.frame === frame)) out.push({ track: joint, frame });
  if (motion.rootTranslation.some((k) => k.frame === frame)) out.push({ track: ROOT_TRACK, frame });
  return out;
}

function remap<T>(track: Track<T>, frames: readonly number[], to: (frame: number) => number): Track<T> {
  const moving = track.filter((k) => frames.includes(k.frame));
  let out: Track<T> = track.filter((k) => !frames.includes(k.frame));
  // In order, so when two keys land on one frame the later one wins.
  for (const key of moving) out = setKey(out, { ...key, frame: Math.max(0, Math.round(to(key.frame))) });
  return out;
}

function mapSelected(
  motion: Motion,
  refs: readonly KeyRef[],
  to: (frame: number) => number,
): { motion: Motion; refs: KeyRef[] } {
  const byTrack = selectedByTrack(motion, refs);
  const rotations: Record<string, Track<Quat>> = { ...motion.rotations };
  let rootTranslation: Track<Vec3> = motion.rootTranslation;
  const moved: KeyRef[] = [];
  for (const [trackId, frames] of byTrack) {
    if (trackId === ROOT_TRACK) rootTranslation = remap(rootTranslation, frames, to);
    else rotations[trackId] = remap(rotations[trackId]!, frames, to);
    for (const f of frames) moved.push({ track: trackId, frame: Math.max(0, Math.round(to(f))) });
  }
  return { motion: { ...motion, rotations, rootTranslation }, refs: moved };
}

/** The selected keys `delta` frames later (earlier when negative; never before frame 0). */
export function moveSelectedKeys(
  motion: Motion,
  refs: readonly KeyRef[],
  delta: number,
): { motion: Motion; refs: KeyRef[] } {
  const d = Math.round(delta);
  const first = Math.min(...refs.map((r) => r.frame));
  // Keep the block together: clamp the move, not each key.
  const clamped = Number.isFinite(first) ? Math.max(d, -first) : d;
  return mapSelected(motion, refs, (f) => f + clamped);
}

/** The selected keys' timing scaled by `factor` about `pivotFrame` (0.5: twice as fast). */
export function scaleSelectedKeys(
  motion: Motion,
  refs: readonly KeyRef[],
  pivotFrame: number,
  factor: number,
): { motion: Motion; refs: KeyRef[] } {
  if (!(factor >= 0) || !Number.isFinite(factor))
    throw new RangeError(`cannot scale key timing by ${factor}`);
  return mapSelected(motion, refs, (f) => pivotFrame + (f - pivotFrame) * factor);
}

export function deleteSelectedKeys(motion: Motion, refs: readonly KeyRef[]): Motion {
  const byTrack = selectedByTrack(motion, refs);
  const rotations: Record<string, Track<Quat>> = { ...motion.rotations };
  let rootTranslation = motion.rootTranslation;
  for (const [trackId, frames] of byTrack) {
    if (trackId === ROOT_TRACK) for (const f of frames) rootTranslation = deleteKey(rootTranslation, f);
    else {
      let track = rotations[trackId]!;
      for (const f of frames) track = deleteKey(track, f);
      if (track.length === 0) delete rotations[trackId];
      else rotations[trackId] = track;
    }
  }
  return { ...motion, rotations, rootTranslation };
}

/** Copied keys, with frames relative to the first copied one. */
export interface KeyClipboard {
  readonly rotations: Readonly<Record<string, readonly Keyframe<Quat>[]>>;
  readonly rootTranslation: readonly Keyframe<Vec3>[];
  /** Frames from the first copied key to the last. */
  readonly span: number;
}

export function copySelectedKeys(motion: Motion, refs: readonly KeyRef[]): KeyClipboard | null {
  const byTrack = selectedByTrack(motion, refs);
  const all = [...byTrack.values()].flat();
  if (all.length === 0) return null;
  const first = Math.min(...all);
  const rotations: Record<string, Keyframe<Quat>[]> = {};
  let rootTranslation: Keyframe<Vec3>[] = [];
  for (const [trackId, frames] of byTrack) {
    const track = trackId === ROOT_TRACK ? motion.rootTranslation : motion.rotations[trackId]!;
    const keys = track.filter((k) => frames.includes(k.frame)).map((k) => ({ ...k, frame: k.frame - first }));
    if (trackId === ROOT_TRACK) rootTranslation = keys as Keyframe<Vec3>[];
    else rotations[trackId] = keys as Keyframe<Quat>[];
  }
  return { rotations, rootTranslation, span: Math.max(...all) - first };
}

/** Pastes copied keys with their first at `frame` (replacing keys there); only onto joints in `jointIds`. */
export function pasteKeys(
  motion: Motion,
  clipboard: KeyClipboard,
  frame: number,
  jointIds: Iterable<string>,
): { motion: Motion; refs: KeyRef[] } {
  const known = new Set(jointIds);
  const at = Math.max(0, Math.round(frame));
  const rotations: Record<string, Track<Quat>> = { ...motion.rotations };
  const refs: KeyRef[] = [];
  for (const [joint, keys] of Object.entries(clipboard.rotations)) {
    if (!known.has(joint)) continue;
    let track = rotations[joint] ?? [];
    for (const key of keys) {
      track = setKey(track, { ...key, frame: at + key.frame });
      refs.push({ track: joint, frame: at + key.frame });
    }
    rotations[joint] = track;
  }
  let rootTranslation = motion.rootTranslation;
  for (const key of clipboard.rootTranslation) {
    rootTranslation = setKey(rootTranslation, { ...key, frame: at + key.frame });
    refs.push({ track: ROOT_TRACK, frame: at + key.frame });
  }
  return { motion: { ...motion, rotations, rootTranslation }, refs };
}
