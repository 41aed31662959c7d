import { describe, expect, it } from 'vitest';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import type { Skeleton } from '../../../core/skeleton/types.js';
import { fitHumanoidToMask } from '../../../inference/rigging/fit.js';
import { computeMask } from '../../../inference/rigging/mask.js';
import { drawHumanoid, renderOnPaper, type SyntheticFigure, trueMask } from './syntheticFigure.js';

/** Largest joint error as a fraction of the figure's height, and which joint. */
function worstError(figure: SyntheticFigure, skeleton: Skeleton): { error: number; joint: string } {
  const heightPx = figure.bottomPx - figure.topPx;
  let worst = { error: 0, joint: '' };
  for (const joint of skeleton.joints) {
    const truth = figure.joints[joint.name];
    if (!truth) continue;
    const x = joint.restPosition[0] + figure.width / 2;
    const y = figure.height / 2 - joint.restPosition[1];
    const error = Math.hypot(x - truth[0], y - truth[1]) / heightPx;
    if (error > worst.error) worst = { error, joint: joint.name };
  }
  return worst;
}

describe('fitHumanoidToMask', () => {
  const cases = [
    { name: 'T-pose, centred', width: 400, height: 400, figureHeightPx: 340, armAngleDeg: 0 },
    { name: 'A-pose 35 deg', width: 400, height: 400, figureHeightPx: 340, armAngleDeg: 35 },
    {
      name: 'A-pose 45 deg, portrait picture',
      width: 360,
      height: 520,
      figureHeightPx: 430,
      armAngleDeg: 45,
    },
    {
      name: 'A-pose 20 deg, landscape picture',
      width: 560,
      height: 380,
      figureHeightPx: 330,
      armAngleDeg: 20,
    },
    {
      name: 'cartoon proportions (head 40% of the height), T-pose',
      width: 400,
      height: 400,
      figureHeightPx: 340,
      armAngleDeg: 0,
      chibi: true,
    },
    {
      name: 'cartoon proportions, A-pose 30 deg',
      width: 400,
      height: 400,
      figureHeightPx: 340,
      armAngleDeg: 30,
      chibi: true,
    },
  ];
  for (const c of cases) {
    it(`places every joint within 4% of the figure's height (${c.name})`, () => {
      const figure = drawHumanoid(c);
      const fit = fitHumanoidToMask(trueMask(figure));
      const { error, joint } = worstError(figure, fit.skeleton);
      expect(error, `worst joint ${joint}`).toBeLessThan(0.04);
      expect(fit.sources.LeftHand).toBe('outline');
      expect(fit.sources.RightUpLeg).toBe('outline');
    });
  }

  it('fits from a mask separated from paper, end to end', () => {
    const figure = drawHumanoid({ width: 400, height: 400, figureHeightPx: 340, armAngleDeg: 10 });
    const { mask } = computeMask(renderOnPaper(figure, 11), false);
    const { error, joint } = worstError(figure, fitHumanoidToMask(mask).skeleton);
    expect(error, `worst joint ${joint}`).toBeLessThan(0.04);
  });

  it("keeps the default humanoid's joints, names, hierarchy and depth", () => {
    const figure = drawHumanoid({ width: 300, height: 300, figureHeightPx: 260 });
    const fit = fitHumanoidToMask(trueMask(figure));
    const template = createDefaultHumanoid({ heightPx: fit.figureHeightPx });
    expect(fit.skeleton.joints.map((j) => [j.id, j.parentId])).toEqual(
      template.joints.map((j) => [j.id, j.parentId]),
    );
    expect(fit.skeleton.joints.map((j) => j.restPosition[2])).toEqual(
      template.joints.map((j) => j.restPosition[2]),
    );
  });

  it('falls back to the template where the outline shows no feature (a blob)', () => {
    const mask = { width: 100, height: 200, data: new Uint8Array(100 * 200) };
    for (let y = 20; y < 180; y++) for (let x = 35; x < 65; x++) mask.data[y * 100 + x] = 1;
    const fit = fitHumanoidToMask(mask);
    expect(fit.sources.LeftHand).toBe('template');
    expect(fit.sources.LeftLeg).toBe('template');
    expect(fit.figureHeightPx).toBe(160);
    for (const j of fit.skeleton.joints) expect(j.restPosition.every(Number.isFinite)).toBe(true);
  });
});
