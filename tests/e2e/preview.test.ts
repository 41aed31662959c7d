import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../core/document/schema.js';
import { hashBytes } from '../../core/render/frameKey.js';
import { tPoseFigurePng } from '../fixtures/tPoseFigure.js';
import { type EditorSession, openEditorSession, type PageErrors, screenshotPath } from './harness.js';

/**
 * The live preview while posing (issue: instant feedback): a drawing imported through the UI is
 * posed in Pose mode; while a joint is dragged, the viewport shows the parts moved on the GPU —
 * its pixels change between pointer moves, with the status bar saying "live preview" — and once
 * the pointer rests the engine's frame takes over.
 */

/**
 * A T-posed figure on paper, striped so that a moved part changes many pixels; drawn big (1600 x
 * 2000, a scan's size), where the engine's frame takes long enough for the preview to matter.
 */
function stripedFigure(): Promise<Buffer> {
  return tPoseFigurePng({
    fill: 'url(#s)',
    stroke: { colour: '#222', width: 3 },
    defs: `<pattern id="s" width="10" height="10" patternUnits="userSpaceOnUse">
      <rect width="10" height="10" fill="#2f6fb0"/><rect width="5" height="10" fill="#f0b030"/>
    </pattern>`,
    pixels: { width: 1600, height: 2000 },
  });
}

let session: EditorSession;
let page: Page;
let errors: PageErrors;

beforeAll(async () => {
  session = await openEditorSession({ freshFrameCache: true });
  ({ page, errors } = session);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('new-project-input').setInputFiles({
    name: 'striped.png',
    mimeType: 'image/png',
    buffer: await stripedFigure(),
  });
  await page.waitForFunction(
    () => window.__keyposeDebug?.getState().document?.name === 'striped',
    undefined,
    {
      timeout: 120_000,
    },
  );
}, 180_000);

afterAll(async () => {
  await session?.close();
});

/** After the next two animation frames: what the viewport shows and a hash of its canvas pixels. */
function sample(): Promise<{ kind: string; hash: number }> {
  return page.evaluate(
    () =>
      new Promise<{ kind: string; hash: number }>((resolve) => {
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewport-canvas] canvas');
            const copy = document.createElement('canvas');
            copy.width = 200;
            copy.height = 200;
            const ctx = copy.getContext('2d')!;
            if (canvas) ctx.drawImage(canvas, 0, 0, 200, 200);
            const data = ctx.getImageData(0, 0, 200, 200).data;
            let hash = 0;
            for (let i = 0; i < data.length; i += 4)
              hash = (Math.imul(hash, 31) + data[i]! + data[i + 1]! * 7) | 0;
            resolve({ kind: window.__keyposeFrames?.shownKind() ?? 'none', hash });
          }),
        );
      }),
  );
}

describe('live preview while posing', () => {
  it('follows a joint drag on an imported drawing before the engine’s frame arrives', async () => {
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => window.__keyposeDebug?.getState().mode === 'pose');
    // The engine's frame of the rest pose first: the preview stands in only while one is missing.
    await page.waitForFunction(() => window.__keyposeFrames?.shownKind() === 'engine', undefined, {
      timeout: 120_000,
    });
    const restKey = (await page.evaluate(() => window.__keyposeFrames?.shownFrame()?.key)) ?? null;
    const doc = (await page.evaluate(() => window.__keyposeDebug?.getState().document)) as ProjectDocument;
    const forearm = doc.characters[0]!.skeleton.joints.find((j) => j.name === 'LeftHand')!;
    const hand = await page.evaluate(
      (id) => window.__keyposeDebug?.jointScreenPosition(id) ?? null,
      forearm.id,
    );
    if (!hand) throw new Error('LeftHand is not on screen');
    await page.mouse.move(hand.x, hand.y);
    await page.mouse.down();
    const samples: { kind: string; hash: number }[] = [];
    for (let step = 1; step <= 8; step++) {
      await page.mouse.move(hand.x - 3 * step, hand.y + 12 * step);
      samples.push(await sample());
    }
    await mkdir(dirname(screenshotPath('preview.png')), { recursive: true });
    await writeFile(screenshotPath('preview.png'), await page.screenshot());
    const previews = samples.filter((s) => s.kind === 'preview');
    // Most samples are taken before the worker's frame for that pointer position is back ...
    expect(previews.length).toBeGreaterThanOrEqual(4);
    // ... and the preview moved with the pointer: its pixels differ from one move to the next.
    const distinct = new Set(previews.map((s) => s.hash));
    expect(distinct.size).toBeGreaterThanOrEqual(previews.length - 1);
    expect(await page.getByTestId('status-shown').getAttribute('data-kind')).toMatch(/preview|engine/);
    await page.mouse.up();
    // At rest, the engine's frame of the final pose replaces the preview.
    await page.waitForFunction(() => window.__keyposeFrames?.shownKind() === 'engine', undefined, {
      timeout: 60_000,
    });
    expect(await page.getByTestId('status-shown').textContent()).toMatch(/engine/);
    // The posed imported character's frame is the engine's (same bytes in the page as the host's)
    // and not the rest pose's.
    const posed = await page.evaluate(() => window.__keyposeFrames?.shownFrame() ?? null);
    expect(posed?.key).toBeTruthy();
    expect(posed?.key).not.toBe(restKey);
    const frame = async (key: string) => {
      const response = await fetch(`${session.studio.url}frames/${encodeURIComponent(key)}`);
      expect(response.status).toBe(200);
      return new Uint8Array(await response.arrayBuffer());
    };
    const posedBytes = await frame(posed!.key);
    expect(await page.evaluate((k) => window.__keyposeFrames?.pixelsHash(k), posed!.key)).toBe(
      hashBytes(posedBytes),
    );
    const restBytes = await frame(restKey!);
    let moved = 0;
    for (let i = 3; i < posedBytes.length; i += 4)
      if (Math.abs(posedBytes[i]! - restBytes[i]!) > 128) moved++;
    expect(moved).toBeGreaterThan(2000);
  });

  it('showed no error banner, threw no page errors and logged no console errors', async () => {
    expect(await page.evaluate(() => window.__keyposeDebug?.getState().errors)).toEqual([]);
    expect(errors.page).toEqual([]);
    expect(errors.console).toEqual([]);
  });
});
