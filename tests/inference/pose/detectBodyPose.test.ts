import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../../core/render/types.js';
import {
  type BodyKeypoint,
  type BodyPoseResult,
  detectBodyPose,
  initBodyPose,
  jointsFromKeypoints,
} from '../../../inference/pose/detectBodyPose.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'pose');

interface JointsTruth {
  pose: 'T' | 'A';
  width: number;
  height: number;
  figureHeightPx: number;
  joints: Record<string, [number, number]>;
}

/** The joints MoveNet measures directly (one keypoint each) plus Hips, the mid-point of two. */
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
/** Joints interpolated between keypoints by template proportions: reported, not held to 4%. */
const DERIVED = ['Spine', 'Chest', 'Neck', 'Head', 'LeftShoulder', 'RightShoulder'];
const TOLERANCE_OF_HEIGHT = 0.04;

async function decode(bytes: Buffer): Promise<RgbaImage> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

async function loadRendered(name: string): Promise<{ image: RgbaImage; truth: JointsTruth }> {
  const image = await decode(await readFile(join(FIXTURES, `${name}.png`)));
  const truth = JSON.parse(await readFile(join(FIXTURES, `${name}.joints.json`), 'utf8')) as JointsTruth;
  return { image, truth };
}

/** Error of each detected joint as a fraction of the figure's height. */
function jointErrors(result: BodyPoseResult, truth: JointsTruth): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const [name, joint] of Object.entries(result.joints)) {
    const t = truth.joints[name];
    if (!t) continue;
    errors[name] = Math.hypot(joint.imagePx[0] - t[0], joint.imagePx[1] - t[1]) / truth.figureHeightPx;
  }
  return errors;
}

function report(label: string, errors: Record<string, number>): void {
  const line = (names: string[]) =>
    names.map((n) => `${n} ${errors[n] === undefined ? '-' : `${(errors[n] * 100).toFixed(1)}%`}`).join(', ');
  console.log(
    `${label} joint error / figure height\n  measured: ${line(MEASURED)}\n  derived: ${line(DERIVED)}`,
  );
}

