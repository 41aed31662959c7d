import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBvh } from '../../core/io/bvh.js';
import { poseSequenceSchema } from '../../core/io/poseSequence.js';
import { lastKeyedFrame } from '../../core/motion/edit.js';
import { loadProject } from '../../host/project/store.js';
import { ROOT, runKeypose, SAMPLE } from './runKeypose.js';

/**
 * `keypose motion from-video` through the bin launcher, on the rendered test videos (real ffmpeg,
 * real pose worker with MoveNet): pose sequences and BVH out, people onto a project's
 * characters, a second run read from the analysis cache, and clear errors for what is not a video.
 */

const VIDEOS = join(ROOT, 'tests', 'fixtures', 'video');

let dir: string;

const keypose = (args: string[]) => runKeypose(args, dir);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-video-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose motion from-video', () => {
  it('writes both people of the crossing video as pose sequences, one file each', async () => {
    const result = await keypose([
      'motion',
      'from-video',
      join(VIDEOS, 'two-crossing.mp4'),
      '-o',
      'cross.json',
      '--person',
      'all',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.frames).toBe(72);
    expect(summary.people).toHaveLength(2);
    for (const w of summary.written) {
      const seq = poseSequenceSchema.parse(JSON.parse(await readFile(w.path, 'utf8')));
      expect(seq.fps).toBe(24);
      expect(seq.frames.length).toBeGreaterThan(50);
      expect(seq.skeleton?.joints.map((j) => j.id)).toEqual(
        expect.arrayContaining(['Hips', 'LeftForeArm', 'RightLeg']),
      );
      // The walker travels across the picture: its root moves sideways by more than a body width.
      const xs = seq.frames.map((f) => f.rootTranslation[0]);
      expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(100);
    }
    expect(summary.fromCache).toBe(false);
    // Again: read from the analysis cache (in this run's XDG_CACHE_HOME), the same people written.
    const again = await keypose([
      'motion',
      'from-video',
      join(VIDEOS, 'two-crossing.mp4'),
      '-o',
      'again.json',
      '--person',
      'all',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('analysed before: read from the cache');
    for (const w of summary.written) {
      const person = w.path.match(/\.person(\d+)\.json$/)![1];
      expect(await readFile(join(dir, `again.person${person}.json`), 'utf8')).toBe(
        await readFile(w.path, 'utf8'),
      );
    }
  });

  it('writes a BVH and puts a person onto the sample character as keys at the project rate', async () => {
    const bvh = await keypose([
      'motion',
      'from-video',
      join(VIDEOS, 'one-jump.mp4'),
      '-o',
      'jump.bvh',
      '--fps',
      '12',
    ]);
    expect(bvh.code, bvh.stderr).toBe(0);
    const clip = parseBvh(await readFile(join(dir, 'jump.bvh'), 'utf8'));
    expect(clip.clip.frameCount).toBe(30);
    const before = await readFile(SAMPLE, 'utf8');
    const applied = await keypose([
      'motion',
      'from-video',
      join(VIDEOS, 'one-jump.mp4'),
      '--project',
      SAMPLE,
      '-o',
      'jumped.keypose',
      '--assign',
      '1=Hero',
      '--json',
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(await readFile(SAMPLE, 'utf8')).toBe(before);
    const doc = await loadProject(join(dir, 'jumped.keypose'));
    const hero = doc.characters.find((c) => c.name === 'Hero')!;
    expect(lastKeyedFrame(hero.motion)).toBeGreaterThanOrEqual(50);
    expect(Object.keys(hero.motion.rotations).length).toBeGreaterThan(8);
  });

  it('puts two people onto two characters, placed as they stood, with the video kept as the reference', async () => {
    const sample = JSON.parse(await readFile(SAMPLE, 'utf8'));
    const hero = sample.characters[0];
    sample.characters = [hero, { ...hero, id: 'char_villain', name: 'Villain' }];
    await writeFile(join(dir, 'two.keypose'), JSON.stringify(sample));
    const result = await keypose([
      'motion',
      'from-video',
      join(VIDEOS, 'two-crossing.mp4'),
      '--project',
      'two.keypose',
      '-o',
      'two-moved.keypose',
      '--assign',
      '1=Hero,2=Villain',
      '--reference',
      'on',
      '--start',
      '5',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.written.map((w: { character: string }) => w.character).sort()).toEqual([
      'Hero',
      'Villain',
    ]);
    const doc = await loadProject(join(dir, 'two-moved.keypose'));
    const [a, b] = ['Hero', 'Villain'].map((n) => doc.characters.find((c) => c.name === n)!);
    for (const c of [a!, b!]) expect(Object.keys(c.motion.rotations).length).toBeGreaterThan(8);
    // They stood well apart (the sample's copy stood on the Hero): now they do.
    expect(Math.abs(a!.placement.offset[0] - b!.placement.offset[0])).toBeGreaterThan(20);
    expect(doc.referenceVideo?.fileName).toBe('two-crossing.mp4');
    expect(doc.referenceVideo?.startFrame).toBe(5);
    expect(Buffer.from(doc.referenceVideo!.dataBase64, 'base64')).toEqual(
      await readFile(join(VIDEOS, 'two-crossing.mp4')),
    );
    const twice = await keypose([
      'motion',
      'from-video',
      join(VIDEOS, 'two-crossing.mp4'),
      '--project',
      'two.keypose',
      '-o',
      'x.keypose',
      '--assign',
      '1=Hero,2=Hero',
    ]);
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain('two people are assigned to Hero');
  });

  it('refuses what is not a video, and a person that is not there, with clear messages', async () => {
    await writeFile(join(dir, 'not-a-video.mp4'), 'hello');
    const bad = await keypose(['motion', 'from-video', 'not-a-video.mp4', '-o', 'x.json', '--json']);
    expect(bad.code).not.toBe(0);
    const error = JSON.parse(bad.stdout || bad.stderr);
    expect(error.error.code).toBe('corrupt-file');
    expect(error.error.message).toContain('not-a-video.mp4');
    const kept = async () =>
      (await readdir(join(dir, 'cache', 'keypose', 'video-analyses')).catch(() => [])).length;
    const keptBefore = await kept();
    const missing = await keypose([
      'motion',
      'from-video',
      join(VIDEOS, 'one-wave.mp4'),
      '-o',
      'x.json',
      '--person',
      '9',
      '--cache',
      'off',
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no person 9');
    // --cache off: analysed, and nothing kept.
    expect(await kept()).toBe(keptBefore);
    const cacheFlag = await keypose([
      'motion',
      'from-video',
      join(VIDEOS, 'one-wave.mp4'),
      '-o',
      'x.json',
      '--cache',
      'maybe',
    ]);
    expect(cacheFlag.code).not.toBe(0);
    expect(cacheFlag.stderr).toContain('--cache takes on or off');
    const usage = await keypose(['motion', 'from-video', join(VIDEOS, 'one-wave.mp4'), '-o', 'x.txt']);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toContain('.json');
  });
});
