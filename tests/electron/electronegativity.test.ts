import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Electronegativity (@doyensec/electronegativity) on electron/, as npm test runs it: no HIGH or
 * MEDIUM finding may be left without its reviewed explanation in electron/electronegativity-allow.json.
 */
const ROOT = join(import.meta.dirname, '../..');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts/electronegativity.mjs'), ...args], {
    encoding: 'utf8',
    timeout: 150_000,
  });

describe('Electronegativity', () => {
  it('finds nothing unexplained in electron/', () => {
    const result = run();
    expect(result.stderr).not.toMatch(/Unexplained|matches no finding/);
    expect(result.stdout).toMatch(/0 unexplained, 0 stale allow entries/);
    expect(result.status).toBe(0);
  }, 160_000);

  it('fails on an insecure window it was not told about (the check can fail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keypose-negativity-'));
    try {
      await writeFile(
        join(dir, 'main.js'),
        "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
      );
      await writeFile(join(dir, 'allow.json'), JSON.stringify({ findings: [] }));
      const result = run('--input', dir, '--allow', join(dir, 'allow.json'));
      expect(result.stdout + result.stderr).toMatch(/CONTEXT_ISOLATION_JS_CHECK/);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/Unexplained HIGH finding CONTEXT_ISOLATION_JS_CHECK/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 160_000);
});
