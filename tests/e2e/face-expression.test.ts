import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EditorSession, openEditorSession } from './harness.js';

/**
 * Expressions from text in the real editor (studio, Chromium): an unknown word is named and changes
 * nothing; "sad" over frames 0–11 becomes face channel keys; Ctrl+Z takes them away in one step.
 */

let session: EditorSession;

beforeAll(async () => {
  session = await openEditorSession();
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const channels = () =>
  session.page.evaluate(() => {
    const c = window.__keyposeDebug?.getState()?.document?.characters[0];
    return c?.faceMotion?.channels ?? null;
  });

describe('expression from text in the Face section', () => {
  it('names an unknown word, keys "sad" over a range, and undoes it in one step', async () => {
    const { page } = session;
    await page.getByTestId('expression-text').fill('sad and grumpy');
    await page.getByTestId('expression-apply').click();
    await expect(page.getByTestId('expression-error').textContent()).resolves.toMatch(/"grumpy"/);
    expect(await channels()).toBeNull();

    await page.getByTestId('expression-text').fill('sad');
    await page.getByTestId('expression-to').fill('11');
    await page.getByTestId('expression-apply').click();
    await page.getByTestId('expression-done').waitFor();
    const keyed = await channels();
    const smile = keyed?.smile ?? [];
    expect(smile.filter((k) => k.frame >= 0 && k.frame <= 11).map((k) => k.value)).toEqual([-0.8, -0.8]);
    expect(keyed?.browRaiseL?.[0]?.value).toBeGreaterThan(0.4);

    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await channels())?.smile ?? null).toBeNull();
    expect(session.errors.page).toEqual([]);
  });
});
