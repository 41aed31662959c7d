import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCharacter } from '../../../host/import/importCharacter.js';
import { flattenPhotographedPage } from '../../../host/import/photo.js';
import { makeTempFolder, removeTempFolder } from '../../../host/jobs/tempFolders.js';
import { rigCharacter } from '../../../inference/rigging/rigCharacter.js';
import { RiggingError } from '../../../inference/rigging/types.js';
import { drawnFigures, withMarks } from '../../inference/rigging/testSet/drawings.js';
import { photograph } from '../../inference/rigging/testSet/photo.js';
import { rasterise } from '../../inference/rigging/testSet/raster.js';
import { figureSizePx, jointPixels, scoreFit } from '../../inference/rigging/testSet/score.js';

/**
 * Photos of drawings on paper (made in code: tests/inference/rigging/testSet/photo.ts): the page
 * is found and flattened, the light evened out, the figure (not the doodle beside it) rigged
 * with the right template; a page with no figure is a clear 'no-figure' error.
 */
let dir: string;
beforeAll(() => {
  dir = makeTempFolder('import');
});
afterAll(() => removeTempFolder(dir));

async function photoFile(name: string, svg: string, seed: number): Promise<string> {
  const drawing = await rasterise(svg);
  const photo = photograph(drawing, { width: 1200, height: 900, seed });
  const path = join(dir, `${name}.jpg`);
  const jpeg = await sharp(Buffer.from(photo.image.data), { raw: { width: 1200, height: 900, channels: 4 } })
    .removeAlpha()
    .jpeg({ quality: 90 })
    .toBuffer();
  await writeFile(path, jpeg);
  return path;
}

describe('photos of drawings on paper', () => {
  it('finds the page corners within 1% of the page size', async () => {
    const figure = drawnFigures()[0]!;
    const photo = photograph(await rasterise(figure.svg), { width: 1000, height: 750, seed: 11 });
    const page = await flattenPhotographedPage(photo.image);
    expect(page).not.toBeNull();
    const size = Math.hypot(
      photo.corners[2][0] - photo.corners[0][0],
      photo.corners[2][1] - photo.corners[0][1],
    );
    page!.corners.forEach(([x, y], i) => {
      const [tx, ty] = photo.corners[i]!;
      expect(Math.hypot(x - tx, y - ty) / size).toBeLessThan(0.01);
    });
    // Even light: paper near the shadowed and the lit corner both come out near white.
    const { rgba } = page!;
    const at = (fx: number, fy: number) => {
      const p = (Math.round(fy * (rgba.height - 1)) * rgba.width + Math.round(fx * (rgba.width - 1))) * 4;
      return (rgba.data[p]! + rgba.data[p + 1]! + rgba.data[p + 2]!) / 3;
    };
    expect(at(0.05, 0.5)).toBeGreaterThan(225);
    expect(at(0.95, 0.4)).toBeGreaterThan(215);
  });

  it('imports the flattened page as the art and rigs the figure, not the doodle', async () => {
    for (const name of ['stick arms raised', 'dog']) {
      const figure = withMarks(drawnFigures().find((f) => f.name === name)!);
      const path = await photoFile(name.replace(/\W+/g, '-'), figure.svg, 5);
      const imported = await importCharacter(path);
      expect(imported.flattenedPage).toBe(true);
      expect(imported.asset.mime).toBe('image/jpeg');
      const result = await rigCharacter(
        { image: imported.rgba, hasAlpha: imported.hasAlpha },
        { poseModel: 'off' },
      );
      expect(result.fit?.template).toBe(figure.template);
      // Truth on the flat page: the drawing's own pixels scaled to the flattened page.
      const sx = imported.rgba.width / figure.width;
      const sy = imported.rgba.height / figure.height;
      const truth = Object.fromEntries(
        Object.entries(figure.joints).map(([k, [x, y]]) => [k, [x * sx, y * sy] as [number, number]]),
      );
      const fitted = jointPixels(result.skeleton, imported.rgba.width, imported.rgba.height);
      const score = scoreFit(truth, fitted, figureSizePx(result.mask));
      expect(score.medianPct, name).toBeLessThan(5);
    }
  });

  it('leaves out a mark that the photo brought into contact with a hand (and says so)', async () => {
    // Seed 4 tilts the page so that the star beside the monster's upper hand touches it; fitted
    // with the star, the figure has eleven limb tips and is read as a free chain.
    const figure = withMarks(drawnFigures().find((f) => f.name === 'six-limbed monster')!);
    const path = await photoFile('monster-star', figure.svg, 4);
    const imported = await importCharacter(path);
    const result = await rigCharacter(
      { image: imported.rgba, hasAlpha: imported.hasAlpha },
      { poseModel: 'off' },
    );
    expect(result.fit?.template).toBe('six-limbed');
    expect(result.fit?.warnings.join(' ')).toContain('mark on the page');
    // The star's centre (withMarks draws it at 10% / 9% of the page) is out of the mask.
    const sx = imported.rgba.width / figure.width;
    const sy = imported.rgba.height / figure.height;
    const star =
      Math.round(0.09 * figure.height * sy) * result.mask.width + Math.round(0.1 * figure.width * sx);
    expect(result.mask.data[star]).toBe(0);
    const fitted = jointPixels(result.skeleton, imported.rgba.width, imported.rgba.height);
    const truth = Object.fromEntries(
      Object.entries(figure.joints).map(([k, [x, y]]) => [k, [x * sx, y * sy] as [number, number]]),
    );
    expect(scoreFit(truth, fitted, figureSizePx(result.mask)).medianPct).toBeLessThan(5);
  });

  it("a page with no figure is a 'no-figure' error, never a default skeleton", async () => {
    const blank = drawnFigures()[0]!;
    // The page with only the small marks on it (no figure).
    const empty = withMarks({
      ...blank,
      svg: blank.svg.replace(
        /<rect[^>]*\/>.*<\/svg>/s,
        '<rect width="100%" height="100%" fill="#ffffff"/></svg>',
      ),
    });
    const path = await photoFile('empty-page', empty.svg, 9);
    const imported = await importCharacter(path);
    expect(imported.flattenedPage).toBe(true);
    const error = await rigCharacter({ image: imported.rgba, hasAlpha: false }, { poseModel: 'off' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RiggingError);
    expect((error as RiggingError).code).toBe('no-figure');
    expect((error as RiggingError).message).toMatch(/no figure/);
  });
});
