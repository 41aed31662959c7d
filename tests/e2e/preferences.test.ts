import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorPreferences } from '../../renderer/state/preferences.js';
import { type EditorSession, openEditorSession, waitForSampleProject } from './harness.js';

/**
 * Preferences (docs/state.md) in the real editor: choices made through the UI survive a reload of
 * the page (localStorage), shown by the controls as well as held by the editor; a new browser
 * profile starts from the defaults.
 */

let session: EditorSession;

beforeAll(async () => {
  session = await openEditorSession();
});

afterAll(async () => {
  await session?.close();
});

const preferences = () =>
  session.page.evaluate(() => window.__keyposeDebug?.getState().preferences) as Promise<EditorPreferences>;

describe('editor preferences (Chromium, studio)', () => {
  it('start from the defaults in a new profile', async () => {
    expect(await preferences()).toEqual({
      onionSkin: false,
      newKeyInterpolation: 'linear',
      showFrames: true,
      fitMirror: false,
      gizmo: 'rotate',
    });
  });

  it('onion skin, new-key interpolation and frames-or-art survive a reload', async () => {
    const { page } = session;
    await page.mouse.move(5, 5);
    await page.keyboard.press('o');
    await page.getByTestId('interp-select').selectOption('step');
    await page.keyboard.press('v');
    await page.waitForFunction(() => window.__keyposeDebug?.getState().preferences.showFrames === false);
    expect(await preferences()).toMatchObject({
      onionSkin: true,
      newKeyInterpolation: 'step',
      showFrames: false,
    });

    await page.reload();
    await waitForSampleProject(page);
    expect(await preferences()).toMatchObject({
      onionSkin: true,
      newKeyInterpolation: 'step',
      showFrames: false,
    });
    // The controls show them too.
    expect(await page.getByTestId('interp-select').inputValue()).toBe('step');
    expect(await page.getByTestId('btn-onion').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('btn-show-art').getAttribute('aria-pressed')).toBe('true');
    // Session state does not: the editor is back in Pose mode with nothing selected.
    const state = await page.evaluate(() => window.__keyposeDebug?.getState());
    expect(state?.mode).toBe('pose');
    expect(state?.selectedJointId).toBeNull();
    // And a key made now gets the remembered interpolation.
    await page.getByTestId('joint-item-LeftForeArm').click();
    await page.getByTestId('frame-input').fill('3');
    await page.getByTestId('frame-input').press('Enter');
    await page.getByTestId('rot-z').fill('25');
    await page.getByTestId('rot-z').press('Enter');
    const key = await page.evaluate(() =>
      window.__keyposeDebug
        ?.getState()
        .document?.characters[0]?.motion.rotations.LeftForeArm?.find((k) => k.frame === 3),
    );
    expect(key?.interpolation).toBe('step');
  });

  it('threw no page errors and logged no console errors', async () => {
    expect(session.errors.page).toEqual([]);
    expect(session.errors.console).toEqual([]);
  });
});
