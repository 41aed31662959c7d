// Fast starts for the TypeScript entries Node runs from a clone: the `keypose` command
// (cli/bin/keypose.js) and the worker processes the host forks (frame, pose, face).
//
// Through tsx, a start costs ~1.6 s of a 2-core machine before the first line of Keypose runs: each
// of the ~150 modules an entry imports is resolved and loaded through tsx's hooks on another
// thread. One esbuild bundle of the same sources, with every npm package left outside it, starts
// in ~0.6 s (docs/ARCHITECTURE.md, "Starting a process"). The bundle is kept in
// node_modules/.cache/keypose/entries/ and is used only while every source file it was built from
// has the size and modification time it had when it was read, so an edited file is always what
// runs. Where a bundle cannot be built or kept (a read-only install, esbuild missing, inside
// Electron, KEYPOSE_ENTRY_BUNDLES=off) the caller falls back to tsx: the bundle can only save time.
//
// Plain JavaScript because the launcher must run before anything can load TypeScript; its types
// are in entryBundle.d.mts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bumped when what a bundle holds changes shape, so bundles built by older code are rebuilt. */
const BUNDLE_FORMAT = 1;

/** A superseded bundle is removed only once it is this old: a process may still be loading it. */
const STALE_AFTER_MS = 10 * 60 * 1000;

/**
 * The repository (or installed app) root: two folders above this module, host/launch/, and also
 * above the bundles scripts/build.mjs makes of it (build/cli/, build/electron/, build/worker/).
 */
const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The script entryBundleSync runs to build (a file of its own: this module is bundled into others). */
const BUILD_SCRIPT = join(APP_ROOT, 'host', 'launch', 'buildEntryBundle.mjs');

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js' };

/** Where bundles are kept: npm's conventional cache folder inside the app's own node_modules. */
export function defaultBundleDir() {
  return join(APP_ROOT, 'node_modules', '.cache', 'keypose', 'entries');
}

/** Whether bundles may be used here at all. */
export function entryBundlesEnabled(env = process.env) {
  // Electron's child processes are forked from its own binary and a packaged app is read-only;
  // the built app has its own bundles (scripts/build.mjs).
  return env.KEYPOSE_ENTRY_BUNDLES !== 'off' && process.versions.electron === undefined;
}

/** `path` relative to the app's root, or null when it lies outside it. */
function appRelative(path) {
  const rel = relative(APP_ROOT, path);
  return rel.startsWith('..') || isAbsolute(rel) ? null : rel;
}

/** The file names kept for one entry: `<id>.json` (the manifest) and `<id>-<hash>.mjs`. */
function entryId(entry) {
  const readable = (appRelative(entry) ?? basename(entry)).replace(/[^\w.-]+/g, '_');
  const hash = createHash('sha256').update(entry).digest('hex').slice(0, 8);
  return `${readable}-${hash}`;
}

function readManifest(dir, entry) {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, `${entryId(entry)}.json`), 'utf8'));
    if (
      manifest?.format !== BUNDLE_FORMAT ||
      manifest.entry !== entry ||
      typeof manifest.bundle !== 'string' ||
      !/^[\w.-]+\.mjs$/.test(manifest.bundle) ||
      !Array.isArray(manifest.inputs)
    ) {
      return null;
    }
    return manifest;
  } catch {
    return null;
  }
}

function unchanged(input) {
  try {
    const stat = statSync(input.path);
    return stat.size === input.size && stat.mtimeMs === input.mtimeMs;
  } catch {
    return false;
  }
}

/**
 * The kept bundle of `entry` (an absolute path to a .ts file) when every file it was built from is
 * as it was; otherwise null. A few hundred stat calls: milliseconds.
 */
export function freshBundle(entry, dir = defaultBundleDir()) {
  const manifest = readManifest(dir, entry);
  if (!manifest?.inputs.every(unchanged)) return null;
  const bundle = join(dir, manifest.bundle);
  return existsSync(bundle) ? bundle : null;
}

