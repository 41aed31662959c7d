// `npm run build`: the renderer (Vite) and the Node/Electron bundles (esbuild) under build/.
//   build/renderer/          the UI, loaded by Electron (app://) and by `npm run studio -- --prod`
//   build/electron/main.js   Electron's main process (ESM; package.json "main")
//   build/electron/preload.cjs  the preload (CommonJS: sandboxed preloads cannot be modules)
//   build/worker/*.js        worker-process entries (inference/worker/main.ts, host/worker/*.entry.ts)
//   build/cli/main.js        the `keypose` command
// Flags: --skip-renderer (only the bundles).
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipRenderer = process.argv.includes('--skip-renderer');

// Native modules and packages that locate files next to themselves stay outside the bundles and
// are loaded from node_modules (unpacked from the asar archive by electron-builder).
const external = [
  'electron',
  'onnxruntime-node',
  'sharp',
  'fluent-ffmpeg',
  '@ffmpeg-installer/ffmpeg',
  'vite',
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
  outfile: 'build/electron/main.js',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  banner: esmRequireBanner,
});
await esbuild({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: 'build/electron/preload.cjs',
  platform: 'node',
  format: 'cjs',
  target: 'node22',
});
console.log('built build/electron (main.js, preload.cjs)');

// The frame worker (inference/worker/main.ts -> build/worker/main.js) and any other worker-process
// entries named host/worker/*.entry.ts (-> build/worker/<name>.entry.js).
const workerDir = `${root}host/worker`;
const workerEntries = [
  ...(existsSync(`${root}inference/worker/main.ts`) ? ['inference/worker/main.ts'] : []),
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
    outdir: 'build/worker',
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
    outfile: 'build/cli/main.js',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: esmRequireBanner,
  });
  console.log('built build/cli/main.js');
}

console.log(`build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
