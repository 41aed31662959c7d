import { expect, it } from 'vitest';
import { fitHumanoidToMask } from '../../../inference/rigging/fit.js';
import { computeMask, maskFromAlpha, maskIoU } from '../../../inference/rigging/mask.js';
import { describeIfAvailable } from '../../requirements.js';
import { CHROMIUM_PATH, chromiumAvailable, type RenderedFigure, withFigureRenderer } from './threeFigure.js';

/**
 * The fit on pictures it was not designed around: a shaded three.js humanoid rendered in headless
 * Chromium (on white, or on transparency), whose true joints come from the scene.
 */
const CASES = [
  { width: 480, height: 480, figureHeightPx: 420, armAngleDeg: 0, transparent: false },
  { width: 480, height: 480, figureHeightPx: 420, armAngleDeg: 30, transparent: false },
  { width: 400, height: 560, figureHeightPx: 480, armAngleDeg: 45, transparent: true },
  { width: 640, height: 480, figureHeightPx: 400, armAngleDeg: 15, transparent: true },
];

function worstError(render: RenderedFigure, fit: ReturnType<typeof fitHumanoidToMask>) {
  const heightPx = render.bottomPx - render.topPx;
  let worst = { error: 0, joint: '' };
  for (const joint of fit.skeleton.joints) {
    const truth = render.joints[joint.name];
    if (!truth) continue;
    const x = joint.restPosition[0] + render.image.width / 2;
    const y = render.image.height / 2 - joint.restPosition[1];
    const error = Math.hypot(x - truth[0], y - truth[1]) / heightPx;
    if (error > worst.error) worst = { error, joint: joint.name };
  }
  return worst;
}

describeIfAvailable(chromiumAvailable, `Chromium (${CHROMIUM_PATH}; KEYPOSE_CHROMIUM)`)(
  'fit on a three.js humanoid rendered in Chromium',
  () => {
    it('places every joint within 4% of the figure height (T-pose and A-poses, on white and on alpha)', async () => {
      const results = await withFigureRenderer(async (render) => {
        const out: { name: string; error: number; joint: string }[] = [];
        for (const c of CASES) {
          const rendered = await render(c);
          const { mask, source } = computeMask(rendered.image, c.transparent);
          expect(source).toBe(c.transparent ? 'alpha' : 'background');
          const fit = fitHumanoidToMask(mask);
          expect(Math.abs(fit.figureHeightPx - (rendered.bottomPx - rendered.topPx))).toBeLessThan(4);
          out.push({
            name: `${c.armAngleDeg} deg ${c.transparent ? 'alpha' : 'white'}`,
            ...worstError(rendered, fit),
          });
        }
        return out;
      });
      for (const r of results) expect(r.error, `${r.name}: worst joint ${r.joint}`).toBeLessThan(0.04);
    });

    it('separates the rendered figure from white with IoU >= 0.95 against its own alpha', async () => {
      const ious = await withFigureRenderer(async (render) => {
        const out: number[] = [];
        for (const armAngleDeg of [0, 30]) {
          const opts = { width: 480, height: 480, figureHeightPx: 420, armAngleDeg };
          const onWhite = await render({ ...opts, transparent: false });
          const truth = maskFromAlpha((await render({ ...opts, transparent: true })).image, 128);
          out.push(maskIoU(computeMask(onWhite.image, false).mask, truth));
        }
        return out;
      });
      for (const iou of ious) expect(iou).toBeGreaterThanOrEqual(0.95);
    });
  },
);
