import { loadavg } from 'node:os';
import { decodeSpeech, SPEECH_SAMPLE_RATE } from '../host/lipsync/decodeSpeech.js';
import {
  closeRecogniserThreads,
  defaultRecogniserThreads,
  type MouthCue,
  recogniseMouthCues,
} from '../host/lipsync/recogniser.js';
import { scoreLipSync } from '../tests/fixtures/speech/score.js';
import {
  removeSpokenFiles,
  type SpeakOptions,
  speak,
  type TruthSegment,
} from '../tests/fixtures/speech/speech.js';

/**
 * Lip sync against the truth over spoken sentences (docs/face.md, "How well it works"): espeak-ng
 * speaks each one (varied voices, speeds, pitch, added noise via sox) and reports its phonemes'
 * start times; the truth shapes come from the phoneme-to-shape table. Prints, with and without the
 * dialogue text: frame-wise agreement within ±1 frame at 24 fps (over all frames of all sentences),
 * silence shown closed, median onset and boundary errors, and seconds of analysis per second of
 * audio, with the load average (2 cores are shared here, so time figures vary with it).
 * Both with Keypose's small vocabulary and with Rhubarb's full one, under the same load.
 * Each sentence runs on one thread (the recogniser's own cost; the thread is warmed before the
 * first sentence, as in the app after its first run, where a sentence under 12 s is one piece
 * whatever the cores).
 */

const SENTENCES: readonly [string, SpeakOptions][] = [
  ['The quick brown fox jumps over the lazy dog.', {}],
  ['Maybe we should all go home now, before it rains.', { rate: 140, pitch: 35 }],
  ['Hello there, my friend. How are you doing today?', { voice: 'gmw/en' }],
  ['Please pass the salt and pepper.', { rate: 200 }],
  ['I never said she stole my money.', { voice: 'en-us+f3', pitch: 70 }],
  ['Where were you on the night of the fifth?', { noise: 0.01 }],
  ['Five wizards jumped quickly over the moving box.', { rate: 120 }],
  ['We will meet at the bridge at noon.', { voice: 'en-gb-scotland' }],
  ['Bob bought a big blue balloon for the baby.', { pitch: 20 }],
  ['Fluffy the cat found a very fine feather.', { voice: 'en-us+m3', rate: 170 }],
  ['Look at all those lovely yellow lemons.', { noise: 0.02 }],
  ['Would you like some more tea, or perhaps coffee?', { voice: 'en-gb-x-rp', rate: 150 }],
  ['Thank you very much for coming tonight.', { rate: 190, pitch: 60 }],
  ['The weather today is warm and sunny.', { voice: 'en-us+f2' }],
  ['My mother makes marvellous muffins on Mondays.', { rate: 130 }],
  ['Open the window, it is far too hot in here.', { noise: 0.015, pitch: 40 }],
  ['Zebras and yaks are wandering in the zoo.', { voice: 'gmw/en' }],
  ['Can you hear me at the back of the room?', { rate: 210 }],
  ['Wait. Stop. Listen to the wind.', { rate: 150 }],
  ['Every morning I walk the dog along the river.', { voice: 'en-us+m1', pitch: 45 }],
  ['Oh no, the train has already left the station!', { pitch: 80 }],
  ['Just a moment, I will check the schedule for you.', { voice: 'en-029', noise: 0.01 }],
];

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** The shape the cues show at a time (rest before the first and after the last). */
const shapeAt = (cues: readonly MouthCue[]) => (t: number) =>
  cues.find((c) => c.startSec <= t && t < c.endSec)?.shape ?? 'X';

/** Each mode: which vocabulary, and whether the dialogue text is given. */
const MODES = {
  withoutText: { vocabulary: 'small', text: false },
  withText: { vocabulary: 'small', text: true },
  fullVocabularyWithoutText: { vocabulary: 'full', text: false },
  fullVocabularyWithText: { vocabulary: 'full', text: true },
} as const;
type Mode = keyof typeof MODES;

