import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../../inference/onnx/builder.js';
import { writePack } from '../inference/packFixtures.js';

const dims = [1, 4, 'H', 'W'] as const;

/** refine = RGB inverted, alpha kept (pose map and reference take part with weight 0). */
export function invertRefineModel(): Uint8Array {
  const g = new GraphBuilder('invert');
  const w = g.input('warped', 'float32', [...dims]);
  const p = g.input('pose', 'float32', [...dims]);
  const r = g.input('reference', 'float32', [...dims]);
  const sign = g.constF([-1, -1, -1, 1], [1, 4, 1, 1]);
  const offset = g.constF([1, 1, 1, 0], [1, 4, 1, 1]);
  const zero = g.scalarF(0);
  const out = g.add(g.add(g.mul(w, sign), offset), g.add(g.mul(p, zero), g.mul(r, zero)));
  g.output(out, 'frame', 'float32', [...dims]);
  return g.toBytes();
}

/** A pack built by tests/inference/packFixtures.ts, moved into a models folder under `id`. */
export function addPack(
  modelsDir: string,
  id: string,
  manifest: unknown,
  files: Record<string, Uint8Array>,
): string {
  const dir = join(modelsDir, id);
  renameSync(writePack(manifest, files), dir);
  return dir;
}
