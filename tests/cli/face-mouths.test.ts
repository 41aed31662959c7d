import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePsdBuffer } from 'ag-psd';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFaceMotion, setFaceRig } from '../../core/document/faceEdits.js';
import { loadProject, saveProject } from '../../host/project/store.js';
import { countColour, mouthDrawingPng } from '../fixtures/face/mouthDrawings.js';
import { sampleFaceRig } from '../fixtures/face/sampleFace.js';
import { runKeypose, SAMPLE } from './runKeypose.js';

/**
 * `keypose face mouths` through the bin launcher: mouth drawings named for their shapes onto the
 * sample (with its face rig and a mouth track), then `keypose render` shows each frame's drawing.
 */

let dir: string;
const keypose = (args: string[]) => runKeypose(args, dir);
const BLUE = [20, 40, 235] as const;
const GREEN = [30, 220, 40] as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-mouths-'));
  const sample = await loadProject(SAMPLE);
  const id = sample.characters[0]?.id as string;
  const rigged = setFaceMotion(setFaceRig(sample, id, sampleFaceRig()), id, {
    mouth: [
      { frame: 0, shape: 'A' },
      { frame: 1, shape: 'D' },
    ],
    mouthBlendFrames: 0,
    channels: {},
  });
  await saveProject(join(dir, 'p.keypose'), rigged);
  await writeFile(join(dir, 'mouth_A.png'), await mouthDrawingPng(BLUE));
  await writeFile(join(dir, 'Mouth-d.PNG'), await mouthDrawingPng(GREEN));
  await writeFile(join(dir, 'smile.png'), await mouthDrawingPng(GREEN));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function framePixels(folder: string, index: number) {
  const names = (await readdir(join(dir, folder))).filter((n) => n.endsWith('.png')).sort();
  const { data, info } = await sharp(join(dir, folder, names[index] ?? ''))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describe('keypose face mouths', () => {
  it('names the files it does not understand: exit 2, nothing written', async () => {
    const result = await keypose([
      'face',
      'mouths',
      'p.keypose',
      'mouth_A.png',
      'smile.png',
      '-o',
      'bad.keypose',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Not named for a mouth shape: smile\.png/);
    await expect(access(join(dir, 'bad.keypose'))).rejects.toThrow();
  });

  it('a drawing that is not a picture: an error naming the file, nothing written', async () => {
    await writeFile(join(dir, 'mouth_E.png'), 'not a picture');
    const result = await keypose(['face', 'mouths', 'p.keypose', 'mouth_E.png', '-o', 'bad2.keypose']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/mouth_E\.png/);
    await expect(access(join(dir, 'bad2.keypose'))).rejects.toThrow();
  });

  it('stores the drawings, swaps them in, and the rendered frames show each shape’s drawing', async () => {
    const before = await readFile(join(dir, 'p.keypose'), 'utf8');
    const result = await keypose([
      'face',
      'mouths',
      'p.keypose',
      'mouth_A.png',
      'Mouth-d.PNG',
      '-o',
      'swap.keypose',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.style).toBe('swap');
    expect(summary.shapes).toEqual(['A', 'D']);
    expect(summary.standIns.X).toBe('A');
    expect(await readFile(join(dir, 'p.keypose'), 'utf8')).toBe(before);
    const doc = await loadProject(join(dir, 'swap.keypose'));
    const face = doc.characters[0]?.face;
    expect(face?.mouthStyle).toBe('swap');
    expect(doc.assets[face?.mouthArt?.D as string]?.sourceName).toBe('Mouth-d.PNG');

    const render = await keypose([
      'render',
      'swap.keypose',
      '-o',
      'frames',
      '--format',
      'png',
      '--range',
      '0-1',
    ]);
    expect(render.code, render.stderr).toBe(0);
    const [f0, f1] = [await framePixels('frames', 0), await framePixels('frames', 1)];
    expect(countColour(f0, BLUE, 384, 212, 40)).toBeGreaterThan(400);
    expect(countColour(f0, GREEN, 384, 212, 40)).toBe(0);
    expect(countColour(f1, GREEN, 384, 212, 40)).toBeGreaterThan(400);
    expect(countColour(f1, BLUE, 384, 212, 40)).toBe(0);
  }, 180_000);

  it('takes a layered PSD’s mouth-shape layers, shown where they were drawn', async () => {
    const rect = (
      name: string,
      [l, t, r, b]: [number, number, number, number],
      rgb: readonly number[],
      hidden: boolean,
    ) => {
      const data = new Uint8ClampedArray((r - l) * (b - t) * 4);
      for (let i = 0; i < data.length; i += 4)
        data.set([rgb[0] as number, rgb[1] as number, rgb[2] as number, 255], i);
      return {
        name,
        left: l,
        top: t,
        right: r,
        bottom: b,
        hidden,
        imageData: { width: r - l, height: b - t, data },
      };
    };
    const sample = await loadProject(join(dir, 'p.keypose'));
    const { width, height } = sample.resolution;
    await writeFile(
      join(dir, 'mouths.psd'),
      writePsdBuffer({
        width,
        height,
        children: [
          {
            name: 'Mouths',
            children: [
              rect('mouth A', [370, 205, 398, 213], BLUE, false),
              rect('D', [374, 200, 394, 222], GREEN, true),
            ],
          },
        ],
      }),
    );
    const result = await keypose([
      'face',
      'mouths',
      'p.keypose',
      'mouths.psd',
      '-o',
      'psd.keypose',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).shapes).toEqual(['A', 'D']);
    const render = await keypose([
      'render',
      'psd.keypose',
      '-o',
      'psdframes',
      '--format',
      'png',
      '--range',
      '1-1',
    ]);
    expect(render.code, render.stderr).toBe(0);
    const f1 = await framePixels('psdframes', 0);
    let inside = 0;
    let outside = 0;
    for (let y = 150; y < 280; y++) {
      for (let x = 300; x < 470; x++) {
        if (countColour(f1, GREEN, x + 0.5, y + 0.5, 0.5) === 0) continue;
        if (x >= 373 && x < 395 && y >= 199 && y < 223) inside++;
        else outside++;
      }
    }
    expect(inside).toBeGreaterThan(0.85 * 20 * 22);
    expect(outside).toBe(0);
  }, 180_000);

  it('--style warp goes back to the warped mouth and keeps the drawings', async () => {
    const result = await keypose(['face', 'mouths', 'swap.keypose', '--style', 'warp', '-o', 'warp.keypose']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/warped from the picture/);
    const doc = await loadProject(join(dir, 'warp.keypose'));
    expect(doc.characters[0]?.face?.mouthStyle).toBe('warp');
    expect(Object.keys(doc.characters[0]?.face?.mouthArt ?? {}).sort()).toEqual(['A', 'D']);
    const bad = await keypose(['face', 'mouths', 'warp.keypose', '--style', 'sideways']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--style must be swap or warp/);
  });
});
