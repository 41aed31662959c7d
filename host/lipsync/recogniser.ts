import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isMouthShape, type MouthShape } from '../../core/face/mouthShapes.js';
import {
  dialogVocabulary,
  PronouncingDictionary,
  phoneLoopVocabulary,
  type RecogniserVocabulary,
} from '../../core/face/recogniserVocabulary.js';
import { segmentSpeech } from '../../core/face/speechSegments.js';
import { SPEECH_SAMPLE_RATE } from './decodeSpeech.js';

/**
 * The one module that knows the recogniser: Rhubarb Lip Sync (MIT) as WebAssembly
 * (rhubarb-lip-sync-wasm 0.1.8, MIT, ~41 MB with PocketSphinx's US English models). Chosen because
 * it runs offline in Node on Linux, Windows and macOS alike (no native binary, no download at run
 * time), it is the tool animators already use for this job, and it takes the dialogue text to
 * guide recognition. Rhubarb searches the whole US English vocabulary by default (~1 s of work
 * per audio second on one core here); Keypose hands it a small one instead, the dialogue's own
 * words or a phone loop (core/face/recogniserVocabulary.ts), which is both faster and closer to
 * the truth (bench/lipsync.bench.ts). Recordings are cut at silences into pieces, one or more a
 * core, recognised on a pool of worker threads kept warm between runs.
 */

export interface MouthCue {
  /** Seconds from the start of the recording. */
  readonly startSec: number;
  readonly endSec: number;
  readonly shape: MouthShape;
}

export interface RecogniseOptions {
  /** The dialogue, if known: guides recognition (Rhubarb's "dialog file"). */
  readonly text?: string;
  readonly signal?: AbortSignal;
  /** 0..1 as pieces finish. */
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Worker threads (default: one per core but one, 1..4). */
  readonly threads?: number;
  /** Longest piece handed to the recogniser (s). */
  readonly maxPieceSec?: number;
  /**
   * What the recogniser may hear: 'small' (default) the dialogue's words, or a phone loop without
   * text; 'full' Rhubarb's own US English vocabulary (slower; kept for comparison in the bench).
   */
  readonly vocabulary?: 'small' | 'full';
}

interface RawCue {
  start: number;
  end: number;
  value: string;
}

const THREAD_URL = new URL('./rhubarbThread.mjs', import.meta.url);

/**
 * Every core: the host's own thread only waits while the pieces are recognised, and the editor's
 * UI runs in another process. (One per spare core left a 2-core machine on one thread.)
 */
export function defaultRecogniserThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Recogniser threads stay warm between runs: a thread's first recognition also loads Rhubarb's
 * models (~2 s of the ~8 s a 5 s sentence took here, the second run 6 s), which a user redoing a
 * line's lip sync should not pay again. An idle thread is unref'd (a CLI run still exits) and
 * ended after IDLE_MS; a cancelled run terminates its busy threads (Worker.terminate stops the
 * blocking wasm call at once) and the pool makes new ones when asked.
 */
const IDLE_MS = 60_000;

interface PooledThread {
  readonly worker: Worker;
  idleTimer: ReturnType<typeof setTimeout> | null;
}

const idleThreads: PooledThread[] = [];

function takeThread(): PooledThread {
  const warm = idleThreads.pop();
  if (warm) {
    if (warm.idleTimer) clearTimeout(warm.idleTimer);
    warm.idleTimer = null;
    warm.worker.ref();
    return warm;
  }
  const worker = new Worker(THREAD_URL);
  const thread: PooledThread = { worker, idleTimer: null };
  // A thread that dies while idle leaves the pool.
  worker.once('exit', () => {
    const i = idleThreads.indexOf(thread);
    if (i >= 0) idleThreads.splice(i, 1);
  });
  return thread;
}

