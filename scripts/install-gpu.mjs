// `npm run gpu` (and, where an NVIDIA driver is present, the post-install step): fetches ONNX
// Runtime's CUDA 12 provider with onnxruntime-node's own installer. Exit code 0 when the parts
// are there afterwards; with --never-fail (post-install) always 0, so an offline or failed
// download never fails `npm install`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cudaStatus, gpuFallbackMessage } from './lib/gpu.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const ortDir = `${root}node_modules/onnxruntime-node`;
const neverFail = process.argv.includes('--never-fail');
const TIMEOUT_MS = 15 * 60_000;

const before = cudaStatus({ platform: process.platform, arch: process.arch, ortDir });
if (!before.supported) {
  console.log(
    `keypose: onnxruntime-node has no separate CUDA download on ${process.platform}/${process.arch} (DirectML on Windows and CoreML on macOS are bundled).`,
  );
  process.exit(0);
}
if (before.installed) {
  console.log('keypose: ONNX Runtime CUDA parts already installed.');
  process.exit(0);
}

console.log("keypose: downloading ONNX Runtime's CUDA 12 parts (several hundred MB)…");
const child = spawn(process.execPath, [`${ortDir}/script/install.js`], {
  cwd: ortDir,
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
});
const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
child.on('error', (err) => finish(err.message));
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  const after = cudaStatus({ platform: process.platform, arch: process.arch, ortDir });
  if (after.installed) {
    console.log(
      'keypose: CUDA parts installed; the frame engine uses the GPU (`keypose render` prints "Engine: CUDA").',
    );
    process.exit(0);
  }
  finish(signal ? `stopped after ${TIMEOUT_MS / 60_000} min` : `installer exit code ${code}`);
});

function finish(reason) {
  console.log(gpuFallbackMessage(reason));
  process.exit(neverFail ? 0 : 1);
}
