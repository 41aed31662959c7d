import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type EditorSession, openEditorSession } from './harness.js';

let session: EditorSession;
let page: Page;
beforeAll(async () => {
  session = await openEditorSession();
  page = session.page;
  await page.getByTestId('joint-item-LeftForeArm').waitFor();
});
afterAll(async () => {
  await session?.close();
});
const val = async (id: string) => Number(await page.getByTestId(id).inputValue());
async function typeInto(testId: string, value: string) {
  const f = page.getByTestId(testId);
  await f.fill(value);
  await f.press('Enter');
}
const doc = () => page.evaluate(() => window.__keyposeDebug?.getState().document) as Promise<any>;

it('vec3 fields, command buttons, modal', async () => {
  await page.getByTestId('joint-item-LeftForeArm').click();
  await typeInto('rot-x', '20');
  expect(await val('rot-x')).toBeCloseTo(20, 1);
  // label drag on rot-y: 40 px * 0.5 deg
  const label = page.getByTestId('rot-y').locator('xpath=preceding-sibling::label');
  const box = (await label.boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + 5 + i * 5, box.y + 5);
  await page.mouse.up();
  expect(await val('rot-y')).toBeCloseTo(20, 0);
  expect(await val('rot-x')).toBeCloseTo(20, 0);
  const st = () => page.evaluate(() => { const s = window.__keyposeDebug?.getState() as any; return { canUndo: s.canUndo, keys: JSON.stringify(s.document.characters[0].motion.rotations[s.selectedJointId]) }; });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.getByTestId('btn-undo').click();
  await page.waitForTimeout(300);
  expect(await val('rot-y')).toBeCloseTo(0, 1);
  expect(await val('rot-x')).toBeCloseTo(20, 1);
  await page.getByTestId('btn-redo').click();
  expect(await val('rot-y')).toBeCloseTo(20, 0);

  await typeInto('root-x', '15');
  expect(await val('root-x')).toBeCloseTo(15, 1);
  const d1 = await doc();
  expect(d1.characters[0].motion.rootTranslation.at(-1).value[0]).toBeCloseTo(15, 5);

  await page.getByTestId('mode-fit').click();
  const before = await val('rest-x');
  await typeInto('rest-x', String(before + 5));
  const d2 = await doc();
  const j = d2.characters[0].skeleton.joints.find((x: any) => x.name === 'LeftForeArm');
  expect(j.restPosition[0]).toBeCloseTo(before + 5, 0);
  expect(await val('rest-x')).toBeCloseTo(before + 5, 0);

  await page.getByTestId('btn-help').click();
  const help = page.getByTestId('help-panel');
  await help.waitFor();
  expect(await help.getAttribute('aria-label')).toBe('Keyboard shortcuts');
  expect(await help.getAttribute('class')).toBe('modal help-panel');
  expect(await help.locator('h2').textContent()).toBe('Keyboard shortcuts and controls');
  await help.getByLabel('Close').click();
  expect(await page.getByTestId('help-panel').count()).toBe(0);
  expect(session.errors.page).toEqual([]);
  expect(session.errors.console).toEqual([]);
});
