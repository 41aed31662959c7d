import { describe, expect, it } from 'vitest';
import { identityBone } from '../../core/render/project.js';
import { renderReference } from '../../core/render/reference.js';
import { armAcross, bonesFor, character, pose } from './scenes.js';

describe('reference warp', () => {
  const ch = character();
  const { width: W, height: H } = ch.art;

  it('gives back the input exactly for the identity pose', () => {
    const out = renderReference(ch.art, ch.weights, ch.weights.jointIds.map(identityBone));
    expect(Buffer.from(out.image.data).equals(Buffer.from(ch.art.data))).toBe(true);
  });

  it('moves everything by exactly an integer root translation', () => {
    const out = renderReference(ch.art, ch.weights, bonesFor(ch, pose({}, [5, -3, 0])));
    let mismatches = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const sx = x - 5;
        const sy = y - 3; // y up in character space: -3 moves down 3 image rows
        for (let c = 0; c < 4; c++) {
          const src = sx >= 0 && sx < W && sy >= 0 && sy < H ? ch.art.data[(sy * W + sx) * 4 + c]! : 0;
          if (out.image.data[(y * W + x) * 4 + c] !== src) mismatches++;
        }
      }
    }
    expect(mismatches).toBe(0);
  });

  it('moves one bone by exactly its translation where it owns the pixels', () => {
    const big = character(160, 200);
    const { width: W, height: H } = big.art;
    const hand = big.weights.jointIds.indexOf('Head' as never);
    const bones = big.weights.jointIds.map((id, k) =>
      k === hand ? { ...identityBone(id), affine: [1, 0, 0, 1, 4, -6] as const } : identityBone(id),
    );
    const out = renderReference(big.art, big.weights, bones);
    const n = W * H;
    let checked = 0;
    for (let y = 1; y < H - 1; y++) {
      for (let x = 1; x < W - 1; x++) {
        let owned = true;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            if (big.weights.data[hand * n + (y + dy) * W + x + dx] !== 1) owned = false;
          }
        if (!owned || x + 4 >= W || y - 6 < 0) continue;
        const o = ((y - 6) * W + x + 4) * 4;
        const i = (y * W + x) * 4;
        expect([...out.image.data.subarray(o, o + 4)]).toEqual([...big.art.data.subarray(i, i + 4)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('orders parts by depth: an arm swung in front covers the chest, behind it is hidden', () => {
    const front = renderReference(ch.art, ch.weights, bonesFor(ch, armAcross(true)));
    const back = renderReference(ch.art, ch.weights, bonesFor(ch, armAcross(false)));
    // Chest pixels on the arm's path that no arm bone drives (the arm's root blends into the
    // shoulder, which rightly follows the arm).
    const n = W * H;
    const arm = ['LeftArm', 'LeftForeArm', 'LeftHand'].map((id) => ch.weights.jointIds.indexOf(id as never));
    let covered = 0;
    let hiddenOk = 0;
    let checked = 0;
    const chestRow = Math.round(H / 2 - ch.skeleton.joints.find((j) => j.id === 'LeftArm')!.restPosition[1]);
    for (let x = Math.round(W / 2 - 6); x <= Math.round(W / 2 + 6); x++) {
      if (arm.some((k) => ch.weights.data[k * n + chestRow * W + x]! > 0)) continue;
      checked++;
      const i = (chestRow * W + x) * 4;
      const art = [...ch.art.data.subarray(i, i + 4)];
      if ([...back.image.data.subarray(i, i + 4)].join() === art.join()) hiddenOk++;
      if ([...front.image.data.subarray(i, i + 4)].join() !== art.join()) covered++;
    }
    expect(checked).toBeGreaterThan(6);
    expect(hiddenOk).toBe(checked);
    expect(covered).toBe(checked);
  });
});
