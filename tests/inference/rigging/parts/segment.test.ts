import { describe, expect, it } from 'vitest';
import { segmentParts } from '../../../../inference/rigging/parts/segment.js';
import { createSyntheticCharacter, SYNTHETIC_BONES } from '../../../fixtures/syntheticFigure.js';

/**
 * The part segmentation against the synthetic figure's true owners (the nearest capsule), at a
 * small size and at a scan's size, which is partitioned at a reduced size and scaled back up.
 */
function agreement(width: number, height: number) {
  const ch = createSyntheticCharacter({ width, height });
  const mask = new Uint8Array(width * height).map((_, p) => (ch.art.data[p * 4 + 3]! >= 128 ? 1 : 0));
  const labels = segmentParts({ art: ch.art, mask, skeleton: ch.skeleton });
  const index = new Map(ch.skeleton.joints.map((j, i) => [j.name, i]));
  const truth = SYNTHETIC_BONES.map((name) => index.get(name)!);
  let agree = 0;
  let figure = 0;
  const owning = new Set<number>();
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    figure++;
    owning.add(labels[p]!);
    if (labels[p] === truth[ch.owners[p]!]) agree++;
  }
  return { agree: agree / figure, owning, truth };
}

describe('part segmentation', () => {
  it('gives each capsule of the figure to its own bone', () => {
    const { agree, owning, truth } = agreement(192, 256);
    // Near the joints the geodesic cut and "nearest capsule" differ (the pelvis, the shoulders).
    expect(agree).toBeGreaterThan(0.72);
    for (const k of truth) expect(owning.has(k)).toBe(true);
  });

  it('does the same on a picture too big to partition at full size (1800 x 1800)', () => {
    const { agree, owning, truth } = agreement(1800, 1800);
    expect(agree).toBeGreaterThan(0.72);
    expect(Math.abs(agree - agreement(192, 192).agree)).toBeLessThan(0.05);
    for (const k of truth) expect(owning.has(k)).toBe(true);
  });
});
