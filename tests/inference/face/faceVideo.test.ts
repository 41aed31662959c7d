import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PerformanceFrame } from '../../../core/face/facePerformance.js';
import { extractFaceVideo, type FaceVideoResult } from '../../../host/face/faceVideo.js';
import type { FaceVideoTruth } from '../../video/renderFaceVideo.js';

/**
 * Head pose and face from a video on the real landmark model (BlazeFace + FaceMesh + Iris from
 * @vladmandic/human on tfjs wasm, in the face worker process) and a video made in code: a three.js
 * head turned by known yaw/pitch/roll, blinking, winking and opening its jaw, rendered in Chromium
 * and encoded with ffmpeg (scripts/make-face-video.ts), its truth beside it.
 *
 * Bounds (issue 13 asks: yaw/pitch/roll within 5° median, blinks ≥ 90% found with no false ones,
 * mouth-open correlation ≥ 0.9). Measured here: see docs/face.md, "How well it works". The angle
 * bounds are the 5° median; the worst frame is bounded at 15° (measured ≤ 9°: the model
 * over-reads a 30° turn by ~6° and the filter lags the fastest turn by about a frame). Measured:
 * angle error median 1.4° yaw, 1.6° pitch, 0.5° roll; jawOpen correlation 0.917; 5 of 5 blinks, none
 * false. The far-eye rule and the filter settings were chosen on this video; the held-out video
 * below checks them on motion they were not chosen on.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'video');
const DEG = 180 / Math.PI;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let n = 0;
  let da = 0;
  let db = 0;
  a.forEach((v, i) => {
    n += (v - ma) * (b[i]! - mb);
    da += (v - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  });
  return n / Math.sqrt(da * db);
}

/** Runs of frames above 0.5: a blink each. */
function events(values: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  values.forEach((v, i) => {
    if (v > 0.5 && start < 0) start = i;
    if (v <= 0.5 && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, values.length - 1]);
  return out;
}

/** True blinks found (a found run within 2 frames of each), and found runs that match none. */
function blinkScore(
  found: readonly number[],
  truth: readonly number[],
): { hit: number; of: number; falses: number } {
  const t = events(truth);
  const f = events(found);
  const near = (a: [number, number], b: [number, number]) => a[0] <= b[1] + 2 && b[0] <= a[1] + 2;
  return {
    hit: t.filter((e) => f.some((g) => near(e, g))).length,
    of: t.length,
    falses: f.filter((g) => !t.some((e) => near(e, g))).length,
  };
}

describe('face performance from a rendered face video (real landmark model)', () => {
  let truth: FaceVideoTruth;
  let result: FaceVideoResult;
  let frames: readonly PerformanceFrame[];

  beforeAll(async () => {
    truth = JSON.parse(await readFile(join(FIXTURES, 'face-turn.truth.json'), 'utf8')) as FaceVideoTruth;
    result = await extractFaceVideo(join(FIXTURES, 'face-turn.mp4'), { fps: truth.fps });
    frames = result.faces[0]!.frames;
  }, 240_000);

  it('finds the one face in every frame, at the video frame rate', () => {
    expect(result.faces).toHaveLength(1);
    expect(result.frameCount).toBe(truth.frameCount);
    expect(result.faces[0]!.seenFrames).toBe(truth.frameCount);
    expect(result.faces[0]!.restFrame).toBe(0);
    expect(result.faces[0]!.thumbnailPngBase64.length).toBeGreaterThan(100);
  });

  it('recovers yaw, pitch and roll within 5° (median)', () => {
    const err = { yaw: [] as number[], pitch: [] as number[], roll: [] as number[] };
    frames.forEach((f, i) => {
      const t = truth.frames[i]!;
      err.yaw.push(Math.abs(f.yawDeg - t.yawRad * DEG));
      err.pitch.push(Math.abs(f.pitchDeg - t.pitchRad * DEG));
      err.roll.push(Math.abs(f.rollDeg - t.rollRad * DEG));
    });
    const summary = Object.fromEntries(
      Object.entries(err).map(([k, v]) => [k, { median: median(v), max: Math.max(...v) }]),
    );
    console.log('head angle error (deg):', JSON.stringify(summary));
    for (const v of Object.values(summary)) {
      expect(v.median).toBeLessThan(5);
      expect(v.max).toBeLessThan(15);
    }
    // The turns are there, with their signs: a face reading 0 everywhere fails.
    const at = (i: number) => frames[i]!;
    expect(at(19).yawDeg).toBeGreaterThan(20);
    expect(at(38).yawDeg).toBeLessThan(-20);
    expect(at(54).pitchDeg).toBeGreaterThan(5);
    expect(at(66).pitchDeg).toBeLessThan(-5);
    expect(at(46).rollDeg).toBeGreaterThan(8);
    expect(at(60).rollDeg).toBeLessThan(-8);
  });

  it('follows the mouth opening (correlation ≥ 0.9)', () => {
    const r = correlation(
      frames.map((f) => f.channels.jawOpen),
      truth.frames.map((t) => t.jawOpen),
    );
    console.log('jawOpen correlation:', r.toFixed(3));
    expect(r).toBeGreaterThanOrEqual(0.9);
  });

  it('finds the blinks, each eye on its own side', () => {
    const left = blinkScore(
      frames.map((f) => f.channels.blinkL),
      truth.frames.map((t) => t.blinkL),
    );
    const right = blinkScore(
      frames.map((f) => f.channels.blinkR),
      truth.frames.map((t) => t.blinkR),
    );
    console.log('blinks: left', JSON.stringify(left), 'right', JSON.stringify(right));
    expect(left.of + right.of).toBe(5);
    expect((left.hit + right.hit) / (left.of + right.of)).toBeGreaterThanOrEqual(0.9);
    expect(left.falses + right.falses).toBe(0);
  });
});

/**
 * The held-out video (tests/fixtures/video/face-heldout.mp4, made after every setting above was
 * chosen on face-turn and never used to tune them): other turns, blinks at other times and a wink
 * of the other eye, the jaw, brows up then down, a smile (on this head a wider mouth) and the eyes
 * looking about. Measured: angle error median 1.1° yaw, 0.7° pitch, 0.3° roll; jawOpen correlation
 * 0.955; all 5 blinks found, one false one-frame blink of the left eye during the 25° turn. The
 * brows, read from the mesh, did not follow (correlation −0.1 / −0.3: the mesh barely moves its
 * brow points for this head's thin brow bars); read from the pixels (core/face/imageCues.ts) they
 * do: 0.82 / 0.81.
 */
describe('face performance on the held-out face video', () => {
  let truth: FaceVideoTruth;
  let frames: readonly PerformanceFrame[];

  beforeAll(async () => {
    truth = JSON.parse(await readFile(join(FIXTURES, 'face-heldout.truth.json'), 'utf8')) as FaceVideoTruth;
    const result = await extractFaceVideo(join(FIXTURES, 'face-heldout.mp4'), { fps: truth.fps });
    expect(result.faces).toHaveLength(1);
    frames = result.faces[0]!.frames;
    expect(frames).toHaveLength(truth.frameCount);
  }, 240_000);

  it('recovers yaw, pitch and roll within 5° (median) and the jaw (correlation ≥ 0.9)', () => {
    for (const axis of ['yaw', 'pitch', 'roll'] as const) {
      const errors = frames.map((f, i) => Math.abs(f[`${axis}Deg`] - truth.frames[i]![`${axis}Rad`] * DEG));
      expect(median(errors), axis).toBeLessThan(5);
      expect(Math.max(...errors), axis).toBeLessThan(15);
    }
    expect(frames[24]!.yawDeg).toBeLessThan(-15);
    expect(frames[74]!.yawDeg).toBeGreaterThan(8);
    const r = correlation(
      frames.map((f) => f.channels.jawOpen),
      truth.frames.map((t) => t.jawOpen),
    );
    expect(r).toBeGreaterThanOrEqual(0.9);
  });

  it('finds at least 90% of the blinks, the wink on its own eye', () => {
    const left = blinkScore(
      frames.map((f) => f.channels.blinkL),
      truth.frames.map((t) => t.blinkL),
    );
    const right = blinkScore(
      frames.map((f) => f.channels.blinkR),
      truth.frames.map((t) => t.blinkR),
    );
    expect(left.of + right.of).toBe(5);
    expect((left.hit + right.hit) / (left.of + right.of)).toBeGreaterThanOrEqual(0.9);
  });

  // The mesh alone read the left eye half closed while it looked aside (frames 33-40), and the
  // filter made a one-frame blink of it; the eye's white in the pixels says it is open.
  it('finds no false blinks', () => {
    const falses =
      blinkScore(
        frames.map((f) => f.channels.blinkL),
        truth.frames.map((t) => t.blinkL),
      ).falses +
      blinkScore(
        frames.map((f) => f.channels.blinkR),
        truth.frames.map((t) => t.blinkR),
      ).falses;
    expect(falses).toBe(0);
  });

  // Opening the jaw is no smile: the corners are read against where an unsmiling mouth that open
  // has them (facePerformance.ts CORNER_DROP, from face-turn). Taken from the middle of the lips,
  // the frontal jaw opening here read as a smile of 0.34-0.55.
  it('reads no smile while the mouth opens facing the camera', () => {
    const open = truth.frames.flatMap((t, i) =>
      t.smile === 0 && t.jawOpen > 0.3 && Math.abs(t.yawRad * DEG) < 5 ? [i] : [],
    );
    expect(open.length).toBeGreaterThanOrEqual(5);
    for (const i of open) expect(Math.abs(frames[i]!.channels.smile), `frame ${i}`).toBeLessThanOrEqual(0.2);
  });

  // The brows come from the pixels (core/face/imageCues.ts): the dark bar above each eye.
  it('follows the brows up and down (correlation ≥ 0.7 each side)', () => {
    for (const side of ['browRaiseL', 'browRaiseR'] as const) {
      const r = correlation(
        frames.map((f) => f.channels[side]),
        truth.frames.map((t) => t.browRaise),
      );
      expect(r, side).toBeGreaterThanOrEqual(0.7);
    }
  });
});
