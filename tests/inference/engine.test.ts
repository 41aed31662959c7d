import { afterAll, describe, expect, it } from 'vitest';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import { identityBone } from '../../core/render/project.js';
import { renderReference, type WarpResult } from '../../core/render/reference.js';
import { FrameEngine } from '../../inference/engine/engine.js';
import type { SyntheticCharacter } from '../../inference/engine/synthetic.js';
import { armAcross, bonesFor, character, maxPremultipliedDiff, POSES, pose } from './scenes.js';

/**
 * The ONNX engine (real onnxruntime-node, CPU) against the TypeScript reference.
 *
 * gridStep 1 solves every pixel: it must match the reference to < 1/255 everywhere.
 * gridStep 4 solves on a 4x coarser grid and upsamples the inverse map; inside parts and joint
 * blends (touched up at full resolution) it must still match to < 1/255. Exactness is impossible
 * at silhouettes and occlusion edges, where the coarse map jumps between layers: pixels within
 * gridStep + 1 px of an alpha edge or of a jump in the reference's front map are excluded there,
 * and what they reach is reported (documented tolerance, not asserted).
 */
const engine = new FrameEngine({ provider: 'cpu' });
afterAll(() => engine.dispose());

const ch = character(120, 144);
const prepared = engine.prepare(ch.art, ch.weights);
const { width: W, height: H } = ch.art;

function edgeZone(ref: WarpResult, radius: number): Uint8Array {
  const edge = new Uint8Array(W * H);
  const seed = (x: number, y: number) => {
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && xx < W && yy >= 0 && yy < H) edge[yy * W + xx] = 1;
      }
    }
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (ref.rgba[i * 4 + 3]! < 1) seed(x, y);
      for (const j of [x + 1 < W ? i + 1 : -1, y + 1 < H ? i + W : -1]) {
        if (j < 0) continue;
        const du = ref.frontMap[i * 2]! - ref.frontMap[j * 2]!;
        const dv = ref.frontMap[i * 2 + 1]! - ref.frontMap[j * 2 + 1]!;
        if (!(Math.hypot(du, dv) < 2)) seed(x, y);
      }
    }
  }
  return edge;
}

/**
 * The test character with thin line art owned by one bone each: a 2 px antenna sticking out of
 * the head and a free 1 px strand hanging under the left forearm (dark, opaque, hard-edged).
 * `hidden` draws the same lines with alpha 0, so the pixels where the two references differ are
 * exactly the lines' pixels in the posed frame.
 */
function withThinLines(base: SyntheticCharacter, hidden: boolean): SyntheticCharacter {
  const data = new Uint8Array(base.art.data);
  const weights = new Float32Array(base.weights.data);
  const n = W * H;
  const lines: { bone: string; from: [number, number]; to: [number, number]; widthPx: number }[] = [
    { bone: 'Head', from: [64, 11], to: [82, 11], widthPx: 2 },
    { bone: 'LeftForeArm', from: [93, 40.5], to: [109, 40.5], widthPx: 1 },
  ];
  for (const line of lines) {
    const k = base.weights.jointIds.indexOf(line.bone as never);
    const [ax, ay] = line.from;
    const ex = line.to[0] - ax;
    const ey = line.to[1] - ay;
    const len2 = ex * ex + ey * ey;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const t = Math.min(1, Math.max(0, ((x + 0.5 - ax) * ex + (y + 0.5 - ay) * ey) / len2));
        const d = Math.hypot(x + 0.5 - ax - t * ex, y + 0.5 - ay - t * ey);
        if (d >= line.widthPx / 2) continue;
        const i = y * W + x;
        data.set([20, 20, 30, hidden ? 0 : 255], i * 4);
        for (let j = 0; j < base.weights.jointIds.length; j++) weights[j * n + i] = j === k ? 1 : 0;
      }
    }
  }
  return {
    skeleton: base.skeleton,
    art: { ...base.art, data },
    weights: { ...base.weights, data: weights },
  };
}

