import type { FromWorker } from '../../core/contract/jobs.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { computeMask } from '../rigging/mask.js';
import type { Mask } from '../rigging/types.js';
import { computeSkinWeights } from '../rigging/weights.js';

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
    const weights = computeSkinWeights({ mask: mask.data, width, height, skeleton: msg.skeleton });
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
