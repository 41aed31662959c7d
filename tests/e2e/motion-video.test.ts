import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../core/document/schema.js';
import { type EditorSession, openEditorSession, type PageErrors, screenshotPath } from './harness.js';

/**
 * Motion from video in the editor, in headless Chromium against the real studio (real ffmpeg,
 * the real pose worker with MoveNet): choose a video made in code (two rendered people crossing),
 * cancel once, analyse it, see both people with thumbnails and their tracks over the video, pick
 * one, put it on the sample character through the motion import panel, play it.
 */

const VIDEOS = join(import.meta.dirname, '..', 'fixtures', 'video');

let session: EditorSession;
let page: Page;
let errors: PageErrors;

const snapshot = async () => {
  const s = await page.evaluate(() => window.__keyposeDebug?.getState());
  if (!s) throw new Error('window.__keyposeDebug is missing');
  return s;
};

async function chooseVideo(name: string): Promise<void> {
  await page.getByTestId('motion-video-input').setInputFiles({
    name,
    mimeType: 'video/mp4',
    buffer: await readFile(join(VIDEOS, name)),
  });
}

beforeAll(async () => {
  session = await openEditorSession();
  ({ page, errors } = session);
  await page.getByTestId('joint-item-LeftForeArm').waitFor();
});

afterAll(async () => {
  await session?.close();
});

describe('motion from video in the editor', () => {
  it('shows progress and cancels an analysis', async () => {
    await chooseVideo('two-crossing.mp4');
    await page.getByTestId('video-motion-progress').waitFor();
    await page.waitForFunction(
      () =>
        /frame \d+ of \d+/.test(
          document.querySelector('[data-testid="video-motion-stage"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 60_000 },
    );
    await page.getByTestId('video-motion-cancel').click();
    await page.getByTestId('video-motion-dialog').waitFor({ state: 'detached' });
    expect((await snapshot()).errors).toEqual([]);
  });

  it('analyses two people crossing, picks one and applies it to the sample character', async () => {
    const original = ((await snapshot()).document as ProjectDocument).characters[0]!.motion;
    await page.getByTestId('btn-motion-video').waitFor();
    await chooseVideo('two-crossing.mp4');
    await page.getByTestId('video-motion-summary').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('video-motion-summary').textContent()).toMatch(
      /72 frames at 24 fps, 2 people/,
    );
    const people = page.locator('[data-testid^="video-person-"]');
    expect(await people.count()).toBe(2);
    // Thumbnails of the people, decoded by the browser.
    const widths = await page
      .locator('[data-testid^="video-person-"] img')
      .evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));
    expect(widths.every((w) => w > 10)).toBe(true);
    // The preview plays the video with the tracks drawn over it; seek to mid-video.
    await page.getByTestId('video-motion-preview').evaluate(async (v) => {
      const video = v as HTMLVideoElement;
      if (video.readyState < 1)
        await new Promise((r) => video.addEventListener('loadedmetadata', r, { once: true }));
      video.currentTime = 1.0;
      await new Promise((r) => video.addEventListener('seeked', r, { once: true }));
    });
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="video-motion-overlay"]') as HTMLElement | null)?.dataset
          .frame === '24',
    );
    const painted = await page.getByTestId('video-motion-overlay').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(200);
    const second = people.nth(1);
    await second.click();
    expect(await second.getAttribute('aria-selected')).toBe('true');
    await page.screenshot({ path: screenshotPath('motion-video-picker.png') });
    await page.getByTestId('video-motion-character').selectOption({ label: 'Hero' });
    await page.getByTestId('video-motion-use').click();
    // The ordinary motion import panel takes over: mapping by name, keys, feet.
    await page.getByTestId('motion-mapping').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('map-select-LeftForeArm').inputValue()).toBe('LeftForeArm');
    await page.getByTestId('motion-start').fill('0');
    await page.getByTestId('motion-import-apply').click();
    await page.getByTestId('motion-import-dialog').waitFor({ state: 'detached' });
    const s = await snapshot();
    expect(s.errors).toEqual([]);
    const motion = (s.document as ProjectDocument).characters[0]!.motion;
    expect(motion).not.toEqual(original);
    const frames = motion.rotations.LeftLeg!.map((k) => k.frame);
    expect(Math.max(...frames)).toBeGreaterThanOrEqual(50);
    // Playing it moves the character.
    await page.keyboard.press('Home');
    const at = (f: number) =>
      page.evaluate((frame) => window.__keyposeDebug?.evaluatePoseAt(frame)?.rotations.LeftLeg, f);
    expect(await at(10)).not.toEqual(await at(20));
    await page.keyboard.press('Space');
    await page.waitForFunction(() => (window.__keyposeDebug?.getState().frame ?? 0) >= 6, undefined, {
      timeout: 30_000,
    });
    await page.keyboard.press('Space');
    await page.screenshot({ path: screenshotPath('motion-video-applied.png') });
    expect(errors.page).toEqual([]);
  });
});
