import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../../core/render/types.js';
import { type RigResult, rigCharacter } from '../../../inference/rigging/rigCharacter.js';
import { drawHumanoid, renderOnPaper, renderWithAlpha } from './syntheticFigure.js';

/**
 * The automatic fit choice inside rigCharacter: the pose model (MoveNet) where it finds the
 * figure, the silhouette fit where it does not. Truth: rendered humanoids whose joints are known
 * (tests/fixtures/pose, rendered with three.js; one on transparency, two on white).
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'pose');
const TOLERANCE_OF_HEIGHT = 0.04;

interface JointsTruth {
  figureHeightPx: number;
  joints: Record<string, [number, number]>;
}

async function loadFixture(
  name: string,
): Promise<{ image: RgbaImage; hasAlpha: boolean; truth: JointsTruth }> {
  const bytes = await readFile(join(FIXTURES, `${name}.png`));
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
  let hasAlpha = false;
  for (let i = 3; i < image.data.length && !hasAlpha; i += 4) if (image.data[i]! < 255) hasAlpha = true;
  const truth = JSON.parse(await readFile(join(FIXTURES, `${name}.joints.json`), 'utf8')) as JointsTruth;
  return { image, hasAlpha, truth };
}

/** Each fitted joint's distance from the truth, as a fraction of the figure's height. */
function jointErrors(result: RigResult, truth: JointsTruth, image: RgbaImage): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const joint of result.skeleton.joints) {
    const t = truth.joints[joint.name];
    if (!t) continue;
    const x = joint.restPosition[0] + image.width / 2;
    const y = image.height / 2 - joint.restPosition[1];
    errors[joint.name] = Math.hypot(x - t[0], y - t[1]) / truth.figureHeightPx;
  }
  return errors;
}

describe('rigCharacter: automatic fit choice', () => {
  for (const name of ['rendered-tpose', 'rendered-apose', 'rendered-apose-mannequin']) {
    it(`fits ${name} with the pose model, every joint within 4% of the figure height`, async () => {
      const { image, hasAlpha, truth } = await loadFixture(name);
      const result = await rigCharacter({ image, hasAlpha });
      expect(result.fit?.method).toBe('pose-model');
      expect(result.fit?.warnings).toEqual([]);
      const errors = jointErrors(result, truth, image);
      console.log(
        `${name} (pose-model fit) joint error / figure height: ${Object.entries(errors)
          .map(([joint, e]) => `${joint} ${(e * 100).toFixed(1)}%`)
          .join(', ')}`,
      );
      // Every joint of the humanoid has a truth, so every joint is held to the tolerance.
      expect(Object.keys(errors)).toHaveLength(21);
      for (const [joint, error] of Object.entries(errors)) {
        expect(error, `${joint} error / height`).toBeLessThan(TOLERANCE_OF_HEIGHT);
      }
      // The model's keypoints place the limbs; the toes come from the outline; the trunk joints
      // between keypoints are template proportions and are reported as such.
      expect(result.fit?.sources.LeftLeg).toBe('pose-model');
      expect(result.fit?.sources.LeftToeBase).toBe('outline');
      expect([...(result.fit?.templatedJoints ?? [])].sort()).toEqual(
        ['Chest', 'Head', 'LeftShoulder', 'Neck', 'RightShoulder', 'Spine'].sort(),
      );
    });
  }

  it('uses the silhouette fit on a cartoon where the pose model finds no person', async () => {
    const cartoon = drawHumanoid({ width: 320, height: 320, figureHeightPx: 280, chibi: true });
    const result = await rigCharacter({ image: renderOnPaper(cartoon, 5), hasAlpha: false });
    expect(result.fit?.method).toBe('silhouette');
    expect(result.fit?.sources.LeftHand).toBe('outline');
    expect(result.fit?.templatedJoints).toContain('Spine');
    expect(result.fit?.warnings).toEqual([]);
  });

  it('keeps the silhouette fit when the model only half-recognises a cartoon, and says why', async () => {
    // MoveNet reports a low-confidence "person" on this flat-coloured big-headed figure.
    const cartoon = drawHumanoid({ width: 320, height: 320, figureHeightPx: 280, chibi: true });
    const result = await rigCharacter({ image: renderWithAlpha(cartoon), hasAlpha: true });
    expect(result.fit?.method).toBe('silhouette');
    expect(result.fit?.warnings.join(' ')).toMatch(/no confident person|not this figure|upright|smaller/);
  });

  it("fits the silhouette without running the model when poseModel is 'off'", async () => {
    const { image, hasAlpha } = await loadFixture('rendered-apose');
    const result = await rigCharacter({ image, hasAlpha }, { poseModel: 'off' });
    expect(result.fit?.method).toBe('silhouette');
    expect(result.fit?.warnings).toEqual([]);
    expect(result.fit?.sources.LeftLeg).toBe('outline');
  });

  it('falls back to the silhouette fit with a warning when the pose model cannot load', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'keypose-no-pose-model-'));
    try {
      const { image, hasAlpha } = await loadFixture('rendered-tpose');
      const result = await rigCharacter({ image, hasAlpha }, { poseModelsDir: empty });
      expect(result.fit?.method).toBe('silhouette');
      expect(result.fit?.warnings).toHaveLength(1);
      expect(result.fit?.warnings[0]).toContain('body pose model missing');
      expect(result.fit?.warnings[0]).toContain('silhouette fit was used');
      expect(result.skeleton.joints).toHaveLength(21);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
