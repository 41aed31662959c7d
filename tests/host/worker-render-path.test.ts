import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameRequest, RenderJobEvent } from '../../core/contract/jobs.js';
import { jointId } from '../../core/ids.js';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import { projectPose } from '../../core/render/project.js';
import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import { WorkerSupervisor } from '../../host/worker/supervisor.js';
import { createSyntheticCharacter } from '../../inference/engine/synthetic.js';
import { halveImage, halveWeights, upsample2x } from '../../inference/worker/characters.js';
import { sparsifyWeights } from '../../inference/worker/weights.js';

/**
 * The worker's render-path speed-ups, checked for what they must not change: sparse weights,
 * half-resolution drafts (against the full-resolution frame, through the real worker and the real
 * onnxruntime-node), and frames streaming out of a job as they finish.
 */
const ch = createSyntheticCharacter({ width: 256, height: 320 });
/** Frames of a few MB, like the sample's (768x1024): big ones are what piled up in the pipe. */
const big = createSyntheticCharacter({ width: 720, height: 960 });

function poseFrame(i: number, angle: number, character = ch): FrameRequest {
  const bones = projectPose(
    character.skeleton,
    {
      rotations: {
        LeftArm: quatFromAxisAngle([0, 0, 1], -angle),
        RightForeArm: quatFromAxisAngle([0, 0, 1], angle),
        Spine: quatFromAxisAngle([0, 1, 0], 0.3 * angle),
      },
      rootTranslation: [3 * angle, 0, 0],
    },
    character.art,
  );
  return {
    frameIndex: i,
    key: `frame-${i}-${angle}`,
    bones: bones.map((b) => ({ jointId: b.jointId, affine: [...b.affine], depth: [...b.depth] })),
  } as FrameRequest;
}

function weights(width: number, height: number, perPixel: (p: number) => number[]): SkinWeights {
  const plane = width * height;
  const first = perPixel(0);
  const data = new Float32Array(first.length * plane);
  for (let p = 0; p < plane; p++) {
    for (const [k, w] of perPixel(p).entries()) data[k * plane + p] = w;
  }
  return { width, height, jointIds: first.map((_, k) => jointId(`j${k}`)), data };
}

