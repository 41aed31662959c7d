import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBundle,
  entryBundle,
  entryBundleSync,
  entryBundlesEnabled,
  freshBundle,
} from '../../host/launch/entryBundle.mjs';
import { forkEntry } from '../../host/launch/forkEntry.js';
import { WORKER_ENTRY } from '../../host/worker/supervisor.js';
import { BIN } from '../cli/runKeypose.js';

/**
 * The kept bundles that start `keypose` and the worker processes without tsx
 * (host/launch/entryBundle.mjs): a bundle runs exactly the sources' code (each module keeps its
 * own import.meta.url, stack traces name the .ts files), is used only while every source is
 * unchanged, and where none can be kept the caller is told to use tsx.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-entry-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A two-module entry in its own folder: main.ts imports lib.ts; both report import.meta.url. */
async function writeEntry(
  name: string,
  libValue: string,
): Promise<{ main: string; lib: string; out: string }> {
  const folder = join(dir, name);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(folder, 'nested'), { recursive: true });
  const main = join(folder, 'main.ts');
  const lib = join(folder, 'nested', 'lib.ts');
  await writeFile(
    main,
    [
      "import { libUrl, value, fail } from './nested/lib.js';",
      'export const mainUrl: string = import.meta.url;',
      'export { libUrl, value, fail };',
      '',
    ].join('\n'),
  );
  await writeLib(lib, libValue);
  return { main, lib, out: join(folder, 'bundles') };
}

async function writeLib(lib: string, value: string): Promise<void> {
  await writeFile(
    lib,
    [
      'export const libUrl: string = import.meta.url;',
      `export const value: string = ${JSON.stringify(value)};`,
      'export function fail(): never {',
      "  throw new Error('failed in lib');",
      '}',
      '',
    ].join('\n'),
  );
}

