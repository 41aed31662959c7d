import { isMouthShape, type MouthShape } from './mouthShapes.js';
import type { MouthKey } from './schema.js';

/**
 * The mouth-shape track in other tools' formats: Rhubarb Lip Sync's TSV and JSON (what Rhubarb
 * itself writes; its importers for After Effects, Spine, Blender read them) and Moho/Papagayo's
 * switch-layer `.dat` ("MohoSwitch1", then "frame shape" lines, frames counted from 1).
 */

export interface TrackExportInput {
  readonly keys: readonly MouthKey[];
  readonly fps: number;
  /** Length of the animation in frames (the last cue runs to its end). */
  readonly durationFrames: number;
  /** Name of the sound file, for Rhubarb's JSON metadata. */
  readonly soundFile?: string;
}

function secondsOf(frame: number, fps: number): string {
  return (frame / fps).toFixed(2);
}

/** Rhubarb's TSV: "start<TAB>shape" per cue, and a final X at the end. */
export function mouthTrackToRhubarbTsv(input: TrackExportInput): string {
  const lines = input.keys.map((k) => `${secondsOf(k.frame, input.fps)}\t${k.shape}`);
  if (input.keys[input.keys.length - 1]?.shape !== 'X')
    lines.push(`${secondsOf(input.durationFrames, input.fps)}\tX`);
  return `${lines.join('\n')}\n`;
}

/** Rhubarb's JSON: { metadata: { soundFile, duration }, mouthCues: [{ start, end, value }] }. */
export function mouthTrackToRhubarbJson(input: TrackExportInput): string {
  const cues = input.keys.map((k, i) => {
    const endFrame = input.keys[i + 1]?.frame ?? input.durationFrames;
    return {
      start: Number(secondsOf(k.frame, input.fps)),
      end: Number(secondsOf(endFrame, input.fps)),
      value: k.shape,
    };
  });
  const json = {
    metadata: {
      soundFile: input.soundFile ?? '',
      duration: Number(secondsOf(input.durationFrames, input.fps)),
    },
    mouthCues: cues,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * Moho switch data (Papagayo's export). Moho names the Preston Blair shapes by phoneme groups;
 * Rhubarb's Moho export uses the letters themselves as switch-layer names, as here.
 */
export function mouthTrackToMohoDat(input: TrackExportInput): string {
  const lines = ['MohoSwitch1', ...input.keys.map((k) => `${k.frame + 1} ${k.shape}`)];
  return `${lines.join('\n')}\n`;
}

/** Reads Rhubarb TSV back (for round trips and for importing a track Rhubarb made elsewhere). */
export function parseRhubarbTsv(text: string, fps: number): MouthKey[] {
  const keys: MouthKey[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const [timeText, shapeText] = line.split('\t');
    const time = Number(timeText);
    const shape = (shapeText ?? '').trim();
    if (!Number.isFinite(time) || time < 0 || !isMouthShape(shape)) {
      throw new SyntaxError(`line ${i + 1} of the TSV is not "seconds<TAB>shape": ${JSON.stringify(line)}`);
    }
    keys.push({ frame: Math.round(time * fps), shape: shape as MouthShape });
  }
  return keys;
}
