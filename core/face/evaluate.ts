import { evaluateNumberTrack } from '../motion/evaluate.js';
import { MOUTH_CHANNELS, MOUTH_SHAPE_POSES, type MouthShape } from './mouthShapes.js';
import { clampChannel, FACE_CHANNELS, type FaceChannel, type FaceParams, NEUTRAL_FACE } from './params.js';
import type { FaceChannelTracks, FaceMotion, MouthKey } from './schema.js';

/** Frames a mouth takes from one shape to the next unless the track says otherwise. */
export const DEFAULT_MOUTH_BLEND_FRAMES = 2;

/** Index of the last mouth key at or before `frame` (keys sorted by frame), or -1. */
export function mouthKeyIndexAt(keys: readonly MouthKey[], frame: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((keys[mid] as MouthKey).frame <= frame) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The shape that holds at `frame` (X before the first key). */
export function mouthShapeAt(keys: readonly MouthKey[], frame: number): MouthShape {
  const i = mouthKeyIndexAt(keys, frame);
  return i < 0 ? 'X' : (keys[i] as MouthKey).shape;
}

function shapeValue(shape: MouthShape, channel: FaceChannel): number {
  return MOUTH_SHAPE_POSES[shape][channel] ?? 0;
}

/**
 * The mouth channels at a (fractional) frame. A key's shape is fully there AT its frame: the mouth
 * moves towards it over the `blendFrames` before (lips anticipate the sound a little; the key is
 * where the animator sees the shape), with a smoothstep, starting from wherever the mouth was
 * then, so a short hold interrupted mid-blend carries on from there (no popping). Depth is
 * bounded: keys further back than a few blends no longer matter.
 */
function mouthValues(keys: readonly MouthKey[], frame: number, blendFrames: number, depth = 0): number[] {
  const blend = Math.max(0, blendFrames);
  // The key being held, or the one the mouth is moving towards.
  const i = mouthKeyIndexAt(keys, frame + blend);
  const shape: MouthShape = i < 0 ? 'X' : (keys[i] as MouthKey).shape;
  const target = MOUTH_CHANNELS.map((c) => shapeValue(shape, c));
  if (i < 0 || blend <= 0 || depth >= 6) return target;
  const keyFrame = (keys[i] as MouthKey).frame;
  if (frame >= keyFrame) return target;
  const startFrame = keyFrame - blend;
  const before =
    i === 0
      ? MOUTH_CHANNELS.map(() => 0)
      : mouthValues(keys.slice(Math.max(0, i - 8), i), startFrame, blend, depth + 1);
  const u = Math.min(1, Math.max(0, (frame - startFrame) / blend));
  const t = u * u * (3 - 2 * u);
  return target.map((v, k) => (before[k] as number) + (v - (before[k] as number)) * t);
}

function addTracks(
  into: Record<FaceChannel, number>,
  tracks: FaceChannelTracks,
  weight: number,
  frame: number,
) {
  for (const channel of FACE_CHANNELS) {
    const track = tracks[channel];
    if (!track || track.length === 0) continue;
    into[channel] += weight * (evaluateNumberTrack(track, frame) - NEUTRAL_FACE[channel]);
  }
}

/**
 * The face at a (possibly fractional) frame: rest, plus the mouth shapes (blended), plus each
 * unmuted layer scaled by its weight, plus the keyed channels; every channel clamped to its range.
 * Channel tracks hold absolute values; what adds up is each track's offset from rest.
 */
export function evaluateFace(motion: FaceMotion | undefined, frame: number): FaceParams {
  const out: Record<FaceChannel, number> = { ...NEUTRAL_FACE };
  if (!motion) return out;
  const blend = motion.mouthBlendFrames ?? DEFAULT_MOUTH_BLEND_FRAMES;
  if (motion.mouth.length > 0) {
    const mouth = mouthValues(motion.mouth, frame, blend);
    MOUTH_CHANNELS.forEach((c, k) => {
      out[c] += mouth[k] as number;
    });
  }
  for (const layer of motion.layers ?? []) {
    if (!layer.muted && layer.weight > 0) addTracks(out, layer.channels, layer.weight, frame);
  }
  addTracks(out, motion.channels, 1, frame);
  for (const c of FACE_CHANNELS) out[c] = clampChannel(c, out[c]);
  return out;
}
