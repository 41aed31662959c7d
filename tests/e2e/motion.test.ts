import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../core/document/schema.js';
import type { KeyposeMotionDebug } from '../../renderer/motion/debug.js';
import { CMU_HIP, smoothMotion, writeConventionBvh } from '../core/motion/conventions.js';
import { type EditorSession, openEditorSession, type PageErrors, screenshotPath } from './harness.js';

/**
 * Motion in the editor, in headless Chromium against the real studio: import a CMU BVH through
 * Import motion… (the mapping panel: check and change pairs), play it, drag a hand with IK,
 * box-select keys and move them, change a bezier handle in the graph editor, apply a library
 * motion, see the onion skin of generated frames; every step one undo step, undone.
 */

let session: EditorSession;
let page: Page;
let errors: PageErrors;

const BVH = writeConventionBvh(CMU_HIP, smoothMotion(CMU_HIP, 240, 4, 25));

/** The motion UI's debug hook (renderer/motion/debug.ts) as the page exposes it. */
type MotionDebugWindow = { __keyposeMotion?: KeyposeMotionDebug };

const snapshot = async () => {
  const s = await page.evaluate(() => window.__keyposeDebug?.getState());
  if (!s) throw new Error('window.__keyposeDebug is missing');
  return s;
};
const motionOf = async () => ((await snapshot()).document as ProjectDocument).characters[0]!.motion;
const framesOf = async (joint: string) => ((await motionOf()).rotations[joint] ?? []).map((k) => k.frame);
const screenOf = async (joint: string) => {
  const p = await page.evaluate((j) => window.__keyposeDebug?.jointScreenPosition(j) ?? null, joint);
  if (!p) throw new Error(`${joint} is not on screen`);
  return p;
};

