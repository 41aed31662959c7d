import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verdictOnMissing } from './requirements.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

/** vitest on the fixture (a suite needing a missing tool, a test missing a permission), as JSON. */
async function runFixture(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; results: { name: string; status: string; message: string }[] }> {
  const child = await run(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--config',
      'tests/fixtures/skips/vitest.config.ts',
      '--reporter=json',
    ],
    { cwd: ROOT, env: { ...env, NO_COLOR: '1' } },
  ).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const report = JSON.parse(child.stdout.slice(child.stdout.indexOf('{'))) as {
    testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
  };
  return {
    code: child.code,
    results: report.testResults.flatMap((f) =>
      f.assertionResults.map((a) => ({
        name: a.title,
        status: a.status,
        message: a.failureMessages.join('\n'),
      })),
    ),
  };
}

describe('a test that needs a missing tool (tests/requirements.ts)', () => {
  it('fails under CI=true (or CI=1), skips elsewhere', () => {
    expect(verdictOnMissing({ CI: 'true' })).toBe('fail');
    expect(verdictOnMissing({ CI: '1' })).toBe('fail');
    expect(verdictOnMissing({ CI: 'TRUE ' })).toBe('fail');
    expect(verdictOnMissing({})).toBe('skip');
    expect(verdictOnMissing({ CI: 'false' })).toBe('skip');
    expect(verdictOnMissing({ CI: '' })).toBe('skip');
  });

  it('a real vitest run: skipped without CI, failed naming what is missing with CI=true', async () => {
    const { CI: _ci, ...withoutCi } = process.env;
    const local = await runFixture(withoutCi);
    expect(local.code).toBe(0);
    expect(local.results.map((r) => r.status).sort()).toEqual(['skipped', 'skipped']);

    const ci = await runFixture({ ...withoutCi, CI: 'true' });
    expect(ci.code).not.toBe(0);
    expect(ci.results.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(ci.results[0]!.message).toMatch(/a tool that is not there is missing: under CI=true/);
    expect(ci.results[1]!.message).toMatch(/a permission that is not there is missing/);
  });
});
