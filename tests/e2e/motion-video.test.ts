import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../core/document/schema.js';
import { decodeVideoFrames, resolveFfmpegPath } from '../../host/export/ffmpeg.js';
// For window.__keyposeReference's type (the layer declares it).
import type {} from '../../renderer/motion/ReferenceVideoLayer.js';
import {
  type EditorSession,
  nextPaint,
  openEditorSession,
  type PageErrors,
  screenshotPath,
  viewportRgb,
} from './harness.js';

/**
 * Motion from video in the editor, in headless Chromium against the real studio (real ffmpeg,
 * the real pose worker with MoveNet): choose a video made in code (two rendered people crossing),
 * cancel once, analyse it, see both people with thumbnails and their tracks over the video, pick
 * one, put it on the sample character through the motion import panel, play it; the video kept
 * as the reference behind the viewport shows the playhead's frame; then a video dropped on the
 * window drives both characters of a two-character scene from the picker, placed as the people
 * stood, in one undo step.
 */

const VIDEOS = join(import.meta.dirname, '..', 'fixtures', 'video');

let session: EditorSession;
let page: Page;
let errors: PageErrors;

/** The fixture's frames as ffmpeg decodes them, small, packed RGB: what each video frame looks like. */
async function fixtureFrames(name: string, width: number, height: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const frame of decodeVideoFrames(resolveFfmpegPath(), join(VIDEOS, name), {
    fps: 24,
    width,
    height,
  }))
    out.push(new Uint8Array(frame.data));
  return out;
}

/** The reference <video>'s current picture drawn at width × height, packed RGB. */
async function referencePicture(width: number, height: number): Promise<number[]> {
  return page.evaluate(
    ([w, h]) => {
      const video = document.querySelector('[data-testid="reference-video"]') as HTMLVideoElement;
      const canvas = document.createElement('canvas');
      canvas.width = w!;
      canvas.height = h!;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(video, 0, 0, w!, h!);
      const rgba = ctx.getImageData(0, 0, w!, h!).data;
      const rgb: number[] = [];
      for (let i = 0; i < rgba.length; i += 4) rgb.push(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!);
      return rgb;
    },
    [width, height],
  );
}

const meanAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
};

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
      /72 frames at 24 fps, 2 people \(analysed in [\d.]+ s\)/,
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

  it('shows the kept video behind the viewport on the frame of the playhead (toggle, opacity)', async () => {
    const doc = (await snapshot()).document as ProjectDocument;
    expect(doc.referenceVideo?.fileName).toBe('two-crossing.mp4');
    const start = doc.referenceVideo!.startFrame;
    await page.getByTestId('reference-controls').waitFor();
    const frames = await fixtureFrames('two-crossing.mp4', 160, 90);
    expect(frames).toHaveLength(72);
    for (const projectFrame of [start + 30, start + 55]) {
      const field = page.getByTestId('frame-input');
      await field.fill(String(projectFrame));
      await field.press('Enter');
      await page.waitForFunction(
        (f) => {
          const shown = window.__keyposeReference?.shown();
          return (
            shown?.status === 'ready' && 'projectFrame' in shown && shown.projectFrame === f && shown.visible
          );
        },
        projectFrame,
        { timeout: 30_000 },
      );
      const shown = await page.evaluate(() => window.__keyposeReference!.shown());
      expect(shown).toMatchObject({ videoFrame: projectFrame - start });
      // The picture on screen is that frame of the file: of all 72 frames ffmpeg decodes, the
      // element's picture is closest to it.
      const picture = await referencePicture(160, 90);
      const diffs = frames.map((f) => meanAbsDiff(f, picture));
      const best = diffs.indexOf(Math.min(...diffs));
      expect(best).toBe(projectFrame - start);
    }
    // Drawn in the viewport: hiding it (Shift+V) changes the picture, showing it again brings it back.
    await page.mouse.move(5, 5);
    await nextPaint(page);
    const withReference = await viewportRgb(page);
    await page.keyboard.press('Shift+V');
    await page.waitForFunction(() => window.__keyposeReference?.shown().visible === false);
    await nextPaint(page);
    const without = await viewportRgb(page);
    expect(meanAbsDiff(withReference, without)).toBeGreaterThan(1);
    await page.keyboard.press('Shift+V');
    await page.waitForFunction(() => window.__keyposeReference?.shown().visible === true);
    await page.getByTestId('reference-opacity').fill('0.8');
    await page.waitForFunction(
      () => Math.abs((window.__keyposeReference?.shown().opacity ?? 0) - 0.8) < 1e-6,
    );
    const stored = await page.evaluate(() => localStorage.getItem('keypose.reference.v1'));
    expect(JSON.parse(stored ?? '{}')).toEqual({ shown: true, opacity: 0.8 });
    await page.screenshot({ path: screenshotPath('motion-video-reference.png') });
    expect(errors.page).toEqual([]);
  });

  it('a dropped video drives both characters of a scene from the picker, placed as they stood, one undo step', async () => {
    // A two-character scene: the sample's Hero and a copy of it, saved into the studio's folder.
    const sample = (await snapshot()).document as ProjectDocument;
    const hero = sample.characters[0]!;
    const { referenceVideo: _r, ...rest } = sample;
    const scene: ProjectDocument = {
      ...rest,
      name: 'Two people',
      characters: [
        { ...hero, motion: { rotations: {}, rootTranslation: [] } },
        {
          ...hero,
          id: 'char_villain' as typeof hero.id,
          name: 'Villain',
          motion: { rotations: {}, rootTranslation: [] },
          placement: {
            ...hero.placement,
            offset: [hero.placement.offset[0] + 150, hero.placement.offset[1], 0],
          },
        },
      ],
    };
    const path = join(session.studio.projectsDir, 'two-people.keypose');
    await writeFile(path, JSON.stringify(scene));
    await page.getByTestId('btn-open').click();
    // The sample's imported motion is not saved: the editor asks before discarding it.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator(`[data-testid=project-list] button[title="${path}"]`).click();
    await page
      .waitForFunction(() => window.__keyposeDebug?.getState().document?.name === 'Two people', undefined, {
        timeout: 30_000,
      })
      .catch(async (error: unknown) => {
        await page.screenshot({ path: screenshotPath('motion-video-open-failed.png') });
        throw new Error(
          `the scene did not open: ${JSON.stringify((await snapshot()).errors)} (${String(error)})`,
        );
      });
    await page.keyboard.press('Home');
    const before = (await snapshot()).document as ProjectDocument;
    expect(before.referenceVideo).toBeUndefined();

    // Dropped on the timeline, like a file from the desktop.
    const bytes = (await readFile(join(VIDEOS, 'two-crossing.mp4'))).toString('base64');
    await page.evaluate((base64) => {
      const binary = atob(base64);
      const array = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) array[i] = binary.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([array], 'two-crossing.mp4', { type: 'video/mp4' }));
      const target = document.querySelector('.timeline') ?? document.querySelector('[data-testid=app]');
      target?.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
      target?.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    }, bytes);
    await page.getByTestId('video-motion-summary').waitFor({ timeout: 180_000 });
    // The same video as before (the same bytes, at the same rate): read from the analysis cache.
    expect(await page.getByTestId('video-motion-summary').textContent()).toContain(
      '(analysed before: read from the cache)',
    );
    const ids = await page
      .locator('[data-testid^="video-person-"]')
      .evaluateAll((els) =>
        els.map((e) => Number(e.getAttribute('data-testid')!.replace('video-person-', ''))),
      );
    expect(ids).toHaveLength(2);
    // Offered to the active character, then the other one.
    expect(await page.getByTestId(`video-assign-${ids[0]}`).inputValue()).toBe(hero.id);
    expect(await page.getByTestId(`video-assign-${ids[1]}`).inputValue()).toBe('char_villain');
    // Swap them from the picker: choosing Hero for the second person frees it from the first.
    await page.getByTestId(`video-assign-${ids[1]}`).selectOption({ label: '→ Hero' });
    expect(await page.getByTestId(`video-assign-${ids[0]}`).inputValue()).toBe('');
    await page.getByTestId(`video-assign-${ids[0]}`).selectOption({ label: '→ Villain' });
    expect(await page.getByTestId('video-motion-place').isChecked()).toBe(true);
    await page.screenshot({ path: screenshotPath('motion-video-assign.png') });
    await page.getByTestId('video-motion-apply-all').click();
    await page.getByTestId('video-motion-dialog').waitFor({ state: 'detached' });

    const s = await snapshot();
    expect(s.errors).toEqual([]);
    const after = s.document as ProjectDocument;
    const villain = after.characters.find((c) => c.name === 'Villain')!;
    const hero2 = after.characters.find((c) => c.name === 'Hero')!;
    for (const c of [villain, hero2]) {
      expect(Object.keys(c.motion.rotations).length).toBeGreaterThan(8);
      expect(Math.max(...c.motion.rotations.LeftLeg!.map((k) => k.frame))).toBeGreaterThanOrEqual(50);
    }
    // Placed as the people stood: the two start a good way apart, centred where the two were.
    const x = (c: typeof hero) => c.placement.offset[0];
    const beforeMean = (x(before.characters[0]!) + x(before.characters[1]!)) / 2;
    expect((x(villain) + x(hero2)) / 2).toBeCloseTo(beforeMean, 3);
    expect(Math.abs(x(villain) - x(hero2))).toBeGreaterThan(20);
    // The two walk in opposite directions (they cross), each from where it stands.
    const travel = (c: typeof hero) =>
      c.motion.rootTranslation.at(-1)!.value[0] - c.motion.rootTranslation[0]!.value[0];
    expect(Math.sign(travel(villain))).toBe(-Math.sign(travel(hero2)));
    expect(after.referenceVideo?.startFrame).toBe(0);
    // One undo step takes it all back; redo puts it all back.
    await page.keyboard.press('Control+z');
    expect((await snapshot()).document).toEqual(before);
    await page.keyboard.press('Control+Shift+z');
    expect((await snapshot()).document).toEqual(after);
    expect(errors.page).toEqual([]);
  });
});
