import { writePsdBuffer } from 'ag-psd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mouthDrawingPng } from '../fixtures/face/mouthDrawings.js';
import {
  countPixels,
  type EditorSession,
  openEditorSession,
  until,
  viewportRgb,
  waitForShownFrame,
} from './harness.js';

/**
 * Swapped mouth drawings in the real editor (studio, Chromium, the real worker): set up the
 * sample's face, pick mouth drawings named for their shapes (one name not understood is listed),
 * and the viewport's rendered frames show the drawing of each frame's shape (X by its stand-in A,
 * C by D); Warp and undo take them away; a layered PSD of mouths gives drawings from its layers.
 */

let session: EditorSession;

beforeAll(async () => {
  session = await openEditorSession();
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const BLUE = [20, 40, 235] as const;
const GREEN = [30, 220, 40] as const;
const near = (rgb: readonly number[]) => (r: number, g: number, b: number) =>
  Math.abs(r - (rgb[0] as number)) < 40 &&
  Math.abs(g - (rgb[1] as number)) < 40 &&
  Math.abs(b - (rgb[2] as number)) < 40;

const face = () =>
  session.page.evaluate(() => {
    const s = window.__keyposeDebug?.getState();
    return {
      rig: s?.document?.characters[0]?.face ?? null,
      mouth: s?.document?.characters[0]?.faceMotion?.mouth ?? [],
    };
  });

async function colours(frame: number) {
  const { page } = session;
  await page.getByTestId('frame-input').fill(String(frame));
  await page.getByTestId('frame-input').press('Enter');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await waitForShownFrame(page, frame);
  const rgb = await viewportRgb(page);
  return { blue: countPixels(rgb, near(BLUE)), green: countPixels(rgb, near(GREEN)) };
}

describe('mouth drawings in the Face section', () => {
  it('picks drawings named for shapes, and the rendered frames swap them in by the frame’s shape', async () => {
    const { page } = session;
    await page.getByTestId('face-setup').click();
    await page.getByTestId('face-source').waitFor();
    expect(await page.getByTestId('mouth-style-swap').isDisabled()).toBe(true);
    const before = await colours(0);
    expect(before.blue + before.green).toBe(0);

    await page.getByTestId('mouth-art-input').setInputFiles([
      { name: 'mouth_A.png', mimeType: 'image/png', buffer: Buffer.from(await mouthDrawingPng(BLUE)) },
      { name: 'Mouth-D.png', mimeType: 'image/png', buffer: Buffer.from(await mouthDrawingPng(GREEN)) },
      { name: 'smile.png', mimeType: 'image/png', buffer: Buffer.from(await mouthDrawingPng(GREEN)) },
    ]);
    await expect(page.getByTestId('mouth-art-error').textContent()).resolves.toMatch(
      /Mouth drawings: A D\..*Not named for a mouth shape: smile\.png/,
    );
    const rig = (await face()).rig;
    expect(rig?.mouthStyle).toBe('swap');
    expect(Object.keys(rig?.mouthArt ?? {}).sort()).toEqual(['A', 'D']);
    expect(await page.getByTestId('mouth-style-swap').isChecked()).toBe(true);

    // No mouth keys: the rest shape X, shown by its stand-in A (blue).
    const rest = await until(
      () => colours(0),
      (c) => c.blue > 50,
      'the A drawing at frame 0',
    );
    expect(rest.green).toBe(0);

    // A key added on the mouth row (double-click adds C): C is shown by D (green) from there on.
    const track = await page.getByTestId('tl-mouth-track').boundingBox();
    if (!track) throw new Error('no mouth row');
    await page.mouse.dblclick(track.x + track.width * 0.3, track.y + track.height / 2);
    await until(face, (f) => f.mouth.length === 1, 'a mouth key');
    const key = (await face()).mouth[0] as { frame: number; shape: string };
    expect(key.shape).toBe('C');
    const open = await until(
      () => colours(key.frame),
      (c) => c.green > 50,
      'the D drawing at the C key',
    );
    expect(open.blue).toBe(0);

    // Warp: none of the drawings; undo: swapped again.
    await page.getByTestId('mouth-style-warp').check();
    expect((await face()).rig?.mouthStyle).toBe('warp');
    const warped = await until(
      () => colours(key.frame),
      (c) => c.green === 0,
      'the warped mouth',
    );
    expect(warped.blue).toBe(0);
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+z');
    await until(face, (f) => f.rig?.mouthStyle === 'swap', 'swap after undo');
    expect(session.errors.page).toEqual([]);
  }, 240_000);

  it('takes a layered PSD of mouths: its layers named for shapes become drawings, one without them is refused', async () => {
    const { page } = session;
    const layer = (name: string, rgb: readonly number[], [l, t, r, b]: [number, number, number, number]) => {
      const data = new Uint8ClampedArray((r - l) * (b - t) * 4);
      for (let i = 0; i < data.length; i += 4) data.set([rgb[0]!, rgb[1]!, rgb[2]!, 255], i);
      return { name, left: l, top: t, right: r, bottom: b, imageData: { width: r - l, height: b - t, data } };
    };
    const sheet = writePsdBuffer({
      width: 100,
      height: 50,
      children: [
        {
          name: 'Mouths',
          children: [layer('B', BLUE, [10, 15, 50, 30]), layer('mouth E', GREEN, [20, 10, 40, 40])],
        },
      ],
    });
    await page
      .getByTestId('mouth-art-input')
      .setInputFiles([{ name: 'mouths.psd', mimeType: 'image/vnd.adobe.photoshop', buffer: sheet }]);
    await expect(page.getByTestId('mouth-art-done').textContent()).resolves.toMatch(/Mouth drawings: B E\./);
    expect(Object.keys((await face()).rig?.mouthArt ?? {}).sort()).toEqual(['A', 'B', 'D', 'E']);

    const plain = writePsdBuffer({ width: 20, height: 20, children: [layer('lips', BLUE, [0, 0, 20, 20])] });
    await page
      .getByTestId('mouth-art-input')
      .setInputFiles([{ name: 'lips.psd', mimeType: 'image/vnd.adobe.photoshop', buffer: plain }]);
    await expect(page.getByTestId('mouth-art-error').textContent()).resolves.toMatch(
      /lips\.psd: no layers or groups named for mouth shapes/,
    );
    expect(Object.keys((await face()).rig?.mouthArt ?? {}).sort()).toEqual(['A', 'B', 'D', 'E']);
    expect(session.errors.page).toEqual([]);
  }, 180_000);
});
