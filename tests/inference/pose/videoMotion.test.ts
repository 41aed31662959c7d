import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { liftPerson } from '../../../core/video/lift.js';
import { cleanTrack, collectTracks, type PersonTrack2d } from '../../../core/video/tracks2d.js';
import type { VideoFramePeople } from '../../../core/video/types.js';
import { initBodyPose } from '../../../inference/pose/detectBodyPose.js';
import { VideoPoseAnalyzer } from '../../../inference/pose/videoPoseAnalyzer.js';

/**
 * Motion from video on the real recogniser (MoveNet lightning on tfjs wasm) and videos made in
 * code: three.js figures with skin, clothes and faces rendered in Chromium and encoded with ffmpeg
 * (scripts/make-pose-videos.ts), their true joints beside them. Bounds from issue 11: 2D joint
 * error <= 5% of the figure's height (median), 3D bone directions within 20 degrees (median), ids
 * kept through a crossing, jitter cut >= 3x with <= 2 frames of lag.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'video');
const run = promisify(execFile);

interface Truth {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  camera: { position: [number, number, number] };
  frames: {
    people: {
      joints3d: Record<string, [number, number, number]>;
      joints2d: Record<string, [number, number]>;
      figureHeightPx: number;
      head?: { pitchRad: number; yawRad: number; rollRad: number };
    }[];
  }[];
}

const MEASURED = [
  'Hips',
  'LeftArm',
  'LeftForeArm',
  'LeftHand',
  'RightArm',
  'RightForeArm',
  'RightHand',
  'LeftUpLeg',
  'LeftLeg',
  'LeftFoot',
  'RightUpLeg',
  'RightLeg',
  'RightFoot',
];
const BONES: [string, string][] = [
  ['LeftArm', 'LeftForeArm'],
  ['LeftForeArm', 'LeftHand'],
  ['RightArm', 'RightForeArm'],
  ['RightForeArm', 'RightHand'],
  ['LeftUpLeg', 'LeftLeg'],
  ['LeftLeg', 'LeftFoot'],
  ['RightUpLeg', 'RightLeg'],
  ['RightLeg', 'RightFoot'],
  ['RightArm', 'LeftArm'],
  ['RightUpLeg', 'LeftUpLeg'],
];

/** Pearson correlation of pairs. */
function correlation(pairs: readonly [number, number][]): number {
  const n = pairs.length;
  const ma = pairs.reduce((s, p) => s + p[0], 0) / n;
  const mb = pairs.reduce((s, p) => s + p[1], 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (const [a, b] of pairs) {
    ab += (a - ma) * (b - mb);
    aa += (a - ma) ** 2;
    bb += (b - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
}

async function analyse(name: string): Promise<{ truth: Truth; frames: VideoFramePeople[] }> {
  const truth = JSON.parse(await readFile(join(FIXTURES, `${name}.truth.json`), 'utf8')) as Truth;
  // Debian's or the bundled ffmpeg: the test decodes with a plain command line; the product's
  // decoding (host/export/ffmpeg.ts) has tests of its own.
  const { stdout } = await run(
    process.env.FFMPEG_PATH ?? (await import('@ffmpeg-installer/ffmpeg')).path,
    [
      '-loglevel',
      'error',
      '-i',
      join(FIXTURES, `${name}.mp4`),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 1 << 30 },
  );
  const size = truth.width * truth.height * 3;
  expect(stdout.length / size).toBe(truth.frameCount);
  const analyzer = new VideoPoseAnalyzer();
  const frames: VideoFramePeople[] = [];
  for (let f = 0; f < truth.frameCount; f++) {
    const data = new Uint8Array(stdout.buffer, stdout.byteOffset + f * size, size);
    frames.push(await analyzer.processFrame(f, { width: truth.width, height: truth.height, data }));
  }
  return { truth, frames };
}

/** The truth person nearest the track's hips where it starts. */
function truthIndexOf(track: PersonTrack2d, truth: Truth): number {
  const f = track.firstFrame;
  const x = track.joints.Hips!.x[f]!;
  const people = truth.frames[f]!.people;
  let best = 0;
  people.forEach((p, i) => {
    if (Math.abs(p.joints2d.Hips![0] - x) < Math.abs(people[best]!.joints2d.Hips![0] - x)) best = i;
  });
  return best;
}

function errors2d(track: PersonTrack2d, truth: Truth, who: number): number[] {
  const out: number[] = [];
  for (let f = track.firstFrame; f <= track.lastFrame; f++) {
    const p = truth.frames[f]!.people[who]!;
    for (const j of MEASURED) {
      const s = track.joints[j];
      if (!s || !Number.isFinite(s.x[f]!)) continue;
      const t = p.joints2d[j]!;
      out.push(Math.hypot(s.x[f]! - t[0], s.y[f]! - t[1]) / p.figureHeightPx);
    }
  }
  return out;
}

function boneErrorsDeg(track: PersonTrack2d, truth: Truth, who: number): number[] {
  const lifted = liftPerson(track, {
    imageWidth: truth.width,
    imageHeight: truth.height,
    verticalFovDeg: 32,
  });
  const out: number[] = [];
  for (let f = track.firstFrame; f <= track.lastFrame; f++) {
    const js = lifted.frames[f];
    if (!js) continue;
    const t = truth.frames[f]!.people[who]!.joints3d;
    for (const [a, b] of BONES) {
      const ja = js[a];
      const jb = js[b];
      if (!ja || !jb) continue;
      const d = [jb[0] - ja[0], jb[1] - ja[1], jb[2] - ja[2]];
      const e = [t[b]![0] - t[a]![0], t[b]![1] - t[a]![1], t[b]![2] - t[a]![2]];
      const c = (d[0]! * e[0]! + d[1]! * e[1]! + d[2]! * e[2]!) / Math.hypot(...d) / Math.hypot(...e);
      out.push((Math.acos(Math.max(-1, Math.min(1, c))) * 180) / Math.PI);
    }
  }
  return out;
}

const results = new Map<string, { truth: Truth; frames: VideoFramePeople[] }>();

describe('motion from video (MoveNet lightning on tfjs wasm, rendered figures)', () => {
  beforeAll(async () => {
    await initBodyPose();
  });

  for (const name of ['one-wave', 'one-jump', 'one-walk', 'one-nod'] as const) {
    it(`${name}: one person, 2D within 5% of height and 3D bones within 20 degrees (medians)`, async () => {
      const { truth, frames } = await analyse(name);
      results.set(name, { truth, frames });
      const tracks = collectTracks(frames, truth.frameCount);
      // One person, seen (nearly) all along; no phantom tracks worth offering.
      expect(tracks[0]!.seenFrames).toBeGreaterThanOrEqual(truth.frameCount * 0.9);
      expect(tracks.filter((t) => t.seenFrames > truth.frameCount * 0.2)).toHaveLength(1);
      const clean = cleanTrack(tracks[0]!, { fps: truth.fps });
      const e2 = median(errors2d(clean, truth, 0));
      const e3 = median(boneErrorsDeg(clean, truth, 0));
      console.log(
        `${name}: 2D median ${(e2 * 100).toFixed(2)}% of height, 3D bones median ${e3.toFixed(1)} deg`,
      );
      expect(e2).toBeLessThan(0.05);
      expect(e3).toBeLessThan(20);
    });
  }

  it('two people crossing keep their ids, each within the bounds', async () => {
    const { truth, frames } = await analyse('two-crossing');
    const tracks = collectTracks(frames, truth.frameCount).filter(
      (t) => t.seenFrames > truth.frameCount * 0.2,
    );
    expect(tracks).toHaveLength(2);
    const whos = tracks.map((t) => truthIndexOf(t, truth));
    expect(new Set(whos).size).toBe(2);
    for (const [k, track] of tracks.entries()) {
      const who = whos[k]!;
      // Every frame the track claims, it is on its own person: its hips nearer that person's
      // than the other's (a swap at the crossing would put it on the other one afterwards).
      let wrong = 0;
      for (let f = track.firstFrame; f <= track.lastFrame; f++) {
        const x = track.joints.Hips!.x[f]!;
        if (!Number.isFinite(x)) continue;
        const mine = Math.abs(truth.frames[f]!.people[who]!.joints2d.Hips![0] - x);
        const other = Math.abs(truth.frames[f]!.people[1 - who]!.joints2d.Hips![0] - x);
        if (mine > other + 2) wrong++;
      }
      expect(wrong, `frames where track ${track.trackId} sits on the other person`).toBe(0);
      const clean = cleanTrack(track, { fps: truth.fps });
      const e2 = median(errors2d(clean, truth, who));
      const e3 = median(boneErrorsDeg(clean, truth, who));
      console.log(
        `crossing, track ${track.trackId}: seen ${track.seenFrames}/${truth.frameCount} frames, 2D ${(e2 * 100).toFixed(2)}%, 3D ${e3.toFixed(1)} deg`,
      );
      expect(e2).toBeLessThan(0.05);
      expect(e3).toBeLessThan(20);
    }
    // The far person is hidden while the near one passes in front; both are seen before and after.
    const far = tracks[whos.indexOf(1)]!;
    expect(far.lastFrame).toBeGreaterThan(truth.frameCount * 0.85);
  });

  it('the jitter filter cuts the jitter of still joints at least 3x and lags a moving hand <= 2 frames', async () => {
    const { truth, frames } = results.get('one-wave') ?? (await analyse('one-wave'));
    const raw = collectTracks(frames, truth.frameCount)[0]!;
    const clean = cleanTrack(raw, { fps: truth.fps });
    // The legs and hips stand still while the figure waves: all their acceleration is noise.
    const still = ['Hips', 'LeftUpLeg', 'LeftLeg', 'LeftFoot', 'RightUpLeg', 'RightLeg', 'RightFoot'];
    const jitter = (t: PersonTrack2d) => {
      let sum = 0;
      let n = 0;
      for (const j of still) {
        const s = t.joints[j]!;
        for (let f = 1; f + 1 < truth.frameCount; f++) {
          for (const v of [s.x, s.y]) {
            const a = v[f + 1]! - 2 * v[f]! + v[f - 1]!;
            if (Number.isFinite(a)) {
              sum += Math.abs(a);
              n++;
            }
          }
        }
      }
      return sum / n;
    };
    const rawJitter = jitter(raw);
    const cleanJitter = jitter(clean);
    // Lag: the shift of the truth that best matches the filtered waving hand.
    const hand = clean.joints.RightHand!;
    const errAt = (lag: number) => {
      let sum = 0;
      let n = 0;
      for (let f = 10; f < truth.frameCount; f++) {
        const t = truth.frames[f - lag]!.people[0]!.joints2d.RightHand!;
        if (!Number.isFinite(hand.x[f]!)) continue;
        sum += Math.hypot(hand.x[f]! - t[0], hand.y[f]! - t[1]);
        n++;
      }
      return sum / n;
    };
    const lags = [0, 1, 2, 3, 4, 5].map(errAt);
    const lag = lags.indexOf(Math.min(...lags));
    console.log(
      `jitter (mean |acceleration| of still joints): raw ${rawJitter.toFixed(2)} px/frame², filtered ${cleanJitter.toFixed(2)}; waving hand lag ${lag} frames`,
    );
    expect(rawJitter / cleanJitter).toBeGreaterThanOrEqual(3);
    expect(lag).toBeLessThanOrEqual(2);
  });

  it("the head turns as the face does: its yaw within 20 degrees (median) of the figure's", async () => {
    for (const name of ['one-walk', 'one-wave'] as const) {
      const { truth, frames } = results.get(name) ?? (await analyse(name));
      const clean = cleanTrack(collectTracks(frames, truth.frameCount)[0]!, { fps: truth.fps });
      const lifted = liftPerson(clean, {
        imageWidth: truth.width,
        imageHeight: truth.height,
        verticalFovDeg: 32,
      });
      const errors: number[] = [];
      const rolls: number[] = [];
      for (let f = lifted.firstFrame; f <= lifted.lastFrame; f++) {
        const head = lifted.head?.[f];
        if (!head) continue;
        // The figure's true facing, from its shoulders (its head does not turn on them), as the
        // camera sees it: relative to the line from the figure to the camera (what a face shows).
        const t = truth.frames[f]!.people[0]!.joints3d;
        const across = [t.LeftArm![0] - t.RightArm![0], t.LeftArm![2] - t.RightArm![2]];
        const camera = truth.camera.position;
        const sight = Math.atan2(camera[0] - t.Hips![0], camera[2] - t.Hips![2]);
        const trueYaw = Math.atan2(-across[1]!, across[0]!) - sight;
        errors.push((Math.abs(head.yawRad - trueYaw) * 180) / Math.PI);
        rolls.push((Math.abs(head.rollRad) * 180) / Math.PI);
      }
      const seen = errors.length / truth.frameCount;
      console.log(
        `${name}: head seen in ${(seen * 100).toFixed(0)}% of frames, yaw error median ${median(errors).toFixed(1)} deg, |roll| median ${median(rolls).toFixed(1)} deg`,
      );
      expect(seen).toBeGreaterThan(0.5);
      expect(median(errors)).toBeLessThan(20);
      // The figures hold their heads upright.
      expect(median(rolls)).toBeLessThan(10);
    }
  });

  // The head's own nod, turn and tilt on a still body (one-nod: ±25° nod, ±20° turn, ±10° tilt;
  // the figure ~310 px tall, its head ~40 px). MoveNet gives nose, eyes and ears only: the nod is
  // read from the nose's height over the ears (lift.ts headPitch), relative to the clip's usual
  // carriage. Measured 2026-12-05: median error pitch 7.5°, yaw 11.4°, roll 4.6°, pitch
  // correlation 0.79 (docs/motion.md); the bounds leave room for the model's noise on a 40 px head.
  it("the head nods, turns and tilts as the figure's does (nod and tilt within 10°, turn 15°)", async () => {
    const { truth, frames } = results.get('one-nod') ?? (await analyse('one-nod'));
    const clean = cleanTrack(collectTracks(frames, truth.frameCount)[0]!, { fps: truth.fps });
    const lifted = liftPerson(clean, {
      imageWidth: truth.width,
      imageHeight: truth.height,
      verticalFovDeg: 32,
    });
    const err = { pitch: [] as number[], yaw: [] as number[], roll: [] as number[] };
    const nods: [number, number][] = [];
    for (let f = lifted.firstFrame; f <= lifted.lastFrame; f++) {
      const head = lifted.head?.[f];
      const t = truth.frames[f]!.people[0]!.head!;
      if (!head) continue;
      err.pitch.push((Math.abs(head.pitchRad - t.pitchRad) * 180) / Math.PI);
      err.yaw.push((Math.abs(head.yawRad - t.yawRad) * 180) / Math.PI);
      err.roll.push((Math.abs(head.rollRad - t.rollRad) * 180) / Math.PI);
      nods.push([head.pitchRad, t.pitchRad]);
    }
    const seen = err.pitch.length / truth.frameCount;
    console.log(
      `one-nod: head seen in ${(seen * 100).toFixed(0)}% of frames; median error pitch ${median(err.pitch).toFixed(1)}, yaw ${median(err.yaw).toFixed(1)}, roll ${median(err.roll).toFixed(1)} deg; pitch correlation ${correlation(nods).toFixed(2)}`,
    );
    expect(seen).toBeGreaterThan(0.8);
    expect(median(err.pitch)).toBeLessThan(10);
    expect(median(err.yaw)).toBeLessThan(15);
    expect(median(err.roll)).toBeLessThan(10);
    // A nod, not noise: the recovered pitch follows the truth's down-and-up.
    expect(correlation(nods)).toBeGreaterThan(0.65);
  });
});
