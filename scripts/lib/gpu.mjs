// ONNX Runtime's CUDA parts: onnxruntime-node bundles its CPU build; on Linux x64 its CUDA 12
// provider is a separate download (NuGet) that its own install script makes. Keypose denies that
// script in package.json's allowScripts (offline, the download failed the whole `npm install`)
// and runs it itself, after the install, only where an NVIDIA driver is present, with a time
// limit, and never failing the install. These decisions are pure so tests/cli/gpu.test.ts can
// check them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The command a user runs by hand to fetch the CUDA parts (also printed when the download fails). */
export const GPU_INSTALL_COMMAND = 'npm run gpu';

/**
 * Whether this machine can use onnxruntime-node's CUDA provider and whether it is installed.
 * @param {{ platform: string; arch: string; ortDir: string; exists?: (path: string) => boolean }} env
 * @returns {{ supported: boolean; driver: boolean; installed: boolean }}
 */
export function cudaStatus({ platform, arch, ortDir, exists = existsSync }) {
  const supported = platform === 'linux' && arch === 'x64';
  if (!supported) return { supported, driver: false, installed: false };
  // The kernel module's version file exists wherever the NVIDIA driver is loaded (also in
  // containers given the GPU); nvidia-smi may not be on PATH there.
  const driver = exists('/proc/driver/nvidia/version');
  const installed = exists(
    join(ortDir, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so'),
  );
  return { supported, driver, installed };
}

/**
 * What the post-install step does about CUDA: nothing on machines without an NVIDIA driver or
 * where it is already there; otherwise try the download once. `KEYPOSE_GPU=off` opts out.
 * @param {{ supported: boolean; driver: boolean; installed: boolean }} status
 * @param {{ KEYPOSE_GPU?: string }} env
 * @returns {'download' | 'none'}
 */
export function decideGpuInstall(status, env) {
  if (env.KEYPOSE_GPU === 'off') return 'none';
  return status.supported && status.driver && !status.installed ? 'download' : 'none';
}

/** The line printed when the automatic download did not work. */
export function gpuFallbackMessage(reason) {
  return `keypose: ONNX Runtime's CUDA parts could not be downloaded (${reason}); frames render on the CPU. Run \`${GPU_INSTALL_COMMAND}\` later to try again.`;
}
