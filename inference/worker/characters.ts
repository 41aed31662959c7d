import { readFileSync } from 'node:fs';
import type { CharacterFiles } from '../../core/contract/jobs.js';
import { jointId } from '../../core/ids.js';
import type { BoneProjection } from '../../core/render/project.js';
import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import { defaultGridStep, type FrameEngine, type PreparedCharacter } from '../engine/engine.js';

/**
 * The worker's characters: the art and weights read once from the host's files, prepared for the
 * frame engine, plus a half-resolution copy for draft frames, and the warm-up that builds the ONNX
 * sessions before the first job needs them.
 *
 * Drafts. A job asking for grid step DRAFT_MIN_GRID_STEP (8, the host's 'draft' quality) or more
 * is rendered on the half-resolution character at half that step, then upsampled bilinearly to
 * the full size. The inverse map is solved at the same density as a full-size step-8 grid, but the
 * colour fetch and compositing touch a quarter of the pixels, and the engine's step-8 graph on
 * the full picture was no faster than its step-4 graph (more cells fall back to a per-pixel
 * solve). A draft is what a joint drag shows until the final frame replaces it, so softness is
 * fine; its frame key already carries the grid step and the quality.
 */
export const DRAFT_MIN_GRID_STEP = 8;

export interface WorkerCharacter {
  readonly art: RgbaImage;
  readonly weights: SkinWeights;
  readonly full: PreparedCharacter;
  /** The half-resolution character for drafts, built on first use (or by the warm-up). */
  draft: PreparedCharacter | null;
  /** Warm-up steps not run yet (session creation for final and draft frames). */
  warmUp: (() => Promise<void>)[];
}

export function readCharacterFiles(c: CharacterFiles): { art: RgbaImage; weights: SkinWeights } {
  const artBytes = readFileSync(c.artFile);
  const weightBytes = readFileSync(c.weightsFile);
  const k = c.jointIds.length;
  if (artBytes.length !== c.width * c.height * 4) {
    throw new Error(
      `${c.artFile}: expected ${c.width * c.height * 4} bytes of RGBA, found ${artBytes.length}`,
    );
  }
  if (weightBytes.length !== k * c.width * c.height * 4) {
    throw new Error(
      `${c.weightsFile}: expected ${k}x${c.height}x${c.width} float32 weights, found ${weightBytes.length} bytes`,
    );
  }
  const art: RgbaImage = { width: c.width, height: c.height, data: new Uint8Array(artBytes) };
  // readFileSync's buffer may start at any offset of a shared pool: Float32Array needs alignment.
  const data =
    weightBytes.byteOffset % 4 === 0
      ? new Float32Array(weightBytes.buffer, weightBytes.byteOffset, weightBytes.length / 4)
      : new Float32Array(
          weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.length),
        );
  const weights: SkinWeights = { width: c.width, height: c.height, jointIds: c.jointIds.map(jointId), data };
  return { art, weights };
}

export function prepareCharacter(engine: FrameEngine, art: RgbaImage, weights: SkinWeights): WorkerCharacter {
  const ch: WorkerCharacter = { art, weights, full: engine.prepare(art, weights), draft: null, warmUp: [] };
  // Rest pose: every bone at the identity (what the engine does for bones a frame omits).
  const rest: BoneProjection[] = weights.jointIds.map((id) => ({
    jointId: id,
    affine: [1, 0, 0, 1, 0, 0],
    depth: [0, 0, 0],
  }));
  ch.warmUp.push(
    async () => {
      await engine.render(ch.full, rest, { gridStep: defaultGridStep(art.width, art.height) });
    },
    async () => {
      await renderFrame(engine, ch, rest, DRAFT_MIN_GRID_STEP);
    },
  );
  return ch;
}

/**
 * True when a character already prepared holds exactly this art and these weights (the worker
 * prepares a character right after computing its weights, before the host registers it).
 */
export function holdsSameData(ch: WorkerCharacter, art: RgbaImage, weights: SkinWeights): boolean {
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return (
    ch.art.width === art.width &&
    ch.art.height === art.height &&
    ch.weights.jointIds.length === weights.jointIds.length &&
    ch.weights.jointIds.every((id, k) => id === weights.jointIds[k]) &&
    bytes(ch.art.data).equals(bytes(art.data)) &&
    bytes(ch.weights.data).equals(bytes(weights.data))
  );
}

