import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import { buildPartHints, jointsForPartName } from '../../../inference/rigging/partHints.js';
import { segmentParts } from '../../../inference/rigging/parts/segment.js';
import { type RigProgress, rigCharacter } from '../../../inference/rigging/rigCharacter.js';
import { RiggingError } from '../../../inference/rigging/types.js';
import { tPoseFigurePng } from '../../fixtures/tPoseFigure.js';
import { drawHumanoid, renderOnPaper, renderWithAlpha } from './syntheticFigure.js';

describe('rigCharacter', () => {
  it('runs mask -> fit with increasing progress and named stages (no skin weights)', async () => {
    const figure = drawHumanoid({ width: 320, height: 320, figureHeightPx: 280 });
    const progress: RigProgress[] = [];
    const startMs = performance.now();
    const result = await rigCharacter(
      { image: renderOnPaper(figure, 5), hasAlpha: false },
      // The silhouette fit (the pose-model choice is tested in poseFit.test.ts).
      { onProgress: (p) => progress.push(p), poseModel: 'off' },
    );
    expect(result.maskSource).toBe('background');
    expect(result.fit?.sources.LeftHand).toBe('outline');
    // The frame engine renders layered parts built from the skeleton: the rig computes no weights.
    expect(result).not.toHaveProperty('weights');
    const fractions = progress.map((p) => p.fraction);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++)
      expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
    expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(['mask', 'fit', 'done']));
    // Stage durations, not time stamps: each is a real duration and together they fit in the call.
    const wallMs = performance.now() - startMs;
    const stages = Object.values(result.timingsMs);
    expect(Object.keys(result.timingsMs).sort()).toEqual(['fit', 'mask']);
    for (const ms of stages) expect(Number.isFinite(ms) && ms >= 0, `stage time ${ms}`).toBe(true);
    expect(result.timingsMs.mask).toBeGreaterThan(0);
    expect(stages.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(wallMs);
  });

  it('rigs an outlined drawing whose legs are drawn close together as a humanoid, one leg each', async () => {
    // Dark outlines close the 8-unit gap between the legs to about 4 px of paper at 480×600: the
    // mask once welded them and the fit chose a chain skeleton.
    const png = await tPoseFigurePng({
      fill: '#d04a3a',
      stroke: { colour: '#1a1a1a', width: 4 },
      pixels: { width: 480, height: 600 },
    });
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { width: info.width, height: info.height, data: new Uint8Array(data) };
    const result = await rigCharacter({ image, hasAlpha: false }, { poseModel: 'off' });
    expect(result.fit?.template).toBe('humanoid');
    const x = (name: string) => result.skeleton.joints.find((j) => j.name === name)!.restPosition[0];
    // The legs' centres are 38 px apart (x = 221 and 259 px).
    expect(x('LeftFoot') - x('RightFoot')).toBeGreaterThan(25);
  });

  it('uses a skeleton it is given (an AD rig) instead of fitting one', async () => {
    const figure = drawHumanoid({ width: 200, height: 200, figureHeightPx: 170 });
    const skeleton = createDefaultHumanoid({ heightPx: 170 });
    const result = await rigCharacter({ image: renderWithAlpha(figure), hasAlpha: true, skeleton });
    expect(result.fit).toBeUndefined();
    expect(result.skeleton).toBe(skeleton);
    expect(result.maskSource).toBe('alpha');
  });

  it('stops when cancelled: before it starts, and between stages', async () => {
    const figure = drawHumanoid({ width: 200, height: 200, figureHeightPx: 170 });
    const image = renderWithAlpha(figure);
    const before = new AbortController();
    before.abort();
    await expect(rigCharacter({ image, hasAlpha: true }, { signal: before.signal })).rejects.toMatchObject({
      code: 'cancelled',
    });
    const during = new AbortController();
    const stages: string[] = [];
    const error = await rigCharacter(
      { image, hasAlpha: true },
      {
        signal: during.signal,
        onProgress: (p) => {
          stages.push(p.stage);
          if (p.stage === 'fit') during.abort();
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RiggingError);
    expect((error as RiggingError).code).toBe('cancelled');
    expect(stages).not.toContain('done');
  });

  it('rejects pixels that do not match the size', async () => {
    await expect(
      rigCharacter({ image: { width: 10, height: 10, data: new Uint8Array(7) }, hasAlpha: true }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('applies PSD-style layers as part hints', async () => {
    const figure = drawHumanoid({ width: 200, height: 200, figureHeightPx: 170 });
    const image = renderWithAlpha(figure);
    // A "left arm" layer covering the right third of the picture (the character's left side).
    const layerImage = { width: 70, height: 200, data: new Uint8Array(70 * 200 * 4).fill(255) };
    const result = await rigCharacter({
      image,
      hasAlpha: true,
      layers: [{ name: 'Left Arm', left: 130, top: 0, image: layerImage }],
    });
    expect(result.partHints?.parts[0]?.jointIds).toEqual(['LeftArm', 'LeftForeArm', 'LeftHand']);
    // The parts rig keeps every hinted figure pixel in the left arm's chain.
    const labels = segmentParts({
      art: image,
      mask: result.mask.data,
      skeleton: result.skeleton,
      partHints: result.partHints,
    });
    const arm = new Set(
      ['LeftArm', 'LeftForeArm', 'LeftHand'].map((n) =>
        result.skeleton.joints.findIndex((j) => j.name === n),
      ),
    );
    let hinted = 0;
    for (let y = 0; y < 200; y++) {
      for (let x = 130; x < 200; x++) {
        const p = y * 200 + x;
        if (!result.mask.data[p]) continue;
        hinted++;
        expect(arm.has(labels[p]!), `pixel ${x},${y}`).toBe(true);
      }
    }
    expect(hinted).toBeGreaterThan(100);
  });
});

describe('part names', () => {
  const skeleton = createDefaultHumanoid();
  const names = (layer: string) => jointsForPartName(layer, skeleton).map(String);
  it('maps layer names to joints', () => {
    expect(names('left arm')).toEqual(['LeftArm', 'LeftForeArm', 'LeftHand']);
    expect(names('R_forearm')).toEqual(['RightForeArm']);
    expect(names('LeftUpperArm')).toEqual(['LeftArm']);
    expect(names('Head')).toEqual(['Head']);
    expect(names('hair back')).toEqual(['Head']);
    expect(names('Torso')).toEqual(['Chest', 'Spine']);
    expect(names('right shoe')).toEqual(['RightFoot', 'RightToeBase']);
    expect(names('leg.L')).toEqual(['LeftUpLeg', 'LeftLeg', 'LeftFoot', 'LeftToeBase']);
    expect(names('left arm/sleeve')).toEqual(['LeftArm', 'LeftForeArm', 'LeftHand']);
    expect(names('legs/R_leg')).toEqual(['RightUpLeg', 'RightLeg', 'RightFoot', 'RightToeBase']);
    expect(names('shading')).toEqual([]);
    // A sided part without a side is ambiguous: no hint rather than a wrong one.
    expect(names('arm')).toEqual([]);
  });

  it('gives overlapping pixels to the topmost named layer', () => {
    const square = (size: number) => ({
      width: size,
      height: size,
      data: new Uint8Array(size * size * 4).fill(255),
    });
    const hints = buildPartHints(
      [
        { name: 'body', left: 0, top: 0, image: square(10) },
        { name: 'shading', left: 0, top: 0, image: square(10) },
        { name: 'head', left: 5, top: 5, image: square(10) },
      ],
      12,
      12,
      skeleton,
    )!;
    expect(hints.parts.map((p) => p.name)).toEqual(['body', 'head']);
    expect(hints.owner[0]).toBe(0);
    expect(hints.owner[6 * 12 + 6]).toBe(1);
    expect(hints.owner[11 * 12 + 11]).toBe(1);
    expect(hints.owner[11 * 12 + 0]).toBe(-1);
  });
});
