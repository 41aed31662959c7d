// A worker thread that runs Rhubarb Lip Sync (rhubarb-lip-sync-wasm: Rhubarb 1.x and its
// PocketSphinx models compiled to WebAssembly). Plain JavaScript so it starts without a TypeScript
// loader, in development, tests and a built app alike. One message in: { id, pcm (Int16Array,
// 16 kHz mono), text }; one out: { id, cues } or { id, error }. Rhubarb's recogniser is a blocking
// call: running it here keeps the host's event loop free and lets a cancel end it at once
// (Worker.terminate).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

// Rhubarb and emscripten also write notes through console ("Heap resize call ..."): silenced here
// rather than by capturing the thread's stdio in the host, whose streams would keep an idle,
// unref'd thread holding the process open (a CLI run would never exit).
for (const name of ['log', 'info', 'warn', 'error', 'debug']) console[name] = () => {};
process.stdout.write = () => true;
process.stderr.write = () => true;

const require = createRequire(import.meta.url);
const wasmDir = join(dirname(require.resolve('rhubarb-lip-sync-wasm/package.json')), 'dist', 'wasm');
const quiet = () => {};

const modulePromise = import(pathToFileURL(join(wasmDir, 'rhubarb.js')).href).then((m) =>
  // Rhubarb prints [DEBUG] lines and emscripten heap notes: not the user's business.
  m.default({ locateFile: (file) => join(wasmDir, file), print: quiet, printErr: quiet }),
);

parentPort.on('message', async (message) => {
  const { id, pcm, text } = message;
  try {
    const rhubarb = await modulePromise;
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const result = rhubarb.getLipSync(bytes, text ?? '');
    parentPort.postMessage({ id, cues: result.mouthCues ?? [] });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
