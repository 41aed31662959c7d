import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { BVHLoader } from 'three/examples/jsm/loaders/BVHLoader.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBvh } from '../../core/io/bvh.js';
import { poseSequenceSchema } from '../../core/io/poseSequence.js';
import { quatAngleBetween } from '../../core/math/quat.js';
import { evaluateMotion } from '../../core/motion/evaluate.js';
import { loadProject } from '../../host/project/store.js';
import { CMU_HIP, smoothMotion, writeConventionBvh } from '../core/motion/conventions.js';
import { runKeypose, SAMPLE } from './runKeypose.js';

/**
 * `keypose motion import|export|list` and `keypose render --motion`, through the bin launcher as
 * `npx keypose` runs them, on the sample project and on BVH files written in code.
 */

let dir: string;

const keypose = (args: string[]) => runKeypose(args, dir);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-motion-'));
  await writeFile(join(dir, 'cmu.bvh'), writeConventionBvh(CMU_HIP, smoothMotion(CMU_HIP, 240, 2)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose motion', () => {
  it('lists the library', async () => {
    const result = await keypose(['motion', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).motions.map((m: { id: string }) => m.id)).toEqual(
      expect.arrayContaining(['walk', 'run', 'jump', 'wave', 'idle', 'dance', 'sit', 'four-legged-walk']),
    );
  });

  it('imports a library walk onto the sample as keys, looped twice, and leaves the input untouched', async () => {
    const before = await readFile(SAMPLE, 'utf8');
    const result = await keypose([
      'motion',
      'import',
      SAMPLE,
      'walk',
      '-o',
      'walked.keypose',
      '--repeat',
      '2',
      '--root',
      'in-place',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      ok: true,
      project: join(dir, 'walked.keypose'),
      mappedJoints: 21,
      joints: 21,
    });
    // A 1 s cycle (30 frames at 30 fps) is 24 frames at the sample's 24 fps; twice.
    expect(summary.frames).toEqual({ first: 0, last: 47, count: 48 });
    expect(summary.keys).toBeLessThan(summary.samples);
    expect(summary.contacts.length).toBe(2);
    const doc = await loadProject(join(dir, 'walked.keypose'));
    expect(doc.durationFrames).toBeGreaterThanOrEqual(48);
    expect(doc.characters[0]!.motion.rotations.LeftUpLeg!.length).toBeGreaterThan(3);
    expect(await readFile(SAMPLE, 'utf8')).toBe(before);
  });

  it('imports a CMU "hip, abdomen, chest" BVH as a clip layer, trimmed, at a start frame', async () => {
    const result = await keypose([
      'motion',
      'import',
      SAMPLE,
      'cmu.bvh',
      '-o',
      'layered.keypose',
      '--as',
      'layer',
      '--trim',
      '0-119',
      '--start',
      '10',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    // 120 frames at 120 fps span 119/120 s: 25 frames at 24 fps (the last on the source's last).
    expect(summary.frames).toEqual({ first: 10, last: 34, count: 25 });
    const doc = await loadProject(join(dir, 'layered.keypose'));
    const [layer] = doc.characters[0]!.motion.layers ?? [];
    expect(layer?.name).toBe('cmu.bvh');
    expect(Object.keys(layer!.rotations)).toEqual(
      expect.arrayContaining(['LeftForeArm', 'RightUpLeg', 'Chest']),
    );
  });

  it('exports a pose sequence and a BVH that import back to the same motion (≤ 0.01°)', async () => {
    const json = await keypose(['motion', 'export', 'walked.keypose', '-o', 'walk.json', '--range', '0-47']);
    expect(json.code, json.stderr).toBe(0);
    const seq = poseSequenceSchema.parse(JSON.parse(await readFile(join(dir, 'walk.json'), 'utf8')));
    expect(seq.frames).toHaveLength(48);
    expect(Object.keys(seq.frames[0]!.rotations)).toHaveLength(21);

    const bvh = await keypose(['motion', 'export', 'walked.keypose', '-o', 'walk.bvh', '--range', '0-47']);
    expect(bvh.code, bvh.stderr).toBe(0);
    const text = await readFile(join(dir, 'walk.bvh'), 'utf8');
    expect(new BVHLoader().parse(text).clip.tracks.length).toBeGreaterThan(21);
    expect(parseBvh(text).clip.frameCount).toBe(48);

    const back = await keypose([
      'motion',
      'import',
      SAMPLE,
      'walk.json',
      '-o',
      'back.keypose',
      '--tolerance',
      '0',
      '--tolerance-px',
      '0',
      '--feet',
      'off',
    ]);
    expect(back.code, back.stderr).toBe(0);
    const a = (await loadProject(join(dir, 'walked.keypose'))).characters[0]!.motion;
    const b = (await loadProject(join(dir, 'back.keypose'))).characters[0]!.motion;
    let worst = 0;
    for (let f = 0; f < 48; f++) {
      const pa = evaluateMotion(a, f);
      const pb = evaluateMotion(b, f);
      for (const [joint, q] of Object.entries(pa.rotations))
        worst = Math.max(worst, (quatAngleBetween(q, pb.rotations[joint] ?? [0, 0, 0, 1]) * 180) / Math.PI);
    }
    expect(worst).toBeLessThanOrEqual(0.01);
  });

  it('bad input: a missing or damaged motion file is named, with exit code 2, and nothing is written', async () => {
    const missing = await keypose(['motion', 'import', SAMPLE, 'nowhere.bvh', '-o', 'x.keypose']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere\.bvh: no such file, and not a motion of the library/);
    await writeFile(
      join(dir, 'broken.bvh'),
      'HIERARCHY\nROOT a\n{\n OFFSET 0 0 0\n CHANNELS 3 Zrotation Xrotation Yrotation\n}\nMOTION\nFrames: 5\nFrame Time: 0.04\n1 2 3\n',
    );
    const broken = await keypose(['motion', 'import', SAMPLE, 'broken.bvh', '-o', 'x.keypose', '--json']);
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.stdout).error).toMatchObject({
      code: 'corrupt-file',
      file: join(dir, 'broken.bvh'),
    });
    expect(JSON.parse(broken.stdout).error.message).toMatch(
      /broken\.bvh: the file says 5 frames but the data ends in frame 2 \(line 10\)/,
    );
    const usage = await keypose(['motion', 'import', SAMPLE, 'walk', '--as', 'both']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--as must be keys or layer/);
    expect((await readdir(dir)).filter((f) => f.startsWith('x.'))).toEqual([]);
  });
});

