import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceRig } from '../../core/face/schema.js';
import { parseRhubarbTsv } from '../../core/face/trackFormats.js';
import { sampleFaceRig } from '../fixtures/face/sampleFace.js';
import { type SpokenSentence, speak } from '../fixtures/speech/speech.js';
import { type EditorSession, openEditorSession } from './harness.js';

/**
 * Faces and lip sync in the real editor (studio, Chromium, the real recogniser and ffmpeg): set up
 * the sample's face (found on the picture), move a point in the face editor, attach a spoken
 * sentence, run "Lip sync from audio", see the mouth-shape track, move a key and change its shape
 * (undoable), play in sync with the sound, download the Rhubarb TSV, export an MP4 with the sound.
 */

const run = promisify(execFile);
let session: EditorSession;
let dir: string;
let speech: SpokenSentence;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-e2e-face-'));
  speech = await speak('Hello there, how are you today?', { dir });
  session = await openEditorSession({ freshFrameCache: true });
}, 180_000);

afterAll(async () => {
  await session?.close();
  await rm(dir, { recursive: true, force: true });
});

const face = () =>
  session.page.evaluate(() => {
    const s = window.__keyposeDebug?.getState();
    const c = s?.document?.characters[0];
    return {
      rig: c?.face ?? null,
      motion: c?.faceMotion ?? null,
      errors: s?.errors ?? [],
      audio: s?.document?.audio ?? null,
    };
  });