function returnThread(thread: PooledThread): void {
  thread.worker.removeAllListeners('message');
  thread.worker.removeAllListeners('error');
  thread.worker.unref();
  thread.idleTimer = setTimeout(() => {
    const i = idleThreads.indexOf(thread);
    if (i >= 0) idleThreads.splice(i, 1);
    void thread.worker.terminate();
  }, IDLE_MS);
  thread.idleTimer.unref();
  idleThreads.push(thread);
}

/** How many recogniser threads wait warm now. */
export function warmRecogniserThreads(): number {
  return idleThreads.length;
}

/** Ends the warm recogniser threads now (app shutdown, tests). */
export async function closeRecogniserThreads(): Promise<void> {
  // The dictionary goes too (3.3 MB of text in the host); the next run fetches it again.
  dictionaryFetch = null;
  const all = idleThreads.splice(0);
  for (const t of all) if (t.idleTimer) clearTimeout(t.idleTimer);
  await Promise.all(all.map((t) => t.worker.terminate()));
}

/**
 * CMUdict as Rhubarb has it, fetched once from a recogniser thread (it lives in the wasm
 * package's file system, not as a file Keypose could read), and the phone loop made from it.
 */
interface LoadedDictionary {
  readonly dictionary: PronouncingDictionary;
  readonly phoneLoop: RecogniserVocabulary;
}
let dictionaryFetch: { readonly promise: Promise<LoadedDictionary>; readonly worker: Worker } | null = null;

function fetchDictionary(worker: Worker): Promise<LoadedDictionary> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: { id: unknown; dictionary?: string; error?: string }) => {
      if (message.id !== 'dictionary') return;
      done();
      if (typeof message.dictionary !== 'string' || !message.dictionary.length)
        return reject(new Error(`the lip-sync recogniser has no dictionary: ${message.error ?? 'empty'}`));
      resolve({
        dictionary: new PronouncingDictionary(message.dictionary),
        phoneLoop: phoneLoopVocabulary(message.dictionary),
      });
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    // Ended before it answered (a cancelled run terminates its threads): another run waiting on
    // this fetch must not wait for ever.
    const onExit = () => {
      done();
      reject(new Error('the lip-sync recogniser ended before it gave its dictionary'));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id: 'dictionary', type: 'dictionary' });
  });
}

/** The vocabulary for this run (null: Rhubarb's own). */
async function vocabularyFor(
  options: RecogniseOptions,
  thread: PooledThread,
): Promise<RecogniserVocabulary | null> {
  if (options.vocabulary === 'full') return null;
  for (;;) {
    if (!dictionaryFetch) {
      const fetch = { promise: fetchDictionary(thread.worker), worker: thread.worker };
      dictionaryFetch = fetch;
      // A failed fetch is forgotten, so the next run asks again.
      fetch.promise.catch(() => {
        if (dictionaryFetch === fetch) dictionaryFetch = null;
      });
    }
    const fetch = dictionaryFetch;
    try {
      const { dictionary, phoneLoop } = await fetch.promise;
      return (options.text ? dialogVocabulary(dictionary, options.text) : null) ?? phoneLoop;
    } catch (error) {
      // Another run's thread was asked and ended (that run was cancelled): ask this run's own.
      if (fetch.worker === thread.worker) throw error;
    }
  }
}

/** `work`, or a CancelledError as soon as `signal` aborts. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

class CancelledError extends Error {
  readonly code = 'cancelled';
  constructor() {
    super('lip sync cancelled');
  }
}

/**
 * Mouth cues for 16 kHz mono speech. Cues come back sorted, gap-free and without overlaps (the
 * wasm build once returned cues out of order), starting at 0 and ending at the recording's end.
 */
