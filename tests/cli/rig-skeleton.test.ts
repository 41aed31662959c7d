import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../host/project/store.js';
import { drawnFigures } from '../inference/rigging/testSet/drawings.js';
import { runKeypose } from './runKeypose.js';

/**
 * `keypose rig --skeleton joints.json` keeps exactly the joints given (picture pixels, format in
 * docs/rigging.md), and `--template` is checked; a bad joints file is a clear usage-level error.
 */
let dir: string;

const keypose = (args: string[]) => runKeypose(args, dir);

const figure = drawnFigures().find((f) => f.name === 'dog')!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-skeleton-'));
  await writeFile(join(dir, 'dog.png'), await sharp(Buffer.from(figure.svg)).png().toBuffer());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose rig --skeleton', () => {
  it('keeps exactly the joints given, in picture pixels', async () => {
    const joints = [
      { name: 'Body', parent: null, x: 300, y: 200 },
      { name: 'Neck', parent: 'Body', x: 420, y: 150 },
      { name: 'Head', parent: 'Neck', x: 470, y: 110 },
      { name: 'Tail', parent: 'Body', x: 160, y: 190, z: 4 },
    ];
    await writeFile(join(dir, 'joints.json'), JSON.stringify({ joints }));
    const rig = await keypose(['rig', 'dog.png', '-o', 'dog.keypose', '--skeleton', 'joints.json', '--json']);
    expect(rig.code, rig.stdout + rig.stderr).toBe(0);
    const result = JSON.parse(rig.stdout);
    expect(result.fit.method).toBe('file');
    expect(result.template).toBeNull();
    const doc = await loadProject(join(dir, 'dog.keypose'));
    const skeleton = doc.characters[0]!.skeleton;
    expect(skeleton.joints.map((j) => j.name)).toEqual(['Body', 'Neck', 'Tail', 'Head']);
    for (const given of joints) {
      const j = skeleton.joints.find((x) => x.name === given.name)!;
      expect(j.restPosition).toEqual([given.x - figure.width / 2, figure.height / 2 - given.y, given.z ?? 0]);
    }
  }, 120_000);

  it('rigs the dog with the quadruped template when left to choose', async () => {
    const rig = await keypose(['rig', 'dog.png', '-o', 'auto.keypose', '--template', 'auto', '--json']);
    expect(rig.code, rig.stdout + rig.stderr).toBe(0);
    expect(JSON.parse(rig.stdout).template).toBe('quadruped');
  }, 120_000);

  it('says what is wrong with a bad joints file or template, and writes nothing', async () => {
    await writeFile(
      join(dir, 'two-roots.json'),
      JSON.stringify({
        joints: [
          { name: 'A', parent: null, x: 1, y: 1 },
          { name: 'B', parent: null, x: 2, y: 2 },
        ],
      }),
    );
    const twoRoots = await keypose(['rig', 'dog.png', '-o', 'bad.keypose', '--skeleton', 'two-roots.json']);
    expect(twoRoots.code).toBe(2);
    expect(twoRoots.stderr).toMatch(/2 joints are roots/);
    await writeFile(join(dir, 'no-x.json'), JSON.stringify({ joints: [{ name: 'A', parent: null, y: 1 }] }));
    const noX = await keypose(['rig', 'dog.png', '-o', 'bad.keypose', '--skeleton', 'no-x.json']);
    expect(noX.code).toBe(2);
    expect(noX.stderr).toMatch(/joints\.0\.x/);
    const badTemplate = await keypose(['rig', 'dog.png', '-o', 'bad.keypose', '--template', 'spider']);
    expect(badTemplate.code).toBe(2);
    expect(badTemplate.stderr).toMatch(/--template must be/);
    await expect(loadProject(join(dir, 'bad.keypose'))).rejects.toThrow();
  }, 120_000);
});
