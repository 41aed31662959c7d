import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShownFrame } from '../../renderer/render/frameProbe.js';
import { addPack, invertRefineModel } from '../host/modelPackFixtures.js';
import { fixedShapeModel, refineManifest } from '../inference/packFixtures.js';
import { type EditorSession, openEditorSession } from './harness.js';

/**
 * The status bar's model pack menu in the studio: packs of the models folder listed (an invalid
 * one greyed out with its error), choosing one re-renders the shown frame through its refine
 * stage, choosing "Built-in engine" brings the earlier frame back from the cache.
 */
let session: EditorSession;
let root: string;
const previousDir = process.env.KEYPOSE_MODELS_DIR;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'keypose-e2e-models-'));
  const modelsDir = join(root, 'models');
  mkdirSync(modelsDir);
  addPack(
    modelsDir,
    'invert',
    { ...refineManifest(), name: 'Invert' },
    { 'refine.onnx': invertRefineModel() },
  );
  addPack(modelsDir, 'wrong-shapes', refineManifest(), { 'refine.onnx': fixedShapeModel() });
  process.env.KEYPOSE_MODELS_DIR = modelsDir;
  session = await openEditorSession();
});
afterAll(async () => {
  await session?.close();
  if (previousDir === undefined) delete process.env.KEYPOSE_MODELS_DIR;
  else process.env.KEYPOSE_MODELS_DIR = previousDir;
  if (root) rmSync(root, { recursive: true, force: true });
});

const shown = () =>
  session.page.evaluate(() => window.__keyposeFrames?.shownFrame() ?? null) as Promise<ShownFrame | null>;

async function readyKey(other?: string): Promise<string> {
  await session.page.waitForFunction(
    (previous) => {
      const f = window.__keyposeFrames?.shownFrame();
      return f?.status === 'ready' && f.key !== previous;
    },
    other ?? null,
    { timeout: 120_000 },
  );
  return (await shown())!.key;
}

describe('model pack menu (studio, real worker)', () => {
  it('lists the packs, re-renders through the chosen one and back from the cache', async () => {
    const { page } = session;
    const builtIn = await readyKey();
    const select = page.getByTestId('model-pack-select');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=model-pack-select] option').length === 3,
    );
    expect(await select.locator('option').allTextContents()).toEqual([
      'Built-in engine',
      'Invert 1.0.0',
      'test-pack 1.0.0',
    ]);
    const broken = select.locator('option[value="wrong-shapes"]');
    expect(await broken.isDisabled()).toBe(true);
    expect(await broken.getAttribute('title')).toMatch(
      /has shape \[1, 3, 64, 64\], the manifest says \[1, 4, H, W\]/,
    );

    await select.selectOption('invert');
    const packed = await readyKey(builtIn);
    expect(packed).not.toBe(builtIn);
    await select.selectOption('');
    expect(await readyKey(packed)).toBe(builtIn);
    expect(await page.evaluate(() => window.__keyposeDebug?.getState().errors)).toEqual([]);
    expect(session.errors.page).toEqual([]);
    expect(session.errors.console).toEqual([]);
  });
});
