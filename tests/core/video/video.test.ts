import { describe, expect, it } from 'vitest';
import { readPoseSequence } from '../../../core/io/poseSequence.js';
import { quatRotateVec3 } from '../../../core/math/quat.js';
import type { Vec3 } from '../../../core/math/types.js';
import { EMPTY_MOTION } from '../../../core/motion/edit.js';
import { importClip, prepareImport } from '../../../core/motion/importMotion.js';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import type { LiftedPerson } from '../../../core/video/lift.js';
import { viterbi2 } from '../../../core/video/lift.js';
import { DEFAULT_ONE_EURO, fillGaps, oneEuroSeries } from '../../../core/video/oneEuro.js';
import { type PersonObservation, PersonTracker } from '../../../core/video/personTracker.js';
import { videoPoseSequence } from '../../../core/video/videoPoseSequence.js';

/** Pure pieces of motion from video: filter, gaps, sign choice, tracking, the pose sequence. */

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32;
  };
}

describe('One Euro filter and gap filling', () => {
  it('cuts the jitter of a still value at least 3x and follows a ramp with little lag', () => {
    const rand = rng(1);
    const noisy = Array.from({ length: 200 }, () => 0.5 + (rand() - 0.5) * 0.02);
    const out = oneEuroSeries(noisy, 24, DEFAULT_ONE_EURO);
    const accel = (v: ArrayLike<number>) => {
      let s = 0;
      for (let i = 1; i + 1 < v.length; i++) s += Math.abs(v[i + 1]! - 2 * v[i]! + v[i - 1]!);
      return s / (v.length - 2);
    };
    expect(accel(noisy) / accel(out)).toBeGreaterThan(3);
    const ramp = Array.from({ length: 48 }, (_, i) => i / 24);
    const followed = oneEuroSeries(ramp, 24, DEFAULT_ONE_EURO);
    // At 1 height per second the lag is under two frames.
    expect(ramp[47]! - followed[47]!).toBeLessThan(2 / 24);
  });

  it('fills short gaps by interpolation and leaves long ones', () => {
    const v = [0, Number.NaN, Number.NaN, 3, Number.NaN, Number.NaN, Number.NaN, Number.NaN, 8];
    const out = fillGaps(v, 2);
    expect([...out.slice(0, 4)]).toEqual([0, 1, 2, 3]);
    expect(Number.isNaN(out[5]!)).toBe(true);
  });
});