describe('face rig and lip sync in the editor', () => {
  it('sets up the face from the picture and adjusts a point in the face editor (undoable)', async () => {
    const { page } = session;
    await page.getByTestId('face-setup').click();
    await page.getByTestId('face-source').waitFor();
    const found = (await face()).rig as FaceRig;
    const truth = sampleFaceRig();
    // Within 3% of the face size (the eye-to-chin distance, 72 px).
    expect(
      Math.hypot(
        found.eyes.left.center[0] - truth.eyes.left.center[0],
        found.eyes.left.center[1] - truth.eyes.left.center[1],
      ),
    ).toBeLessThan(2.2);
    expect(
      Math.hypot(found.mouth.right[0] - truth.mouth.right[0], found.mouth.right[1] - truth.mouth.right[1]),
    ).toBeLessThan(2.2);

    await page.getByTestId('face-edit-points').click();
    await page.getByTestId('face-editor').waitFor();
    const handle = page.getByTestId('face-handle-mouth.left');
    const box = await handle.boundingBox();
    if (!box) throw new Error('no mouth handle on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 20, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('face-editor-apply').click();
    const moved = (await face()).rig as FaceRig;
    expect(moved.source).toBe('manual');
    expect(moved.mouth.left[0]).toBeGreaterThan(found.mouth.left[0] + 2);
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+z');
    await page.waitForFunction(
      () => window.__keyposeDebug?.getState().document?.characters[0]?.face?.source === 'estimate',
    );
    expect((await face()).rig?.mouth.left).toEqual(found.mouth.left);
  });

  it('lip-syncs the attached voice: progress, then a mouth-shape track on the timeline', async () => {
    const { page } = session;
    expect(await page.getByTestId('lipsync-run').isDisabled()).toBe(true);
    await page.getByTestId('audio-input').setInputFiles(speech.wavPath);
    await page.getByTestId('tl-row-audio').waitFor();
    await page.getByTestId('lipsync-text').fill(speech.text);
    await page.getByTestId('lipsync-run').click();
    await page.getByTestId('lipsync-progress').waitFor({ timeout: 10_000 });
    await page.getByTestId('lipsync-done').waitFor({ timeout: 120_000 });
    const { motion, errors } = await face();
    expect(errors).toEqual([]);
    const keys = motion?.mouth ?? [];
    expect(keys.length).toBeGreaterThan(4);
    expect(new Set(keys.map((k) => k.shape)).size).toBeGreaterThan(3);
    expect(await page.locator('[data-testid=tl-row-mouth] .tl-mouth-key').count()).toBe(keys.length);
    expect(motion?.layers?.[0]?.id).toBe('speech-motion');
  });

  it('moves a key by dragging and changes its shape, each one undo step', async () => {
    const { page } = session;
    const before = (await face()).motion?.mouth ?? [];
    const key = before[2] as { frame: number; shape: string };
    const next = before[3] as { frame: number };
    const element = page.getByTestId(`tl-mouth-key-${key.frame}`);
    const box = await element.boundingBox();
    const track = await page.getByTestId('tl-mouth-track').boundingBox();
    if (!box || !track) throw new Error('no mouth key on screen');
    const frames =
      (await page.evaluate(() => window.__keyposeDebug?.getState().document?.durationFrames)) ?? 48;
    // One frame to the right (staying before the next key).
    const target = Math.min(key.frame + 1, next.frame - 1);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(track.x + ((target + 0.5) / frames) * track.width, box.y + box.height / 2, {
      steps: 5,
    });
    await page.mouse.up();
    await page.waitForFunction(
      (f) =>
        window.__keyposeDebug
          ?.getState()
          .document?.characters[0]?.faceMotion?.mouth.some((k) => k.frame === f),
      target,
    );
    const after = (await face()).motion?.mouth ?? [];
    expect(after.find((k) => k.frame === target)?.shape).toBe(key.shape);
    if (target !== key.frame) expect(after.some((k) => k.frame === key.frame)).toBe(false);
    // The key is selected: the Face section offers its shapes.
    await page.getByTestId('mouth-key-editor').waitFor();
    const other = key.shape === 'D' ? 'F' : 'D';
    await page.getByTestId(`mouth-shape-${other}`).click();
    expect((await face()).motion?.mouth.find((k) => k.frame === target)?.shape).toBe(other);
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+z');
    await page.waitForFunction(
      ([f, s]) =>
        window.__keyposeDebug
          ?.getState()
          .document?.characters[0]?.faceMotion?.mouth.find((k) => k.frame === f)?.shape === s,
      [target, key.shape] as const,
    );
  });

  it('plays in sync with the sound and downloads the Rhubarb TSV of the track', async () => {
    const { page } = session;
    await page.getByTestId('frame-input').fill('6');
    await page.getByTestId('frame-input').press('Enter');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const audioTime = () =>
      page.evaluate(
        () => document.querySelector<HTMLAudioElement>('[data-testid=project-audio]')?.currentTime ?? -1,
      );
    expect(await audioTime()).toBeCloseTo(6 / 24, 2);
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('[data-testid=project-audio]')?.paused === false,
    );
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('[data-testid=project-audio]')?.paused === true,
    );
    const frame = await page.evaluate(() => window.__keyposeDebug?.getState().frame ?? -1);
    expect(Math.abs((await audioTime()) - frame / 24)).toBeLessThan(2 / 24);

    const download = page.waitForEvent('download');
    await page.getByTestId('mouth-export-tsv').click();
    const file = await download;
    const path = join(dir, 'track.tsv');
    await file.saveAs(path);
    const keys = parseRhubarbTsv(await readFile(path, 'utf8'), 24);
    const mouth = (await face()).motion?.mouth ?? [];
    expect(keys.slice(0, mouth.length)).toEqual(mouth);
  });

  it('exports an MP4 with the sound, the mouth drawn by the face pass', async () => {
    const { page, studio } = session;
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
    await page.getByTestId('export-range-mode').selectOption('custom');
    await page.getByTestId('export-range-start').fill('0');
    await page.getByTestId('export-range-end').fill('23');
    await page.getByTestId('export-scale').selectOption('0.5');
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-result').waitFor({ timeout: 240_000 });
    const exportsDir = join(studio.projectsDir, 'exports');
    const [name] = await readdir(exportsDir);
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type,codec_name',
      '-of',
      'json',
      join(exportsDir, name ?? ''),
    ]);
    const streams = (JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string }[] }).streams;
    expect(streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(session.errors.page).toEqual([]);
  }, 300_000);
});
