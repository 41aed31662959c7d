import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, hashAssetId } from '../../core/document/factory.js';
import { serializeProject } from '../../core/document/parse.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { characterId } from '../../core/ids.js';
import { humanoidPng } from '../host/jobHelpers.js';
import { runKeypose } from './runKeypose.js';

/**
 * `keypose render` of a project with two characters: the whole scene by default, one character
 * with --character. Through the bin launcher, the real worker and the real ffmpeg (PNG sequence).
 */

const SIZE = 96;

let dir: string;

const keypose = (args: string[]) => runKeypose(args, dir);

/** Two copies of a drawn figure, the second 40 px to the right of the first (which stays centred). */
async function twoCharacterProject(): Promise<ProjectDocument> {
  const png = await humanoidPng(SIZE);
  const art = { mime: 'image/png' as const, width: SIZE, height: SIZE, dataBase64: png.toString('base64') };
  const base = createProject({
    name: 'Pair',
    art: { assetId: hashAssetId(png), asset: art },
    durationFrames: 4,
  });
  const first = base.characters[0]!;
  const second = {
    ...first,
    id: characterId('char_second'),
    name: 'Second',
    placement: { offset: [40, 0, 0] as [number, number, number], scale: 1 },
  };
  return { ...base, resolution: { width: 200, height: SIZE }, characters: [first, second] };
}

/** Summed alpha of the exported frame in columns [x0, x1). */
async function alphaIn(folder: string, x0: number, x1: number): Promise<number> {
  const [file] = (await readdir(join(dir, folder))).sort();
  const { data, info } = await sharp(join(dir, folder, file!))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 0; y < info.height; y++)
    for (let x = x0; x < x1; x++) sum += data[(y * info.width + x) * 4 + 3]!;
  return sum;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-scene-'));
  await writeFile(join(dir, 'pair.keypose'), serializeProject(await twoCharacterProject()));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose render of a scene', () => {
  it('renders every character by default, one with --character', async () => {
    const scene = await keypose([
      'render',
      'pair.keypose',
      '-o',
      'scene',
      '--format',
      'png',
      '--range',
      '0-0',
    ]);
    expect(scene.code, scene.stdout + scene.stderr).toBe(0);
    const one = await keypose([
      'render',
      'pair.keypose',
      '-o',
      'first',
      '--format',
      'png',
      '--range',
      '0-0',
      '--character',
      'Pair',
    ]);
    expect(one.code, one.stdout + one.stderr).toBe(0);
    // The first figure is centred (x 52..148 of 200); the second stands 40 px right (x 92..188):
    // only it reaches past x 150.
    expect(await alphaIn('scene', 150, 200)).toBeGreaterThan(1000);
    expect(await alphaIn('first', 150, 200)).toBe(0);
    expect(await alphaIn('scene', 0, 90)).toBe(await alphaIn('first', 0, 90));
  });
});
