// A worker thread that runs Rhubarb Lip Sync (rhubarb-lip-sync-wasm: Rhubarb 1.x and its
// PocketSphinx models compiled to WebAssembly). Plain JavaScript so it starts without a TypeScript
// loader, in development, tests and a built app alike. Messages in:
//   { id, pcm (Int16Array, 16 kHz mono), text, vocabulary? } -> { id, cues } or { id, error }
//   { id, type: 'dictionary' } -> { id, dictionary } (CMUdict's text, as Rhubarb has it)
// A vocabulary ({ dictionary, languageModel }: core/face/recogniserVocabulary.ts) takes the place
// of PocketSphinx's own dictionary and language model for that call, in the module's in-memory file
// system; without one the originals serve. Rhubarb's recogniser is a blocking call: running it
// here keeps the host's event loop free and lets a cancel end it at once (Worker.terminate).
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

// Where Rhubarb's PocketSphinx reads its vocabulary (rhubarb.js's file package).
const DICTIONARY = '/res/sphinx/cmudict-en-us.dict';
const LANGUAGE_MODEL = '/res/sphinx/en-us.lm.bin';
const FULL = '.full';
let ownVocabulary = false;

/** Puts a vocabulary in place of the full one, or the full one back (renames: no 27 MB copies). */
function putVocabulary(FS, vocabulary) {
  if (vocabulary) {
    if (!ownVocabulary) {
      FS.rename(DICTIONARY, DICTIONARY + FULL);
      FS.rename(LANGUAGE_MODEL, LANGUAGE_MODEL + FULL);
      ownVocabulary = true;
    }
    FS.writeFile(DICTIONARY, vocabulary.dictionary);
    FS.writeFile(LANGUAGE_MODEL, vocabulary.languageModel);
  } else if (ownVocabulary) {
    FS.unlink(DICTIONARY);
    FS.unlink(LANGUAGE_MODEL);
    FS.rename(DICTIONARY + FULL, DICTIONARY);
    FS.rename(LANGUAGE_MODEL + FULL, LANGUAGE_MODEL);
    ownVocabulary = false;
  }
}

parentPort.on('message', async (message) => {
  const { id, pcm, text, vocabulary } = message;
  try {
    const rhubarb = await modulePromise;
    if (message.type === 'dictionary') {
      const path = ownVocabulary ? DICTIONARY + FULL : DICTIONARY;
      parentPort.postMessage({ id, dictionary: rhubarb.FS.readFile(path, { encoding: 'utf8' }) });
      return;
    }
    putVocabulary(rhubarb.FS, vocabulary);
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const result = rhubarb.getLipSync(bytes, text ?? '');
    parentPort.postMessage({ id, cues: result.mouthCues ?? [] });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
