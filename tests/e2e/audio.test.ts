import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monoWav16 } from '../host/wav.js';
import { launchChromium, openEditor, type PageErrors, type StartedStudio, startStudio } from './harness.js';

/**
 * The project's audio track in the real editor (studio, Chromium): attach a generated WAV through
 * File ▸ Audio…'s file input, see its timeline row and waveform, play it in step with the
 * playhead, save (the file holds the sound), and export an MP4 from the dialog that ffprobe finds
 * an AAC stream in.
 */

const run = promisify(execFile);
const SAMPLE_RATE = 48000;

/** A mono 16-bit WAV of a 330 Hz tone. */
function toneWav(durationSec: number): Buffer {
  return monoWav16(SAMPLE_RATE, Math.round(durationSec * SAMPLE_RATE), (i) =>
    Math.round(12000 * Math.sin((2 * Math.PI * 330 * i) / SAMPLE_RATE)),
  );
}

let studio: StartedStudio;
let browser: Browser;
let page: Page;
let errors: PageErrors;
let dir: string;
let wav: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-e2e-audio-'));
  wav = toneWav(3);
  await writeFile(join(dir, 'line.wav'), wav);
  studio = await startStudio();
  browser = await launchChromium();
  ({ page, errors } = await openEditor(browser, studio));
});

afterAll(async () => {
  await browser?.close();
  await studio?.close();
  await rm(dir, { recursive: true, force: true });
});

const state = () =>
  page.evaluate(() => {
    const s = window.__keyposeDebug?.getState();
    return {
      audio: s?.document?.audio ?? null,
      canUndo: s?.canUndo ?? false,
      dirty: s?.dirty ?? false,
      projectPath: s?.projectPath ?? null,
      errors: s?.errors ?? [],
    };
  });

