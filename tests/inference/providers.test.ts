import { describe, expect, it } from 'vitest';
import { buildPartsGraph } from '../../inference/engine/graph/partsGraph.js';
import {
  createSessionWithFallback,
  parseProvider,
  preferredProviders,
  providerOrder,
} from '../../inference/engine/providers.js';

describe('execution providers', () => {
  it('prefers the platform accelerators, CPU last', () => {
    expect(preferredProviders('linux')).toEqual(['cuda', 'cpu']);
    expect(preferredProviders('win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(preferredProviders('darwin')).toEqual(['coreml', 'cpu']);
    expect(preferredProviders('freebsd')).toEqual(['cpu']);
  });

  it('takes an override from the option or KEYPOSE_EP, and rejects unknown names clearly', () => {
    expect(providerOrder({ override: 'DirectML' })).toEqual(['dml', 'cpu']);
    expect(providerOrder({ env: { KEYPOSE_EP: 'cpu' } })).toEqual(['cpu']);
    expect(providerOrder({ env: {}, platform: 'darwin' })).toEqual(['coreml', 'cpu']);
    expect(() => parseProvider('tpu')).toThrow(/unknown execution provider "tpu".*cpu, cuda, dml, coreml/);
  });

  it('falls back to CPU with a message when the preferred provider cannot load (real onnxruntime)', async () => {
    const model = buildPartsGraph();
    const { session, choice } = await createSessionWithFallback(model, { override: 'coreml' });
    // onnxruntime-node ships CoreML only in its macOS build.
    if (process.platform !== 'darwin') {
      expect(choice.name).toBe('cpu');
      expect(choice.messages[0]).toMatch(/COREML execution provider unavailable .*falling back/);
    }
    await session.release();
    const cpu = await createSessionWithFallback(model, { override: 'cpu' });
    expect(cpu.choice).toEqual({ name: 'cpu', messages: [] });
    await cpu.session.release();
  });
});
