import type { FromWorker, ToWorker } from '../../core/contract/jobs.js';
import { loadModelPack } from '../packs/pack.js';

/**
 * validatePack: the deep check of a model pack (its ONNX files load in onnxruntime and their real
 * inputs/outputs match the manifest), which the host cannot do without onnxruntime. The pack is
 * loaded exactly as a render job would load it and released at once.
 */
export async function handleValidatePack(
  msg: Extract<ToWorker, { type: 'validatePack' }>,
): Promise<FromWorker> {
  try {
    const pack = await loadModelPack(msg.packDir);
    await pack.dispose();
    return { type: 'packValidated', requestId: msg.requestId, ok: true };
  } catch (err) {
    return {
      type: 'packValidated',
      requestId: msg.requestId,
      ok: false,
      message: (err as Error).message,
    };
  }
}
