import { cuesToMouthKeys, enforceMinHold } from '../../core/face/edits.js';
import { type FaceLayer, speechMotionLayer } from '../../core/face/index.js';
import type { MouthKey } from '../../core/face/schema.js';
import { windowRms } from '../../core/face/speechSegments.js';
import { decodeSpeech, SPEECH_SAMPLE_RATE } from './decodeSpeech.js';
import { type MouthCue, recogniseMouthCues } from './recogniser.js';

/**
 * Lip sync of one voice recording: decode (ffmpeg) -> recognise (Rhubarb, recogniser.ts) -> mouth
 * keys on the project's frames with a minimum hold, plus a speech-motion layer (brows, blinks)
 * from the voice's loudness. The host's job wraps this with progress and cancel; the CLI calls it
 * directly.
 */

export interface LipSyncOptions {
  readonly fileName?: string;
  /** The dialogue text, if known. */
  readonly text?: string;
  readonly fps: number;
  /** Project frame at which the sound starts. */
  readonly startFrame?: number;
  /** Shortest hold of a mouth shape in frames (default 2 at 24 fps and above, else 1). */
  readonly minHoldFrames?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number, message: string) => void;
  readonly threads?: number;
}

export interface LipSyncResult {
  readonly cues: readonly MouthCue[];
  readonly keys: readonly MouthKey[];
  /** The project frames the sound covers (first, last). */
  readonly fromFrame: number;
  readonly toFrame: number;
  readonly durationSec: number;
  readonly layer: FaceLayer;
  /** Seconds the analysis took. */
  readonly elapsedSec: number;
}

export async function lipSyncSound(
  input: string | Uint8Array,
  options: LipSyncOptions,
): Promise<LipSyncResult> {
  const started = performance.now();
  options.onProgress?.(0, 'decoding the sound');
  const samples = await decodeSpeech(input, {
    ...(options.fileName ? { fileName: options.fileName } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const durationSec = samples.length / SPEECH_SAMPLE_RATE;
  const cues = await recogniseMouthCues(samples, {
    ...(options.text ? { text: options.text } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    onProgress: (fraction, message) => options.onProgress?.(0.05 + 0.95 * fraction, message),
  });
  const startFrame = options.startFrame ?? 0;
  const minHold = options.minHoldFrames ?? (options.fps >= 20 ? 2 : 1);
  const keys = enforceMinHold(
    cuesToMouthKeys(
      cues.map((c) => ({ startSec: c.startSec, shape: c.shape })),
      options.fps,
      startFrame,
    ),
    minHold,
  );
  const windowSec = 0.02;
  const layer = speechMotionLayer({
    rms: windowRms(samples, Math.round(windowSec * SPEECH_SAMPLE_RATE)),
    windowSec,
    fps: options.fps,
    startFrame,
  });
  options.onProgress?.(1, 'done');
  return {
    cues,
    keys,
    fromFrame: startFrame,
    toFrame: startFrame + Math.ceil(durationSec * options.fps),
    durationSec,
    layer,
    elapsedSec: (performance.now() - started) / 1000,
  };
}
