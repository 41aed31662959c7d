import type { FaceLayer } from './schema.js';

/**
 * Natural motion that goes with a voice, made from its loudness envelope: brows lift on stressed
 * syllables (loudness peaks well above the running level) and eyes blink every few seconds,
 * preferably at the start of a pause (people blink at phrase boundaries). A face layer, so the user
 * can tone it down (weight) or turn it off (muted) without touching the mouth track.
 * Deterministic: the same voice gives the same layer.
 */

export interface SpeechMotionInput {
  /** Loudness per window (RMS, 0..1), windows of `windowSec`. */
  readonly rms: Float32Array;
  readonly windowSec: number;
  readonly fps: number;
  /** Project frame of the sound's first sample. */
  readonly startFrame: number;
}

export const SPEECH_MOTION_LAYER_ID = 'speech-motion';

export function speechMotionLayer(input: SpeechMotionInput): FaceLayer {
  const { rms, windowSec, fps, startFrame } = input;
  const frameOf = (w: number) => startFrame + Math.round(w * windowSec * fps);
  const sorted = Array.from(rms).sort((a, b) => a - b);
  const speechLevel = sorted[Math.floor(sorted.length * 0.9)] ?? 0;
  const silent = speechLevel * 0.1;
  const brow: { frame: number; value: number; interpolation: 'linear' }[] = [];
  const blinkL: { frame: number; value: number; interpolation: 'linear' }[] = [];
  // Brows: a peak (local max over ±0.25 s) louder than 80% of the speech level, at most one per 0.6 s.
  const half = Math.max(1, Math.round(0.25 / windowSec));
  let lastPeakSec = -1;
  for (let w = 0; w < rms.length; w++) {
    const v = rms[w] as number;
    if (v < speechLevel * 0.8) continue;
    let isPeak = true;
    for (let k = Math.max(0, w - half); k <= Math.min(rms.length - 1, w + half); k++) {
      if ((rms[k] as number) > v) isPeak = false;
    }
    const t = w * windowSec;
    if (!isPeak || t - lastPeakSec < 0.6) continue;
    lastPeakSec = t;
    const f = frameOf(w);
    brow.push(
      { frame: Math.max(0, f - Math.round(0.12 * fps)), value: 0, interpolation: 'linear' },
      { frame: f, value: 0.35, interpolation: 'linear' },
      { frame: f + Math.round(0.3 * fps), value: 0, interpolation: 'linear' },
    );
  }
  // Blinks: the first pause onset after 2.5 s since the last blink, or forced after 5 s.
  let lastBlinkSec = 0.8;
  for (let w = 1; w < rms.length; w++) {
    const t = w * windowSec;
    const pauseStarts = (rms[w] as number) < silent && (rms[w - 1] as number) >= silent;
    if ((pauseStarts && t - lastBlinkSec > 2.5) || t - lastBlinkSec > 5) {
      lastBlinkSec = t;
      const f = frameOf(w);
      const close = Math.max(1, Math.round(0.06 * fps));
      blinkL.push(
        { frame: f, value: 0, interpolation: 'linear' },
        { frame: f + close, value: 1, interpolation: 'linear' },
        { frame: f + close * 3, value: 0, interpolation: 'linear' },
      );
    }
  }
  const dedupe = <T extends { frame: number }>(keys: T[]) => {
    const byFrame = new Map<number, T>();
    for (const k of keys) byFrame.set(k.frame, k);
    return [...byFrame.values()].sort((a, b) => a.frame - b.frame);
  };
  const browKeys = dedupe(brow);
  const blinkKeys = dedupe(blinkL);
  return {
    id: SPEECH_MOTION_LAYER_ID,
    name: 'Speech motion (brows, blinks)',
    weight: 1,
    channels: { browRaiseL: browKeys, browRaiseR: browKeys, blinkL: blinkKeys, blinkR: blinkKeys },
  };
}
