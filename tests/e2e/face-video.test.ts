import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EditorSession, openEditorSession } from './harness.js';

/**
 * Head pose and face from a video in the real editor (studio, Chromium, the real landmark model in
 * the host's face worker): Face ▸ From face video… with the rendered face video shows progress and
 * can be cancelled (nothing changes); run again, the head joint gets the video's turn as keys over
 * the chosen frames and the "Face video" layer its blinks and jaw; Ctrl+Z takes both away in one step.
 */

const VIDEO = join(import.meta.dirname, '..', 'fixtures', 'video', 'face-turn.mp4');

let session: EditorSession;

beforeAll(async () => {
  session = await openEditorSession();
}, 180_000);

afterAll(async () => {
  await session?.close();
});

/** The head joint's keys and the face-video layer of the first character, as the page has them. */
const keyed = () =>
  session.page.evaluate(() => {
    const c = window.__keyposeDebug?.getState()?.document?.characters[0];
    const head = c?.skeleton.joints.find((j) => /^head$/i.test(j.name));
    return {
      headKeys: head
        ? (c?.motion.rotations[head.id] ?? []).map((k) => ({ frame: k.frame, value: k.value }))
        : null,
      layer: c?.faceMotion?.layers?.find((l) => l.id === 'face-video') ?? null,
    };
  });

describe('From face video… in the Face section', () => {
  it('reads the face with progress, cancels, keys head and face over the range, and undoes in one step', async () => {
    const { page } = session;
    const before = await keyed();
    expect(before.layer).toBeNull();

    // Start, see progress, cancel: nothing is keyed.
    await page.getByTestId('face-video-input').setInputFiles(VIDEO);
    await page.getByTestId('face-video-progress').waitFor();
    await page.getByTestId('face-video-cancel').click();
    await page.getByTestId('face-video-run').waitFor();
    expect(await keyed()).toEqual(before);

    await page.getByTestId('face-video-from').fill('4');
    await page.getByTestId('face-video-input').setInputFiles(VIDEO);
    await expect
      .poll(
        async () =>
          (await page
            .getByTestId('face-video-progress')
            .textContent()
            .catch(() => '')) ?? '',
        {
          timeout: 60_000,
        },
      )
      .toMatch(/\d+\/\d+ frames/);
    await page.getByTestId('face-video-done').waitFor({ timeout: 120_000 });
    await expect(page.getByTestId('face-video-done').textContent()).resolves.toMatch(
      /face-turn\.mp4.*frames 4–/,
    );
    const after = await keyed();
    // The sample's own head keys before frame 4 stay; new ones start at 4 and follow the turn.
    expect(after.headKeys!.filter((k) => k.frame < 4)).toEqual(before.headKeys!.filter((k) => k.frame < 4));
    const fresh = after.headKeys!.filter((k) => k.frame >= 4);
    expect(fresh.length).toBeGreaterThan(3);
    // Some key turns the head by more than 20° (|q.y| > sin 10°).
    expect(fresh.some((k) => Math.abs(k.value[1]!) > Math.sin((10 * Math.PI) / 180))).toBe(true);
    expect(after.layer?.name).toBe('Face video (face-turn.mp4)');
    expect(Object.keys(after.layer?.channels ?? {})).toEqual(
      expect.arrayContaining(['blinkL', 'blinkR', 'jawOpen']),
    );
    expect(after.layer!.channels.jawOpen!.every((k) => k.frame >= 4)).toBe(true);

    // Out of the frame field first: there Ctrl+Z is the field's own undo.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await keyed()).layer).toBeNull();
    expect((await keyed()).headKeys).toEqual(before.headKeys);
    expect(session.errors.page).toEqual([]);
  });
});
