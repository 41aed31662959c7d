import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderJobEvent } from '../../core/contract/jobs.js';
import { artFrame } from '../../core/render/parts/posed.js';
import { WorkerSupervisor } from '../../host/worker/supervisor.js';
import {
  blendRefineModel,
  refineManifest,
  removeWrittenPacks,
  unsupportedOpModel,
  writePack,
} from '../inference/packFixtures.js';
import { frameRequests, workerCharacter } from './workerFrames.js';

/** A model pack's refine stage end to end through the real worker process. */
const ch = workerCharacter(64, 80);
const output = artFrame(ch.art);
const frame = frameRequests(ch, 2, 'rig_c', output, 0.5)[1]!;

let sup: WorkerSupervisor;
beforeAll(async () => {
  sup = new WorkerSupervisor();
  await sup.registerCharacter('c', ch.input);
});
afterAll(async () => {
  await sup.stop();
  removeWrittenPacks();
});

async function renderOne(packDir?: string) {
  const events: RenderJobEvent[] = [];
  const job = sup.render(
    { characterId: 'c', output, frames: [frame], ...(packDir ? { packDir } : {}) },
    (e) => events.push(e),
  );
  expect(await job.finished).toBe('done');
  const f = events.find((e) => e.type === 'frame');
  if (f?.type !== 'frame') throw new Error('no frame');
  return { rgba: f.rgba, events };
}

describe('model pack refine stage in the worker', () => {
  it('receives the warped frame and the reference, and its output is the frame', async () => {
    const plain = await renderOne();
    const packed = await renderOne(writePack(refineManifest(), { 'refine.onnx': blendRefineModel() }));
    let maxDiff = 0;
    for (let i = 0; i < plain.rgba.length; i++) {
      const expected = Math.round(((plain.rgba[i]! / 255) * 0.5 + (ch.art.data[i]! / 255) * 0.5) * 255);
      maxDiff = Math.max(maxDiff, Math.abs(packed.rgba[i]! - expected));
    }
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('a broken pack is reported and the built-in engine keeps rendering', async () => {
    const plain = await renderOne();
    const broken = await renderOne(writePack(refineManifest(), { 'refine.onnx': unsupportedOpModel() }));
    const warning = broken.events.find((e) => e.type === 'warning');
    expect(warning?.type === 'warning' && warning.message).toMatch(/cannot be loaded by onnxruntime/);
    expect(Buffer.from(broken.rgba).equals(Buffer.from(plain.rgba))).toBe(true);
  });
});
