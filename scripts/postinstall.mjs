// Runs after every `npm install` / `npm ci`. It must be fast and must never fail the install:
// it reports a missing Electron binary (`npm start` downloads it) and, only on Linux x64 machines
// with an NVIDIA driver, tries once to fetch ONNX Runtime's CUDA parts (scripts/install-gpu.mjs).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  const { electronBinaryStatus } = await import('./lib/launch.mjs');
  const status = electronBinaryStatus(`${root}node_modules/electron`);
  if (status.packagePresent && !status.installed) {
    console.log(
      "keypose: Electron's binary is not installed yet. `npm start` downloads it once and otherwise opens the studio in your browser; `npm run studio` always works.",
    );
  }
} catch {
  // Never fail an install over a hint.
}
try {
  const { cudaStatus, decideGpuInstall } = await import('./lib/gpu.mjs');
  const status = cudaStatus({
    platform: process.platform,
    arch: process.arch,
    ortDir: `${root}node_modules/onnxruntime-node`,
  });
  if (decideGpuInstall(status, process.env) === 'download') {
    spawnSync(process.execPath, [`${root}scripts/install-gpu.mjs`, '--never-fail'], { stdio: 'inherit' });
  }
} catch {
  // The CPU build always works; the GPU is an optional extra.
}
