/**
 * Splits a long recording into pieces at its quietest moments, so the recogniser can work on
 * pieces: it reports progress piece by piece, a cancel takes effect between pieces, and pieces run
 * in parallel where there are cores. Cutting inside silence changes nothing the recogniser hears
 * (Rhubarb itself splits its input into utterances at silences).
 */

export interface SpeechSegment {
  /** Sample range [start, end) of the 16 kHz mono signal. */
  readonly startSample: number;
  readonly endSample: number;
}

export interface SegmentOptions {
  /** Sample rate of `samples` (Hz). */
  readonly sampleRate: number;
  /** Pieces are at most this long (s); a cut is looked for in their last `searchSec`. */
  readonly maxSec?: number;
  readonly searchSec?: number;
  /** Window over which loudness is measured (s). */
  readonly windowSec?: number;
}

/** RMS of each window (int16 samples, full scale 32768). */
export function windowRms(samples: Int16Array, windowSamples: number): Float32Array {
  const n = Math.ceil(samples.length / windowSamples);
  const out = new Float32Array(n);
  for (let w = 0; w < n; w++) {
    const start = w * windowSamples;
    const end = Math.min(samples.length, start + windowSamples);
    let sum = 0;
    for (let i = start; i < end; i++) {
      const v = (samples[i] as number) / 32768;
      sum += v * v;
    }
    out[w] = Math.sqrt(sum / Math.max(1, end - start));
  }
  return out;
}

export function segmentSpeech(samples: Int16Array, options: SegmentOptions): SpeechSegment[] {
  const rate = options.sampleRate;
  const maxSamples = Math.max(1, Math.round((options.maxSec ?? 12) * rate));
  const searchSamples = Math.min(maxSamples - 1, Math.round((options.searchSec ?? 5) * rate));
  const windowSamples = Math.max(1, Math.round((options.windowSec ?? 0.05) * rate));
  const rms = windowRms(samples, windowSamples);
  const segments: SpeechSegment[] = [];
  let start = 0;
  while (samples.length - start > maxSamples) {
    // The quietest window in [start + max - search, start + max); cut at its middle.
    const fromW = Math.floor((start + maxSamples - searchSamples) / windowSamples);
    const toW = Math.floor((start + maxSamples) / windowSamples) - 1;
    let best = fromW;
    for (let w = fromW; w <= toW; w++) if ((rms[w] as number) < (rms[best] as number)) best = w;
    const cut = Math.min(
      start + maxSamples,
      Math.max(start + 1, best * windowSamples + (windowSamples >> 1)),
    );
    segments.push({ startSample: start, endSample: cut });
    start = cut;
  }
  if (start < samples.length || segments.length === 0)
    segments.push({ startSample: start, endSample: samples.length });
  return segments;
}
