import { access, copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFace } from '../../core/face/evaluate.js';
import { loadProject } from '../../host/project/store.js';
import { runKeypose, SAMPLE } from './runKeypose.js';

/** `keypose face expression` through the bin launcher, on the sample project. */

let dir: string;

const keypose = (args: string[]) => runKeypose(args, dir);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-face-'));
  await copyFile(SAMPLE, join(dir, 'p.keypose'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose face expression', () => {
  it('keys "sad" over a frame range into a new project file, the input untouched', async () => {
    const before = await readFile(join(dir, 'p.keypose'), 'utf8');
    const result = await keypose([
      'face',
      'expression',
      'p.keypose',
      '--text',
      'sad',
      '--range',
      '0-11',
      '-o',
      'out.keypose',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.actionUnits).toEqual({ AU1: 1, AU4: 0.15, AU15: 0.8 });
    expect(await readFile(join(dir, 'p.keypose'), 'utf8')).toBe(before);
    const doc = await loadProject(join(dir, 'out.keypose'));
    const motion = doc.characters[0]?.faceMotion;
    expect(evaluateFace(motion, 6).smile).toBeCloseTo(-0.8, 6);
    expect(evaluateFace(motion, 6).browRaiseL).toBeGreaterThan(0.4);
    expect(evaluateFace(motion, 30).smile).toBe(0);
  });

  it('an unknown word: exit 2, a message naming it, nothing written', async () => {
    const result = await keypose([
      'face',
      'expression',
      'p.keypose',
      '--text',
      'grumpy',
      '-o',
      'bad.keypose',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"grumpy".*Understood:/);
    await expect(access(join(dir, 'bad.keypose'))).rejects.toThrow();
  });
});
