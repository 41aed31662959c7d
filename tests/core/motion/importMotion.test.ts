import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BvhError, parseBvh, startBvhRead, writeBvh } from '../../../core/io/bvh.js';
import { frameRate } from '../../../core/io/frameRate.js';
import { PoseSequenceError, readPoseSequence, writePoseSequence } from '../../../core/io/poseSequence.js';
import { quatAngleBetween, quatFromAxisAngle } from '../../../core/math/quat.js';
import type { Quat } from '../../../core/math/types.js';
import { evaluateCharacterPose } from '../../../core/motion/characterPose.js';
import {
  blendClips,
  clipRotation,
  createClip,
  makeLoopable,
  repeatClip,
  resampleClip,
  setClipRotation,
  trimClip,
} from '../../../core/motion/clip.js';
import { EMPTY_MOTION } from '../../../core/motion/edit.js';
import { evaluateMotion } from '../../../core/motion/evaluate.js';
import { importClip, prepareImport } from '../../../core/motion/importMotion.js';
import { clipToTracks } from '../../../core/motion/keyReduction.js';
import { keyRotationFor } from '../../../core/motion/layers.js';
import type { Motion } from '../../../core/motion/types.js';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import type { Skeleton } from '../../../core/skeleton/types.js';

/**
 * The import pipeline (core/motion/importMotion.ts) and the clip operations under it: a BVH onto
 * a character as keys or as a layer, key reduction to a tolerance, trim / resample / loop / blend
 * at a seam, Keypose's own BVH and JSON pose sequences round-tripping (≤ 0.01°), and clear errors.
 */

const DEG = Math.PI / 180;
const humanoid = createDefaultHumanoid({ heightPx: 800 });
const WALK = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'assets', 'motions', 'walk.bvh'),
  'utf8',
);

function worstDeg(sk: Skeleton, a: Motion, b: Motion, frames: number): number {
  let worst = 0;
  for (let f = 0; f < frames; f++) {
    const pa = evaluateCharacterPose(sk, a, f);
    const pb = evaluateCharacterPose(sk, b, f);
    for (const joint of sk.joints) {
      worst = Math.max(
        worst,
        quatAngleBetween(pa.rotations[joint.id] ?? [0, 0, 0, 1], pb.rotations[joint.id] ?? [0, 0, 0, 1]) /
          DEG,
      );
    }
  }
  return worst;
}

const walkSource = () => ({ name: 'walk.bvh', ...parseBvh(WALK) });

