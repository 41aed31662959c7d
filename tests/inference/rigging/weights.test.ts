import { describe, expect, it } from 'vitest';
import { jointId } from '../../../core/ids.js';
import type { SkinWeights } from '../../../core/render/types.js';
import { computeSkinWeights, prepareWeightGrid, weightOverlay } from '../../../inference/rigging/weights.js';
import { drawHumanoid, skeletonFromFigure, trueMask } from './syntheticFigure.js';

function weightAt(w: SkinWeights, name: string, x: number, y: number): number {
  const k = w.jointIds.indexOf(jointId(name));
  return w.data[k * w.width * w.height + Math.round(y) * w.width + Math.round(x)]!;
}

describe('computeSkinWeights', () => {
  const figure = drawHumanoid({ width: 384, height: 384, figureHeightPx: 340 });
  const mask = trueMask(figure);
  const skeleton = skeletonFromFigure(figure);
  const weights = computeSkinWeights({ mask: mask.data, width: 384, height: 384, skeleton });
  const plane = 384 * 384;
  const K = weights.jointIds.length;

  it('sums to 1 inside the mask and is 0 outside', () => {
    let maxDeviation = 0;
    let maxOutside = 0;
    for (let p = 0; p < plane; p++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += weights.data[k * plane + p]!;
      if (mask.data[p]) maxDeviation = Math.max(maxDeviation, Math.abs(sum - 1));
      else maxOutside = Math.max(maxOutside, sum);
    }
    expect(maxDeviation).toBeLessThan(1e-3);
    expect(maxOutside).toBe(0);
    expect(weights.jointIds).toEqual(skeleton.joints.map((j) => j.id));
  });

  it('gives each bone the highest weight along its own bone', () => {
    const failures: string[] = [];
    for (const joint of skeleton.joints) {
      const children = skeleton.joints.filter((c) => c.parentId === joint.id);
      // Sample the middle part of each bone to its children (a joint itself is shared).
      for (const child of children) {
        for (const t of [0.35, 0.5, 0.65]) {
          const x =
            figure.width / 2 + joint.restPosition[0] + t * (child.restPosition[0] - joint.restPosition[0]);
          const y =
            figure.height / 2 - (joint.restPosition[1] + t * (child.restPosition[1] - joint.restPosition[1]));
          if (!mask.data[Math.round(y) * 384 + Math.round(x)]) continue;
          const own = weightAt(weights, joint.name, x, y);
          for (const other of skeleton.joints) {
            if (other.id !== joint.id && weightAt(weights, other.name, x, y) > own) {
              failures.push(`${joint.name}->${child.name} at t=${t}: ${other.name} is higher`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives a leaf joint the part beyond it: the head, the hand', () => {
    const headTop = weightAt(weights, 'Head', 192, figure.topPx + 4);
    expect(headTop).toBeGreaterThan(0.95);
    const wrist = figure.joints.LeftHand!;
    const elbow = figure.joints.LeftForeArm!;
    // Half way from the wrist to the finger tips.
    const tip = [wrist[0] + 0.25 * (wrist[0] - elbow[0]), wrist[1] + 0.25 * (wrist[1] - elbow[1])];
    expect(weightAt(weights, 'LeftHand', tip[0]!, tip[1]!)).toBeGreaterThan(0.9);
  });

  it('is smooth: neighbouring pixels differ little', () => {
    let maxJump = 0;
    for (let y = 0; y < 384; y++) {
      for (let x = 0; x < 383; x++) {
        const p = y * 384 + x;
        if (!mask.data[p] || !mask.data[p + 1]) continue;
        for (let k = 0; k < K; k++) {
          maxJump = Math.max(
            maxJump,
            Math.abs(weights.data[k * plane + p]! - weights.data[k * plane + p + 1]!),
          );
        }
      }
    }
    expect(maxJump).toBeLessThan(0.25);
  });

  it('keeps left-leg weights off the right leg when the legs are 3 px apart', () => {
    const legs = drawHumanoid({ width: 512, height: 512, figureHeightPx: 440, legGapPx: 3 });
    const legMask = trueMask(legs);
    const w = computeSkinWeights({
      mask: legMask.data,
      width: 512,
      height: 512,
      skeleton: skeletonFromFigure(legs),
    });
    const legPlane = 512 * 512;
    const leftBones = ['LeftUpLeg', 'LeftLeg', 'LeftFoot', 'LeftToeBase'].map((n) =>
      w.jointIds.indexOf(jointId(n)),
    );
    // Right-leg pixels: every mask pixel left of the centre line in every row below the crotch
    // where the legs are apart (background between them), the fork's first row included.
    const centre = 256;
    let forkRow = 0;
    for (let y = Math.ceil(legs.joints.RightUpLeg![1]); y < 512 && forkRow === 0; y++) {
      if (!legMask.data[y * 512 + centre - 1] && !legMask.data[y * 512 + centre]) forkRow = y;
    }
    expect(forkRow).toBeGreaterThan(0);
    let rightLegPixels = 0;
    let maxLeft = 0;
    let maxJump = 0;
    for (let y = forkRow; y < 512; y++) {
      const row = y * 512;
      const apart = legMask.data[row + centre - 1] === 0 && legMask.data[row + centre] === 0;
      if (!apart) continue;
      for (let x = 0; x < centre; x++) {
        if (!legMask.data[row + x]) continue;
        rightLegPixels++;
        let s = 0;
        for (const k of leftBones) s += w.data[k * legPlane + row + x]!;
        maxLeft = Math.max(maxLeft, s);
      }
    }
    // The gap really is 3 px wide at the knees.
    const kneeRow = Math.round(legs.joints.RightLeg![1]) * 512;
    let gapLeft = centre;
    while (!legMask.data[kneeRow + gapLeft - 1]) gapLeft--;
    let gapRight = centre;
    while (!legMask.data[kneeRow + gapRight]) gapRight++;
    expect(gapRight - gapLeft).toBe(3);
    expect(rightLegPixels).toBeGreaterThan(5000);
    expect(maxLeft).toBeLessThan(0.05);
    // And the crotch above the fork, where the legs meet, stays smooth (the pelvis takes it).
    for (let y = forkRow - 20; y < forkRow; y++) {
      for (let x = centre - 30; x < centre + 30; x++) {
        const p = y * 512 + x;
        if (!legMask.data[p] || !legMask.data[p + 1]) continue;
        for (let k = 0; k < w.jointIds.length; k++) {
          maxJump = Math.max(maxJump, Math.abs(w.data[k * legPlane + p]! - w.data[k * legPlane + p + 1]!));
        }
      }
    }
    expect(maxJump).toBeLessThan(0.25);
  });

  it('recomputes after a joint drag on the cached grid, exactly as from scratch', () => {
    const grid = prepareWeightGrid(mask);
    const moved = {
      joints: skeleton.joints.map((j) =>
        j.name === 'LeftForeArm'
          ? { ...j, restPosition: [j.restPosition[0] + 6, j.restPosition[1] - 4, 0] as const }
          : j,
      ),
    };
    const cached = computeSkinWeights({ mask: mask.data, width: 384, height: 384, skeleton: moved, grid });
    const fresh = computeSkinWeights({ mask: mask.data, width: 384, height: 384, skeleton: moved });
    expect(cached.data).toEqual(fresh.data);
    expect(cached.data).not.toEqual(weights.data);
  });

  it('lets PSD part hints override the automatic weights', () => {
    const owner = new Int16Array(plane).fill(-1);
    // Hint: the whole upper body right of the centre belongs to the left arm.
    for (let y = 0; y < 384; y++)
      for (let x = 200; x < 384; x++) if (mask.data[y * 384 + x]) owner[y * 384 + x] = 0;
    const hinted = computeSkinWeights({
      mask: mask.data,
      width: 384,
      height: 384,
      skeleton,
      grid: prepareWeightGrid(mask),
      partHints: {
        owner,
        parts: [{ name: 'left arm', jointIds: [jointId('LeftArm'), jointId('LeftForeArm')] }],
      },
    });
    let outsidePart = 0;
    for (let p = 0; p < plane; p++) {
      if (owner[p]! < 0) continue;
      const sum =
        weightAt(hinted, 'LeftArm', p % 384, Math.floor(p / 384)) +
        weightAt(hinted, 'LeftForeArm', p % 384, Math.floor(p / 384));
      outsidePart = Math.max(outsidePart, Math.abs(1 - sum));
    }
    expect(outsidePart).toBeLessThan(1e-5);
  });

  it('draws a weight overlay: transparent outside the mask, hot along the bone', () => {
    const overlay = weightOverlay(weights, jointId('LeftForeArm'), mask);
    const elbow = figure.joints.LeftForeArm!;
    const wrist = figure.joints.LeftHand!;
    const mid = Math.round((elbow[1] + wrist[1]) / 2) * 384 + Math.round((elbow[0] + wrist[0]) / 2);
    expect(overlay.data[mid * 4 + 3]).toBeGreaterThan(0);
    expect(overlay.data[mid * 4]).toBeGreaterThan(200);
    expect(overlay.data[3]).toBe(0);
  });
});