/** Writes `text` to `path` through a temporary name, so a reader never sees half a file. */
function writeWhole(path, text) {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Builds and keeps the bundle of `entry`; resolves with its path. Every source file is recorded
 * (size, mtime) at the moment it is read, so an edit made during the build makes the bundle stale
 * rather than wrongly fresh. Each module's `import.meta.url` is replaced by its own file's URL:
 * modules find workers, assets and package.json relative to themselves, and must find the same
 * files from inside the bundle.
 */
export async function buildBundle(entry, dir = defaultBundleDir()) {
  const { build } = await import('esbuild');
  const inputs = new Map();
  const record = (path) => {
    const stat = statSync(path);
    inputs.set(path, { path, size: stat.size, mtimeMs: stat.mtimeMs });
  };
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: APP_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    outfile: join(dir, 'bundle.mjs'),
    sourcemap: 'external',
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'keypose-own-import-meta',
        setup(b) {
          b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
            const loader = LOADERS[extname(args.path)];
            if (!loader) return undefined;
            record(args.path);
            const source = readFileSync(args.path, 'utf8');
            const url = JSON.stringify(pathToFileURL(args.path).href);
            return { contents: source.replaceAll('import.meta.url', url), loader };
          });
        },
      },
    ],
  });
  // Anything esbuild read without the plugin (none today) is recorded too, after the fact.
  for (const name of Object.keys(result.metafile.inputs)) {
    const path = resolve(APP_ROOT, name);
    if (!inputs.has(path)) record(path);
  }
  // The compiler settings esbuild read for those files (each layer's tsconfig.json extends the
  // base): a changed setting can change the output as much as a changed source.
  for (const path of [...inputs.keys()]) {
    const rel = appRelative(path);
    if (rel === null) continue;
    const layer = rel.split(/[\\/]/)[0] ?? '';
    for (const config of [join(APP_ROOT, layer, 'tsconfig.json'), join(APP_ROOT, 'tsconfig.base.json')]) {
      if (!inputs.has(config) && existsSync(config)) record(config);
    }
  }
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.mjs.map'));
  if (!code || !map) throw new Error(`esbuild produced no bundle for ${entry}`);

  const id = entryId(entry);
  const hash = createHash('sha256').update(code.contents).digest('hex').slice(0, 12);
  const name = `${id}-${hash}.mjs`;
  mkdirSync(dir, { recursive: true });
  // The map's sources are relative to the bundle's folder, so stack traces name the .ts files.
  writeWhole(join(dir, `${name}.map`), map.text);
  writeWhole(join(dir, name), `${code.text}//# sourceMappingURL=${name}.map\n`);
  writeWhole(
    join(dir, `${id}.json`),
    JSON.stringify({ format: BUNDLE_FORMAT, entry, bundle: name, inputs: [...inputs.values()] }),
  );
  removeSuperseded(dir, id, name);
  return join(dir, name);
}

/** `<hash>.mjs`, its map, and writeWhole's temporaries of either (left by a killed build). */
const OWN_NAME = /^[0-9a-f]{12}\.mjs(\.map)?(\.\d+\.[0-9a-z]+\.tmp)?$/;
const TEMPORARY = /^\d+\.[0-9a-z]+\.tmp$/;

/** Removes this entry's older bundles (only names this module makes), once nothing can be loading them. */
function removeSuperseded(dir, id, current) {
  const now = Date.now();
  for (const file of readdirSync(dir)) {
    const ours =
      (file.startsWith(`${id}-`) && OWN_NAME.test(file.slice(id.length + 1))) ||
      (file.startsWith(`${id}.json.`) && TEMPORARY.test(file.slice(id.length + 6)));
    if (!ours || file.startsWith(current)) continue;
    try {
      if (now - statSync(join(dir, file)).mtimeMs > STALE_AFTER_MS) rmSync(join(dir, file), { force: true });
    } catch {
      // gone already (another process cleaned up)
    }
  }
}

function writable(dir) {
  let probe = dir;
  while (!existsSync(probe)) {
    const parent = dirname(probe);
    if (parent === probe) return false;
    probe = parent;
  }
  try {
    accessSync(probe, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** For the launcher: the fresh bundle, building it if needed; null where there can be none. */
export async function entryBundle(entry, dir = defaultBundleDir()) {
  if (!entryBundlesEnabled()) return null;
  const fresh = freshBundle(entry, dir);
  if (fresh || !writable(dir)) return fresh;
  try {
    return await buildBundle(entry, dir);
  } catch {
    return null;
  }
}

/**
 * For code that must decide synchronously (a worker is forked inside a constructor): the fresh
 * bundle, building it in a short child process if needed (~0.5 s, once per change of the
 * sources); null where there can be none.
 */
export function entryBundleSync(entry, dir = defaultBundleDir()) {
  if (!entryBundlesEnabled()) return null;
  const fresh = freshBundle(entry, dir);
  if (fresh || !writable(dir)) return fresh;
  try {
    execFileSync(process.execPath, [BUILD_SCRIPT, entry, dir], { stdio: 'ignore', timeout: 120_000 });
  } catch {
    return null;
  }
  return freshBundle(entry, dir);
}