export async function runLipSyncBench(opts: { quick: boolean }) {
  const list = opts.quick ? SENTENCES.slice(0, 4) : SENTENCES;
  const loadAtStart = loadavg().map((x) => round(x, 2));
  // The product's small vocabulary (the dialogue's words, or a phone loop) and, for comparison
  // under the same load, Rhubarb's own full US English one (core/face/recogniserVocabulary.ts).
  const emptyTotals = () => ({
    frames: 0,
    agree: 0,
    silent: 0,
    silentClosed: 0,
    onset: [] as number[],
    boundary: [] as number[],
    sec: 0,
  });
  const totals = Object.fromEntries(Object.keys(MODES).map((m) => [m, emptyTotals()])) as Record<
    Mode,
    ReturnType<typeof emptyTotals>
  >;
  // Warm the thread first (its first run loads Rhubarb's models and fetches the dictionary, ~2 s
  // that a user pays once a session), so no mode's figure carries it.
  {
    const warm = await speak('Hello.', {});
    await recogniseMouthCues(await decodeSpeech(warm.wavPath), { threads: 1, text: 'Hello.' });
  }
  let audioSec = 0;
  const perSentence: unknown[] = [];
  // The sentences one after another, for the long-recording run below.
  const takes: { samples: Int16Array; truth: readonly TruthSegment[]; text: string }[] = [];
  for (const [text, options] of list) {
    const s = await speak(text, options);
    const samples = await decodeSpeech(s.wavPath);
    takes.push({ samples, truth: s.truth, text });
    audioSec += s.durationSec;
    const row: Record<string, unknown> = { text, options, durationSec: round(s.durationSec, 2) };
    for (const [mode, how] of Object.entries(MODES) as [Mode, (typeof MODES)[Mode]][]) {
      const t0 = performance.now();
      // One thread: the figure is the recogniser's own cost per audio second.
      const cues = await recogniseMouthCues(samples, {
        threads: 1,
        vocabulary: how.vocabulary,
        ...(how.text ? { text } : {}),
      });
      const sec = (performance.now() - t0) / 1000;
      const at = shapeAt(cues);
      const score = scoreLipSync(at, s.truth, s.durationSec, 24);
      const tot = totals[mode];
      tot.frames += score.frames;
      tot.agree += score.agreement * score.frames;
      tot.sec += sec;
      if (Number.isFinite(score.onsetErrorMs)) tot.onset.push(score.onsetErrorMs);
      if (Number.isFinite(score.boundaryErrorMs)) tot.boundary.push(score.boundaryErrorMs);
      // Silence: recount frame by frame (the score gives the share; weight it by silent frames).
      let silent = 0;
      let closed = 0;
      for (let f = 0; f < score.frames; f++) {
        const around = [f - 1, f, f + 1].map((g) => {
          let shape = 'X';
          for (const seg of s.truth) if (seg.startSec <= Math.max(0, g) / 24) shape = seg.shape;
          return shape;
        });
        if (around.every((x) => x === 'X')) {
          silent++;
          const p = at(f / 24);
          if (p === 'X' || p === 'A') closed++;
        }
      }
      tot.silent += silent;
      tot.silentClosed += closed;
      row[mode] = {
        agreement: round(score.agreement),
        silenceClosed: round(score.silenceClosed),
        onsetErrorMs: round(score.onsetErrorMs, 0),
        secPerAudioSec: round(sec / s.durationSec, 2),
      };
    }
    perSentence.push(row);
  }
  removeSpokenFiles(); // every sentence is decoded by now
  const median = (v: number[]) =>
    v.length ? (v.slice().sort((a, b) => a - b)[v.length >> 1] as number) : Number.NaN;
  const summary = (mode: keyof typeof totals) => {
    const t = totals[mode];
    return {
      agreementWithin1Frame: round(t.agree / Math.max(1, t.frames)),
      silenceShownClosed: round(t.silentClosed / Math.max(1, t.silent)),
      medianOnsetErrorMs: round(median(t.onset), 0),
      medianBoundaryErrorMs: round(median(t.boundary), 0),
      secPerAudioSec: round(t.sec / audioSec, 2),
    };
  };
  const longRecording = await runLongRecording(takes);
  return {
    sentences: list.length,
    audioSec: round(audioSec, 1),
    goals: { withText: '≥ 0.80', withoutText: '≥ 0.55', silence: '≥ 0.95', time: '≤ 0.5 s per audio s' },
    withText: summary('withText'),
    withoutText: summary('withoutText'),
    fullVocabularyWithText: summary('fullVocabularyWithText'),
    fullVocabularyWithoutText: summary('fullVocabularyWithoutText'),
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((x) => round(x, 2)) },
    longRecording,
    perSentence,
  };
}

/**
 * The app's own path on one long take: every sentence in one recording (0.25 s apart), the whole
 * dialogue as its text, the recogniser's default threads (one per core), so the recording is cut at
 * word gaps into pieces of up to 12 s that the threads share. Wall-clock seconds per audio second.
 */
async function runLongRecording(
  takes: readonly { samples: Int16Array; truth: readonly TruthSegment[]; text: string }[],
) {
  const gap = Math.round(0.25 * SPEECH_SAMPLE_RATE);
  const total = takes.reduce((n, t) => n + t.samples.length + gap, 0);
  const samples = new Int16Array(total);
  const truth: TruthSegment[] = [];
  let at = 0;
  for (const take of takes) {
    const offsetSec = at / SPEECH_SAMPLE_RATE;
    truth.push({ startSec: offsetSec, shape: 'X', phone: '_' });
    for (const seg of take.truth) truth.push({ ...seg, startSec: seg.startSec + offsetSec });
    samples.set(take.samples, at);
    at += take.samples.length;
    truth.push({ startSec: at / SPEECH_SAMPLE_RATE, shape: 'X', phone: '_' });
    at += gap;
  }
  const durationSec = total / SPEECH_SAMPLE_RATE;
  const text = takes.map((t) => t.text).join(' ');
  const result: Record<string, unknown> = {
    audioSec: round(durationSec, 1),
    threads: defaultRecogniserThreads(),
  };
  for (const mode of ['withText', 'withoutText'] as const) {
    const t0 = performance.now();
    const cues = await recogniseMouthCues(samples, mode === 'withText' ? { text } : {});
    const sec = (performance.now() - t0) / 1000;
    const score = scoreLipSync(shapeAt(cues), truth, durationSec, 24);
    result[mode] = {
      agreementWithin1Frame: round(score.agreement),
      secPerAudioSec: round(sec / durationSec, 2),
    };
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runLipSyncBench({ quick: process.argv.includes('--quick') }), null, 2));
  await closeRecogniserThreads();
}