describe('viterbi2', () => {
  it('keeps a sign through frames where both are equally likely, against one noisy frame', () => {
    // Candidate 0 is right except on frame 5, where a noisy unary prefers 1; continuity wins.
    const unary = (f: number, c: 0 | 1) => (f === 5 ? (c === 0 ? 0.5 : 0) : c === 0 ? 0 : 0.3);
    const path = viterbi2(10, unary, (_f, p, c) => (p === c ? 0 : 1));
    expect(path).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

/** A standing person's joints at x (pixels), height h, one joint jittered. */
function person(x: number, h: number): PersonObservation {
  const at = (dx: number, fy: number) => ({ imagePx: [x + dx * h, 300 - fy * h] as const, score: 0.9 });
  return {
    score: 0.9,
    joints: {
      Hips: at(0, 0.52),
      LeftArm: at(0.1, 0.82),
      RightArm: at(-0.1, 0.82),
      LeftUpLeg: at(0.06, 0.52),
      RightUpLeg: at(-0.06, 0.52),
      LeftFoot: at(0.07, 0.05),
      RightFoot: at(-0.07, 0.05),
      Head: at(0, 0.9),
    },
  };
}

describe('PersonTracker', () => {
  it('keeps the ids of two people crossing, one hiding the other for a while', () => {
    const tracker = new PersonTracker();
    const ids: { a: number | undefined; b: number | undefined }[] = [];
    for (let f = 0; f < 60; f++) {
      const ax = 100 + f * 6; // near, bigger, walking right
      const bx = 460 - f * 6; // far, smaller, walking left
      const a = person(ax, 200);
      const b = person(bx, 150);
      const hidden = Math.abs(ax - bx) < 40;
      // Each track's crop sees its person, except the far one's while hidden: it sees the near one.
      const crops = new Map<number, PersonObservation | null>();
      for (const c of tracker.cropsFor(f)) {
        const cx = c.boxPx[0] + c.boxPx[2] / 2;
        const seesA = Math.abs(cx - ax) < Math.abs(cx - bx) || hidden;
        crops.set(c.trackId, seesA ? a : b);
      }
      const detections = tracker.needsDetection(f) ? (hidden ? [a] : [a, b]) : null;
      const frame = tracker.update(f, crops, detections);
      const idOf = (x: number) =>
        [...frame.people].find(([, o]) => Math.abs(o.joints.Hips!.imagePx[0] - x) < 1)?.[0];
      ids.push({ a: idOf(ax), b: hidden ? undefined : idOf(bx) });
    }
    const aIds = new Set(ids.map((i) => i.a).filter((i) => i !== undefined));
    const bIds = new Set(ids.map((i) => i.b).filter((i) => i !== undefined));
    expect(aIds.size).toBe(1);
    expect(bIds.size).toBe(1);
    expect([...aIds][0]).not.toBe([...bIds][0]);
    // Seen again after the crossing.
    expect(ids.at(-1)!.b).toBeDefined();
  });
});

describe('videoPoseSequence', () => {
  it('gives rotations that point the bones where the lifted joints are, through the ordinary import', () => {
    // A person standing with the left forearm raised forwards (towards the camera).
    const joints: Record<string, Vec3> = {
      Hips: [0, 0, 0],
      Spine: [0, 26, 0],
      Chest: [0, 63, 0],
      Neck: [0, 106, 0],
      Head: [0, 120, 0],
      LeftShoulder: [10, 100, 0],
      RightShoulder: [-10, 100, 0],
      LeftArm: [35, 100, 0],
      RightArm: [-35, 100, 0],
      LeftForeArm: [35, 40, 0],
      LeftHand: [35, 40, 50],
      RightForeArm: [-35, 40, 0],
      RightHand: [-35, -10, 0],
      LeftUpLeg: [20, 0, 0],
      RightUpLeg: [-20, 0, 0],
      LeftLeg: [20, -80, 0],
      RightLeg: [-20, -80, 0],
      LeftFoot: [20, -160, 0],
      RightFoot: [-20, -160, 0],
    };
    const lifted: LiftedPerson = {
      trackId: 1,
      firstFrame: 0,
      lastFrame: 1,
      proportions: {
        upperArm: 60,
        foreArm: 50,
        thigh: 80,
        shin: 80,
        shoulderWidth: 70,
        hipWidth: 40,
        head: 20,
      },
      frames: [joints, joints],
      hipsPath: [
        [0, 0, -500],
        [10, 0, -500],
      ],
      yawRad: [0, 0],
    };
    const seq = videoPoseSequence(lifted, { fps: 24 });
    expect(seq.frames).toHaveLength(2);
    expect(seq.frames[1]!.rootTranslation).toEqual([10, 0, 0]);
    const skeleton = createDefaultHumanoid();
    const source = readPoseSequence(JSON.stringify(seq), 'person 1', skeleton);
    const result = importClip(prepareImport(source, skeleton), skeleton, EMPTY_MOTION, {
      fps: 24,
      startFrame: 0,
      as: 'keys',
      fixFeet: false,
    });
    // The character's left forearm now points forwards (+z), as the person's did.
    const q = (id: string) => result.motion.rotations[id]![0]!.value;
    const world = (ids: string[], v: Vec3) => ids.reduceRight((acc, id) => quatRotateVec3(q(id), acc), v);
    const chain = ['Hips', 'Spine', 'Chest', 'LeftShoulder', 'LeftArm', 'LeftForeArm'];
    // Rest forearm direction of the default humanoid: +x (T-pose).
    const dir = world(chain, [1, 0, 0]);
    expect(dir[2]).toBeGreaterThan(0.9);
  });
});
