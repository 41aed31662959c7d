import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { readBvh } from '../../../core/io/bvh.js';
import { parseFrameRate } from '../../../core/io/frameRate.js';
import { quatFromAxisAngle } from '../../../core/math/quat.js';
import { evaluateMotion } from '../../../core/motion/evaluate.js';
import type { Motion } from '../../../core/motion/types.js';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import { buildGlb } from '../../../host/export/gltf.js';
import { exportBvh, exportGltf } from '../../../host/export/motionExport.js';

const require = createRequire(import.meta.url);
const validator = require('gltf-validator') as {
  validateBytes(
    data: Uint8Array,
    options?: { maxIssues?: number },
  ): Promise<{
    issues: {
      numErrors: number;
      numWarnings: number;
      messages: { code: string; message: string; severity: number }[];
    };
    info: { animationCount: number; skinCount?: number; nodeCount?: number };
  }>;
};

const DEG = Math.PI / 180;
const MOTION: Motion = {
  rotations: {
    LeftArm: [
      { frame: 0, value: quatFromAxisAngle([0, 0, 1], -70 * DEG), interpolation: 'bezier' },
      { frame: 12, value: quatFromAxisAngle([0, 1, 0], 100 * DEG), interpolation: 'linear' },
      { frame: 23, value: quatFromAxisAngle([1, 0, 0], 200 * DEG), interpolation: 'linear' },
    ],
    Spine: [
      { frame: 0, value: [0, 0, 0, 1], interpolation: 'step' },
      { frame: 10, value: quatFromAxisAngle([0, 1, 0], 30 * DEG), interpolation: 'linear' },
    ],
  },
  rootTranslation: [
    { frame: 0, value: [0, 0, 0], interpolation: 'linear' },
    { frame: 23, value: [200, 0, -50], interpolation: 'linear' },
  ],
};

function glbJson(bytes: Uint8Array): {
  nodes: { name: string; translation?: number[]; children?: number[] }[];
  skins: { joints: number[] }[];
  animations: { channels: { target: { node: number; path: string } }[]; samplers: { input: number }[] }[];
  accessors: { count: number; max?: number[] }[];
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(0, true)).toBe(0x46546c67); // 'glTF'
  const jsonLength = view.getUint32(12, true);
  return JSON.parse(Buffer.from(bytes.subarray(20, 20 + jsonLength)).toString('utf8'));
}

describe('glTF export', () => {
  const skeleton = createDefaultHumanoid({ heightPx: 1000 });

  test('the .glb passes the Khronos glTF validator with no errors; skin + animation present', async () => {
    const bytes = new Uint8Array(await buildGlb(skeleton, MOTION, { fps: parseFrameRate('24') }));
    const report = await validator.validateBytes(bytes, { maxIssues: 50 });
    const errors = report.issues.messages.filter((m) => m.severity === 0);
    expect(errors).toEqual([]);
    expect(report.issues.numErrors).toBe(0);
    expect(report.info.animationCount).toBe(1);
    const json = glbJson(bytes);
    expect(json.skins[0]!.joints).toHaveLength(skeleton.joints.length);
    const names = json.nodes.map((n) => n.name);
    for (const joint of skeleton.joints) expect(names).toContain(joint.name);
    const channels = json.animations[0]!.channels;
    expect(channels.filter((c) => c.target.path === 'rotation')).toHaveLength(skeleton.joints.length);
    expect(channels.filter((c) => c.target.path === 'translation')).toHaveLength(1);
    // 24 samples (frames 0..23), the last at 23/24 s.
    const input = json.accessors[json.animations[0]!.samplers[0]!.input]!;
    expect(input.count).toBe(24);
    expect(input.max![0]).toBeCloseTo(23 / 24, 5);
  });

  test('the root translation is in metres: the figure spans 1.75 m by default', async () => {
    const json = glbJson(new Uint8Array(await buildGlb(skeleton, MOTION, { fps: parseFrameRate('30') })));
    const hips = json.nodes.find((n) => n.name === 'Hips')!;
    const head = skeleton.joints.find((j) => j.name === 'Hips')!;
    const ys = skeleton.joints.map((j) => j.restPosition[1]);
    const metersPerPx = 1.75 / (Math.max(...ys) - Math.min(...ys));
    expect(hips.translation![1]).toBeCloseTo(head.restPosition[1] * metersPerPx, 5);
  });

  test('motion files are written atomically; the BVH file reads back', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keypose-motion-'));
    try {
      await exportGltf(skeleton, MOTION, path.join(dir, 'walk.glb'), { fps: parseFrameRate('25') });
      await exportBvh(skeleton, MOTION, path.join(dir, 'walk.bvh'), { fps: parseFrameRate('25') });
      const glb = await readFile(path.join(dir, 'walk.glb'));
      expect((await validator.validateBytes(new Uint8Array(glb))).issues.numErrors).toBe(0);
      const bvh = readBvh(await readFile(path.join(dir, 'walk.bvh'), 'utf8'));
      expect(bvh.frameCount).toBe(24);
      const q = evaluateMotion(bvh.motion, 12).rotations.LeftArm!;
      const expected = evaluateMotion(MOTION, 12).rotations.LeftArm!;
      expect(
        Math.abs(q[0] * expected[0] + q[1] * expected[1] + q[2] * expected[2] + q[3] * expected[3]),
      ).toBeCloseTo(1, 8);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
