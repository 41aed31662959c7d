import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameRef } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { hashBytes } from '../../core/render/frameKey.js';
import type { ShownFrame } from '../../renderer/render/frameProbe.js';
import { providerLabel } from '../../renderer/render/renderSystem.js';
import {
  type EditorSession,
  expectedOnScreen,
  fetchFrame,
  meanAbsDiff,
  openEditorSession,
  type PageErrors,
  planeOnScreen,
  type StartedStudio,
  screenshotPath,
  studioApi,
  waitForShownFrame,
} from './harness.js';

/**
 * Frames in the editor, against the real studio server, worker process and ONNX frame engine:
 * key two poses, wait for the render bar to fill, play, and check that the frames on screen differ
 * from each other and are the engine's output for those frames (same frame keys, same bytes in the
 * page, and a read-back of the canvas that matches the engine's picture of that frame better than
 * any other frame's). Then a joint drag: a draft while dragging, the full frame after.
 */

const JOINT = 'LeftForeArm';
const FRAMES = 12;
const SCREENSHOT = screenshotPath('frames.png');

let session: EditorSession;
let studio: StartedStudio;
let page: Page;
let errors: PageErrors;

const api = <T>(method: string, ...args: unknown[]) => studioApi<T>(studio, method, ...args);
const engineFrame = (key: string) => fetchFrame(studio, key);

const documentNow = async () =>
  (await page.evaluate(() => window.__keyposeDebug?.getState().document)) as ProjectDocument;
const shown = () =>
  page.evaluate(() => window.__keyposeFrames?.shownFrame() ?? null) as Promise<ShownFrame | null>;

/** The engine's keys for frames of the document the editor holds (all cached once rendered). */
async function engineKeys(frames: number[]): Promise<{ jobId: string | null; keys: Map<number, string> }> {
  const doc = await documentNow();
  const result = await api<{ jobId: string | null; cached: FrameRef[] }>('renderFrames', {
    document: doc,
    characterId: doc.characters[0]?.id,
    frames,
  });
  return { jobId: result.jobId, keys: new Map(result.cached.map((ref) => [ref.frameIndex, ref.key])) };
}