describe('FrameEngine (onnxruntime-node) vs reference', () => {
  it('runs on the CPU provider and reports it', async () => {
    await engine.render(prepared, bonesFor(ch, pose({})), { gridStep: 1 });
    expect(engine.provider?.name).toBe('cpu');
  });

  it('gives back the input exactly for the identity pose (both grid steps)', async () => {
    for (const gridStep of [1, 4]) {
      const out = await engine.render(prepared, ch.weights.jointIds.map(identityBone), { gridStep });
      expect(Buffer.from(out.image.data).equals(Buffer.from(ch.art.data))).toBe(true);
    }
  });

  it('moves everything by exactly an integer translation', async () => {
    for (const gridStep of [1, 4]) {
      const out = await engine.render(prepared, bonesFor(ch, pose({}, [-4, 6, 0])), { gridStep });
      const ref = renderReference(ch.art, ch.weights, bonesFor(ch, pose({}, [-4, 6, 0])));
      expect(Buffer.from(out.image.data).equals(Buffer.from(ref.image.data))).toBe(true);
      // ... and the reference itself is the shifted art (row y comes from row y + 6).
      const i = (60 * W + 50) * 4;
      expect([...ref.image.data.subarray(i, i + 4)]).toEqual([
        ...ch.art.data.subarray((66 * W + 54) * 4, (66 * W + 54) * 4 + 4),
      ]);
    }
  });

  it('moves the pixels a translated bone owns by exactly its integer offset (both grid steps)', async () => {
    const head = ch.weights.jointIds.indexOf('Head' as never);
    const bones = ch.weights.jointIds.map((id, k) =>
      k === head ? { ...identityBone(id), affine: [1, 0, 0, 1, 3, -5] as const } : identityBone(id),
    );
    const ref = renderReference(ch.art, ch.weights, bones);
    const dense = await engine.render(prepared, bones, { gridStep: 1, float: true });
    expect(Buffer.from(dense.image.data).equals(Buffer.from(ref.image.data))).toBe(true);
    const coarse = await engine.render(prepared, bones, { gridStep: 4, float: true });
    // The stretched neck (a joint blend) matches to < 1/255 before quantisation ...
    expect(maxPremultipliedDiff(ref.rgba, coarse.rgba!)).toBeLessThan(1 / 255);
    // ... and every pixel the head alone drives lands exactly 3 px right and 5 px up.
    const n = W * H;
    let checked = 0;
    for (let y = 6; y < H - 1; y++) {
      for (let x = 1; x < W - 4; x++) {
        let owned = true;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++)
            if (ch.weights.data[head * n + (y + dy) * W + x + dx] !== 1) owned = false;
        }
        if (!owned) continue;
        const o = ((y - 5) * W + x + 3) * 4;
        const i = (y * W + x) * 4;
        expect([...coarse.image.data.subarray(o, o + 4)]).toEqual([...ch.art.data.subarray(i, i + 4)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  for (const [name, p] of Object.entries({
    ...POSES,
    armFront: armAcross(true),
    armBack: armAcross(false),
  })) {
    it(`matches the reference on the "${name}" pose`, async () => {
      const bones = bonesFor(ch, p);
      const ref = renderReference(ch.art, ch.weights, bones);
      const dense = await engine.render(prepared, bones, { gridStep: 1, float: true });
      expect(maxPremultipliedDiff(ref.rgba, dense.rgba!)).toBeLessThan(1 / 255);

      const coarse = await engine.render(prepared, bones, { gridStep: 4, float: true });
      const edge = edgeZone(ref, 5);
      expect(maxPremultipliedDiff(ref.rgba, coarse.rgba!, (i) => edge[i] === 1)).toBeLessThan(1 / 255);
      const atEdges = maxPremultipliedDiff(ref.rgba, coarse.rgba!, (i) => edge[i] === 0);
      console.info(
        `${name}: gridStep 4 max premultiplied diff at silhouette/occlusion edges ${(atEdges * 255).toFixed(1)}/255`,
      );
    });
  }

  it('keeps 1-2 px line art that misses every coarse grid point (antenna, free strand)', async () => {
    const lined = withThinLines(ch, false);
    const bare = withThinLines(ch, true);
    const z = (a: number) => quatFromAxisAngle([0, 0, 1], a);
    const linedPrepared = engine.prepare(lined.art, lined.weights);
    // Posed (the strand and antenna turn with their bones) and, with the grid's phase shifted by
    // a root translation of 0-3 px, a pose where they stay horizontal between grid rows.
    const poses = [
      pose({ LeftArm: z(-0.8), LeftForeArm: z(0.6), Head: z(0.35) } as never, [1, -2, 0]),
      ...[0, 1, 2, 3].map((dy) => pose({ RightLeg: z(0.3) } as never, [0, dy, 0])),
    ];
    for (const p of poses) {
      const bones = bonesFor(lined, p);
      const ref = renderReference(lined.art, lined.weights, bones);
      const refBare = renderReference(bare.art, bare.weights, bones);
      const onLine = new Uint8Array(W * H);
      let count = 0;
      for (let i = 0; i < W * H; i++) {
        if (Math.abs(ref.rgba[i * 4 + 3]! - refBare.rgba[i * 4 + 3]!) > 0.25) {
          onLine[i] = 1;
          count++;
        }
      }
      expect(count).toBeGreaterThan(30);
      for (const gridStep of [1, 4]) {
        const out = await engine.render(linedPrepared, bones, { gridStep, float: true });
        // Every line pixel is drawn where the reference draws it, in the reference's colour.
        expect(maxPremultipliedDiff(ref.rgba, out.rgba!, (i) => onLine[i] === 0)).toBeLessThan(1 / 255);
      }
    }
  });

  it('orders by depth like the reference: arm in front covers the chest, behind is hidden', async () => {
    const front = await engine.render(prepared, bonesFor(ch, armAcross(true)), { gridStep: 1 });
    const back = await engine.render(prepared, bonesFor(ch, armAcross(false)), { gridStep: 1 });
    const row = Math.round(H / 2 - ch.skeleton.joints.find((j) => j.id === 'LeftArm')!.restPosition[1]);
    const i = (row * W + Math.round(W / 2) - 4) * 4;
    expect([...back.image.data.subarray(i, i + 4)]).toEqual([...ch.art.data.subarray(i, i + 4)]);
    expect([...front.image.data.subarray(i, i + 4)]).not.toEqual([...ch.art.data.subarray(i, i + 4)]);
  });
});
