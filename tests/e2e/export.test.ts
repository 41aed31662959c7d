import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PREFERENCES_KEY } from '../../renderer/export/preferences.js';
import {
  type EditorSession,
  openEditorSession,
  type PageErrors,
  type StartedStudio,
  until,
} from './harness.js';

/**
 * The export dialog against the real studio, frame engine and ffmpeg: choose "Web: MP4" with a
 * small range and scale, export, follow the progress bar to the end, and ffprobe the file in the
 * projects folder; the choice is remembered and Ctrl+Shift+E repeats it without the dialog;
 * Cancel mid-export leaves no file.
 */

const run = promisify(execFile);
const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';

let session: EditorSession;
let studio: StartedStudio;
let page: Page;
let errors: PageErrors;

interface Probe {
  codec_name: string;
  pix_fmt: string;
  width: number;
  height: number;
  r_frame_rate: string;
  nb_read_frames: string;
}

async function ffprobe(path: string): Promise<Probe> {
  const { stdout } = await run(FFPROBE, [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames',
    '-of',
    'json',
    path,
  ]);
  const stream = (JSON.parse(stdout) as { streams: Probe[] }).streams[0];
  if (!stream) throw new Error(`${path} has no video stream`);
  return stream;
}

const exportsDir = () => join(studio.projectsDir, 'exports');
const SIDECAR = '.provenance.json';
const folderFiles = async () => (await readdir(exportsDir()).catch(() => [] as string[])).sort();
/** The exported media in the folder; each has its provenance sidecar beside it (provenance.ts). */
const exportedFiles = async () => (await folderFiles()).filter((f) => !f.endsWith(SIDECAR));
const sidecarsOf = async (files: string[]) => {
  const present = new Set(await folderFiles());
  return files.filter((f) => present.has(`${f}${SIDECAR}`));
};

/**
 * Records every state the dialog's (or the status bar's) progress shows, from the page itself: a
 * MutationObserver sees each render, where polling from the test missed a short export whole.
 */