async function typeInto(testId: string, value: string): Promise<void> {
  const field = page.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

async function goToFrame(frame: number): Promise<ShownFrame> {
  await typeInto('frame-input', String(frame));
  await page.mouse.move(5, 5);
  await waitForShownFrame(page, frame, 60_000);
  const s = await shown();
  if (!s) throw new Error(`frame ${frame} is not shown`);
  return s;
}

beforeAll(async () => {
  session = await openEditorSession();
  ({ studio, page, errors } = session);
  await page.getByTestId(`joint-item-${JOINT}`).waitFor();
});

afterAll(async () => {
  await session?.close();
});

describe('generated frames in the editor (Chromium, studio, real frame engine)', () => {
  it('keys two poses and renders every frame: the render bar fills', async () => {
    await typeInto('duration-field', String(FRAMES));
    await page.getByTestId(`joint-item-${JOINT}`).click();
    await page.getByTestId('interp-select').selectOption('linear');
    await typeInto('frame-input', '0');
    await typeInto('rot-z', '40');
    await typeInto('frame-input', String(FRAMES - 1));
    await typeInto('rot-z', '-80');
    const doc = await documentNow();
    expect(doc.durationFrames).toBe(FRAMES);
    const keyed = doc.characters[0]?.motion.rotations[JOINT]?.map((k) => k.frame) ?? [];
    expect(keyed).toEqual(expect.arrayContaining([0, FRAMES - 1]));

    const bar = page.getByTestId('render-bar');
    await page.waitForFunction(
      (n) => {
        const node = document.querySelector<HTMLCanvasElement>('[data-testid=render-bar]');
        return node?.dataset.total === String(n) && node.dataset.ready === String(n);
      },
      FRAMES,
      { timeout: 150_000 },
    );
    expect(await bar.getAttribute('data-statuses')).toBe('r'.repeat(FRAMES));
    expect(await page.evaluate(() => window.__keyposeFrames?.statuses())).toEqual(
      Array(FRAMES).fill('ready'),
    );
    expect(await page.getByTestId('status-render-progress').textContent()).toBe(`Frames ${FRAMES}/${FRAMES}`);
    // Rendered into the studio's own cache (its cacheRoot option), not the user's or the default one.
    const cached = (await readdir(studio.cacheRoot, { recursive: true })).filter((f) => f.endsWith('.kpf'));
    expect(cached.length).toBeGreaterThanOrEqual(FRAMES);
    const defaultRoot = join(studio.cacheRoot, '..', 'keypose');
    expect(await readdir(defaultRoot, { recursive: true }).catch(() => [])).not.toContainEqual(
      expect.stringContaining('frames'),
    );
  });

  it("plays from the cache: the frames shown differ and are the engine's frames for them", async () => {
    const { jobId, keys } = await engineKeys(Array.from({ length: FRAMES }, (_, i) => i));
    // Everything the editor asked for is in the engine's cache: nothing left to render.
    expect(jobId).toBeNull();
    expect(keys.size).toBe(FRAMES);

    // While it plays, the page records what the viewport drew on every animation frame, until
    // enough different frames went by: a condition, not a time (a busy machine plays slower or
    // drops frames; either way every frame drawn must be the engine's).
    await page.keyboard.press('Home');
    await page.mouse.move(5, 5);
    await page.evaluate(() => {
      const probe = { seen: [] as { frameIndex: number; key: string; status: string }[], stop: false };
      (window as unknown as { __playProbe: typeof probe }).__playProbe = probe;
      const sample = () => {
        const s = window.__keyposeFrames?.shownFrame();
        if (s && window.__keyposeDebug?.getState().playing) {
          probe.seen.push({ frameIndex: s.frameIndex, key: s.key, status: s.status });
        }
        if (!probe.stop) requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    });
    await page.keyboard.press('Space');
    await page.waitForFunction(
      (n) => {
        const probe = (window as unknown as { __playProbe: { seen: { frameIndex: number }[] } }).__playProbe;
        return new Set(probe.seen.map((x) => x.frameIndex)).size >= n;
      },
      8,
      { timeout: 120_000 },
    );
    await page.keyboard.press('Space');
    await page.waitForFunction(() => window.__keyposeDebug?.getState().playing === false);
    const recorded = await page.evaluate(() => {
      const probe = (
        window as unknown as {
          __playProbe: { seen: { frameIndex: number; key: string; status: string }[]; stop: boolean };
        }
      ).__playProbe;
      probe.stop = true;
      return probe.seen;
    });
    const seen = new Map<number, string>();
    for (const s of recorded) {
      expect(s.status, `frame ${s.frameIndex} while playing`).toBe('ready');
      expect(s.key, `frame ${s.frameIndex}`).toBe(keys.get(s.frameIndex));
      seen.set(s.frameIndex, s.key);
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
    // A linear sweep of the forearm: every frame is a different picture.
    expect(new Set(seen.values()).size).toBe(seen.size);
  });

  it("draws the engine's pixels: the page holds its bytes and the canvas shows its picture", async () => {
    const first = await goToFrame(0);
    const screen0 = await planeOnScreen(page);
    const last = await goToFrame(FRAMES - 1);
    const screenLast = await planeOnScreen(page);
    expect(first.key).not.toBe(last.key);

    const { keys } = await engineKeys([0, FRAMES - 1]);
    expect(first.key).toBe(keys.get(0));
    expect(last.key).toBe(keys.get(FRAMES - 1));
    const frame0 = await engineFrame(first.key);
    const frameLast = await engineFrame(last.key);
    expect([frame0.width, frame0.height]).toEqual([first.width, first.height]);
    // The texture on the plane was made from exactly these bytes.
    expect(await page.evaluate((k) => window.__keyposeFrames?.pixelsHash(k), first.key)).toBe(
      hashBytes(frame0.data),
    );
    expect(await page.evaluate((k) => window.__keyposeFrames?.pixelsHash(k), last.key)).toBe(
      hashBytes(frameLast.data),
    );

    // The two frames really differ (the forearm swept 120°)...
    let changed = 0;
    for (let i = 3; i < frame0.data.length; i += 4) {
      if (Math.abs((frame0.data[i] ?? 0) - (frameLast.data[i] ?? 0)) > 64) changed++;
    }
    expect(changed).toBeGreaterThan(2000);
    // ...and each screen read-back is much closer to its own frame than to the other one.
    const size = { width: screen0.width, height: screen0.height };
    const expected0 = await expectedOnScreen(frame0, size);
    const expectedLast = await expectedOnScreen(frameLast, size);
    const own0 = meanAbsDiff(screen0.rgb, expected0);
    const ownLast = meanAbsDiff(screenLast.rgb, expectedLast);
    const cross0 = meanAbsDiff(screen0.rgb, expectedLast);
    const crossLast = meanAbsDiff(screenLast.rgb, expected0);
    expect(own0, `own ${own0.toFixed(2)} vs other ${cross0.toFixed(2)}`).toBeLessThan(cross0 * 0.6);
    expect(ownLast, `own ${ownLast.toFixed(2)} vs other ${crossLast.toFixed(2)}`).toBeLessThan(
      crossLast * 0.6,
    );
    // What remains is the skeleton drawn over the frame and resampling at the plane's edges.
    expect(own0).toBeLessThan(8);
    expect(ownLast).toBeLessThan(8);

    // "Show art" (V, or the Art button) puts the static picture back; "Show frames" brings the frame.
    await page.keyboard.press('v');
    await page.waitForFunction(() => window.__keyposeFrames?.shownFrame() === null);
    expect(await page.getByTestId('btn-show-art').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('v');
    await page.waitForFunction(() => window.__keyposeFrames?.shownFrame() !== null);
    await page.getByTestId('btn-show-art').click();
    await page.waitForFunction(() => window.__keyposeFrames?.shownFrame() === null);
    await page.getByTestId('btn-show-frames').click();
    await page.waitForFunction(() => window.__keyposeFrames?.shownFrame() !== null);
    // Fit mode places joints on the static art: no generated frame there.
    await page.keyboard.press('f');
    await page.waitForFunction(() => window.__keyposeFrames?.shownFrame() === null);
    await page.keyboard.press('p');
    await page.waitForFunction(() => window.__keyposeFrames?.shownFrame() !== null);
  });

  it('while a joint is dragged the frame re-renders as a draft; the full frame follows the release', async () => {
    await goToFrame(6);
    const hand = await page.evaluate(() => window.__keyposeDebug?.jointScreenPosition('LeftHand'));
    if (!hand) throw new Error('LeftHand is not on screen');
    await page.mouse.move(hand.x, hand.y);
    await page.mouse.down();
    for (let step = 1; step <= 12; step++) {
      await page.mouse.move(hand.x - 4 * step, hand.y + 10 * step, { steps: 2 });
      await page.waitForTimeout(100);
    }
    // Still holding the joint: the coarse frame of the new pose is on screen.
    await page.waitForFunction(() => window.__keyposeFrames?.shownFrame()?.status === 'draft', undefined, {
      timeout: 30_000,
    });
    const during = await page.evaluate(() => window.__keyposeDebug?.getState());
    expect(during?.document?.characters[0]?.motion.rotations[JOINT]?.map((k) => k.frame)).toContain(6);
    await page.mouse.up();
    // Released: the full frame of the final pose replaces the draft.
    const final = await goToFrame(6);
    const { keys } = await engineKeys([6]);
    expect(final.key).toBe(keys.get(6));
    await page.waitForFunction(
      (n) =>
        document.querySelector<HTMLCanvasElement>('[data-testid=render-bar]')?.dataset.ready === String(n),
      FRAMES,
      { timeout: 120_000 },
    );
  });

  it("names the engine's execution provider in the status bar", async () => {
    const status = await api<{ provider: string | null }>('getEngineStatus');
    expect(status.provider).not.toBeNull();
    const text = await page.getByTestId('status-engine-provider').textContent();
    expect(text).toBe(`Engine: ${providerLabel(status.provider)}`);
    // No GPU on the test machines: the CPU provider.
    expect(text).toMatch(/^Engine: (CPU|CUDA|DirectML|CoreML|TensorRT)$/);
  });

  it('shows a generated frame under the skeleton (screenshot in docs/frames.png)', async () => {
    await goToFrame(8);
    await page.getByTestId(`joint-item-${JOINT}`).click();
    await page.mouse.move(5, 5);
    await waitForShownFrame(page, 8);
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await writeFile(SCREENSHOT, await page.screenshot());
    expect((await shown())?.status).toBe('ready');
  });

  it('showed no error banner, threw no page errors and logged no console errors', async () => {
    expect(await page.evaluate(() => window.__keyposeDebug?.getState().errors)).toEqual([]);
    expect(errors.page).toEqual([]);
    expect(errors.console).toEqual([]);
  });
});
