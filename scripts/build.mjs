// `npm run build`: the renderer (Vite) and the Node/Electron bundles (esbuild) under build/.
//   build/renderer/          the UI, loaded by Electron (app://) and by `npm run studio -- --prod`
//   build/electron/main.js   Electron's main process (ESM; package.json "main")
//   build/electron/preload.cjs  the preload (CommonJS: sandboxed preloads cannot be modules)
//   build/worker/*.js        worker-process entries: the frame worker (inference/worker/main.ts ->
//                            main.js), the pose and face workers (videoWorker.js, faceWorker.js)
//                            and any host/worker/*.entry.ts; host/launch/forkEntry.ts forks these
//                            where the .ts sources are not there (a packaged app)
//   build/cli/main.js        the `keypose` command
//   build/{electron,cli}/rhubarbThread.mjs  the lip-sync thread, beside the bundles that start it
// Flags: --skip-renderer (only the bundles); --out DIR puts the bundles in DIR instead of build/
// (with --skip-renderer: the test of the built layout, tests/robustness/built-app.test.ts).
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipRenderer = process.argv.includes('--skip-renderer');
const outFlag = process.argv.indexOf('--out');
const outArg = outFlag >= 0 ? process.argv[outFlag + 1] : undefined;
if (outFlag >= 0 && (!outArg || !skipRenderer)) {
  console.error('build: --out DIR takes the bundles only; use it with --skip-renderer');
  process.exit(2);
}
const out = outArg ? resolve(outArg) : join(root, 'build');

// Native modules and packages that locate files next to themselves stay outside the bundles and
// are loaded from node_modules (unpacked from the asar archive by electron-builder).
const external = [
  'electron',
  'onnxruntime-node',
  'sharp',
  'fluent-ffmpeg',
  '@ffmpeg-installer/ffmpeg',
  'vite',
  // Loaded only to bundle a clone's sources (host/launch/entryBundle.mjs), never in a built app;
  // bundled, its API refuses to load (it finds its binary relative to its own file).
  'esbuild',
];

// esbuild's ESM output has no `require`; bundled CommonJS code that calls it gets one.
const esmRequireBanner = {
  js: "import { createRequire as __keyposeCreateRequire } from 'node:module'; const require = __keyposeCreateRequire(import.meta.url);",
};

const started = Date.now();

if (!skipRenderer) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: `${root}vite.config.ts`, logLevel: 'warn' });
  console.log('built build/renderer');
}

const common = { bundle: true, sourcemap: true, logLevel: 'warning', absWorkingDir: root, external };

await esbuild({
  ...common,
  entryPoints: ['electron/main.ts'],
  outfile: join(out, 'electron', 'main.js'),
  platform: 'node',
  format: 'esm',
  target: 'node22',
  banner: esmRequireBanner,
});
await esbuild({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: join(out, 'electron', 'preload.cjs'),
  platform: 'node',
  format: 'cjs',
  target: 'node22',
});
console.log('built build/electron (main.js, preload.cjs)');

// The frame worker (inference/worker/main.ts -> build/worker/main.js) and any other worker-process
// entries named host/worker/*.entry.ts (-> build/worker/<name>.entry.js).
const workerDir = `${root}host/worker`;
const workerEntries = [
  ...['inference/worker/main.ts', 'inference/pose/videoWorker.ts', 'inference/face/faceWorker.ts'].filter(
    (entry) => existsSync(`${root}${entry}`),
  ),
  ...(existsSync(workerDir)
    ? readdirSync(workerDir)
        .filter((name) => name.endsWith('.entry.ts'))
        .map((name) => `host/worker/${name}`)
    : []),
];
if (workerEntries.length > 0) {
  await esbuild({
    ...common,
    entryPoints: workerEntries,
    outdir: join(out, 'worker'),
    entryNames: '[name]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: esmRequireBanner,
  });
  console.log(`built build/worker (${workerEntries.length} entr${workerEntries.length === 1 ? 'y' : 'ies'})`);
}

if (existsSync(`${root}cli/main.ts`)) {
  await esbuild({
    ...common,
    entryPoints: ['cli/main.ts'],
    outfile: join(out, 'cli', 'main.js'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: esmRequireBanner,
  });
  console.log('built build/cli/main.js');
}

// host/lipsync/recogniser.ts starts its thread from the file beside the module that runs it (plain
// JavaScript, not bundled: a worker thread's script is a file of its own).
for (const dir of ['electron', 'cli']) {
  mkdirSync(join(out, dir), { recursive: true });
  copyFileSync(`${root}host/lipsync/rhubarbThread.mjs`, join(out, dir, 'rhubarbThread.mjs'));
}

console.log(`build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
