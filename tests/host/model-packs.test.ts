import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameRef, JobEvent } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { createServiceContext, type ServiceContext } from '../../host/api/context.js';
import { type ApiImplementation, createServices } from '../../host/api/services.js';
import { ModelPacks, resolveModelsDir } from '../../host/packs/modelsFolder.js';
import { loadSample } from '../../host/project/store.js';
import {
  blendRefineModel,
  fixedShapeModel,
  refineManifest,
  unsupportedOpModel,
} from '../inference/packFixtures.js';
import { waitForJobEvents } from './jobHelpers.js';
import { addPack as addModelPack, invertRefineModel } from './modelPackFixtures.js';

/**
 * Model packs in the user's models folder, end to end: listed and validated (the deep check in the
 * real worker with the real onnxruntime-node), chosen through the API, and their refine stage
 * applied to the sample's final frames by the render service. No mocks.
 */

let root: string;
let modelsDir: string;
let ctx: ServiceContext;
let api: ApiImplementation;
let doc: ProjectDocument;
const events: JobEvent[] = [];
const FRAMES = [0, 20];

const addPack = (id: string, manifest: unknown, files: Record<string, Uint8Array>) =>
  addModelPack(modelsDir, id, manifest, files);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'keypose-model-packs-'));
  modelsDir = join(root, 'models');
  mkdirSync(modelsDir);
  delete process.env.KEYPOSE_MODELS_DIR;
  addPack(
    'invert',
    { ...refineManifest(), name: 'Invert', version: '2.1.0' },
    { 'refine.onnx': invertRefineModel() },
  );
  addPack('missing-file', refineManifest('nope.onnx'), {});
  addPack('wrong-shapes', refineManifest(), { 'refine.onnx': fixedShapeModel() });
  // Not a pack: no manifest.
  mkdirSync(join(modelsDir, 'notes'));
  ctx = createServiceContext({
    shell: 'studio',
    projectsDir: null,
    confineToProjectsDir: false,
    cacheRoot: join(root, 'cache'),
    modelsDir,
  });
  ctx.jobs.subscribe((e) => events.push(e));
  api = createServices(ctx.options, ctx);
  doc = await loadSample();
});
afterAll(async () => {
  await ctx?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

const waitForJob = (jobId: string) => waitForJobEvents(ctx, events, jobId);

/** Final frames of the sample: their refs (by frame) and whether all came from the cache. */
async function render(): Promise<{ refs: Map<number, FrameRef>; allCached: boolean }> {
  const result = await api.renderFrames({ document: doc, frames: FRAMES, quality: 'final' });
  const refs = new Map(result.cached.map((r) => [r.frameIndex, r]));
  if (result.jobId) {
    const jobEvents = await waitForJob(result.jobId);
    expect(jobEvents.at(-1)?.type).toBe('done');
    for (const e of jobEvents) if (e.type === 'frame') refs.set(e.frame.frameIndex, e.frame);
  }
  expect([...refs.keys()].sort((a, b) => a - b)).toEqual(FRAMES);
  return { refs, allCached: result.jobId === null };
}

async function pixels(ref: FrameRef): Promise<Uint8Array> {
  const image = await ctx.render.getFrame(ref.key);
  if (!image) throw new Error(`frame ${ref.key} is not in the cache`);
  return image.data;
}

describe('model packs in the models folder (real worker, real onnxruntime)', () => {
  let builtIn: Map<number, FrameRef>;
  let packed: Map<number, FrameRef>;

  it('uses KEYPOSE_MODELS_DIR, else the shell folder, else ~/Keypose/models', () => {
    expect(resolveModelsDir('/x/models')).toBe('/x/models');
    expect(resolveModelsDir()).toMatch(/Keypose[/\\]models$/);
    process.env.KEYPOSE_MODELS_DIR = '/env/models';
    try {
      expect(resolveModelsDir('/x/models')).toBe('/env/models');
    } finally {
      delete process.env.KEYPOSE_MODELS_DIR;
    }
  });

  it('lists every pack with its validity and a clear error', async () => {
    const packs = await api.listModelPacks();
    expect(packs.map((p) => p.id)).toEqual(['invert', 'missing-file', 'wrong-shapes']);
    const [invert, missing, shapes] = packs;
    expect(invert).toEqual({
      id: 'invert',
      name: 'Invert',
      version: '2.1.0',
      licence: 'MIT',
      stages: ['refine'],
      valid: true,
    });
    expect(missing?.valid).toBe(false);
    expect(missing?.error).toMatch(/model pack "test-pack": stage "refine" file .*nope\.onnx is missing/);
    expect(shapes?.valid).toBe(false);
    // The deep check (the model's real input shapes) comes from onnxruntime in the worker.
    expect(shapes?.error).toMatch(
      /refine\.onnx input "warped" has shape \[1, 3, 64, 64\], the manifest says \[1, 4, H, W\]/,
    );
  });

  it('refuses to activate an invalid or unknown pack, with a clear error', async () => {
    await expect(api.setActiveModelPack('wrong-shapes')).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/"wrong-shapes" cannot be used: .*has shape \[1, 3, 64, 64\]/),
    });
    await expect(api.setActiveModelPack('missing-file')).rejects.toThrow(
      /cannot be used: .*nope\.onnx is missing/,
    );
    await expect(api.setActiveModelPack('nothing-here')).rejects.toMatchObject({ code: 'not-found' });
    await expect(api.setActiveModelPack('../models')).rejects.toMatchObject({ code: 'invalid-argument' });
    expect((await api.getEngineStatus()).activePack).toBeNull();
  });

  it('the active pack refines the final frames: new keys, pixels as its refine stage says', async () => {
    builtIn = (await render()).refs;
    const engineEvents = events.length;
    const active = await api.setActiveModelPack('invert');
    expect(active).toEqual({ id: 'invert', name: 'Invert', version: '2.1.0', error: null });
    expect((await api.getEngineStatus()).activePack).toEqual(active);
    expect(
      events.slice(engineEvents).some((e) => e.type === 'engine' && e.status.activePack?.id === 'invert'),
    ).toBe(true);
    const first = await render();
    expect(first.allCached).toBe(false);
    packed = first.refs;
    for (const f of FRAMES) {
      const plain = await pixels(builtIn.get(f)!);
      const inverted = await pixels(packed.get(f)!);
      expect(packed.get(f)!.key).not.toBe(builtIn.get(f)!.key);
      expect(inverted.length).toBe(plain.length);
      let maxDiff = 0;
      let opaque = 0;
      for (let i = 0; i < plain.length; i += 4) {
        for (let c = 0; c < 3; c++)
          maxDiff = Math.max(maxDiff, Math.abs(inverted[i + c]! - (255 - plain[i + c]!)));
        maxDiff = Math.max(maxDiff, Math.abs(inverted[i + 3]! - plain[i + 3]!));
        if (plain[i + 3]! > 0) opaque++;
      }
      expect(opaque).toBeGreaterThan(1000);
      expect(maxDiff).toBe(0);
    }
    // Drafts (drags) stay on the built-in engine.
    const draft = await api.renderFrames({ document: doc, frames: [0], quality: 'draft' });
    if (draft.jobId) await waitForJob(draft.jobId);
  });

  it('remembers the choice in a prefs file next to the models folder', () => {
    const prefs = join(root, 'model-packs.json');
    expect(JSON.parse(readFileSync(prefs, 'utf8'))).toEqual({ activePack: 'invert' });
    const again = new ModelPacks(modelsDir, ctx.supervisor);
    expect(again.status()).toEqual({ id: 'invert', name: 'Invert', version: '2.1.0', error: null });
    expect(again.active()?.dir).toBe(join(modelsDir, 'invert'));
  });

  it('switching back to the built-in engine, and to the pack again, hits the cache', async () => {
    expect(await api.setActiveModelPack(null)).toBeNull();
    const back = await render();
    expect(back.allCached).toBe(true);
    for (const f of FRAMES) expect(back.refs.get(f)!.key).toBe(builtIn.get(f)!.key);
    await api.setActiveModelPack('invert');
    const again = await render();
    expect(again.allCached).toBe(true);
    for (const f of FRAMES) expect(again.refs.get(f)!.key).toBe(packed.get(f)!.key);
    await api.setActiveModelPack(null);
    expect(JSON.parse(readFileSync(join(root, 'model-packs.json'), 'utf8'))).toEqual({ activePack: null });
  });

  it('a pack that fails at render time: built-in frames, and the status shows the error', async () => {
    const dir = addPack('fragile', refineManifest(), { 'refine.onnx': blendRefineModel() });
    await api.setActiveModelPack('fragile');
    // Broken after it was chosen: the worker cannot load it when it renders.
    writeFileSync(join(dir, 'refine.onnx'), unsupportedOpModel());
    const { refs, allCached } = await render();
    expect(allCached).toBe(false);
    for (const f of FRAMES) {
      expect(Buffer.from(await pixels(refs.get(f)!)).equals(Buffer.from(await pixels(builtIn.get(f)!)))).toBe(
        true,
      );
    }
    const status = await api.getEngineStatus();
    expect(status.activePack?.id).toBe('fragile');
    expect(status.activePack?.error).toMatch(/cannot be loaded by onnxruntime: .*KeyposeImaginaryOp/);
    const listed = (await api.listModelPacks()).find((p) => p.id === 'fragile');
    expect(listed?.valid).toBe(false);
    expect(listed?.error).toMatch(/KeyposeImaginaryOp/);
    await api.setActiveModelPack(null);
    expect(existsSync(join(modelsDir, 'fragile'))).toBe(true);
  });
});
