import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mouthShapeAt } from '../../../core/face/evaluate.js';
import { segmentSpeech } from '../../../core/face/speechSegments.js';
import { decodeSpeech } from '../../../host/lipsync/decodeSpeech.js';
import { lipSyncSound } from '../../../host/lipsync/lipSync.js';
import {
  cleanCues,
  closeRecogniserThreads,
  recogniseMouthCues,
  warmRecogniserThreads,
} from '../../../host/lipsync/recogniser.js';
import { scoreLipSync } from '../../fixtures/speech/score.js';
import { removeSpokenFiles, speak } from '../../fixtures/speech/speech.js';

/**
 * Lip sync against espeak-ng speech whose phoneme timings espeak-ng itself reports; the truth
 * shapes come from the documented phoneme-to-shape table (docs/face.md). The bounds are generous
 * (below what was measured: bench/lipsync.bench.ts prints the figures over 20+ sentences) so they
 * catch a regression, not noise.
 */

const FPS = 24;

afterAll(removeSpokenFiles);

describe('lip sync from speech (Rhubarb as WebAssembly, espeak-ng truth)', () => {
  it('finds the mouth shapes of spoken sentences, with and without the text', async () => {
    const sentences = await Promise.all([
      speak('The quick brown fox jumps over the lazy dog. Then it sleeps.'),
      speak('Maybe we should all go home now, before it rains.', { voice: 'en-us', rate: 140, pitch: 35 }),
    ]);
    for (const s of sentences) {
      const samples = await decodeSpeech(s.wavPath);
      for (const text of [undefined, s.text]) {
        const cues = await recogniseMouthCues(samples, text ? { text } : {});
        const at = (t: number) => cues.find((c) => c.startSec <= t && t < c.endSec)?.shape ?? 'X';
        const score = scoreLipSync(at, s.truth, s.durationSec, FPS);
        const label = `${text ? 'with' : 'without'} text: "${s.text}" ${JSON.stringify(score)}`;
        expect(score.agreement, label).toBeGreaterThan(text ? 0.6 : 0.5);
        expect(score.silenceClosed, label).toBeGreaterThan(0.9);
        expect(score.onsetErrorMs, label).toBeLessThan(90);
        // Without the text the phone loop places this first sentence's boundaries 134 ms off (median
        // over the bench's 22 sentences: 62 ms, as with Rhubarb's full vocabulary).
        expect(score.boundaryErrorMs, label).toBeLessThan(text ? 90 : 180);
      }
    }
  }, 180_000);

  it('writes frame keys with a minimum hold, a speech-motion layer, and reports progress', async () => {
    const s = await speak('Hello there, my friend.', { rate: 180 });
    const progress: number[] = [];
    const result = await lipSyncSound(s.wavPath, {
      fps: FPS,
      startFrame: 10,
      onProgress: (f) => progress.push(f),
    });
    expect(result.fromFrame).toBe(10);
    expect(result.toFrame).toBe(10 + Math.ceil(result.durationSec * FPS));
    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(1);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] as number);
    const keys = result.keys;
    expect(keys[0]?.frame).toBe(10);
    for (let i = 1; i < keys.length; i++)
      expect((keys[i]?.frame ?? 0) - (keys[i - 1]?.frame ?? 0)).toBeGreaterThanOrEqual(2);
    // Speech starts around the first true phoneme: the mouth is open (not X) within 3 frames of it.
    const firstSpeech = s.truth.find((t) => t.shape !== 'X') as { startSec: number };
    const openFrames = [-1, 0, 1, 2, 3].map((d) =>
      mouthShapeAt(keys, 10 + Math.round(firstSpeech.startSec * FPS) + d),
    );
    expect(openFrames.some((shape) => shape !== 'X')).toBe(true);
    expect(Object.keys(result.layer.channels)).toEqual(expect.arrayContaining(['blinkL', 'browRaiseL']));
  }, 60_000);

  it('cancels: an aborted job rejects at once and leaves no thread running', async () => {
    const s = await speak(
      'This sentence is long enough that the recogniser is still busy when it is cancelled.',
    );
    const samples = await decodeSpeech(s.wavPath);
    const controller = new AbortController();
    const started = performance.now();
    const job = recogniseMouthCues(samples, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(job).rejects.toThrow(/cancelled/);
    // Well before the recogniser would have finished (about 0.5 s of work per second of speech
    // without the text: seconds for this sentence).
    expect(performance.now() - started).toBeLessThan(s.durationSec * 1000);
  }, 60_000);

  it('keeps its threads warm for the next run and ends them when asked', async () => {
    await closeRecogniserThreads();
    const s = await speak('Hello there.');
    const samples = await decodeSpeech(s.wavPath);
    const first = await recogniseMouthCues(samples, { threads: 1 });
    expect(warmRecogniserThreads()).toBe(1);
    // The same thread serves the next run (none made, none left over), with the same answer.
    const second = await recogniseMouthCues(samples, { threads: 1 });
    expect(warmRecogniserThreads()).toBe(1);
    expect(second).toEqual(first);
    // A cancelled run ends the thread it was using rather than keeping it.
    const controller = new AbortController();
    const job = recogniseMouthCues(samples, { threads: 1, signal: controller.signal });
    expect(warmRecogniserThreads()).toBe(0);
    controller.abort();
    await expect(job).rejects.toThrow(/cancelled/);
    expect(warmRecogniserThreads()).toBe(0);
    await recogniseMouthCues(samples, { threads: 1 });
    await closeRecogniserThreads();
    expect(warmRecogniserThreads()).toBe(0);
  }, 120_000);

  it('a run cancelled while it fetches the dictionary leaves another run to finish', async () => {
    // The first run after start asks its thread for CMUdict; a second run started meanwhile waits
    // for that answer. Cancelling the first ends its thread: the second must ask its own thread
    // rather than wait for ever or fail.
    await closeRecogniserThreads();
    const s = await speak('Hello there.');
    const samples = await decodeSpeech(s.wavPath);
    const controller = new AbortController();
    const first = recogniseMouthCues(samples, { threads: 1, signal: controller.signal });
    const second = recogniseMouthCues(samples, { threads: 1, text: s.text });
    controller.abort();
    await expect(first).rejects.toThrow(/cancelled/);
    const cues = await second;
    expect(cues.some((c) => c.shape !== 'X')).toBe(true);
    await closeRecogniserThreads();
  }, 60_000);

  it("swaps the recogniser's vocabulary per run and puts Rhubarb's own back intact", async () => {
    // A thread that has served runs with Keypose's small vocabularies (core/face/
    // recogniserVocabulary.ts: the dialogue's words, the phone loop) must give the full one's
    // answer afterwards exactly as a fresh thread does, and the small ones must differ from it
    // (were the files not swapped in, both would be Rhubarb's own).
    await closeRecogniserThreads();
    const s = await speak('Fluffy found a fine feather.', { rate: 190 });
    const samples = await decodeSpeech(s.wavPath);
    const run = (vocabulary: 'small' | 'full', text?: string) =>
      recogniseMouthCues(samples, { threads: 1, vocabulary, ...(text ? { text } : {}) });
    const fullFresh = await run('full');
    const loop = await run('small');
    const dialogue = await run('small', s.text);
    const fullAfter = await run('full');
    expect(fullAfter).toEqual(fullFresh);
    expect(loop).not.toEqual(fullFresh);
    expect(await run('small')).toEqual(loop);
    expect(await run('small', s.text)).toEqual(dialogue);
    await closeRecogniserThreads();
  }, 120_000);

  it('names the file and the problem for something that is not a sound', async () => {
    const bad = join(tmpdir(), `keypose-not-audio-${process.pid}.wav`);
    writeFileSync(bad, 'this is text, not a WAV file');
    try {
      await expect(decodeSpeech(bad, { fileName: 'voice.wav' })).rejects.toThrow(
        /voice\.wav is not a sound ffmpeg can read/,
      );
    } finally {
      rmSync(bad, { force: true });
    }
  });
});

