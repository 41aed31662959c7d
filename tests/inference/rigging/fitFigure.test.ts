import { describe, expect, it } from 'vitest';
import { templateOfSkeleton } from '../../../core/skeleton/templates.js';
import { computeMask } from '../../../inference/rigging/mask.js';
import { fitFigure } from '../../../inference/rigging/medial/fitFigure.js';
import { drawnFigures } from './testSet/drawings.js';
import { rasterise } from './testSet/raster.js';
import { figureSizePx, jointPixels, scoreFit } from './testSet/score.js';

/**
 * The medial-axis fit on the drawn test set (tests/inference/rigging/testSet): the right template
 * for every figure, and joints near the truth. Bounds are generous (the bench, bench/fit.bench.ts,
 * prints the actual errors); a fit that lost a limb, swapped sides or fell back to proportions
 * fails them.
 */
const figures = drawnFigures();

describe('fitFigure on drawings', () => {
  for (const figure of figures) {
    it(`${figure.name}: ${figure.template} template, joints near the truth`, async () => {
      const image = await rasterise(figure.svg);
      const { mask } = computeMask(image, false);
      const fit = fitFigure(mask);
      expect(fit.template).toBe(figure.template);
      expect(templateOfSkeleton(fit.skeleton)).toBe(figure.template);
      if (figure.template === 'chain') {
        expect(fit.skeleton.joints.length).toBeGreaterThan(3);
        return;
      }
      const score = scoreFit(
        figure.joints,
        jointPixels(fit.skeleton, image.width, image.height),
        figureSizePx(mask),
      );
      expect(score.missing).toEqual([]);
      expect(score.medianPct).toBeLessThan(4);
      const limit = figure.template === 'quadruped' ? 15 : 9;
      expect(score.worst.errorPct, `worst joint ${score.worst.joint}`).toBeLessThan(limit);
    });
  }

  it('keeps the template it is asked for', async () => {
    const figure = figures.find((f) => f.template === 'humanoid')!;
    const { mask } = computeMask(await rasterise(figure.svg), false);
    expect(fitFigure(mask, { template: 'chain' }).template).toBe('chain');
    expect(templateOfSkeleton(fitFigure(mask, { template: 'chain' }).skeleton)).toBe('chain');
    const forced = fitFigure(mask, { template: 'humanoid' });
    expect(forced.template).toBe('humanoid');
    expect(forced.templateReason).toContain('chosen');
  });

  it('puts the shoulders of arms drawn onto an oval body on the shoulder line, not at the armpit', async () => {
    // The arms' outlines leave these bodies well below the shoulders (an arm hanging, a waving
    // arm down the side): the pivot an animator wants is up at the top of the torso.
    for (const name of ['blobby waving, legs apart', 'blobby sitting', 'blobby A-pose, fists']) {
      const figure = figures.find((f) => f.name === name)!;
      const image = await rasterise(figure.svg);
      const { mask } = computeMask(image, false);
      const fitted = jointPixels(fitFigure(mask).skeleton, image.width, image.height);
      const size = figureSizePx(mask);
      for (const joint of ['LeftArm', 'RightArm', 'LeftShoulder', 'RightShoulder', 'Neck']) {
        const [x, y] = fitted[joint]!;
        const [tx, ty] = figure.joints[joint]!;
        expect(Math.hypot(x - tx, y - ty) / size, `${name}: ${joint}`).toBeLessThan(0.06);
      }
    }
  });

  it('places limbs along bent and raised limbs, not at T-pose proportions', async () => {
    const figure = figures.find((f) => f.name === 'stick bent arms, legs apart')!;
    const image = await rasterise(figure.svg);
    const { mask } = computeMask(image, false);
    const fitted = jointPixels(fitFigure(mask).skeleton, image.width, image.height);
    const size = figureSizePx(mask);
    for (const joint of ['LeftHand', 'RightHand', 'LeftForeArm', 'LeftFoot', 'RightLeg']) {
      const [x, y] = fitted[joint]!;
      const [tx, ty] = figure.joints[joint]!;
      expect(Math.hypot(x - tx, y - ty) / size, joint).toBeLessThan(0.06);
    }
  });
});