describe('sparse skin weights', () => {
  it('drops weights under 1%, keeps the strongest bones and sums each pixel to 1', () => {
    const dense = weights(
      4,
      1,
      (p) =>
        [
          [0.5, 0.3, 0.195, 0.005, 0, 0, 0],
          [0.3, 0.2, 0.15, 0.12, 0.1, 0.08, 0.05],
          [0.004, 0.003, 0.002, 0.001, 0, 0, 0],
          [0, 0, 0, 0, 0, 0, 0],
        ][p]!,
    );
    const sparse = sparsifyWeights(dense, 0.01, 6);
    const at = (p: number) => Array.from({ length: 7 }, (_, k) => sparse.data[k * 4 + p]!);
    // The 0.5% weight goes, the rest scales up to sum 1.
    expect(at(0).map((w) => Math.round(w * 1000) / 1000)).toEqual([0.503, 0.302, 0.196, 0, 0, 0, 0]);
    // Seven bones over 1%: the six strongest stay.
    expect(at(1).filter((w) => w > 0)).toHaveLength(6);
    expect(at(1)[6]).toBe(0);
    // All weights under 1%: the strongest bone takes the pixel.
    expect(at(2)).toEqual([1, 0, 0, 0, 0, 0, 0]);
    // Outside the figure stays empty.
    expect(at(3)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    for (const p of [0, 1, 2]) expect(at(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('keeps the synthetic character within a fraction of a pixel of its dense weights', () => {
    const sparse = sparsifyWeights(ch.weights);
    const plane = ch.art.width * ch.art.height;
    const K = ch.weights.jointIds.length;
    let dropped = 0;
    for (let p = 0; p < plane; p++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        sum += sparse.data[k * plane + p]!;
        dropped = Math.max(dropped, Math.abs(sparse.data[k * plane + p]! - ch.weights.data[k * plane + p]!));
      }
      if (ch.art.data[p * 4 + 3]! > 0 && sum > 0) expect(sum).toBeCloseTo(1, 5);
    }
    expect(dropped).toBeLessThan(0.05);
  });
});

describe('half-resolution drafts', () => {
  it('halves weights to sum 1 and round-trips a smooth picture', () => {
    const half = halveWeights(ch.weights);
    expect([half.width, half.height]).toEqual([128, 160]);
    const plane = half.width * half.height;
    for (let p = 0; p < plane; p += 37) {
      let sum = 0;
      for (let k = 0; k < half.jointIds.length; k++) sum += half.data[k * plane + p]!;
      if (sum > 0) expect(sum).toBeCloseTo(1, 5);
    }
    const W = 64;
    const H = 48;
    const data = new Uint8Array(W * H * 4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) data.set([x * 4, y * 5, 128, 255], (y * W + x) * 4);
    }
    const image: RgbaImage = { width: W, height: H, data };
    const back = upsample2x(halveImage(image), W, H);
    let worst = 0;
    for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(back.data[i]! - data[i]!));
    // A linear ramp survives box-down / bilinear-up to within a step of the ramp.
    expect(worst).toBeLessThanOrEqual(5);
  });
});

describe('worker render path (real worker, real onnxruntime)', () => {
  let sup: WorkerSupervisor;
  beforeAll(() => {
    sup = new WorkerSupervisor();
    sup.registerCharacter('c1', ch.art, ch.weights);
    sup.registerCharacter('big', big.art, big.weights);
  });
  afterAll(() => sup.stop());

  async function render(frames: FrameRequest[], gridStep?: number, characterId = 'c1') {
    const got: (Extract<RenderJobEvent, { type: 'frame' }> & { atMs: number })[] = [];
    const job = sup.render({ characterId, frames, ...(gridStep ? { gridStep } : {}) }, (e) => {
      if (e.type === 'frame') got.push({ ...e, atMs: performance.now() });
    });
    expect(await job.finished).toBe('done');
    return got;
  }

  it('a draft (grid 8: half resolution, upsampled) matches the final frame of the same pose', async () => {
    const pose = poseFrame(0, 0.5);
    const [final] = await render([pose]);
    const [draft] = await render([pose], 8);
    expect([draft!.width, draft!.height]).toEqual([256, 320]);
    let both = 0;
    let either = 0;
    let colourDiff = 0;
    for (let p = 0; p < 256 * 320; p++) {
      const a = final!.rgba[p * 4 + 3]! >= 128;
      const b = draft!.rgba[p * 4 + 3]! >= 128;
      if (a || b) either++;
      if (a && b) {
        both++;
        for (let c = 0; c < 3; c++) colourDiff += Math.abs(final!.rgba[p * 4 + c]! - draft!.rgba[p * 4 + c]!);
      }
    }
    // Same silhouette (moved bones included: the halved affines and depths are right) ...
    expect(both / either).toBeGreaterThan(0.93);
    // ... and the same colours, softened.
    expect(colourDiff / (3 * both)).toBeLessThan(12);
  });

  it('streams a job’s frames as they finish, not all at its end', async () => {
    const frames = Array.from({ length: 8 }, (_, i) => poseFrame(i, 0.05 * (i + 1), big));
    const got = await render(frames, undefined, 'big');
    expect(got.map((f) => f.frameIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The frames' arrival spans most of the worker's time on frames 2..8 (frames piled up in
    // the IPC pipe arrived within a few ms of each other at the end of the job).
    const renderMs = got.slice(1).reduce((a, f) => a + f.renderMs, 0);
    expect(got.at(-1)!.atMs - got[0]!.atMs).toBeGreaterThan(0.5 * renderMs);
  });
});
