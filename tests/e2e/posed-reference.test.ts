import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameRef } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { hashBytes } from '../../core/render/frameKey.js';
import { markerFigurePng } from '../fixtures/tPoseFigure.js';
import {
  type EditorSession,
  expectedOnScreen,
  type FetchedFrame,
  fetchFrame,
  jointOnScreen,
  meanAbsDiff,
  newProjectFromPicture,
  nextPaint,
  openEditorSession,
  type PageErrors,
  planeOnScreen,
  studioApi,
  until,
} from './harness.js';

/**
 * A posed imported character on screen is the pose's picture (issue: tests that would catch a
 * broken product): a drawing imported through the UI, posed by dragging a joint in Pose mode; the
 * frame the viewport shows is checked against the plain-TypeScript reference renderer's frame of
 * the same document (a second implementation, asked for through the studio's API with quality
 * 'reference'), both as bytes and as the pixels on screen. A frame of the wrong pose, the rest
 * pose, a shifted picture or blank frames would all fail here.
 */

let session: EditorSession;
let page: Page;
let errors: PageErrors;

beforeAll(async () => {
  session = await openEditorSession();
  ({ page, errors } = session);
  await newProjectFromPicture(page, 'marker.png', await markerFigurePng());
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const shownKey = () => page.evaluate(() => window.__keyposeFrames?.shownFrame()?.key ?? null);

/** The reference renderer's frame of `doc` at frame 0, rendered by the studio (seconds) and fetched. */
async function referenceFrame(doc: ProjectDocument): Promise<FetchedFrame> {
  const request = { document: doc, characterId: doc.characters[0]!.id, frames: [0], quality: 'reference' };
  const ref = await until(
    async () => {
      const result = await studioApi<{ cached: FrameRef[] }>(session.studio, 'renderFrames', request);
      // Asked again until cached: a second ask while the job runs joins it (the same frame key).
      if (result.cached.length === 0) await new Promise((r) => setTimeout(r, 500));
      return result.cached[0] ?? null;
    },
    (r) => r !== null,
    'the reference frame is rendered',
    120_000,
  );
  expect(ref!.quality).toBe('reference');
  return fetchFrame(session.studio, ref!.key);
}

describe('a posed imported character against the reference renderer (Chromium, studio)', () => {
  it('shows the pose the document holds, as the reference renderer draws it', async () => {
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => window.__keyposeDebug?.getState().mode === 'pose');
    await page.waitForFunction(() => window.__keyposeFrames?.shownKind() === 'engine', undefined, {
      timeout: 120_000,
    });
    const restKey = await shownKey();
    const rest = await fetchFrame(session.studio, restKey!);

    // Pose the left arm down by dragging its hand, as an animator would.
    const hand = await jointOnScreen(page, 'LeftHand');
    await page.mouse.move(hand.x, hand.y);
    await page.mouse.down();
    for (let step = 1; step <= 6; step++) await page.mouse.move(hand.x - 4 * step, hand.y + 14 * step);
    await page.mouse.up();
    await page.mouse.move(5, 5);
    await page.waitForFunction(
      (k) => {
        const s = window.__keyposeFrames?.shownFrame();
        return window.__keyposeFrames?.shownKind() === 'engine' && s?.status === 'ready' && s.key !== k;
      },
      restKey,
      { timeout: 120_000 },
    );
    await nextPaint(page);
    const doc = (await page.evaluate(() => window.__keyposeDebug?.getState().document)) as ProjectDocument;
    const posedKey = (await shownKey())!;
    const engine = await fetchFrame(session.studio, posedKey);
    // The page drew exactly the host's bytes for that key.
    expect(await page.evaluate((k) => window.__keyposeFrames?.pixelsHash(k), posedKey)).toBe(
      hashBytes(engine.data),
    );
    const reference = await referenceFrame(doc);
    expect([engine.width, engine.height]).toEqual([reference.width, reference.height]);

    // Bytes: over every channel of the whole frame, at most 0.2% off by more than 2/255 ...
    let off = 0;
    let moved = 0;
    for (let i = 0; i < engine.data.length; i++) {
      if (Math.abs(engine.data[i]! - reference.data[i]!) > 2) off++;
      if (i % 4 === 3 && Math.abs(reference.data[i]! - rest.data[i]!) > 128) moved++;
    }
    expect(off / engine.data.length).toBeLessThan(0.002);
    // ... and the pose is not the rest pose: thousands of pixels covered or uncovered by the arm.
    expect(moved).toBeGreaterThan(2000);

    // Screen: where the posed and the rest pictures differ (the arm's old and new places), the
    // plane's pixels are the posed picture's, not the rest's; elsewhere they are both.
    const screen = await planeOnScreen(page);
    const size = { width: screen.width, height: screen.height };
    const posedOnScreen = await expectedOnScreen(reference, size);
    const restOnScreen = await expectedOnScreen(rest, size);
    let differing = 0;
    let likePosed = 0;
    const distance = (a: Buffer, b: Buffer, i: number) =>
      Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!);
    for (let i = 0; i < screen.rgb.length; i += 3) {
      if (distance(posedOnScreen, restOnScreen, i) < 150) continue;
      differing++;
      if (distance(screen.rgb, posedOnScreen, i) < distance(screen.rgb, restOnScreen, i)) likePosed++;
    }
    expect(differing).toBeGreaterThan(500);
    // The skeleton drawn over the arm takes a few of them.
    expect(likePosed / differing, `${likePosed} of ${differing}`).toBeGreaterThan(0.85);
    expect(meanAbsDiff(screen.rgb, posedOnScreen)).toBeLessThan(8);
  });

  it('showed no error banner, threw no page errors and logged no console errors', async () => {
    expect(await page.evaluate(() => window.__keyposeDebug?.getState().errors)).toEqual([]);
    expect(errors.page).toEqual([]);
    expect(errors.console).toEqual([]);
  });
});
