import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../inference/onnx/builder.js';

/** Tiny model packs built by the tests themselves (no downloaded models). */
const rgbaDims = [1, 4, 'H', 'W'] as const;

/** refine = 0.5 * warped + 0.5 * reference + 0 * poseMap (float32 NCHW, any size). */
export function blendRefineModel(): Uint8Array {
  const g = new GraphBuilder('refine');
  const w = g.input('warped', 'float32', [...rgbaDims]);
  const p = g.input('pose', 'float32', [...rgbaDims]);
  const r = g.input('reference', 'float32', [...rgbaDims]);
  const half = g.scalarF(0.5);
  const out = g.add(g.add(g.mul(w, half), g.mul(r, half)), g.mul(p, g.scalarF(0)));
  g.output(out, 'frame', 'float32', [...rgbaDims]);
  return g.toBytes();
}

/** A model with fixed shapes [1, 3, 64, 64] (RGB only): does not fit the refine slot. */
export function fixedShapeModel(): Uint8Array {
  const g = new GraphBuilder('fixed');
  const w = g.input('warped', 'float32', [1, 3, 64, 64]);
  g.output(g.op('Identity', [w]), 'frame', 'float32', [1, 3, 64, 64]);
  return g.toBytes();
}

/** A model using an operator onnxruntime does not have. */
export function unsupportedOpModel(): Uint8Array {
  const g = new GraphBuilder('bad');
  const w = g.input('warped', 'float32', [...rgbaDims]);
  g.output(g.op('KeyposeImaginaryOp', [w]), 'frame', 'float32', [...rgbaDims]);
  return g.toBytes();
}

export const refineManifest = (file = 'refine.onnx') => ({
  name: 'test-pack',
  version: '1.0.0',
  licence: 'MIT',
  stages: [
    {
      name: 'refine',
      file,
      inputs: [
        { name: 'warped', role: 'warped', type: 'float32', shape: [...rgbaDims] },
        { name: 'pose', role: 'poseMap', type: 'float32', shape: [...rgbaDims] },
        { name: 'reference', role: 'reference', type: 'float32', shape: [...rgbaDims] },
      ],
      outputs: [{ name: 'frame', type: 'float32', shape: [...rgbaDims] }],
    },
  ],
});

const written: string[] = [];

/** A pack folder in the temporary folder; removeWrittenPacks() takes them all away again. */
export function writePack(manifest: unknown, files: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'keypose-pack-'));
  written.push(dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

/** Removes the folders writePack made (a test file's afterAll), so runs leave nothing in /tmp. */
export function removeWrittenPacks(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}
