import type { FromWorker } from '../../core/contract/jobs.js';
import type { SkinWeights } from '../../core/render/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { computeMask } from '../rigging/mask.js';
import type { Mask } from '../rigging/types.js';
import { computeSkinWeights } from '../rigging/weights.js';
import { type PartHintsWire, partHintsFromWire } from './partHintsWire.js';

/**
 * The worker's 'computeWeights' request: skin weights for a character's art and skeleton, computed
 * here rather than in the host because they are CPU-heavy (geodesic distances over the mask) and
 * the host's event loop serves the UI. The host caches the result per (art, rest skeleton).
 */
export interface ComputeWeightsRequest {
  readonly requestId: string;
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
  readonly mask?: Uint8Array | undefined;
  readonly skeleton: Skeleton;
  /** PSD part hints kept by the document: they override the automatic weights where they cover. */
  readonly partHints?: PartHintsWire | undefined;
}

export function handleComputeWeights(msg: ComputeWeightsRequest): FromWorker {
  const t0 = performance.now();
  try {
    const { width, height, rgba } = msg;
    if (rgba.length !== width * height * 4) {
      throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
    }
    let mask: Mask;
    if (msg.mask) {
      if (msg.mask.length !== width * height) {
        throw new Error(`expected a ${width}x${height} mask, got ${msg.mask.length} bytes`);
      }
      mask = { width, height, data: msg.mask.map((v) => (v ? 1 : 0)) };
    } else {
      let hasAlpha = false;
      for (let i = 3; i < rgba.length; i += 4) {
        if (rgba[i]! < 255) {
          hasAlpha = true;
          break;
        }
      }
      mask = computeMask({ width, height, data: rgba }, hasAlpha).mask;
    }
    const weights = sparsifyWeights(
      computeSkinWeights({
        mask: mask.data,
        width,
        height,
        skeleton: msg.skeleton,
        ...(msg.partHints ? { partHints: partHintsFromWire(msg.partHints, width, height) } : {}),
      }),
    );
    return {
      type: 'weights',
      requestId: msg.requestId,
      width: weights.width,
      height: weights.height,
      jointIds: [...weights.jointIds],
      data: new Uint8Array(weights.data.buffer, weights.data.byteOffset, weights.data.byteLength),
      computeMs: performance.now() - t0,
    };
  } catch (err) {
    return { type: 'weightsFailed', requestId: msg.requestId, message: (err as Error).message };
  }
}

/** Weights below this share of a pixel are dropped (see sparsifyWeights). */
export const MIN_PIXEL_WEIGHT = 0.01;
/** Most bones one pixel follows, as in real-time skinning. */
export const MAX_BONES_PER_PIXEL = 4;

/**
 * Drops every weight below `minWeight` and keeps the `maxBones` strongest bones per pixel, then
 * renormalises each pixel to sum 1. computeSkinWeights interpolates its per-cell influences
 * bilinearly, so a pixel typically carries 4 to 8 bones, most of them with a few thousandths:
 * those move a pixel by far less than one (1% of a bone that travels 100 px is 1 px), but they
 * spread each bone's support far beyond where it matters (the chest reached 742 px across the
 * arms), and the frame engine prunes its per-pixel work by bone support: on the sample character
 * the sparse weights render about twice as fast. A pixel whose weights are all below minWeight
 * keeps its strongest bone.
 */
export function sparsifyWeights(
  weights: SkinWeights,
  minWeight = MIN_PIXEL_WEIGHT,
  maxBones = MAX_BONES_PER_PIXEL,
): SkinWeights {
  const { width, height, jointIds, data } = weights;
  const plane = width * height;
  const K = jointIds.length;
  const out = new Float32Array(data.length);
  const bone = new Int32Array(maxBones);
  const value = new Float64Array(maxBones);
  for (let p = 0; p < plane; p++) {
    // The strongest maxBones weights at or above minWeight, strongest first (ties: lower index).
    let used = 0;
    let best = -1;
    let bestValue = 0;
    for (let k = 0; k < K; k++) {
      const v = data[k * plane + p]!;
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
      if (v < minWeight) continue;
      if (used === maxBones && v <= value[used - 1]!) continue;
      let i = used < maxBones ? used++ : used - 1;
      while (i > 0 && value[i - 1]! < v) {
        value[i] = value[i - 1]!;
        bone[i] = bone[i - 1]!;
        i--;
      }
      value[i] = v;
      bone[i] = k;
    }
    if (used === 0) {
      if (best >= 0) out[best * plane + p] = 1;
      continue;
    }
    let total = 0;
    for (let i = 0; i < used; i++) total += value[i]!;
    for (let i = 0; i < used; i++) out[bone[i]! * plane + p] = value[i]! / total;
  }
  return { width, height, jointIds, data: out };
}
