import { BVHLoader } from 'three/examples/jsm/loaders/BVHLoader.js';
import { describe, expect, test } from 'vitest';
import { BvhError, parseBvh, readBvh, writeBvh } from '../../../core/io/bvh.js';
import { parseFrameRate } from '../../../core/io/frameRate.js';
import { quatAngleBetween, quatFromAxisAngle } from '../../../core/math/quat.js';
import type { Quat, Vec3 } from '../../../core/math/types.js';
import { clipRotation } from '../../../core/motion/clip.js';
import { evaluateMotion } from '../../../core/motion/evaluate.js';
import type { Motion } from '../../../core/motion/types.js';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import {
  HUMANOID_CONVENTIONS,
  smoothMotion,
  TRUEBONES_DOG,
  writeConventionBvh,
} from '../motion/conventions.js';

const DEG = Math.PI / 180;
const axisAngle = (axis: Vec3, deg: number): Quat => quatFromAxisAngle(axis, deg * DEG);

/** Several keys on several joints, with every interpolation and large angles (> 90 degrees). */
const MOTION: Motion = {
  rotations: {
    Hips: [
      { frame: 0, value: axisAngle([0, 1, 0], 0), interpolation: 'bezier' },
      { frame: 20, value: axisAngle([0, 1, 0], 170), interpolation: 'linear' },
      { frame: 40, value: axisAngle([0, 1, 0], -160), interpolation: 'linear' },
    ],
    LeftArm: [
      { frame: 0, value: axisAngle([0, 0, 1], -80), interpolation: 'linear' },
      { frame: 12, value: axisAngle([1, 1, 0], 120), interpolation: 'step' },
      { frame: 30, value: axisAngle([0.3, -1, 0.5], 95), interpolation: 'bezier' },
    ],
    RightForeArm: [
      { frame: 5, value: axisAngle([0, 1, 0], 45), interpolation: 'bezier' },
      { frame: 35, value: axisAngle([0, 1, 0.2], -130), interpolation: 'linear' },
    ],
    Head: [{ frame: 10, value: axisAngle([1, 0, 0], 89.999), interpolation: 'linear' }],
  },
  rootTranslation: [
    { frame: 0, value: [0, 0, 0], interpolation: 'linear' },
    { frame: 40, value: [120.5, -30.25, 8], interpolation: 'bezier' },
  ],
};