async function typeInto(testId: string, value: string): Promise<void> {
  const field = page.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

async function undoToStart(): Promise<void> {
  for (let i = 0; i < 20 && (await snapshot()).canUndo; i++) await page.keyboard.press('Control+z');
  expect((await snapshot()).canUndo).toBe(false);
}

beforeAll(async () => {
  session = await openEditorSession();
  ({ page, errors } = session);
  await page.getByTestId('joint-item-LeftForeArm').waitFor();
});

afterAll(async () => {
  await session?.close();
});

describe('motion in the editor', () => {
  it('imports a BVH through Import motion…: the mapping panel, a changed pair, Apply, undo', async () => {
    const original = await motionOf();
    await page
      .getByTestId('motion-input')
      .setInputFiles({ name: 'cmu.bvh', mimeType: 'text/plain', buffer: Buffer.from(BVH) });
    await page.getByTestId('motion-mapping').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('motion-summary').textContent()).toMatch(
      /23 joints, 240 frames at 120 fps/,
    );
    // Names, synonyms and sides: CMU's lShldr is the upper arm, lCollar the clavicle, rShin the leg.
    expect(await page.getByTestId('map-select-LeftArm').inputValue()).toBe('lShldr');
    expect(await page.getByTestId('map-select-LeftShoulder').inputValue()).toBe('lCollar');
    expect(await page.getByTestId('map-select-RightLeg').inputValue()).toBe('rShin');
    expect(await page.getByTestId('map-select-Chest').inputValue()).toBe('chest');
    const mapped = await page.getByTestId('motion-mapped-count').textContent();
    // Any pair can be changed: the head follows nothing now.
    await page.getByTestId('map-select-Head').selectOption('');
    expect(await page.getByTestId('motion-mapped-count').textContent()).not.toBe(mapped);
    await page.screenshot({ path: screenshotPath('motion-mapping.png') });
    // Enter in a field would apply at once (the panel is a form); fill, then click Apply.
    await page.getByTestId('motion-start').fill('0');
    await page.getByTestId('motion-import-apply').click();
    await page.getByTestId('motion-import-dialog').waitFor({ state: 'detached' });

    const s = await snapshot();
    expect(s.errors).toEqual([]);
    const motion = (s.document as ProjectDocument).characters[0]!.motion;
    // 2 s at 120 fps onto the sample's 24 fps: frames 0-48, reduced to fewer keys than frames.
    const lowerArm = motion.rotations.LeftForeArm!.map((k) => k.frame);
    expect(Math.max(...lowerArm)).toBe(48);
    expect(lowerArm.length).toBeLessThan(49);
    expect(motion.rotations.Head!.map((k) => k.frame)).toEqual(original.rotations.Head!.map((k) => k.frame));
    expect((s.document as ProjectDocument).durationFrames).toBe(49);
    // One undo step takes it all back.
    await page.keyboard.press('Control+z');
    expect(await motionOf()).toEqual(original);
    await page.keyboard.press('Control+Shift+z');
    expect((await framesOf('LeftForeArm')).at(-1)).toBe(48);
  });

  it('plays the imported motion', async () => {
    await page.keyboard.press('Home');
    const before = await screenOf('LeftHand');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => (window.__keyposeDebug?.getState().frame ?? 0) >= 6, undefined, {
      timeout: 30_000,
    });
    await page.keyboard.press('Space');
    const s = await snapshot();
    expect(s.playing).toBe(false);
    const after = await screenOf('LeftHand');
    expect(Math.hypot(after.x - before.x, after.y - before.y)).toBeGreaterThan(2);
  });

  it('drags a hand with IK: the hand lands on the pointer, the arm is keyed; undo', async () => {
    await typeInto('frame-input', '20');
    await page.keyboard.press('e');
    expect(await page.evaluate(() => (window as MotionDebugWindow).__keyposeMotion?.ikDrag())).toBe(true);
    const armBefore = await framesOf('LeftArm');
    const hand = await screenOf('LeftHand');
    const shoulder = await screenOf('LeftArm');
    // Towards the shoulder: a bend, well within reach.
    const target = { x: hand.x + (shoulder.x - hand.x) * 0.3, y: hand.y + 40 };
    await page.mouse.move(hand.x, hand.y);
    await page.mouse.down();
    await page.mouse.move((hand.x + target.x) / 2, (hand.y + target.y) / 2, { steps: 4 });
    await page.mouse.move(target.x, target.y, { steps: 4 });
    await page.mouse.up();
    const moved = await screenOf('LeftHand');
    expect(Math.hypot(moved.x - target.x, moved.y - target.y)).toBeLessThan(1.5);
    // The shoulder stayed; the upper and lower arm got keys at frame 20.
    const shoulderAfter = await screenOf('LeftArm');
    expect(Math.hypot(shoulderAfter.x - shoulder.x, shoulderAfter.y - shoulder.y)).toBeLessThan(0.5);
    expect(await framesOf('LeftArm')).toContain(20);
    expect(await framesOf('LeftForeArm')).toContain(20);
    await page.keyboard.press('Control+z');
    expect(await framesOf('LeftArm')).toEqual(armBefore);
    await page.keyboard.press('e');
  });

  it('pins the feet and drags the hips: the feet stay put; undo', async () => {
    await typeInto('frame-input', '8');
    for (const foot of ['LeftFoot', 'RightFoot']) {
      await page.getByTestId(`joint-item-${foot}`).click();
      await page.keyboard.press('Alt+p');
    }
    expect(await page.evaluate(() => (window as MotionDebugWindow).__keyposeMotion?.pins())).toEqual([
      'LeftFoot',
      'RightFoot',
    ]);
    const feet = [await screenOf('LeftFoot'), await screenOf('RightFoot')];
    const hips = await screenOf('Hips');
    await page.mouse.move(hips.x, hips.y);
    await page.mouse.down();
    await page.mouse.move(hips.x + 10, hips.y + 15, { steps: 3 });
    await page.mouse.move(hips.x + 20, hips.y + 30, { steps: 3 });
    await page.mouse.up();
    const moved = await screenOf('Hips');
    expect(Math.hypot(moved.x - hips.x - 20, moved.y - hips.y - 30)).toBeLessThan(1.5);
    const after = [await screenOf('LeftFoot'), await screenOf('RightFoot')];
    for (let i = 0; i < 2; i++)
      expect(Math.hypot(after[i]!.x - feet[i]!.x, after[i]!.y - feet[i]!.y)).toBeLessThan(0.5);
    expect(await framesOf('LeftUpLeg')).toContain(8);
    await page.keyboard.press('Control+z');
    for (const foot of ['LeftFoot', 'RightFoot']) {
      await page.getByTestId(`joint-item-${foot}`).click();
      await page.keyboard.press('Alt+p');
    }
    expect(await page.evaluate(() => (window as MotionDebugWindow).__keyposeMotion?.pins())).toEqual([]);
  });

  it('switches a hand to IK: dragging it keys its target, the blend is keyable; undo', async () => {
    await typeInto('frame-input', '30');
    await page.getByTestId('joint-item-LeftHand').click();
    await page.getByTestId('ik-switch').click();
    await page.getByTestId('tl-ik-LeftHand-key-30').waitFor();
    // Deselect, so the rotation gizmo around the selected hand does not take the press.
    await page.keyboard.press('Escape');
    const hand = await screenOf('LeftHand');
    const target = { x: hand.x - 25, y: hand.y + 25 };
    await page.mouse.move(hand.x, hand.y);
    await page.mouse.down();
    await page.mouse.move(target.x, target.y, { steps: 5 });
    await page.mouse.up();
    const moved = await screenOf('LeftHand');
    expect(Math.hypot(moved.x - target.x, moved.y - target.y)).toBeLessThan(1.5);
    const ik = (await motionOf()).ik?.LeftHand;
    expect(ik?.target.map((k) => k.frame)).toEqual([30]);
    // Blend 0 at frame 30: the hand goes back to its FK pose.
    await page.getByTestId('joint-item-LeftHand').click();
    await typeInto('ik-blend', '0');
    const fk = await screenOf('LeftHand');
    expect(Math.hypot(fk.x - hand.x, fk.y - hand.y)).toBeLessThan(1.5);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
    expect((await motionOf()).ik).toBeUndefined();
  });

  it('box-selects keys over two rows and moves them together; undo', async () => {
    await page.getByTestId('tl-fit').click();
    // The rows under the sticky summary row would put its diamonds (every key of a frame) in the box.
    await page.getByTestId('timeline-body').evaluate((el) => {
      el.scrollTop = 0;
    });
    const before = await motionOf();
    const upper = await page.getByTestId('tl-row-LeftArm').locator('.tl-track').boundingBox();
    const lower = await page.getByTestId('tl-row-LeftForeArm').locator('.tl-track').boundingBox();
    const ruler = await page.getByTestId('timeline-ruler').boundingBox();
    if (!upper || !lower || !ruler) throw new Error('timeline rows not on screen');
    const duration = (await snapshot()).document!.durationFrames;
    const xOf = (frame: number) => ruler.x + ((frame + 0.5) / duration) * ruler.width;
    // A box from frame 9.5 to 30.5 over LeftArm and LeftForeArm (the rows are next to each other in the list).
    const top = Math.min(upper.y, lower.y) + 2;
    const bottom = Math.max(upper.y + upper.height, lower.y + lower.height) - 2;
    await page.mouse.move(xOf(9.5), top);
    await page.mouse.down();
    await page.mouse.move(xOf(20), (top + bottom) / 2, { steps: 3 });
    await page.mouse.move(xOf(30.5), bottom, { steps: 3 });
    await page.screenshot({ path: screenshotPath('motion-box.png') });
    await page.mouse.up();
    const selected =
      (await page.evaluate(() => (window as MotionDebugWindow).__keyposeMotion?.selectedKeys())) ?? [];
    const inRange = (frames: number[]) => frames.filter((f) => f >= 10 && f <= 30);
    const expected =
      inRange(before.rotations.LeftArm!.map((k) => k.frame)).length +
      inRange(before.rotations.LeftForeArm!.map((k) => k.frame)).length;
    expect(selected.length).toBe(expected);
    expect(selected.every((r) => r.track === 'LeftArm' || r.track === 'LeftForeArm')).toBe(true);
    // Drag one of them 5 frames later: the whole selection moves.
    const first = selected.reduce((a, b) => (a.frame <= b.frame ? a : b));
    const key = page.getByTestId(`tl-row-${first.track}-key-${first.frame}`);
    const box = await key.boundingBox();
    if (!box) throw new Error('key not on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(xOf(first.frame + 2), box.y + box.height / 2, { steps: 3 });
    await page.mouse.move(xOf(first.frame + 5), box.y + box.height / 2, { steps: 3 });
    await page.mouse.up();
    const after = await motionOf();
    for (const ref of selected) {
      const track = after.rotations[ref.track]!;
      const original = before.rotations[ref.track]!.find((k) => k.frame === ref.frame)!;
      expect(track.find((k) => k.frame === ref.frame + 5)?.value, `${ref.track} ${ref.frame}`).toEqual(
        original.value,
      );
    }
    // Delete works on the selection too; undo both.
    await page.keyboard.press('Delete');
    expect((await motionOf()).rotations.LeftArm?.length ?? 0).toBeLessThan(after.rotations.LeftArm!.length);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    expect(await motionOf()).toEqual(before);
    await page.keyboard.press('Escape');
  });

  it('opens the graph editor and changes a bezier handle; undo', async () => {
    await page.getByTestId('joint-item-LeftForeArm').click();
    await page.keyboard.press('Shift+G');
    await page.getByTestId('graph-editor').waitFor();
    const before = await motionOf();
    const keys = before.rotations.LeftForeArm!;
    const handle = page.getByTestId(`graph-handle-out-${keys[0]!.frame}`);
    const box = await handle.boundingBox();
    if (!box) throw new Error('no handle on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 30, box.y + 15, { steps: 4 });
    await page.mouse.up();
    await page.screenshot({ path: screenshotPath('motion-graph.png') });
    const changed = (await motionOf()).rotations.LeftForeArm![0]!;
    expect(changed.interpolation).toBe('bezier');
    expect(changed.ease).toBeDefined();
    expect(changed.ease!.x1).not.toBeCloseTo(1 / 3, 3);
    expect(changed.value).toEqual(keys[0]!.value);
    await page.keyboard.press('Control+z');
    expect((await motionOf()).rotations.LeftForeArm![0]).toEqual(keys[0]);
    await page.getByTestId('btn-graph').click();
    await page.getByTestId('graph-editor').waitFor({ state: 'detached' });
  });

  it('applies a library motion with one click, previewed on the character; undo', async () => {
    const before = await motionOf();
    await page.keyboard.press('Home');
    await page.getByTestId('btn-library').click();
    await page.locator('[data-testid=library-preview-wave][data-ready=true]').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('motion-library.png') });
    await page.getByTestId('library-apply-wave').click();
    await page.getByTestId('motion-library').waitFor({ state: 'detached' });
    const s = await snapshot();
    expect(s.canUndo).toBe(true);
    expect(
      (s.document as ProjectDocument).characters[0]!.motion.rotations.RightForeArm!.length,
    ).toBeGreaterThan(3);
    await page.keyboard.press('Control+z');
    expect(await motionOf()).toEqual(before);
  });

  it('shows the generated frames of the previous and next key as onion skin', async () => {
    await undoToStart();
    await typeInto('frame-input', '18');
    await page.keyboard.press('o');
    // Keys at 12 and 24 around frame 18 (the sample's): their rendered frames are the ghosts. The
    // scheduler may still be replacing a key's frame (a draft by the full one), so wait until the
    // ghosts show the frames the cache holds for those keys now.
    const shown = await page.waitForFunction(
      () => {
        const onion = (window as MotionDebugWindow).__keyposeMotion?.onionFrames();
        const keys = [window.__keyposeFrames?.frameKey(12), window.__keyposeFrames?.frameKey(24)];
        const ok =
          onion?.previous?.frame === 12 &&
          onion?.next?.frame === 24 &&
          typeof keys[0] === 'string' &&
          onion.previous.key === keys[0] &&
          onion.next.key === keys[1];
        return ok ? { ghosts: [onion.previous?.key, onion.next?.key], keys } : false;
      },
      undefined,
      { timeout: 150_000 },
    );
    const { ghosts, keys } = (await shown.jsonValue()) as { ghosts: string[]; keys: string[] };
    expect(ghosts).toEqual(keys);
    expect(ghosts[0]).not.toBe(ghosts[1]);
    await page.screenshot({ path: screenshotPath('motion-onion.png') });
    await page.keyboard.press('o');
    expect(errors.page).toEqual([]);
    expect(errors.console.join('\n')).toBe('');
  });
});
