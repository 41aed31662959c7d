import { MAX_DURATION_FRAMES } from '../document/limits.js';
import type { MouthShape } from './mouthShapes.js';
import type { FaceMotion, MouthKey } from './schema.js';

/**
 * Pure edits of the mouth-shape track. Every one returns a new sorted track with at most one key
 * per frame; the UI store wraps each in one undo step.
 */

export const EMPTY_FACE_MOTION: FaceMotion = { mouth: [], channels: {} };

function sorted(keys: MouthKey[]): MouthKey[] {
  return keys.sort((a, b) => a.frame - b.frame);
}

function checkFrame(frame: number): number {
  if (!Number.isFinite(frame)) throw new RangeError(`a mouth key's frame must be a number, got ${frame}`);
  return Math.min(MAX_DURATION_FRAMES - 1, Math.max(0, Math.round(frame)));
}

/** Adds a key, or changes the shape of the key already at that frame. */
export function setMouthKey(keys: readonly MouthKey[], frame: number, shape: MouthShape): MouthKey[] {
  const f = checkFrame(frame);
  return sorted([...keys.filter((k) => k.frame !== f), { frame: f, shape }]);
}

export function deleteMouthKey(keys: readonly MouthKey[], frame: number): MouthKey[] {
  return keys.filter((k) => k.frame !== frame);
}

/**
 * Moves the key at `fromFrame` to `toFrame`; a key already at `toFrame` is replaced (as dropping one
 * key onto another does in every timeline).
 */
export function moveMouthKey(keys: readonly MouthKey[], fromFrame: number, toFrame: number): MouthKey[] {
  const moving = keys.find((k) => k.frame === fromFrame);
  if (!moving) return [...keys];
  const to = checkFrame(toFrame);
  return sorted([
    ...keys.filter((k) => k.frame !== fromFrame && k.frame !== to),
    { frame: to, shape: moving.shape },
  ]);
}

/** Drops keys that repeat the shape before them (they change nothing). */
export function dropRepeatedShapes(keys: readonly MouthKey[]): MouthKey[] {
  const out: MouthKey[] = [];
  for (const key of keys) if (out[out.length - 1]?.shape !== key.shape) out.push(key);
  return out;
}

/**
 * Minimum hold time: a shape shown for fewer than `minFrames` frames reads as a flicker (a Rhubarb
 * user complaint: "choppy output"). A too-short key is merged away — the next key starts at the
 * same frame as it — except a closed mouth (A) on M/B/P, which the eye expects to see even briefly:
 * then the key after it is pushed later, if there is room before the one after that.
 */
export function enforceMinHold(keys: readonly MouthKey[], minFrames: number): MouthKey[] {
  if (minFrames <= 1) return dropRepeatedShapes(keys);
  const out: MouthKey[] = [];
  const input = dropRepeatedShapes(keys);
  for (let i = 0; i < input.length; i++) {
    const key = input[i] as MouthKey;
    const prev = out[out.length - 1];
    if (prev && key.frame - prev.frame < minFrames) {
      if (prev.shape === 'A' || prev.shape === 'X') {
        const next = input[i + 1];
        const pushed = prev.frame + minFrames;
        if (!next || pushed < next.frame) {
          out.push({ frame: pushed, shape: key.shape });
          continue;
        }
      }
      out[out.length - 1] = { frame: prev.frame, shape: key.shape };
      if (out.length >= 2 && (out[out.length - 2] as MouthKey).shape === key.shape) out.pop();
      continue;
    }
    out.push(key);
  }
  return dropRepeatedShapes(out);
}

/**
 * Timed cues (seconds, e.g. from the recogniser) to mouth keys at `fps`: each cue starts at the
 * nearest frame; cues that round onto one frame keep the later one.
 */
export function cuesToMouthKeys(
  cues: readonly { startSec: number; shape: MouthShape }[],
  fps: number,
  offsetFrames = 0,
): MouthKey[] {
  const byFrame = new Map<number, MouthShape>();
  for (const cue of cues) {
    const frame = Math.round(cue.startSec * fps) + offsetFrames;
    if (frame < 0 || frame >= MAX_DURATION_FRAMES) continue;
    byFrame.set(frame, cue.shape);
  }
  return dropRepeatedShapes(
    [...byFrame.entries()].sort((a, b) => a[0] - b[0]).map(([frame, shape]) => ({ frame, shape })),
  );
}
