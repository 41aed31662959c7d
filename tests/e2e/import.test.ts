import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../core/document/schema.js';
import type { DebugSnapshot } from '../../renderer/debug.js';
import { T_POSE_FIGURE, tPoseFigurePng } from '../fixtures/tPoseFigure.js';
import { writeAnimatedDrawingsFolder } from '../host/import/fixtures.js';
import {
  countPixels,
  type EditorSession,
  newProjectFromPicture,
  nextPaint,
  openEditorSession,
  type PageErrors,
  type StartedStudio,
  screenshotPath,
  until,
  viewportRgb,
} from './harness.js';

/**
 * Importing characters in headless Chromium against the real studio server (and its real rig
 * worker): pick a drawn figure with the file chooser, follow the import job, start a project from
 * it; weight overlay and mask brush in Fit mode; drop a second figure onto the window and add it
 * to the scene; save; a corrupt file changes nothing; a screenshot with both characters.
 */

const SCREENSHOT = screenshotPath('characters.png');

/** The figure's outline in picture pixels (for checking where the rig put the joints). */
const FIGURE = T_POSE_FIGURE;

/** A simple T-posed figure on white paper: head, torso, arms straight out, two legs. */
const drawFigure = (colour: string) => tPoseFigurePng({ fill: colour });

let session: EditorSession;
let studio: StartedStudio;
let page: Page;
let errors: PageErrors;

const snapshot = async (): Promise<DebugSnapshot> => {
  const s = await page.evaluate(() => window.__keyposeDebug?.getState());
  if (!s) throw new Error('window.__keyposeDebug is missing');
  return s;
};
const doc = async (): Promise<ProjectDocument> => {
  const d = (await snapshot()).document;
  if (!d) throw new Error('no document');
  return d;
};
const joint = (d: ProjectDocument, characterIndex: number, name: string) => {
  const found = d.characters[characterIndex]?.skeleton.joints.find((j) => j.name === name);
  if (!found) throw new Error(`no joint ${name}`);
  return found;
};
const screenOf = (id: string) =>
  page.evaluate((j) => window.__keyposeDebug?.jointScreenPosition(j) ?? null, id);

/** Mask value (0..255) at a picture pixel of a document's mask asset. */
async function maskAt(d: ProjectDocument, characterIndex: number, xPx: number, yPx: number): Promise<number> {
  const id = d.characters[characterIndex]?.maskAssetId;
  const asset = id ? d.assets[id] : undefined;
  if (!asset) throw new Error('the character has no mask');
  const { data, info } = await sharp(Buffer.from(asset.dataBase64, 'base64'))
    .removeAlpha()
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return data[(Math.round(yPx) * info.width + Math.round(xPx)) * info.channels] ?? -1;
}

async function waitForImportChoice(): Promise<void> {
  await page.getByTestId('import-choice').waitFor({ timeout: 120_000 });
}

beforeAll(async () => {
  session = await openEditorSession();
  ({ studio, page, errors } = session);
});

afterAll(async () => {
  await session?.close();
});

