import { ApiError } from '../contract/api.js';
import { EMPTY_FACE_MOTION } from '../face/edits.js';
import { PERFORMANCE_CHANNELS, type PerformanceFrame } from '../face/facePerformance.js';
import type { FaceChannelTracks, FaceLayer, FaceMotion } from '../face/schema.js';
import type { CharacterId } from '../ids.js';
import { quatAngleBetween, quatFromEulerDeg, quatSlerp } from '../math/quat.js';
import type { Quat } from '../math/types.js';
import { reduceIndices } from '../motion/keyReduction.js';
import type { Keyframe } from '../motion/types.js';
import type { ProjectDocument } from './schema.js';

/**
 * A face performance from a video (core/face/facePerformance.ts) onto a character over a frame
 * range (docs/face.md, "Head pose and face from a video"): the head's rotation becomes keys of the
 * head joint in the body motion (head turns are joint rotations, not face channels), the
 * expressions a face layer "Face video" (generated tracks, toned down by its weight, muted to
 * compare, redone without touching the user's keys). Video frame 0 lands on the range's first
 * frame; frames past the range's end are not used. Keys are linear and reduced to a tolerance
 * (0.5° for the head, 0.02 for channels), so the result stays editable. Keys of the head joint
 * and of the layer inside the range are replaced; those outside stay. One edit: one undo step.
 */

export const FACE_VIDEO_LAYER_ID = 'face-video';
const HEAD_TOLERANCE_DEG = 0.5;
const CHANNEL_TOLERANCE = 0.02;

export interface FacePerformanceRange {
  readonly from: number;
  readonly to: number;
}

export interface FacePerformanceApplyOptions {
  /** The layer's name in the timeline (default "Face video"). */
  readonly layerName?: string;
  /** Key the head joint (default true). */
  readonly head?: boolean;
  /** Key the expressions (default true). */
  readonly expressions?: boolean;
}

/** The joint a character's head turns on: the face rig's, else one named like a head, else the topmost. */
export function headJointIdOf(character: ProjectDocument['characters'][number]): string {
  if (character.face?.headJointId) return character.face.headJointId;
  const joints = character.skeleton.joints;
  const head =
    joints.find((j) => /^head$/i.test(j.name)) ??
    joints.find((j) => /head/i.test(j.name) && !/top|end/i.test(j.name));
  const joint = head ?? joints.reduce((a, b) => (b.restPosition[1] > a.restPosition[1] ? b : a));
  return joint.id;
}

/** Runs of consecutive found frames, as [first, last] video-frame indices. */
function foundRuns(frames: readonly PerformanceFrame[], count: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= count; i++) {
    const found = i < count && frames[i]!.found;
    if (found && start < 0) start = i;
    if (!found && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  }
  return runs;
}

export function headRotationOf(frame: PerformanceFrame): Quat {
  return quatFromEulerDeg([frame.pitchDeg, frame.yawDeg, frame.rollDeg], 'YXZ');
}

/** Keys the performance onto the character over the range. */
export function applyFacePerformance(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  frames: readonly PerformanceFrame[],
  range: FacePerformanceRange,
  opts: FacePerformanceApplyOptions = {},
): ProjectDocument {
  const character = doc.characters.find((c) => c.id === characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  const last = doc.durationFrames - 1;
  const from = Math.round(range.from);
  const to = Math.round(range.to);
  if (!(from >= 0 && to >= from && to <= last)) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `the frame range ${range.from}-${range.to} is not within the project's frames 0-${last}`,
    });
  }
  const count = Math.min(frames.length, to - from + 1);
  const runs = foundRuns(frames, count);
  if (runs.length === 0) {
    throw new ApiError({
      code: 'invalid-argument',
      message: 'No face was found in the video frames that fall inside the range: nothing to key.',
    });
  }
  const end = from + count - 1;
  const inRange = (f: number) => f >= from && f <= end;

  let motion = character.motion;
  if (opts.head !== false) {
    const jointId = headJointIdOf(character);
    const rotations = runs.flatMap(([a, b]) => {
      const qs = Array.from({ length: b - a + 1 }, (_, k) => headRotationOf(frames[a + k]!));
      const kept = reduceIndices(
        qs.length,
        (i, j, k) => quatAngleBetween(quatSlerp(qs[i]!, qs[j]!, (k - i) / (j - i)), qs[k]!) * (180 / Math.PI),
        HEAD_TOLERANCE_DEG,
      );
      return kept.map((k) => {
        const [x, y, z, w] = qs[k]!;
        return {
          frame: from + a + k,
          value: [x, y, z, w] as [number, number, number, number],
          interpolation: 'linear' as const,
        };
      });
    });
    const old = motion.rotations[jointId] ?? [];
    const track = [...old.filter((k) => !inRange(k.frame)), ...rotations].sort((a, b) => a.frame - b.frame);
    motion = { ...motion, rotations: { ...motion.rotations, [jointId]: track } };
  }

  let faceMotion: FaceMotion | undefined = character.faceMotion;
  if (opts.expressions !== false) {
    const before = character.faceMotion ?? EMPTY_FACE_MOTION;
    const oldLayer = (before.layers ?? []).find((l) => l.id === FACE_VIDEO_LAYER_ID);
    const channels: Record<string, Keyframe<number>[]> = {};
    for (const channel of PERFORMANCE_CHANNELS) {
      const keys = runs.flatMap(([a, b]) => {
        const v = Array.from({ length: b - a + 1 }, (_, k) => frames[a + k]!.channels[channel]);
        const kept = reduceIndices(
          v.length,
          (i, j, k) => Math.abs(v[i]! + ((v[j]! - v[i]!) * (k - i)) / (j - i) - v[k]!),
          CHANNEL_TOLERANCE,
        );
        return kept.map(
          (k): Keyframe<number> => ({ frame: from + a + k, value: v[k]!, interpolation: 'linear' }),
        );
      });
      const kept = (oldLayer?.channels[channel] ?? []).filter((k) => !inRange(k.frame));
      const merged = [...kept, ...keys].sort((a, b) => a.frame - b.frame);
      // A channel that never leaves rest gets no track (no clutter in the timeline).
      if (merged.some((k) => Math.abs(k.value) > 1e-3)) channels[channel] = merged;
    }
    // A re-run keeps the user's weight and mute of the layer.
    const layer: FaceLayer = {
      id: FACE_VIDEO_LAYER_ID,
      name: opts.layerName ?? oldLayer?.name ?? 'Face video',
      weight: oldLayer?.weight ?? 1,
      ...(oldLayer?.muted ? { muted: true } : {}),
      channels: channels as FaceChannelTracks,
    };
    const layers = oldLayer
      ? (before.layers ?? []).map((l) => (l.id === FACE_VIDEO_LAYER_ID ? layer : l))
      : [...(before.layers ?? []), layer];
    faceMotion = { ...before, layers };
  }

  return {
    ...doc,
    characters: doc.characters.map((c) => {
      if (c.id !== character.id) return c;
      const next = { ...c, motion };
      return faceMotion ? { ...next, faceMotion } : next;
    }),
  };
}
