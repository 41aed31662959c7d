import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { detectBodyPose } from '../inference/pose/detectBodyPose.js';

/**
 * Body-pose detection (MoveNet Lightning through TF.js WebAssembly) on the rendered T-pose
 * fixture: the first call (model load and compilation) and the median of the later ones, ms.
 * Moved here from a test that asserted only that the time was positive.
 */
export async function runPoseBench(opts: { quick?: boolean } = {}): Promise<object> {
  const runs = opts.quick ? 2 : 8;
  const file = join(import.meta.dirname, '..', 'tests', 'fixtures', 'pose', 'rendered-tpose.png');
  const { data, info } = await sharp(await readFile(file))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const image = {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
  const samples: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t = performance.now();
    await detectBodyPose(image);
    samples.push(performance.now() - t);
  }
  const rest = samples.slice(1).sort((a, b) => a - b);
  return {
    picturePx: `${image.width}x${image.height}`,
    firstCallMs: Math.round(samples[0]!),
    msPerDetection: Math.round(rest[Math.floor(rest.length / 2)]! * 10) / 10,
    runs,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