describe('importing a BVH onto a character', () => {
  test('as keys: reduced to the tolerance, every frame within it, placed at the start frame', () => {
    const prepared = prepareImport(walkSource(), humanoid);
    const exact = importClip(prepared, humanoid, EMPTY_MOTION, {
      fps: 30,
      startFrame: 10,
      as: 'keys',
      tolerance: { rotationDeg: 0, translationPx: 0 },
    });
    const reduced = importClip(prepared, humanoid, EMPTY_MOTION, {
      fps: 30,
      startFrame: 10,
      as: 'keys',
      tolerance: { rotationDeg: 1, translationPx: 1 },
    });
    expect(exact.frames).toEqual([10, 39]);
    expect(reduced.keyCount).toBeLessThan(exact.keyCount * 0.6);
    // Within 1° of the unreduced motion on every joint and frame.
    let worst = 0;
    for (let f = 10; f <= 39; f++) {
      const a = evaluateMotion(exact.motion, f);
      const b = evaluateMotion(reduced.motion, f);
      for (const joint of humanoid.joints)
        worst = Math.max(
          worst,
          quatAngleBetween(a.rotations[joint.id] ?? [0, 0, 0, 1], b.rotations[joint.id] ?? [0, 0, 0, 1]) /
            DEG,
        );
    }
    expect(worst).toBeLessThanOrEqual(1.0001);
    expect(Math.min(...Object.values(reduced.motion.rotations).map((t) => t[0]!.frame))).toBe(10);
  });

  test('keys outside the clip stay; keys inside are replaced', () => {
    const prepared = prepareImport(walkSource(), humanoid);
    const before: Motion = {
      rotations: {
        LeftArm: [
          { frame: 0, value: quatFromAxisAngle([0, 0, 1], 0.5), interpolation: 'linear' },
          { frame: 20, value: quatFromAxisAngle([0, 0, 1], -0.5), interpolation: 'linear' },
          { frame: 80, value: quatFromAxisAngle([0, 0, 1], 0.3), interpolation: 'linear' },
        ],
      },
      rootTranslation: [],
    };
    const { motion } = importClip(prepared, humanoid, before, { fps: 30, startFrame: 10, as: 'keys' });
    const frames = motion.rotations.LeftArm!.map((k) => k.frame);
    expect(frames).toContain(0);
    expect(frames).toContain(80);
    expect(frames).not.toContain(20);
  });

  test('as a clip layer: keys added on top of it, and keying over it shows what was keyed', () => {
    const prepared = prepareImport(walkSource(), humanoid);
    const { motion } = importClip(prepared, humanoid, EMPTY_MOTION, { fps: 30, startFrame: 0, as: 'layer' });
    expect(motion.layers).toHaveLength(1);
    expect(Object.keys(motion.rotations)).toHaveLength(0);
    const wanted = quatFromAxisAngle([0, 0, 1], 40 * DEG);
    const key = keyRotationFor(motion, 'LeftForeArm', 12, wanted);
    const keyed: Motion = {
      ...motion,
      rotations: { LeftForeArm: [{ frame: 12, value: key, interpolation: 'linear' }] },
    };
    expect(quatAngleBetween(evaluateMotion(keyed, 12).rotations.LeftForeArm!, wanted) / DEG).toBeLessThan(
      1e-4,
    );
    // Other joints still play the layer.
    expect(
      quatAngleBetween(
        evaluateMotion(keyed, 12).rotations.LeftUpLeg!,
        evaluateMotion(motion, 12).rotations.LeftUpLeg!,
      ),
    ).toBeLessThan(1e-9);
  });

  test('a BVH exported by Keypose and imported again gives the same keys (≤ 0.01°)', () => {
    const prepared = prepareImport(walkSource(), humanoid);
    const first = importClip(prepared, humanoid, EMPTY_MOTION, {
      fps: 24,
      startFrame: 0,
      as: 'keys',
      fixFeet: false,
    });
    const text = writeBvh(humanoid, first.motion, { fps: frameRate(24) });
    const again = importClip(
      prepareImport({ name: 'again.bvh', ...parseBvh(text) }, humanoid),
      humanoid,
      EMPTY_MOTION,
      {
        fps: 24,
        startFrame: 0,
        as: 'keys',
        fixFeet: false,
        tolerance: { rotationDeg: 0, translationPx: 0 },
      },
    );
    expect(worstDeg(humanoid, first.motion, again.motion, first.frames[1] + 1)).toBeLessThanOrEqual(0.01);
  });

  test('a JSON pose sequence round-trips (≤ 0.01°), with or without its skeleton', () => {
    const { motion } = importClip(prepareImport(walkSource(), humanoid), humanoid, EMPTY_MOTION, {
      fps: 24,
      startFrame: 0,
      as: 'keys',
    });
    const seq = writePoseSequence(humanoid, motion, { fps: 24 });
    expect(seq.frames[0]!.rotations.LeftUpLeg).toHaveLength(4);
    for (const drop of [false, true]) {
      const json = JSON.stringify(drop ? { ...seq, skeleton: undefined } : seq);
      const source = readPoseSequence(json, 'walk.json', humanoid);
      const back = importClip(prepareImport(source, humanoid), humanoid, EMPTY_MOTION, {
        fps: 24,
        startFrame: 0,
        as: 'keys',
        fixFeet: false,
        tolerance: { rotationDeg: 0, translationPx: 0 },
      });
      expect(worstDeg(humanoid, motion, back.motion, seq.frames.length)).toBeLessThanOrEqual(0.01);
    }
  });

  test('bad pose sequences are refused with the file and the problem', () => {
    expect(() => readPoseSequence('{', 'a.json', humanoid)).toThrow(/a\.json is not JSON/);
    expect(() => readPoseSequence('{"format":"other"}', 'b.json', humanoid)).toThrow(PoseSequenceError);
    expect(() =>
      readPoseSequence(
        JSON.stringify({ format: 'keypose-pose-sequence', version: 2, fps: 24, frames: [{ rotations: {} }] }),
        'c.json',
        humanoid,
      ),
    ).toThrow(/c\.json: version: pose sequence version 2 is not supported/);
    expect(() =>
      readPoseSequence(
        JSON.stringify({ format: 'keypose-pose-sequence', version: 1, fps: 24, frames: [] }),
        'd.json',
        humanoid,
      ),
    ).toThrow(/at least one frame/);
  });
});

