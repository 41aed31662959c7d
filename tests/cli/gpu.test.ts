import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { cudaStatus, decideGpuInstall, gpuFallbackMessage } from '../../scripts/lib/gpu.mjs';

const ortDir = '/x/node_modules/onnxruntime-node';
const cudaLib = `${ortDir}/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so`;
const files =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe('install: ONNX Runtime CUDA parts', () => {
  it("denies onnxruntime-node's own install script (its CUDA download failed the whole install offline)", () => {
    const allow = (packageJson as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
    expect(allow['onnxruntime-node']).toBe(false);
    expect(packageJson.scripts.gpu).toBe('node scripts/install-gpu.mjs');
  });

  it('downloads only on Linux x64 with an NVIDIA driver and no CUDA parts yet', () => {
    const withDriver = cudaStatus({
      platform: 'linux',
      arch: 'x64',
      ortDir,
      exists: files('/proc/driver/nvidia/version'),
    });
    expect(withDriver).toEqual({ supported: true, driver: true, installed: false });
    expect(decideGpuInstall(withDriver, {})).toBe('download');
    expect(decideGpuInstall(withDriver, { KEYPOSE_GPU: 'off' })).toBe('none');

    const noDriver = cudaStatus({ platform: 'linux', arch: 'x64', ortDir, exists: files() });
    expect(decideGpuInstall(noDriver, {})).toBe('none');

    const done = cudaStatus({
      platform: 'linux',
      arch: 'x64',
      ortDir,
      exists: files('/proc/driver/nvidia/version', cudaLib),
    });
    expect(done.installed).toBe(true);
    expect(decideGpuInstall(done, {})).toBe('none');

    for (const platform of ['win32', 'darwin']) {
      const other = cudaStatus({ platform, arch: 'x64', ortDir, exists: () => true });
      expect(decideGpuInstall(other, {})).toBe('none');
    }
  });

  it('says how to retry when the download fails', () => {
    expect(gpuFallbackMessage('offline')).toMatch(/npm run gpu/);
  });
});
