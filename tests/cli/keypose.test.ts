import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveProject } from '../../host/project/store.js';
import { makeDocument } from '../host/fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'keypose.js');
const SAMPLE = join(ROOT, 'assets', 'sample', 'sample.keypose');
const BAD = join(ROOT, 'tests', 'fixtures', 'bad');

/** Runs the real CLI as a child process (through its bin launcher, as `npx keypose` does). */
async function keypose(
  args: string[],
  cwd = ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose CLI', () => {
  it('help lists the commands', async () => {
    const result = await keypose(['help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+info\s+Validate a project file/m);
    const json = await keypose(['help', '--json']);
    expect(JSON.parse(json.stdout).commands.map((c: { name: string }) => c.name)).toContain('info');
  });

  it('summarises the sample project', async () => {
    const result = await keypose(['info', SAMPLE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sample.keypose');
    expect(result.stdout).toMatch(/\d+ frames at \d+ fps/);
    const json = await keypose(['info', SAMPLE, '--json']);
    expect(json.code).toBe(0);
    const { ok, project } = JSON.parse(json.stdout);
    expect(ok).toBe(true);
    expect(project.file).toBe(SAMPLE);
    expect(project.characters[0].joints).toBeGreaterThanOrEqual(2);
  });

  it('summarises a project the host saved, relative to the working folder', async () => {
    await saveProject(join(dir, 'mine.keypose'), makeDocument({ name: 'Mine' }));
    const result = await keypose(['info', 'mine.keypose', '--json'], dir);
    expect(result.code).toBe(0);
    const { project } = JSON.parse(result.stdout);
    expect(project).toMatchObject({
      name: 'Mine',
      fps: 24,
      durationFrames: 48,
      durationSec: 2,
      characters: [{ name: 'Figure', joints: 2, rootJoint: 'Hips', animatedJoints: 1, keyedFrames: [0] }],
    });
    expect(project.characters[0].art).toMatchObject({ mime: 'image/png', width: 1, height: 1 });
  });

  for (const [fixture, code, pattern] of [
    ['truncated.keypose', 'corrupt-file', /truncated or damaged/],
    ['future-version.keypose', 'future-version', /newer Keypose|version 99/],
    ['unknown-joint.keypose', 'invalid-project', /unknown joint "Tail"/],
  ] as const) {
    it(`rejects ${fixture} with a clear error and exit code 2, leaving the file as it was`, async () => {
      const path = join(dir, fixture);
      await copyFile(join(BAD, fixture), path);
      const before = await readFile(path);
      const human = await keypose(['info', path]);
      expect(human.code).toBe(2);
      expect(human.stdout).toBe('');
      expect(human.stderr).toContain(fixture);
      expect(human.stderr).toMatch(pattern);
      const json = await keypose(['info', path, '--json']);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code, file: path } });
      expect(await readFile(path)).toEqual(before);
      expect((await readdir(dir)).filter((name) => name.startsWith(fixture))).toEqual([fixture]);
    });
  }

  it('reports a missing file, a wrong argument count and an unknown command with exit code 2', async () => {
    const missing = await keypose(['info', join(dir, 'nope.keypose')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.keypose');
    const noArgs = await keypose(['info']);
    expect(noArgs.code).toBe(2);
    expect(noArgs.stderr).toContain('usage: keypose info');
    const unknown = await keypose(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
  });
});