describe('cue clean-up and cutting at silences', () => {
  it('sorts cues, cuts overlaps, fills gaps with rest, ends at the recording end', () => {
    const cues = cleanCues(
      [
        { start: 0.5, end: 0.9, value: 'C' },
        { start: 0.1, end: 0.6, value: 'B' },
        { start: 1.2, end: 1.3, value: 'Q' },
      ],
      2,
    );
    expect(cues).toEqual([
      { startSec: 0, endSec: 0.1, shape: 'X' },
      { startSec: 0.1, endSec: 0.6, shape: 'B' },
      { startSec: 0.6, endSec: 0.9, shape: 'C' },
      { startSec: 0.9, endSec: 2, shape: 'X' },
    ]);
  });

  it('cuts long recordings at their quietest moment, covering every sample once', () => {
    const rate = 1000;
    const samples = new Int16Array(30 * rate);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin(i));
    // Quiet at 9.5 s and 21 s.
    samples.fill(0, 9400, 9600);
    samples.fill(0, 20900, 21100);
    const pieces = segmentSpeech(samples, { sampleRate: rate, maxSec: 12, searchSec: 5 });
    expect(pieces[0]?.startSample).toBe(0);
    expect(pieces[pieces.length - 1]?.endSample).toBe(samples.length);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]?.startSample).toBe(pieces[i - 1]?.endSample);
    // Each cut lies inside a quiet stretch.
    expect(pieces[0]?.endSample).toBeGreaterThanOrEqual(9400);
    expect(pieces[0]?.endSample).toBeLessThanOrEqual(9600);
    expect(pieces[1]?.endSample).toBeGreaterThanOrEqual(20900);
    expect(pieces[1]?.endSample).toBeLessThanOrEqual(21100);
  });
});