/** Imports a bundle in a fresh Node (vitest's own loader would transform it again). */
function runInNode(bundle: string, expression: string): Promise<unknown> {
  const script = `process.setSourceMapsEnabled(true); const m = await import(${JSON.stringify(
    pathToFileURL(bundle).href,
  )}); try { console.log(JSON.stringify(${expression})); } catch (e) { console.log(JSON.stringify(e.stack)); }`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

describe('entry bundles', () => {
  it('run the sources as they are: each module keeps its own import.meta.url, stacks name the .ts', async () => {
    const { main, lib, out } = await writeEntry('urls', 'first');
    const bundle = await buildBundle(main, out);
    expect(bundle.startsWith(out)).toBe(true);
    expect(freshBundle(main, out)).toBe(bundle);
    const m = await runInNode(bundle, '({ mainUrl: m.mainUrl, libUrl: m.libUrl, value: m.value })');
    expect(m).toEqual({ mainUrl: pathToFileURL(main).href, libUrl: pathToFileURL(lib).href, value: 'first' });
    const stack = String(await runInNode(bundle, 'm.fail()'));
    expect(stack).toContain('failed in lib');
    expect(stack).toContain(`${lib}:4:`);
  });

  it('is stale as soon as a source changes (size or time), and a rebuild runs the new code', async () => {
    const { main, lib, out } = await writeEntry('edits', 'first');
    const first = await buildBundle(main, out);
    expect(freshBundle(main, out)).toBe(first);

    // Same size, new content: only the modification time tells.
    await writeLib(lib, 'fresh');
    const later = new Date(Date.now() + 5000);
    await utimes(lib, later, later);
    expect(freshBundle(main, out)).toBeNull();
    const second = await buildBundle(main, out);
    expect(second).not.toBe(first);
    expect(await runInNode(second, 'm.value')).toBe('fresh');

    // Another size, the time put back: the size tells.
    const { mtime } = await stat(lib);
    await writeLib(lib, 'a longer value');
    await utimes(lib, mtime, mtime);
    expect(freshBundle(main, out)).toBeNull();

    // A source gone: stale, not an error.
    await buildBundle(main, out);
    expect(freshBundle(main, out)).not.toBeNull();
    await rm(lib);
    expect(freshBundle(main, out)).toBeNull();
  });

  it('treats a broken or foreign manifest as no bundle', async () => {
    const { main, out } = await writeEntry('manifests', 'x');
    await buildBundle(main, out);
    const manifestName = (await readdir(out)).find((f) => f.endsWith('.json'));
    expect(manifestName).toBeDefined();
    const manifestPath = join(out, manifestName!);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { entry: string; bundle: string };

    await writeFile(manifestPath, JSON.stringify({ ...manifest, entry: join(dir, 'elsewhere.ts') }));
    expect(freshBundle(main, out)).toBeNull();
    await writeFile(manifestPath, JSON.stringify({ ...manifest, bundle: '../../escape.mjs' }));
    expect(freshBundle(main, out)).toBeNull();
    await writeFile(manifestPath, '{"format": 1, "entr');
    expect(freshBundle(main, out)).toBeNull();
    // A manifest whose bundle file is missing.
    await writeFile(manifestPath, JSON.stringify(manifest));
    expect(freshBundle(main, out)).not.toBeNull();
    await rm(join(out, manifest.bundle));
    expect(freshBundle(main, out)).toBeNull();
  });

  it('removes only its own superseded bundles, and only once they are old', async () => {
    const { main, lib, out } = await writeEntry('cleanup', 'one');
    const first = await buildBundle(main, out);
    const foreign = join(out, 'notes.mjs');
    await writeFile(foreign, '// not ours');
    const old = new Date(Date.now() - 60 * 60 * 1000);
    await utimes(foreign, old, old);

    await writeLib(lib, 'two');
    const second = await buildBundle(main, out);
    // The first is recent: a process may still be loading it.
    expect((await readdir(out)).map((f) => join(out, f))).toContain(first);
    await utimes(first, old, old);
    await utimes(`${first}.map`, old, old);
    await writeLib(lib, 'three');
    const third = await buildBundle(main, out);
    const left = (await readdir(out)).map((f) => join(out, f));
    expect(left).not.toContain(first);
    expect(left).not.toContain(`${first}.map`);
    expect(left).toContain(second);
    expect(left).toContain(third);
    expect(left).toContain(foreign);
  });

  it('gives null where no bundle can be kept or bundles are off, so the caller uses tsx', async () => {
    const { main } = await writeEntry('nowhere', 'x');
    const aFile = join(dir, 'a-file');
    await writeFile(aFile, 'not a folder');
    expect(await entryBundle(main, join(aFile, 'bundles'))).toBeNull();
    expect(entryBundleSync(main, join(aFile, 'bundles'))).toBeNull();
    expect(entryBundlesEnabled({ KEYPOSE_ENTRY_BUNDLES: 'off' })).toBe(false);
    expect(entryBundlesEnabled({})).toBe(true);
  });

  it('builds a stale bundle synchronously (in a child process) for a fork', async () => {
    const { main, out } = await writeEntry('sync', 'from the child');
    const bundle = entryBundleSync(main, out);
    expect(bundle).not.toBeNull();
    expect(freshBundle(main, out)).toBe(bundle);
    expect(await runInNode(bundle!, 'm.value')).toBe('from the child');
  });

  it('forks the frame worker from its bundle, and anything given execArgv as given', () => {
    const launch = forkEntry(WORKER_ENTRY);
    expect(launch.modulePath).toMatch(/node_modules\/\.cache\/keypose\/entries\/.*\.mjs$/);
    expect(launch.execArgv).toEqual(['--enable-source-maps']);
    expect(forkEntry(WORKER_ENTRY, ['--import', 'x'])).toEqual({
      modulePath: WORKER_ENTRY,
      execArgv: ['--import', 'x'],
    });
    // A built .js entry is forked as it is, as before.
    expect(forkEntry('/app/build/worker/main.js').modulePath).toBe('/app/build/worker/main.js');
  });
});

describe('the keypose launcher', () => {
  const run = (env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [BIN, '--version'], { env: { ...process.env, ...env } }, (error, stdout) =>
        resolve({ code: error ? Number(error.code) : 0, stdout }),
      );
    });

  it('answers the same from its bundle and through tsx', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const bundled = await run({});
    const throughTsx = await run({ KEYPOSE_ENTRY_BUNDLES: 'off' });
    expect(bundled).toEqual({ code: 0, stdout: `${pkg.version}\n` });
    expect(throughTsx).toEqual(bundled);
  });
});
