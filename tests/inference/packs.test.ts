import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import { drawPoseMap, poseJoints2D } from '../../core/render/poseMap.js';
import { loadModelPack, PackError } from '../../inference/packs/pack.js';
import {
  blendRefineModel,
  fixedShapeModel,
  refineManifest,
  removeWrittenPacks,
  unsupportedOpModel,
  writePack,
} from './packFixtures.js';
import { character } from './scenes.js';

afterAll(removeWrittenPacks);

describe('model packs', () => {
  it('loads a valid pack and runs its refine stage on real onnxruntime', async () => {
    const pack = await loadModelPack(writePack(refineManifest(), { 'refine.onnx': blendRefineModel() }));
    expect(pack.manifest.name).toBe('test-pack');
    const size = { width: 5, height: 3 };
    const img = (v: number) => ({ ...size, data: new Uint8Array(5 * 3 * 4).fill(v) });
    const out = await pack.refine!.run({ warped: img(200), poseMap: img(90), reference: img(100) });
    expect(out.width).toBe(5);
    expect([...new Set(out.data)]).toEqual([150]);
    await pack.dispose();
  });

  it('names the missing model file', async () => {
    const dir = writePack(refineManifest('nope.onnx'), {});
    await expect(loadModelPack(dir)).rejects.toThrow(/stage "refine" file .*nope\.onnx is missing/);
    await expect(loadModelPack(dir)).rejects.toBeInstanceOf(PackError);
  });

  it('reports a manifest that does not parse or lacks fields', async () => {
    const dir = writePack({ name: 'x' }, {});
    await expect(loadModelPack(dir)).rejects.toThrow(/manifest\.json: invalid manifest \(version: .*licence/);
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    await expect(loadModelPack(dir)).rejects.toThrow(/manifest\.json: not valid JSON/);
    await expect(loadModelPack(join(dir, 'missing'))).rejects.toThrow(/has no manifest\.json/);
  });

  it('rejects declared shapes that disagree with the model', async () => {
    const dir = writePack(refineManifest(), { 'refine.onnx': fixedShapeModel() });
    await expect(loadModelPack(dir)).rejects.toThrow(
      /input "warped" has shape \[1, 3, 64, 64\], the manifest says \[1, 4, H, W\]/,
    );
  });

  it('reports an unsupported operator as a load error, not a crash', async () => {
    const dir = writePack(refineManifest(), { 'refine.onnx': unsupportedOpModel() });
    await expect(loadModelPack(dir)).rejects.toThrow(/cannot be loaded by onnxruntime: .*KeyposeImaginaryOp/);
  });
});

describe('pose map', () => {
  it('draws the skeleton OpenPose-style: limbs in colour on black, deterministic', () => {
    const ch = character(96, 128);
    const pose = {
      rotations: { LeftArm: quatFromAxisAngle([0, 0, 1], -0.7) },
      rootTranslation: [0, 0, 0] as const,
    };
    const joints = poseJoints2D(ch.skeleton, pose, ch.art);
    const a = drawPoseMap(joints, ch.art);
    const b = drawPoseMap(joints, ch.art);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    // Corner is black, the head joint is coloured.
    expect([...a.data.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    const head = joints.find((j) => j.id === 'Head')!;
    const o = (Math.floor(head.v) * 96 + Math.floor(head.u)) * 4;
    expect(a.data[o]! + a.data[o + 1]! + a.data[o + 2]!).toBeGreaterThan(200);
    const rest = drawPoseMap(
      poseJoints2D(ch.skeleton, { rotations: {}, rootTranslation: [0, 0, 0] }, ch.art),
      ch.art,
    );
    expect(Buffer.from(rest.data).equals(Buffer.from(a.data))).toBe(false);
  });
});