export async function recogniseMouthCues(
  samples: Int16Array,
  options: RecogniseOptions = {},
): Promise<MouthCue[]> {
  const signal = options.signal;
  if (signal?.aborted) throw new CancelledError();
  const wanted = Math.max(1, options.threads ?? defaultRecogniserThreads());
  // Long recordings are cut at their quietest points (word gaps) into pieces of up to 12 s, which
  // the threads share. Shorter pieces for the threads' sake were tried: over the 22 bench
  // sentences agreement fell 0.771 -> 0.752 (Rhubarb loses context at a cut), and on 2 busy cores
  // it was slower (1.68 against 1.24 s per audio s; both with Rhubarb's full vocabulary).
  const pieces = segmentSpeech(samples, {
    sampleRate: SPEECH_SAMPLE_RATE,
    maxSec: options.maxPieceSec ?? 12,
  });
  const threadCount = Math.max(1, Math.min(wanted, pieces.length));
  const threads: PooledThread[] = [];
  for (let t = 0; t < threadCount; t++) threads.push(takeThread());
  let healthy = true;
  const results: RawCue[][] = new Array(pieces.length);
  let done = 0;
  let next = 0;
  const totalSec = samples.length / SPEECH_SAMPLE_RATE;
  options.onProgress?.(0, `recognising ${totalSec.toFixed(1)} s of speech`);
  try {
    const vocabulary = await unlessAborted(vocabularyFor(options, threads[0] as PooledThread), signal);
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const onAbort = () => fail(new CancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (worker: Worker) => {
        if (failed) return;
        const index = next++;
        if (index >= pieces.length) return;
        const piece = pieces[index] as (typeof pieces)[number];
        const pcm = samples.slice(piece.startSample, piece.endSample);
        worker.postMessage({ id: index, pcm, text: options.text ?? '', vocabulary }, [pcm.buffer]);
      };
      for (const thread of threads) {
        const worker = thread.worker;
        worker.on('error', (error) => fail(new Error(`the lip-sync recogniser failed: ${error.message}`)));
        worker.on('message', (message: { id: number | string; cues?: RawCue[]; error?: string }) => {
          if (typeof message.id !== 'number') return; // the dictionary's answer
          if (message.error !== undefined)
            return fail(new Error(`the lip-sync recogniser failed: ${message.error}`));
          const piece = pieces[message.id] as (typeof pieces)[number];
          const offsetSec = piece.startSample / SPEECH_SAMPLE_RATE;
          results[message.id] = (message.cues ?? []).map((c) => ({
            ...c,
            start: c.start + offsetSec,
            end: c.end + offsetSec,
          }));
          done++;
          options.onProgress?.(
            done / pieces.length,
            `recognised ${Math.min(totalSec, piece.endSample / SPEECH_SAMPLE_RATE).toFixed(1)} of ${totalSec.toFixed(1)} s`,
          );
          if (done === pieces.length) {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          } else feed(worker);
        });
        feed(worker);
      }
    });
  } catch (error) {
    healthy = false;
    throw error;
  } finally {
    // Done: the threads go back warm. Failed or cancelled: a thread may still be inside the
    // recogniser, so it is ended.
    if (healthy) for (const t of threads) returnThread(t);
    else await Promise.all(threads.map((t) => t.worker.terminate()));
  }
  return cleanCues(results.flat(), totalSec);
}

/** Sorted by start, no overlaps (a later cue cuts the one before), gaps filled with rest (X). */
export function cleanCues(raw: readonly RawCue[], totalSec: number): MouthCue[] {
  const sorted = raw
    .filter((c) => Number.isFinite(c.start) && Number.isFinite(c.end) && isMouthShape(c.value))
    .slice()
    .sort((a, b) => a.start - b.start);
  const out: MouthCue[] = [];
  let cursor = 0;
  for (const cue of sorted) {
    const start = Math.max(cue.start, 0);
    const end = Math.min(Math.max(cue.end, start), totalSec);
    if (start > cursor + 1e-6) out.push({ startSec: cursor, endSec: start, shape: 'X' });
    const from = Math.max(start, cursor);
    if (end > from) out.push({ startSec: from, endSec: end, shape: cue.value as MouthShape });
    cursor = Math.max(cursor, end);
  }
  if (cursor < totalSec - 1e-6) out.push({ startSec: cursor, endSec: totalSec, shape: 'X' });
  return out;
}