describe('keypose render --motion', () => {
  it('renders the sample with a library motion put on it (the project file unchanged)', async () => {
    const bvh = await keypose(['render', SAMPLE, '-o', 'danced.bvh', '--motion', 'dance']);
    expect(bvh.code, bvh.stderr).toBe(0);
    expect(bvh.stderr).toMatch(/Motion: .*dance\.bvh, frames 0-\d+/);
    const motion = parseBvh(await readFile(join(dir, 'danced.bvh'), 'utf8'));
    // 2 s of dance at the sample's 24 fps.
    expect(motion.clip.frameCount).toBeGreaterThanOrEqual(48);

    const still = await keypose([
      'render',
      SAMPLE,
      '-o',
      'still',
      '--format',
      'png',
      '--range',
      '6-6',
      '--scale',
      '0.25',
      '--ep',
      'cpu',
    ]);
    expect(still.code, still.stderr).toBe(0);
    const moved = await keypose([
      'render',
      SAMPLE,
      '-o',
      'moved',
      '--format',
      'png',
      '--range',
      '6-6',
      '--scale',
      '0.25',
      '--ep',
      'cpu',
      '--motion',
      'jump',
    ]);
    expect(moved.code, moved.stderr).toBe(0);
    const pixels = async (folder: string) => {
      const [file] = await readdir(join(dir, folder));
      return sharp(join(dir, folder, file!))
        .raw()
        .toBuffer();
    };
    const a = await pixels('still');
    const b = await pixels('moved');
    let differing = 0;
    for (let i = 0; i < a.length; i += 4) if (Math.abs(a[i + 3]! - b[i + 3]!) > 64) differing++;
    // The jumping character covers other pixels than the waving one.
    expect(differing).toBeGreaterThan(50);
  });
});