describe('clip operations', () => {
  const ramp = (n: number, fps: number) => {
    const clip = createClip(['a'], n, fps);
    for (let f = 0; f < n; f++) {
      setClipRotation(clip, f, 0, quatFromAxisAngle([0, 0, 1], f * DEG));
      clip.rootTranslation.set([0, 0, 10 * f], f * 3);
    }
    return clip;
  };
  const angleOf = (q: Quat) => (2 * Math.atan2(Math.hypot(q[0], q[1], q[2]), q[3])) / DEG;

  test('trim and resample (slerp) keep the timing', () => {
    const clip = ramp(121, 120);
    const trimmed = trimClip(clip, 60, 120);
    expect(trimmed.frameCount).toBe(61);
    expect(angleOf(clipRotation(trimmed, 0, 0))).toBeCloseTo(60, 4);
    const at24 = resampleClip(clip, 24);
    expect(at24.frameCount).toBe(25);
    // Frame 12 at 24 fps is 0.5 s: frame 60 at 120 fps.
    expect(angleOf(clipRotation(at24, 12, 0))).toBeCloseTo(60, 3);
    const at25 = resampleClip(clip, 25);
    // 0.52 s between source frames: slerped.
    expect(angleOf(clipRotation(at25, 13, 0))).toBeCloseTo(62.4, 3);
  });

  test('loop: the last frame leads into the first; repeat keeps travelling', () => {
    const clip = ramp(40, 30);
    const loop = makeLoopable(clip, 8);
    expect(loop.frameCount).toBe(32);
    const last = angleOf(clipRotation(loop, 31, 0));
    const first = angleOf(clipRotation(loop, 0, 0));
    // The end eased towards the pose just before the (new) start.
    expect(Math.abs(last - (first - 1))).toBeLessThan(1.5);
    const twice = repeatClip(loop, 2);
    expect(twice.frameCount).toBe(64);
    expect(twice.rootTranslation[32 * 3 + 2]! - twice.rootTranslation[31 * 3 + 2]!).toBeCloseTo(10, 0);
  });

  test('blend at a seam: a crossfade, continuing the root', () => {
    const a = ramp(30, 30);
    const b = createClip(['a'], 30, 30);
    const blended = blendClips(a, b, 10);
    expect(blended.frameCount).toBe(50);
    const angles = Array.from({ length: 50 }, (_, f) => angleOf(clipRotation(blended, f, 0)));
    expect(angles[19]).toBeCloseTo(19, 3);
    expect(angles[30]).toBeCloseTo(0, 3);
    // Monotonic fade from a's ramp to b's rest over the seam.
    for (let f = 21; f < 30; f++) expect(angles[f]!).toBeLessThanOrEqual(angles[f - 1]! + 1);
    // b's root starts where a's seam started (200 px) and the seam eases into it.
    expect(Math.abs(blended.rootTranslation[29 * 3 + 2]! - 200)).toBeLessThan(5);
    expect(blended.rootTranslation[49 * 3 + 2]).toBeCloseTo(200, 6);
  });

  test('key reduction keeps only the keys a linear ramp needs', () => {
    const tracks = clipToTracks(ramp(100, 30), { rotationDeg: 0.01, translationPx: 0.01 });
    expect(tracks.rotations.a).toHaveLength(2);
    expect(tracks.rootTranslation).toHaveLength(2);
  });
});

describe('BVH reader errors and progress', () => {
  const header =
    'HIERARCHY\nROOT a\n{\n OFFSET 0 0 0\n CHANNELS 3 Zrotation Xrotation Yrotation\n End Site\n {\n  OFFSET 0 1 0\n }\n}\nMOTION\n';
  test('short or damaged data names the frame and the line', () => {
    expect(() => parseBvh(`${header}Frames: 3\nFrame Time: 0.1\n0 0 0\n1 1 1\n`)).toThrow(
      /says 3 frames but the data ends in frame 3 \(line 15\)/,
    );
    expect(() => parseBvh(`${header}Frames: 2\nFrame Time: 0.1\n0 0 0\n1 x 1\n`)).toThrow(
      /expected a number in frame 2, found "x" \(line 15\)/,
    );
    expect(() => parseBvh(`${header}Frames: 2\nFrame Time: 0\n`)).toThrow(BvhError);
    expect(() => parseBvh(header.replace('Zrotation', 'Wrotation'))).toThrow(
      /unknown channel "Wrotation" on joint "a"/,
    );
  });
  test('a 3-channel root, several frames on one line, and stepwise reading with progress', () => {
    const reader = startBvhRead(
      `${header}Frames: 4\nFrame Time: 0.008333333\n10 0 0 20 0 0\n30 0 0\n40 0 0\n`,
    );
    expect(reader.frameCount).toBe(4);
    expect(reader.step(2)).toBe(false);
    expect(reader.framesRead).toBe(2);
    const clip = reader.finish();
    expect(clip.fps).toEqual({ numerator: 120, denominator: 1 });
    expect(clip.hasRootTranslation).toBe(false);
    expect(angleOfZ(clipRotation(clip.clip, 3, 0))).toBeCloseTo(40, 4);
  });
});

function angleOfZ(q: Quat): number {
  return (2 * Math.atan2(q[2], q[3])) / DEG;
}