describe('project audio (Chromium, studio, ffmpeg)', () => {
  it('File ▸ Audio… attaches a WAV: one undo step, an audio row with the name and a waveform', async () => {
    expect(await page.getByTestId('btn-audio').isEnabled()).toBe(true);
    expect(await page.getByTestId('tl-row-audio').count()).toBe(0);
    await page.getByTestId('audio-input').setInputFiles(join(dir, 'line.wav'));
    await page.getByTestId('tl-row-audio').waitFor();
    expect(await page.getByTestId('audio-name').textContent()).toBe('line.wav');
    const s = await state();
    expect(s.audio).toMatchObject({ fileName: 'line.wav', mime: 'audio/wav', startFrame: 0 });
    expect(s.canUndo).toBe(true);
    expect(s.dirty).toBe(true);
    // One undo step: Ctrl+Z takes the sound (and its row) away, Ctrl+Shift+Z brings it back.
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => !window.__keyposeDebug?.getState().document?.audio);
    expect(await page.getByTestId('tl-row-audio').count()).toBe(0);
    expect((await state()).dirty).toBe(false);
    await page.keyboard.press('Control+Shift+z');
    await page.getByTestId('tl-row-audio').waitFor();
    // Decoded by the Web Audio API and drawn.
    await page.locator('[data-testid=audio-waveform][data-state=ready]').waitFor({ timeout: 30_000 });
    const drawn = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=audio-waveform]');
      const g = canvas?.getContext('2d');
      if (!canvas || !g) return 0;
      const pixels = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted += 1;
      return painted / (canvas.width * canvas.height);
    });
    // A steady tone at 37% of full scale fills about that much of the row's height.
    expect(drawn).toBeGreaterThan(0.2);
  });

  it('Space plays the sound from the playhead and stops it; scrubbing seeks it', async () => {
    await page.mouse.move(5, 5);
    // Frame 12 of a 24 fps project: half a second into the sound.
    await page.getByTestId('frame-input').fill('12');
    await page.getByTestId('frame-input').press('Enter');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const audioState = () =>
      page.evaluate(() => {
        const element = document.querySelector<HTMLAudioElement>('[data-testid=project-audio]');
        return { paused: element?.paused ?? true, timeSec: element?.currentTime ?? -1 };
      });
    expect((await audioState()).timeSec).toBeCloseTo(0.5, 2);
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('[data-testid=project-audio]')?.paused === false,
    );
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('[data-testid=project-audio]')?.paused === true,
    );
    // Scrubbing on the audio row's track moves the playhead and the sound with it.
    const track = await page.locator('[data-testid=tl-row-audio] .tl-track').boundingBox();
    if (!track) throw new Error('no audio track on screen');
    await page.mouse.click(track.x + track.width * 0.4, track.y + track.height / 2);
    const frame = await page.evaluate(() => window.__keyposeDebug?.getState().frame ?? -1);
    expect(frame).toBeGreaterThan(0);
    expect((await audioState()).timeSec).toBeCloseTo(frame / 24, 2);
    expect((await audioState()).paused).toBe(true);
    // Mute toggles the element, not the playback.
    await page.getByTestId('audio-mute').click();
    expect(await page.evaluate(() => document.querySelector('audio')?.muted)).toBe(true);
    await page.getByTestId('audio-mute').click();
    expect(await page.evaluate(() => document.querySelector('audio')?.muted)).toBe(false);
  });

  it('saves the project with the sound in it', async () => {
    await page.keyboard.press('Control+s');
    await page.getByTestId('save-dialog').waitFor();
    await page.getByTestId('save-name-input').fill('Audio talk');
    await page.getByTestId('save-confirm').click();
    await page.waitForFunction(() => window.__keyposeDebug?.getState().projectPath !== null);
    const s = await state();
    expect(s.dirty).toBe(false);
    expect(s.errors).toEqual([]);
    const files = (await readdir(studio.projectsDir)).filter((f) => f.endsWith('.keypose'));
    expect(files).toHaveLength(1);
    const saved = JSON.parse(await readFile(join(studio.projectsDir, files[0] ?? ''), 'utf8'));
    expect(saved.version).toBe(2);
    expect(saved.audio).toMatchObject({ fileName: 'line.wav', mime: 'audio/wav', startFrame: 0 });
    expect(Buffer.from(saved.audio.dataBase64, 'base64').equals(wav)).toBe(true);
  });

  it('exports an MP4 from the dialog with an AAC stream as long as the range', async () => {
    await page.keyboard.press('Control+e');
    await page.getByTestId('export-dialog').waitFor();
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid=export-preset]') as HTMLSelectElement | null)?.options
          .length ?? 0) > 1,
    );
    const labels = await page.getByTestId('export-preset').locator('option').allTextContents();
    const mp4 = labels.find((l) => l.startsWith('Web: MP4'));
    if (!mp4) throw new Error('no MP4 preset');
    await page.getByTestId('export-preset').selectOption({ label: mp4 });
    expect(await page.getByTestId('export-preset-note').textContent()).toContain('With the project’s sound.');
    await page.getByTestId('export-range-mode').selectOption('custom');
    await page.getByTestId('export-range-start').fill('0');
    await page.getByTestId('export-range-end').fill('11');
    await page.getByTestId('export-scale').selectOption('0.5');
    await page.getByTestId('export-start').click();
    const result = page.getByTestId('export-result');
    await result.waitFor({ timeout: 180_000 });
    expect(await result.textContent()).toMatch(/^Exported /);
    const exportsDir = join(studio.projectsDir, 'exports');
    const [file] = await readdir(exportsDir);
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type,codec_name,duration',
      '-of',
      'json',
      join(exportsDir, file ?? ''),
    ]);
    const streams = (
      JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; duration: string }[] }
    ).streams;
    const audio = streams.find((s) => s.codec_type === 'audio');
    expect(audio?.codec_name).toBe('aac');
    // 12 frames at the project's 24 fps, ±1 frame.
    expect(Math.abs(Number(audio?.duration) - 0.5)).toBeLessThanOrEqual(1 / 24);
    expect(errors.page).toEqual([]);
  });
});