describe('BVH', () => {
  const skeleton = createDefaultHumanoid({ heightPx: 1000 });

  test('write then read back gives the same joint rotations (<= 0.01 degrees) and root translation', () => {
    const text = writeBvh(skeleton, MOTION, { fps: parseFrameRate('23.976') });
    const doc = readBvh(text);
    expect(doc.frameCount).toBe(41);
    expect(doc.fps).toEqual({ numerator: 24000, denominator: 1001 });
    expect(doc.skeleton.joints.map((j) => j.name)).toEqual(skeleton.joints.map((j) => j.name));
    for (const [i, joint] of doc.skeleton.joints.entries()) {
      const original = skeleton.joints.find((j) => j.name === joint.name)!;
      for (let c = 0; c < 3; c++) expect(joint.restPosition[c]).toBeCloseTo(original.restPosition[c]!, 4);
      expect(joint.parentId ?? null).toBe(original.parentId ?? null);
      expect(i).toBeGreaterThanOrEqual(0);
    }
    let worstDeg = 0;
    for (let frame = 0; frame <= 40; frame++) {
      const expected = evaluateMotion(MOTION, frame);
      const got = evaluateMotion(doc.motion, frame);
      for (const joint of skeleton.joints) {
        const a = expected.rotations[joint.id] ?? [0, 0, 0, 1];
        const b = got.rotations[joint.id] ?? [0, 0, 0, 1];
        worstDeg = Math.max(worstDeg, quatAngleBetween(a, b) / DEG);
      }
      for (let c = 0; c < 3; c++) expect(got.rootTranslation[c]).toBeCloseTo(expected.rootTranslation[c]!, 4);
    }
    expect(worstDeg).toBeLessThanOrEqual(0.01);
  });

  test('documented layout: ZXY channels, 6 on the root, exact Frame Time, frame range, units', () => {
    const text = writeBvh(skeleton, MOTION, {
      fps: parseFrameRate('24'),
      frameRange: { startFrame: 10, endFrame: 19 },
      unitsPerPx: 0.01,
    });
    expect(text).toMatch(/^HIERARCHY\nROOT Hips\n\{\n {2}OFFSET 0\.000000 0\.300000 0\.000000\n/);
    expect(text).toContain('CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation');
    expect(text).toContain('JOINT LeftArm');
    expect(text).toContain('End Site');
    expect(text.match(/CHANNELS 3 Zrotation Xrotation Yrotation/g)).toHaveLength(skeleton.joints.length - 1);
    expect(text).toContain('Frames: 10\nFrame Time: 0.0416666667\n');
    const ntsc = writeBvh(skeleton, MOTION, {
      fps: parseFrameRate('29.97'),
      frameRange: { startFrame: 0, endFrame: 0 },
    });
    expect(ntsc).toContain('Frame Time: 0.0333666667');
    expect(readBvh(ntsc).fps).toEqual({ numerator: 30000, denominator: 1001 });
    const motionLines = text.split('MOTION\n')[1]!.trim().split('\n').slice(2);
    expect(motionLines).toHaveLength(10);
    expect(motionLines[0]!.split(' ')).toHaveLength(3 + 3 * skeleton.joints.length);
    const back = readBvh(text, { unitsPerPx: 0.01 });
    expect(back.skeleton.joints[0]!.restPosition[1]).toBeCloseTo(30, 6);
  });

  test('a rotation about one axis is written as that channel only (ZXY order)', () => {
    const motion: Motion = {
      rotations: { LeftForeArm: [{ frame: 0, value: axisAngle([0, 0, 1], 30), interpolation: 'linear' }] },
      rootTranslation: [],
    };
    const text = writeBvh(skeleton, motion, { fps: parseFrameRate('30') });
    const values = text.trim().split('\n').at(-1)!.split(' ').map(Number);
    const order = skeleton.joints.map((j) => j.name);
    // Depth-first joint order of the humanoid matches its parent-before-child list here.
    const column = 6 + (order.indexOf('LeftForeArm') - 1) * 3;
    expect(values[column]).toBeCloseTo(30, 6);
    expect(values[column + 1]).toBeCloseTo(0, 6);
    expect(values[column + 2]).toBeCloseTo(0, 6);
  });

  test('reads foreign channel orders and reports bad files clearly', () => {
    const foreign = `HIERARCHY
ROOT root
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Xrotation Yrotation Zrotation
  JOINT child
  {
    OFFSET 0 10 0
    CHANNELS 3 Yrotation Xrotation Zrotation
    End Site
    {
      OFFSET 0 5 0
    }
  }
}
MOTION
Frames: 1
Frame Time: 0.04
1 2 3 0 0 90 45 0 0
`;
    const doc = readBvh(foreign);
    expect(doc.fps).toEqual({ numerator: 25, denominator: 1 });
    expect(doc.motion.rootTranslation[0]!.value).toEqual([1, 2, 3]);
    const child = doc.motion.rotations.child![0]!.value;
    // Rotations are stored as float32 (core/motion/clip.ts): exact to ~1e-5 degrees.
    expect(quatAngleBetween(child, axisAngle([0, 1, 0], 45)) / DEG).toBeLessThan(1e-4);
    expect(() => readBvh('HIERARCHY\nROOT a\n{\n OFFSET 0 0\n}')).toThrow(BvhError);
    expect(() => readBvh('HIERARCHY\nROOT a\n{\n OFFSET 0 0 x\n}')).toThrow(
      /expected a number, found "x" \(line 4\)/,
    );
  });
});

describe("three's BVHLoader agrees with Keypose", () => {
  const skeleton = createDefaultHumanoid({ heightPx: 1000 });

  /** Angle in degrees between our rotation of a joint at a frame and three's. */
  function threeRotations(text: string): Map<string, Float32Array | Float64Array> {
    const { clip } = new BVHLoader().parse(text);
    const out = new Map<string, Float32Array | Float64Array>();
    for (const track of clip.tracks) {
      if (track.name.endsWith('.quaternion'))
        out.set(track.name.slice(0, -'.quaternion'.length), track.values as Float32Array);
    }
    return out;
  }

  test('reads what writeBvh writes: the same rotations (≤ 0.01°) on every joint and frame', () => {
    const text = writeBvh(skeleton, MOTION, { fps: parseFrameRate('24') });
    const three = threeRotations(text);
    let worst = 0;
    for (let frame = 0; frame <= 40; frame++) {
      const pose = evaluateMotion(MOTION, frame);
      for (const joint of skeleton.joints) {
        const values = three.get(joint.name)!;
        const q: Quat = [
          values[frame * 4]!,
          values[frame * 4 + 1]!,
          values[frame * 4 + 2]!,
          values[frame * 4 + 3]!,
        ];
        worst = Math.max(worst, quatAngleBetween(q, pose.rotations[joint.id] ?? [0, 0, 0, 1]) / DEG);
      }
    }
    expect(worst).toBeLessThanOrEqual(0.01);
  });

  test('our reader agrees with three on every convention and channel order of the fixtures', () => {
    for (const convention of [...HUMANOID_CONVENTIONS, TRUEBONES_DOG]) {
      const text = writeConventionBvh(convention, smoothMotion(convention, 12, 5));
      const ours = parseBvh(text);
      const three = threeRotations(text);
      let worst = 0;
      ours.skeleton.joints.forEach((joint, j) => {
        // three names tracks by bone name; names with ':' or '.' are sanitised by PropertyBinding.
        const values = three.get(joint.name) ?? three.get(joint.name.replace(/[:.]/g, '_'));
        expect(values, `${convention.id} ${joint.name}`).toBeDefined();
        for (let f = 0; f < ours.clip.frameCount; f++) {
          const q: Quat = [values![f * 4]!, values![f * 4 + 1]!, values![f * 4 + 2]!, values![f * 4 + 3]!];
          worst = Math.max(worst, quatAngleBetween(q, clipRotation(ours.clip, f, j)) / DEG);
        }
      });
      expect(worst, convention.id).toBeLessThanOrEqual(0.01);
    }
  });
});
