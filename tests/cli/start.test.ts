import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decideStart,
  electronBinaryStatus,
  fallbackMessage,
  openUrlCommand,
  studioUrlFromLine,
} from '../../scripts/lib/launch.mjs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-start-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm start: is Electron there?', () => {
  it('no package at all', () => {
    expect(electronBinaryStatus(join(dir, 'electron'))).toEqual({
      packagePresent: false,
      installed: false,
      executable: null,
    });
  });

  it('package without the binary (what npm leaves on these machines)', async () => {
    await writeFile(join(dir, 'package.json'), '{}');
    expect(electronBinaryStatus(dir)).toEqual({ packagePresent: true, installed: false, executable: null });
    // path.txt written but the executable missing (an interrupted extraction) is not installed either.
    await writeFile(join(dir, 'path.txt'), 'electron');
    expect(electronBinaryStatus(dir).installed).toBe(false);
  });

  it('package with path.txt and the executable in dist/', async () => {
    await writeFile(join(dir, 'package.json'), '{}');
    await writeFile(join(dir, 'path.txt'), 'electron');
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist', 'electron'), '');
    expect(electronBinaryStatus(dir)).toEqual({
      packagePresent: true,
      installed: true,
      executable: join(dir, 'dist', 'electron'),
    });
  });

  it('the decision: electron, one download, else the studio', () => {
    const base = { installed: false, packagePresent: true, downloadTried: false, forceStudio: false };
    expect(decideStart({ ...base, installed: true })).toBe('electron');
    expect(decideStart(base)).toBe('download');
    expect(decideStart({ ...base, downloadTried: true })).toBe('studio');
    expect(decideStart({ ...base, packagePresent: false })).toBe('studio');
    expect(decideStart({ ...base, installed: true, forceStudio: true })).toBe('studio');
  });

  it('says it in one line with the URL', () => {
    const line = fallbackMessage('http://127.0.0.1:5183/');
    expect(line).not.toContain('\n');
    expect(line).toMatch(
      /^Electron's binary is not installed and cannot be downloaded here; .*http:\/\/127\.0\.0\.1:5183\/$/,
    );
  });

  it('finds the studio URL in its output and knows how to open it', () => {
    expect(studioUrlFromLine('Keypose studio: http://127.0.0.1:5190/')).toBe('http://127.0.0.1:5190/');
    expect(studioUrlFromLine('Projects folder: /tmp')).toBeNull();
    expect(openUrlCommand('linux', 'http://x/')).toEqual({ command: 'xdg-open', args: ['http://x/'] });
    expect(openUrlCommand('darwin', 'http://x/').command).toBe('open');
    expect(openUrlCommand('win32', 'http://x/').args).toContain('start');
  });
});

describe('the studio process (npm run studio; npm start where Electron is missing)', () => {
  const ROOT = join(import.meta.dirname, '..', '..');

  /** Starts scripts/studio.mjs, waits for its URL, fetches the page, stops it. */
  async function startAndFetch(env: NodeJS.ProcessEnv): Promise<{ status: number; page: string }> {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'scripts', 'studio.mjs'),
        '--port',
        '0',
        '--projects',
        join(dir, 'p'),
        '--cache',
        join(dir, 'c'),
      ],
      { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) =>
          reject(new Error(`the studio exited (${code}) before printing its URL`)),
        );
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const found = studioUrlFromLine(line);
          if (found) resolve(found);
        });
      });
      const response = await fetch(url);
      return { status: response.status, page: await response.text() };
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }

  it('serves the editor from its bundle, and through tsx where bundles are off', async () => {
    for (const env of [{}, { KEYPOSE_ENTRY_BUNDLES: 'off' }]) {
      const { status, page } = await startAndFetch(env);
      expect(status, JSON.stringify(env)).toBe(200);
      expect(page).toContain('<div id="root">');
    }
  });
});
