import { decodeBase64 } from '../../core/util/base64.js';

/** A sound reduced for drawing: `buckets` min/max pairs over its whole length. */
export interface Waveform {
  readonly durationSec: number;
  /** min0, max0, min1, max1, … in -1..1 (all channels mixed). */
  readonly minMax: Float32Array;
}

export const WAVEFORM_BUCKETS = 2000;

/** Min/max per bucket of (the mean of) the channels. Pure, so it is unit-tested without a browser. */
export function reduceSamples(channels: readonly Float32Array[], buckets = WAVEFORM_BUCKETS): Float32Array {
  const length = channels[0]?.length ?? 0;
  const count = Math.max(1, Math.min(buckets, length));
  const out = new Float32Array(count * 2);
  for (let b = 0; b < count; b++) {
    const from = Math.floor((b * length) / count);
    const to = Math.max(from + 1, Math.floor(((b + 1) * length) / count));
    let min = 0;
    let max = 0;
    for (let i = from; i < to && i < length; i++) {
      let v = 0;
      for (const channel of channels) v += channel[i] ?? 0;
      v /= channels.length;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    out[b * 2] = min;
    out[b * 2 + 1] = max;
  }
  return out;
}

/** Decodes the stored sound with the Web Audio API (any type the browser plays). */
export async function decodeWaveform(dataBase64: string): Promise<Waveform> {
  const bytes = decodeBase64(dataBase64);
  // An offline context decodes without opening an audio device.
  const context = new OfflineAudioContext(1, 1, 44100);
  const buffer = await context.decodeAudioData(bytes.slice().buffer as ArrayBuffer);
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  return { durationSec: buffer.duration, minMax: reduceSamples(channels) };
}

/** Draws the waveform across the whole canvas (its CSS size × device pixels). */
export function drawWaveform(canvas: HTMLCanvasElement, waveform: Waveform, colour: string): void {
  const scale = window.devicePixelRatio || 1;
  const widthPx = Math.max(1, Math.round(canvas.clientWidth * scale));
  const heightPx = Math.max(1, Math.round(canvas.clientHeight * scale));
  if (canvas.width !== widthPx) canvas.width = widthPx;
  if (canvas.height !== heightPx) canvas.height = heightPx;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.clearRect(0, 0, widthPx, heightPx);
  g.fillStyle = colour;
  const buckets = waveform.minMax.length / 2;
  const mid = heightPx / 2;
  for (let x = 0; x < widthPx; x++) {
    const from = Math.floor((x * buckets) / widthPx);
    const to = Math.max(from + 1, Math.floor(((x + 1) * buckets) / widthPx));
    let min = 0;
    let max = 0;
    for (let b = from; b < to && b < buckets; b++) {
      min = Math.min(min, waveform.minMax[b * 2] ?? 0);
      max = Math.max(max, waveform.minMax[b * 2 + 1] ?? 0);
    }
    const top = mid - max * mid;
    g.fillRect(x, top, 1, Math.max(1, (max - min) * mid));
  }
}