async function recordProgress(): Promise<void> {
  await page.evaluate(() => {
    const log = { maxDone: 0, total: 0, texts: [] as string[] };
    (window as unknown as { __progress: typeof log }).__progress = log;
    const read = () => {
      const bar = document.querySelector('[data-testid=export-progress] progress');
      if (bar) {
        log.maxDone = Math.max(log.maxDone, Number(bar.getAttribute('data-done') ?? 0));
        log.total = Math.max(log.total, Number(bar.getAttribute('data-total') ?? 0));
      }
      const text = document.querySelector('[data-testid=export-progress-text]')?.textContent;
      if (text && log.texts.at(-1) !== text) log.texts.push(text);
    };
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
}

async function recordedProgress(): Promise<{ maxDone: number; total: number; texts: string[] }> {
  return page.evaluate(
    () =>
      (window as unknown as { __progress: { maxDone: number; total: number; texts: string[] } }).__progress,
  );
}

beforeAll(async () => {
  session = await openEditorSession();
  ({ studio, page, errors } = session);
});

afterAll(async () => {
  await session?.close();
});

describe('export dialog (Chromium, studio, frame engine, ffmpeg)', () => {
  it('Ctrl+E opens the dialog with presets named for the editor', async () => {
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+e');
    await page.getByTestId('export-dialog').waitFor();
    const preset = page.getByTestId('export-preset');
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid=export-preset]') as HTMLSelectElement | null)?.options
          .length ?? 0) > 1,
    );
    const labels = await preset.locator('option').allTextContents();
    expect(labels).toContain('After Effects / Premiere: ProRes 4444 with alpha');
    expect(labels.some((l) => l.startsWith('Web: MP4'))).toBe(true);
    const fps = await page.getByTestId('export-fps').locator('option').allTextContents();
    expect(fps.slice(1)).toEqual(['23.976', '24', '25', '29.97', '30', '50', '60'].map((r) => `${r} fps`));
  });

  it('exports "Web: MP4" with a small range and scale; progress runs to the end; ffprobe reads the file', async () => {
    const labels = await page.getByTestId('export-preset').locator('option').allTextContents();
    const mp4 = labels.find((l) => l.startsWith('Web: MP4'));
    if (!mp4) throw new Error('no MP4 preset');
    await page.getByTestId('export-preset').selectOption({ label: mp4 });
    await page.getByTestId('export-range-mode').selectOption('custom');
    await page.getByTestId('export-range-start').fill('2');
    await page.getByTestId('export-range-end').fill('13');
    await page.getByTestId('export-scale').selectOption('0.5');
    await page.getByTestId('export-fps').selectOption('25');
    // MP4 has no alpha: the background colour is asked for.
    await page.getByTestId('export-background').fill('#204060');
    expect(await page.getByTestId('export-problems').count()).toBe(0);

    await recordProgress();
    await page.getByTestId('export-start').click();
    const result = page.getByTestId('export-result');
    await result.waitFor({ timeout: 180_000 });
    const progress = await recordedProgress();
    const message = (await result.textContent()) ?? '';
    expect(message).toMatch(/^Exported /);

    // The progress bar counted the 12 frames of the range, and reached them.
    expect(progress.total).toBe(12);
    expect(progress.maxDone).toBeGreaterThanOrEqual(1);
    expect(progress.texts.some((t) => / \/ 12/.test(t))).toBe(true);
    // With frames to render, the bar estimates the time left.
    expect(
      progress.texts.some((t) => /\d+ s left/.test(t)),
      progress.texts.join(' | '),
    ).toBe(true);

    const files = await exportedFiles();
    expect(files).toHaveLength(1);
    expect(await sidecarsOf(files)).toEqual(files);
    const path = join(exportsDir(), files[0] ?? '');
    expect(message).toBe(`Exported ${path}`);
    const probe = await ffprobe(path);
    expect(probe.codec_name).toBe('h264');
    expect(probe.pix_fmt).toBe('yuv420p');
    expect([probe.width, probe.height]).toEqual([384, 512]);
    expect(probe.r_frame_rate).toBe('25/1');
    expect(Number(probe.nb_read_frames)).toBe(12);

    // The character stands on the chosen background colour (a corner of the first frame).
    const { stdout } = await run(
      'ffmpeg',
      ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    );
    const corner = await sharp(stdout as unknown as Buffer)
      .extract({ left: 2, top: 2, width: 8, height: 8 })
      .removeAlpha()
      .raw()
      .toBuffer();
    expect(Math.abs((corner[0] ?? 0) - 0x20)).toBeLessThan(8);
    expect(Math.abs((corner[1] ?? 0) - 0x40)).toBeLessThan(8);
    expect(Math.abs((corner[2] ?? 0) - 0x60)).toBeLessThan(8);
  });

  it('remembers the choice (not in the document) and Ctrl+Shift+E repeats it without the dialog', async () => {
    const stored = JSON.parse(
      (await page.evaluate((key) => window.localStorage.getItem(key), EXPORT_PREFERENCES_KEY)) ?? '{}',
    );
    expect(stored).toMatchObject({
      presetId: 'mp4-h264',
      fps: '25',
      scale: 0.5,
      range: { start: 2, end: 13 },
      background: '#204060',
    });
    expect(await page.evaluate(() => window.__keyposeDebug?.getState().dirty)).toBe(false);

    await page.getByTestId('export-close').click();
    expect(await page.getByTestId('export-dialog').count()).toBe(0);
    await page.reload();
    await page.waitForFunction(() => window.__keyposeDebug?.getState().document !== null, undefined, {
      timeout: 120_000,
    });
    await page.keyboard.press('Control+e');
    await page.getByTestId('export-dialog').waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid=export-preset]') as HTMLSelectElement | null)?.value ===
        'mp4-h264',
    );
    expect(await page.getByTestId('export-range-end').inputValue()).toBe('13');
    await page.getByTestId('export-close').click();

    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+Shift+e');
    expect(await page.getByTestId('export-dialog').count()).toBe(0);
    // The status bar shows the running export, then the notice names the file.
    await page.waitForFunction(
      () => document.querySelector('[data-testid=status-bar]')?.textContent?.includes('Exported'),
      undefined,
      { timeout: 120_000 },
    );
    const files = await exportedFiles();
    expect(files).toHaveLength(2);
    expect(await sidecarsOf(files)).toEqual(files);
    const second = join(exportsDir(), files.find((f) => f.includes(' 2.')) ?? '');
    const probe = await ffprobe(second);
    expect([probe.width, probe.height, Number(probe.nb_read_frames)]).toEqual([384, 512, 12]);
  });

  it('Cancel stops an export and leaves no file behind', async () => {
    await page.keyboard.press('Control+e');
    await page.getByTestId('export-dialog').waitFor();
    const labels = await page.getByTestId('export-preset').locator('option').allTextContents();
    await page
      .getByTestId('export-preset')
      .selectOption({ label: labels.find((l) => l.startsWith('After Effects')) ?? '' });
    await page.getByTestId('export-range-mode').selectOption('all');
    await page.getByTestId('export-scale').selectOption('1');
    const before = await folderFiles();
    await page.getByTestId('export-start').click();
    // Cancel once the job is running (its id is known and a frame or two are through).
    await page.waitForFunction(
      () => {
        const bar = document.querySelector('[data-testid=export-progress] progress');
        return bar !== null && Number(bar.getAttribute('data-done')) >= 1;
      },
      undefined,
      { timeout: 120_000 },
    );
    await page.getByTestId('export-cancel').click();
    const result = page.getByTestId('export-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toContain('cancelled');
    // The host removes its temporary file as the job ends: wait for the folder to be as it was.
    const after = await until(
      folderFiles,
      (files) => JSON.stringify(files) === JSON.stringify(before),
      'the cancelled export leaves nothing',
    );
    expect(after).toEqual(before);
    await page.getByTestId('export-close').click();
  });

  it('an invalid choice is explained in the dialog and cannot be exported', async () => {
    await page.keyboard.press('Control+e');
    await page.getByTestId('export-dialog').waitFor();
    await page.getByTestId('export-timecode').fill('00:00:00:99');
    const problems = page.getByTestId('export-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toContain('Start timecode');
    expect(await page.getByTestId('export-start').isDisabled()).toBe(true);
    await page.getByTestId('export-timecode').fill('00:00:00:00');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('export-dialog').count()).toBe(0);
  });

  it('showed no error banner, threw no page errors and logged no console errors', async () => {
    expect(await page.evaluate(() => window.__keyposeDebug?.getState().errors)).toEqual([]);
    expect(errors.page).toEqual([]);
    expect(errors.console).toEqual([]);
  });
});