describe('character import in Chromium', () => {
  it('imports a picture from the file chooser as a rig job and starts a project with the rigged figure', async () => {
    const stages: string[] = [];
    await page.exposeFunction('__recordStage', (text: string) => stages.push(text));
    // Record every stage the dialog shows (the job may be over before a poll would see it).
    await page.evaluate(() => {
      const record = (window as unknown as { __recordStage: (t: string) => void }).__recordStage;
      new MutationObserver(() => {
        const stage = document.querySelector('[data-testid=import-stage]')?.textContent;
        if (stage) record(stage);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('import-input').setInputFiles({
      name: 'figure.png',
      mimeType: 'image/png',
      buffer: await drawFigure('#3060c0'),
    });
    await waitForImportChoice();
    expect(stages.length).toBeGreaterThan(0);
    expect(stages.some((s) => /skeleton|weights|figure/i.test(s))).toBe(true);
    expect(await page.getByTestId('import-choice').textContent()).toMatch(/21 joints/);
    await page.getByTestId('import-new').click();
    await page.waitForFunction(() => window.__keyposeDebug?.getState().document?.name === 'figure');

    const s = await snapshot();
    expect(s.mode).toBe('fit');
    expect(s.canUndo).toBe(false);
    expect(s.dirty).toBe(true);
    const d = await doc();
    expect(d.characters).toHaveLength(1);
    expect(d.characters[0]?.maskAssetId).toBeDefined();
    // Hands near the figure's horizontal extremes (character space: x = imagePx - width/2), the
    // character's left hand on the viewer's right; within 8% of the figure's height.
    const tolerancePx = 0.08 * (FIGURE.bottomPx - FIGURE.topPx);
    const leftTipX = FIGURE.armRightPx - FIGURE.width / 2;
    const rightTipX = FIGURE.armLeftPx - FIGURE.width / 2;
    const armY = FIGURE.height / 2 - 148;
    const left = joint(d, 0, 'LeftHand').restPosition;
    const right = joint(d, 0, 'RightHand').restPosition;
    expect(Math.abs(left[0] - leftTipX)).toBeLessThan(tolerancePx * 1.5);
    expect(Math.abs(right[0] - rightTipX)).toBeLessThan(tolerancePx * 1.5);
    expect(Math.abs(left[1] - armY)).toBeLessThan(tolerancePx);
    expect(Math.abs(right[1] - armY)).toBeLessThan(tolerancePx);
    // The joints are on screen where the figure is: the hands are the outermost joints.
    const xs = await Promise.all(d.characters[0]?.skeleton.joints.map((j) => screenOf(j.id)) ?? []);
    const lh = await screenOf(joint(d, 0, 'LeftHand').id);
    expect(lh?.x).toBe(Math.max(...xs.map((p) => p?.x ?? 0)));

    const hint = page.getByTestId('fit-hint');
    await hint.waitFor();
    expect(await hint.textContent()).toMatch(/skeleton fitted (to the silhouette|by the pose model)\./);
  });

  it('Fit mode: W shows the selected joint weights from the host', async () => {
    await page.getByTestId('joint-item-LeftArm').click();
    await page.mouse.move(5, 5);
    // The heat map's hot colour (red where the arm's part owns the pixels; the figure is blue).
    const hot = (r: number, g: number, b: number) => r > 150 && g < 90 && b < 110;
    const hotPixels = async () => countPixels(await viewportRgb(page), hot);
    await nextPaint(page);
    const withoutOverlay = await hotPixels();
    await page.keyboard.press('w');
    const status = page.getByTestId('fit-tool-status');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=fit-tool-status]')?.getAttribute('data-overlay') === 'ready',
      undefined,
      { timeout: 60_000 },
    );
    expect(await status.textContent()).toContain('Weights: LeftArm');
    // Drawn over the art once its picture is decoded: wait for the red, not for a time.
    const withOverlay = await until(hotPixels, (n) => n - withoutOverlay > 60, 'the heat map is drawn');
    expect(withOverlay - withoutOverlay).toBeGreaterThan(60);
    const shot = await page.screenshot();
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await writeFile(join(SCREENSHOT, '..', 'weight-overlay.png'), shot);
    await page.keyboard.press('w');
    expect(await page.getByTestId('fit-tool-status').count()).toBe(0);
    // And gone again with the second W.
    await until(hotPixels, (n) => n - withoutOverlay <= 10, 'the heat map is removed');
  });

  it('Fit mode: the mask brush paints into the mask, one stroke = one undo step', async () => {
    const before = await doc();
    // Picture pixel (330, 420) is white paper, outside the figure.
    expect(await maskAt(before, 0, 330, 420)).toBe(0);
    const hips = joint(before, 0, 'Hips').restPosition;
    const lhJoint = joint(before, 0, 'LeftHand');
    const rhJoint = joint(before, 0, 'RightHand');
    const [hipsScreen, lh, rh] = await Promise.all([
      screenOf(joint(before, 0, 'Hips').id),
      screenOf(lhJoint.id),
      screenOf(rhJoint.id),
    ]);
    if (!hipsScreen || !lh || !rh) throw new Error('joints are not on screen');
    const pxPerUnit = (lh.x - rh.x) / (lhJoint.restPosition[0] - rhJoint.restPosition[0]);
    const toScreen = (xPx: number, yPx: number) => ({
      x: hipsScreen.x + (xPx - FIGURE.width / 2 - hips[0]) * pxPerUnit,
      y: hipsScreen.y - (FIGURE.height / 2 - yPx - hips[1]) * pxPerUnit,
    });

    await page.getByTestId('fit-hint-dismiss').click();
    await page.keyboard.press('b');
    for (let i = 0; i < 3; i++) await page.keyboard.press(']');
    const from = toScreen(300, 420);
    const to = toScreen(360, 420);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => window.__keyposeDebug?.getState().canUndo === true);
    const painted = await doc();
    expect(painted.characters[0]?.maskAssetId).not.toBe(before.characters[0]?.maskAssetId);
    expect(await maskAt(painted, 0, 330, 420)).toBe(255);
    // The figure elsewhere is unchanged, and the old mask asset is gone from the document.
    expect(await maskAt(painted, 0, 200, 200)).toBe(255);
    expect(await maskAt(painted, 0, 30, 30)).toBe(0);
    expect(Object.keys(painted.assets)).toHaveLength(2);
    // No joint was moved by the stroke.
    expect(painted.characters[0]?.skeleton).toEqual(before.characters[0]?.skeleton);

    // Alt-drag removes: carve the head's left edge.
    const head = toScreen(180, 100);
    await page.keyboard.down('Alt');
    await page.mouse.move(head.x, head.y);
    await page.mouse.down();
    await page.mouse.move(head.x + 2, head.y + 2, { steps: 2 });
    await page.mouse.up();
    await page.keyboard.up('Alt');
    await page.waitForFunction(
      (id) => window.__keyposeDebug?.getState().document?.characters[0]?.maskAssetId !== id,
      painted.characters[0]?.maskAssetId,
    );
    expect(await maskAt(await doc(), 0, 180, 100)).toBe(0);

    await page.keyboard.press('Control+z');
    expect((await doc()).characters[0]?.maskAssetId).toBe(painted.characters[0]?.maskAssetId);
    await page.keyboard.press('Control+z');
    const undone = await doc();
    expect(undone.characters[0]?.maskAssetId).toBe(before.characters[0]?.maskAssetId);
    expect(undone.assets).toEqual(before.assets);
    expect((await snapshot()).canUndo).toBe(false);
    await page.keyboard.press('b');
  });

  it('a second figure dropped on the window joins the scene as one undo step and both are saved', async () => {
    const bytes = await drawFigure('#c04848');
    await page.evaluate((base64) => {
      const binary = atob(base64);
      const array = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) array[i] = binary.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([array], 'red figure.png', { type: 'image/png' }));
      const app = document.querySelector('[data-testid=app]');
      app?.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
      app?.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes.toString('base64'));
    await waitForImportChoice();
    await page.getByTestId('import-add').click();
    await page.waitForFunction(() => window.__keyposeDebug?.getState().document?.characters.length === 2);

    const d = await doc();
    expect(d.name).toBe('figure');
    expect(d.characters.map((c) => c.name)).toEqual(['figure', 'red figure']);
    const [first, second] = d.characters;
    expect(second?.placement.offset[0]).toBeGreaterThan(0);
    expect(new Set(d.characters.map((c) => c.artAssetId)).size).toBe(2);
    // The new character is the active one: the outliner lists its joints, the list marks it.
    await expect(page.locator('[data-testid=character-item-1].active').count()).resolves.toBe(1);
    expect((await snapshot()).selectedJointId).toBeNull();
    // Its joints are its own: moving one leaves the first character alone.
    expect(joint(d, 1, 'LeftHand').restPosition[0]).toBeGreaterThan(0);
    expect(first?.skeleton).toEqual((await doc()).characters[0]?.skeleton);

    await page.keyboard.press('Control+z');
    expect((await doc()).characters).toHaveLength(1);
    await page.keyboard.press('Control+Shift+z');
    expect((await doc()).characters).toHaveLength(2);

    await page.keyboard.press('Control+s');
    await page.getByTestId('save-dialog').waitFor();
    await page.getByTestId('save-name-input').fill('Two figures');
    await page.getByTestId('save-confirm').click();
    await page.waitForFunction(() => window.__keyposeDebug?.getState().dirty === false);
    const files = (await readdir(studio.projectsDir)).filter((f) => f.endsWith('.keypose'));
    expect(files).toEqual(['Two figures.keypose']);
    const saved = JSON.parse(await readFile(join(studio.projectsDir, 'Two figures.keypose'), 'utf8'));
    expect(saved.characters.map((c: { name: string }) => c.name)).toEqual(['figure', 'red figure']);
    for (const c of saved.characters as { artAssetId: string; maskAssetId?: string }[]) {
      expect(saved.assets[c.artAssetId]).toBeDefined();
      if (c.maskAssetId) expect(saved.assets[c.maskAssetId]).toBeDefined();
    }
  });

  it('the characters list selects the active character and orders them in depth', async () => {
    await page.getByTestId('character-item-0').click();
    await expect(page.locator('[data-testid=character-item-0].active').count()).resolves.toBe(1);
    await page.getByTestId('character-forward').click();
    let d = await doc();
    expect(d.characters.map((c) => c.name)).toEqual(['red figure', 'figure']);
    // Still the same character, now in front.
    await expect(page.locator('[data-testid=character-item-1].active').count()).resolves.toBe(1);
    await page.keyboard.press('Control+z');
    d = await doc();
    expect(d.characters.map((c) => c.name)).toEqual(['figure', 'red figure']);
    await page.getByTestId('character-item-1').click();
    await page.getByTestId('placement-y').fill('-20');
    await page.getByTestId('placement-y').press('Enter');
    expect((await doc()).characters[1]?.placement.offset[1]).toBe(-20);
    await page.keyboard.press('Control+z');
    expect((await doc()).characters[1]?.placement.offset[1]).toBe(0);
  });

  it('Cancel stops the rig job: the dialog closes, no error, the project is unchanged', async () => {
    const before = await snapshot();
    const big = await sharp(await drawFigure('#30a060'))
      .resize(1600, 2000)
      .png()
      .toBuffer();
    await page
      .getByTestId('import-input')
      .setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
    await page.getByTestId('import-dialog').waitFor();
    // Cancel once the job has started on the host (the stage moves past reading the file).
    await page.waitForFunction(
      () => document.querySelector('[data-testid=import-stage]')?.textContent !== 'Reading the file',
    );
    await page.getByTestId('import-cancel').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.getByTestId('import-choice').count()).toBe(0);
    const after = await snapshot();
    expect(after.errors).toEqual([]);
    expect(after.document).toEqual(before.document);
  });

  it('a corrupt picture gets a clear error naming the file, and the project is unchanged', async () => {
    const before = await snapshot();
    const png = await drawFigure('#000000');
    await page.getByTestId('import-input').setInputFiles({
      name: 'broken.png',
      mimeType: 'image/png',
      buffer: Buffer.concat([png.subarray(0, 60), Buffer.from('this is not the rest of a PNG file')]),
    });
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toContain('broken.png');
    expect(await page.getByTestId('import-dialog').count()).toBe(0);
    const after = await snapshot();
    expect(after.document).toEqual(before.document);
    expect(after.dirty).toBe(before.dirty);
    expect(after.canUndo).toBe(before.canUndo);
    await page.getByTestId('error-dismiss').click();
  });

  it('shows both characters, the inactive one dimmed (screenshot in docs/characters.png)', async () => {
    // Fit mode shows every character's own art (Pose mode shows the active one's rendered frame).
    await page.keyboard.press('f');
    await page.keyboard.press('c');
    await page.mouse.move(5, 5);
    const figures = async () => {
      const data = await viewportRgb(page);
      return {
        blue: countPixels(
          data,
          (r, g, b) => Math.abs(r - 0x30) < 20 && Math.abs(g - 0x60) < 20 && Math.abs(b - 0xc0) < 20,
        ),
        red: countPixels(
          data,
          (r, g, b) => Math.abs(r - 0xc0) < 20 && Math.abs(g - 0x48) < 20 && Math.abs(b - 0x48) < 20,
        ),
      };
    };
    // Both figures are on screen (once both arts are decoded and drawn).
    const { blue, red } = await until(figures, (f) => f.blue > 500 && f.red > 500, 'both figures are drawn');
    expect(blue).toBeGreaterThan(500);
    expect(red).toBeGreaterThan(500);
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await writeFile(SCREENSHOT, await page.screenshot());
  });

  it('File ▸ New from picture (Ctrl+N) starts a project from the rigged picture without asking where', async () => {
    await newProjectFromPicture(page, 'green.png', await drawFigure('#30a060'));
    const s = await snapshot();
    expect(s.document?.characters).toHaveLength(1);
    expect(s.projectPath).toBeNull();
    expect(s.canUndo).toBe(false);
    expect(s.mode).toBe('fit');
    expect(await page.getByTestId('import-choice').count()).toBe(0);
    await page.getByTestId('fit-hint').waitFor();
  });

  it('Import folder: an Animated Drawings folder keeps the skeleton from its char_cfg.yaml', async () => {
    const root = await mkdtemp(join(tmpdir(), 'keypose-e2e-ad-'));
    try {
      const folder = await writeAnimatedDrawingsFolder(join(root, 'hero'));
      // Other files, and a subfolder's copy of the config, are not sent (the host would refuse a
      // second char_cfg.yaml).
      await writeFile(join(folder, 'notes.txt'), 'drawn on paper');
      await mkdir(join(folder, 'old'));
      await copyFile(join(folder, 'char_cfg.yaml'), join(folder, 'old', 'char_cfg.yaml'));
      await page.getByTestId('import-folder-input').setInputFiles(folder);
      await waitForImportChoice();
      expect(await page.getByTestId('import-choice').textContent()).toMatch(/21 joints, taken from the file/);
      // Added to the open scene (no discard question), as the active character.
      await page.getByTestId('import-add').click();
      await page.waitForFunction(() => window.__keyposeDebug?.getState().document?.characters.length === 2);
      const d = await doc();
      expect(d.characters[1]?.name).toBe('hero');
      expect(d.assets[d.characters[1]!.artAssetId]).toMatchObject({ width: 100, height: 160 });
      // The YAML's left_hand at image (90, 56) in a 100x160 picture -> character space (40, 24).
      const leftHand = joint(d, 1, 'LeftHand').restPosition;
      expect(leftHand[0]).toBeCloseTo(40, 5);
      expect(leftHand[1]).toBeCloseTo(24, 5);
      expect(joint(d, 1, 'RightFoot').restPosition[1]).toBeCloseTo(80 - 148, 5);
      await page.getByTestId('fit-hint').waitFor();
      expect(await page.getByTestId('fit-hint').textContent()).toMatch(
        /hero: (humanoid )?skeleton taken from the file\./,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a folder dropped on the window is read through its directory entry and imported', async () => {
    const root = await mkdtemp(join(tmpdir(), 'keypose-e2e-ad-'));
    try {
      const folder = await writeAnimatedDrawingsFolder(join(root, 'dropped'));
      const files = await Promise.all(
        ['char_cfg.yaml', 'texture.png', 'mask.png'].map(async (name) => ({
          name,
          base64: (await readFile(join(folder, name))).toString('base64'),
        })),
      );
      await page.evaluate((sent) => {
        const toFile = ({ name, base64 }: { name: string; base64: string }) =>
          new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name);
        const fileEntry = (file: File) => ({
          isFile: true,
          isDirectory: false,
          name: file.name,
          file: (ok: (f: File) => void) => ok(file),
        });
        // A directory entry as Chromium gives one for a dropped folder; readEntries hands out its
        // entries in batches (here one file per call, plus a file that is not needed) until empty.
        const entries = [...sent.map(toFile), new File(['x'], 'notes.txt')].map(fileEntry);
        const directory = {
          isFile: false,
          isDirectory: true,
          name: 'dropped',
          createReader: () => ({ readEntries: (ok: (batch: unknown[]) => void) => ok(entries.splice(0, 1)) }),
        };
        const transfer = new DataTransfer();
        transfer.items.add(new File([], 'dropped'));
        // Synthetic drags carry no file-system entries: during this drop (the app asks for the
        // entry synchronously in its drop handler) the item answers with the folder's.
        const proto = DataTransferItem.prototype;
        const original = Object.getOwnPropertyDescriptor(proto, 'webkitGetAsEntry');
        Object.defineProperty(proto, 'webkitGetAsEntry', { value: () => directory, configurable: true });
        try {
          const app = document.querySelector('[data-testid=app]');
          app?.dispatchEvent(
            new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
          );
          app?.dispatchEvent(
            new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
          );
        } finally {
          if (original) Object.defineProperty(proto, 'webkitGetAsEntry', original);
        }
      }, files);
      await page.getByTestId('import-choice').waitFor({ timeout: 60_000 });
      await page.getByTestId('import-add').click();
      await page.waitForFunction(() => window.__keyposeDebug?.getState().document?.characters.length === 3);
      const d = await doc();
      expect(d.characters[2]?.name).toBe('dropped');
      expect(joint(d, 2, 'LeftHand').restPosition[0]).toBeCloseTo(40, 5);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('showed no page errors and logged no console errors', async () => {
    expect(errors.page).toEqual([]);
    expect(errors.console).toEqual([]);
  });
});