/** The full-body photo of a woman that @vladmandic/human embeds for its warm-up (1200x1200 JPEG). */
async function sampleWoman(): Promise<RgbaImage> {
  const humanRoot = dirname(dirname(createRequire(import.meta.url).resolve('@vladmandic/human')));
  const source = await readFile(join(humanRoot, 'src', 'sample.ts'), 'utf8');
  const match = /export const body(?::\s*string)?\s*=\s*`([^`]*)`/.exec(source);
  if (!match) throw new Error('no body sample in @vladmandic/human/src/sample.ts');
  return decode(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
}

describe('detectBodyPose (MoveNet lightning on tfjs wasm, offline)', () => {
  beforeAll(async () => {
    const t0 = performance.now();
    const { initMs } = await initBodyPose();
    console.log(`body pose init: ${initMs.toFixed(0)} ms (call ${(performance.now() - t0).toFixed(0)} ms)`);
  });

  for (const [name, pose] of [
    ['rendered-tpose', 'T-posed'],
    ['rendered-apose', 'A-posed'],
    // docs/ARCHITECTURE.md ("Measured decisions"): MoveNet misplaced the shoulders of an A-posed mannequin; this one has no face,
    // hair or clothes to go by.
    ['rendered-apose-mannequin', 'A-posed featureless mannequin'],
  ] as const) {
    it(`places every measured joint of the ${pose} rendered figure within 4% of its height`, async () => {
      const { image, truth } = await loadRendered(name);
      const result = await detectBodyPose(image);
      expect(result).not.toBeNull();
      const errors = jointErrors(result!, truth);
      report(name, errors);
      for (const joint of MEASURED) {
        expect(errors[joint], `${joint} found`).toBeDefined();
        expect(errors[joint]!, `${joint} error / height`).toBeLessThan(TOLERANCE_OF_HEIGHT);
      }
      // Character's left is on the picture's right for a figure facing the camera.
      expect(result!.joints.LeftHand!.imagePx[0]).toBeGreaterThan(image.width / 2);
      expect(result!.joints.RightHand!.imagePx[0]).toBeLessThan(image.width / 2);
      for (const joint of DERIVED) expect(result!.joints[joint], `${joint} derived`).toBeDefined();
    });
  }

  it('finds the woman in the sample photo, facing the camera, upright', async () => {
    const image = await sampleWoman();
    const result = await detectBodyPose(image);
    expect(result).not.toBeNull();
    const j = result!.joints;
    expect(result!.score).toBeGreaterThan(0.5);
    for (const name of MEASURED) expect(j[name], name).toBeDefined();
    expect(j.LeftArm!.imagePx[0]).toBeGreaterThan(j.RightArm!.imagePx[0]);
    expect(j.LeftUpLeg!.imagePx[0]).toBeGreaterThan(j.RightUpLeg!.imagePx[0]);
    // Head above shoulders above hips above knees above ankles (y grows downwards).
    expect(j.Head!.imagePx[1]).toBeLessThan(j.LeftArm!.imagePx[1]);
    expect(j.LeftArm!.imagePx[1]).toBeLessThan(j.Hips!.imagePx[1]);
    expect(j.Hips!.imagePx[1]).toBeLessThan(j.LeftLeg!.imagePx[1]);
    expect(j.LeftLeg!.imagePx[1]).toBeLessThan(j.LeftFoot!.imagePx[1]);
    // Her feet stand in the bottom fifth of the picture, her hips near its middle.
    expect(j.LeftFoot!.imagePx[1]).toBeGreaterThan(image.height * 0.8);
    expect(Math.abs(j.Hips!.imagePx[1] - image.height / 2)).toBeLessThan(image.height * 0.1);
  });

  it('returns null for a plain white picture and for a fully transparent one', async () => {
    const white: RgbaImage = { width: 640, height: 640, data: new Uint8Array(640 * 640 * 4).fill(255) };
    expect(await detectBodyPose(white)).toBeNull();
    const clear: RgbaImage = { width: 480, height: 640, data: new Uint8Array(480 * 640 * 4) };
    expect(await detectBodyPose(clear)).toBeNull();
  });

  // Its time per detection is measured in bench/pose.bench.ts (`npm run bench -- --only=pose`).
  it('gives the same joints for the same picture, call after call (no state carried between calls)', async () => {
    const { image } = await loadRendered('rendered-tpose');
    const white: RgbaImage = { width: 320, height: 320, data: new Uint8Array(320 * 320 * 4).fill(255) };
    const first = await detectBodyPose(image);
    expect(first).not.toBeNull();
    // Another picture in between must not change the next answer.
    expect(await detectBodyPose(white)).toBeNull();
    expect(await detectBodyPose(image)).toEqual(first);
    expect(await detectBodyPose(image)).toEqual(first);
  });

  it('names the missing file when the model folder lacks the model', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'keypose-no-models-'));
    try {
      const image: RgbaImage = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 4).fill(255) };
      await expect(detectBodyPose(image, { modelsDir: empty })).rejects.toThrow(
        `body pose model missing: ${join(empty, 'movenet-lightning.json')} not found`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('rejects pixel data that does not match the stated size', async () => {
    const bad: RgbaImage = { width: 10, height: 10, data: new Uint8Array(10) };
    await expect(detectBodyPose(bad)).rejects.toThrow('expected 10x10x4');
  });
});

describe('jointsFromKeypoints', () => {
  const kp = (part: BodyKeypoint['part'], x: number, y: number, score = 0.9): BodyKeypoint => ({
    part,
    imagePx: [x, y],
    score,
  });
  // A figure facing the camera: its left side on the picture's right (larger x).
  const figure: BodyKeypoint[] = [
    kp('leftShoulder', 120, 100),
    kp('rightShoulder', 80, 100, 0.8),
    kp('leftHip', 115, 200),
    kp('rightHip', 85, 200, 0.7),
    kp('leftEar', 108, 40),
    kp('rightEar', 92, 40),
    kp('leftWrist', 200, 100),
  ];

  it('maps each keypoint onto its Keypose joint, keeping the character-left naming', () => {
    const j = jointsFromKeypoints(figure);
    expect(j.LeftArm).toEqual({ imagePx: [120, 100], score: 0.9, source: 'keypoint' });
    expect(j.RightArm?.imagePx).toEqual([80, 100]);
    expect(j.LeftHand?.imagePx).toEqual([200, 100]);
    expect(j.RightHand).toBeUndefined();
    expect(j.LeftUpLeg?.imagePx).toEqual([115, 200]);
  });

  it('derives the trunk and head joints between keypoints, with the lowest score of their sources', () => {
    const j = jointsFromKeypoints(figure);
    expect(j.Hips).toEqual({ imagePx: [100, 200], score: 0.7, source: 'derived' });
    // Template: Spine 0.07 and Chest 0.17 of the 0.27 from hips to shoulders.
    expect(j.Spine!.imagePx[1]).toBeCloseTo(200 - (100 * 0.07) / 0.27, 6);
    expect(j.Chest!.imagePx[1]).toBeCloseTo(200 - (100 * 0.17) / 0.27, 6);
    expect(j.Chest!.score).toBe(0.7);
    // Head half-way from the shoulder line to the ears; clavicles 3/10 of the way to the shoulders.
    expect(j.Head!.imagePx).toEqual([100, 70]);
    expect(j.Neck!.imagePx[1]).toBeCloseTo(100 - 60 * 0.15, 6);
    expect(j.LeftShoulder!.imagePx[0]).toBeCloseTo(106, 6);
    expect(j.RightShoulder!.imagePx[0]).toBeCloseTo(94, 6);
  });

  it('derives no trunk without both hips', () => {
    const j = jointsFromKeypoints(figure.filter((k) => k.part !== 'rightHip'));
    expect(j.Hips).toBeUndefined();
    expect(j.Chest).toBeUndefined();
    expect(j.LeftUpLeg).toBeDefined();
  });
});