/** One frame at the art's size: the engine's own grid, or a draft (see DRAFT_MIN_GRID_STEP). */
export async function renderFrame(
  engine: FrameEngine,
  ch: WorkerCharacter,
  bones: readonly BoneProjection[],
  gridStep: number | undefined,
): Promise<RgbaImage> {
  if (!gridStep || gridStep < DRAFT_MIN_GRID_STEP) {
    return (await engine.render(ch.full, bones, gridStep ? { gridStep } : {})).image;
  }
  ch.draft ??= engine.prepare(halveImage(ch.art), halveWeights(ch.weights));
  // Half-size imagePx are full-size imagePx / 2: the linear part stays, the translation halves;
  // the depth z = du u + dv v + d0 keeps its values at the same points.
  const half = bones.map((b) => ({
    jointId: b.jointId,
    affine: [b.affine[0], b.affine[1], b.affine[2], b.affine[3], b.affine[4] / 2, b.affine[5] / 2] as const,
    depth: [2 * b.depth[0], 2 * b.depth[1], b.depth[2]] as const,
  }));
  const small = (await engine.render(ch.draft, half, { gridStep: Math.floor(gridStep / 2) })).image;
  return upsample2x(small, ch.art.width, ch.art.height);
}

/** 2x2 box filter on premultiplied colour (odd sizes: the last row / column averages itself). */
export function halveImage(image: RgbaImage): RgbaImage {
  const { width: W, height: H, data } = image;
  const w = Math.ceil(W / 2);
  const h = Math.ceil(H / 2);
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const ya = 2 * y;
    const yb = Math.min(H - 1, ya + 1);
    for (let x = 0; x < w; x++) {
      const xa = 2 * x;
      const xb = Math.min(W - 1, xa + 1);
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const i of [(ya * W + xa) * 4, (ya * W + xb) * 4, (yb * W + xa) * 4, (yb * W + xb) * 4]) {
        const al = data[i + 3]!;
        r += data[i]! * al;
        g += data[i + 1]! * al;
        b += data[i + 2]! * al;
        a += al;
      }
      const o = (y * w + x) * 4;
      if (a === 0) continue;
      out[o] = Math.round(r / a);
      out[o + 1] = Math.round(g / a);
      out[o + 2] = Math.round(b / a);
      out[o + 3] = Math.round(a / 4);
    }
  }
  return { width: w, height: h, data: out };
}

/** 2x2 average of each weight map, renormalised to sum 1 wherever any figure pixel was. */
export function halveWeights(weights: SkinWeights): SkinWeights {
  const { width: W, height: H, jointIds, data } = weights;
  const K = jointIds.length;
  const w = Math.ceil(W / 2);
  const h = Math.ceil(H / 2);
  const plane = W * H;
  const half = w * h;
  const out = new Float32Array(K * half);
  const total = new Float32Array(half);
  for (let k = 0; k < K; k++) {
    const src = k * plane;
    const dst = k * half;
    for (let y = 0; y < h; y++) {
      const ya = 2 * y * W;
      const yb = Math.min(H - 1, 2 * y + 1) * W;
      for (let x = 0; x < w; x++) {
        const xa = 2 * x;
        const xb = Math.min(W - 1, xa + 1);
        const v = data[src + ya + xa]! + data[src + ya + xb]! + data[src + yb + xa]! + data[src + yb + xb]!;
        if (v === 0) continue;
        out[dst + y * w + x] = v;
        total[y * w + x]! += v;
      }
    }
  }
  for (let k = 0; k < K; k++) {
    const dst = k * half;
    for (let p = 0; p < half; p++) {
      const t = total[p]!;
      if (t > 0) out[dst + p] = out[dst + p]! / t;
    }
  }
  return { width: w, height: h, jointIds, data: out };
}

/**
 * Bilinear 2x upsampling to width x height on premultiplied colour (no dark fringes at the
 * silhouette), clamped at the border, written back as straight RGBA.
 */
export function upsample2x(image: RgbaImage, width: number, height: number): RgbaImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / 2 - 0.5;
    const y0 = Math.max(0, Math.floor(v));
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = Math.min(1, Math.max(0, v - y0));
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / 2 - 0.5;
      const x0 = Math.max(0, Math.floor(u));
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = Math.min(1, Math.max(0, u - x0));
      const i00 = (y0 * w + x0) * 4;
      const i01 = (y0 * w + x1) * 4;
      const i10 = (y1 * w + x0) * 4;
      const i11 = (y1 * w + x1) * 4;
      const w00 = (1 - fx) * (1 - fy) * data[i00 + 3]!;
      const w01 = fx * (1 - fy) * data[i01 + 3]!;
      const w10 = (1 - fx) * fy * data[i10 + 3]!;
      const w11 = fx * fy * data[i11 + 3]!;
      const a = w00 + w01 + w10 + w11;
      if (a <= 0) continue;
      const o = (y * width + x) * 4;
      out[o] = Math.round((data[i00]! * w00 + data[i01]! * w01 + data[i10]! * w10 + data[i11]! * w11) / a);
      out[o + 1] = Math.round(
        (data[i00 + 1]! * w00 + data[i01 + 1]! * w01 + data[i10 + 1]! * w10 + data[i11 + 1]! * w11) / a,
      );
      out[o + 2] = Math.round(
        (data[i00 + 2]! * w00 + data[i01 + 2]! * w01 + data[i10 + 2]! * w10 + data[i11 + 2]! * w11) / a,
      );
      out[o + 3] = Math.round(a);
    }
  }
  return { width, height, data: out };
}
