import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../core/contract/api.js';
import { type ProjectDocument, projectDocumentSchema } from '../../core/document/schema.js';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import type { RgbaImage } from '../../core/render/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { compositeOver } from '../../host/render/compose.js';
import { drawHumanoid, skeletonFromFigure } from '../inference/rigging/syntheticFigure.js';
import { servicesFixture } from './jobHelpers.js';

/**
 * Scene frames (host/render/scene.ts) over the real worker and onnxruntime: two small drawn
 * characters with their own motions and placements, composed back to front with straight-alpha
 * 'over'; and the export of such a scene.
 */

const ART_PX = 64;
const OUT = { width: 128, height: 96 };

async function characterArt(colour: [number, number, number], alphaScale: number) {
  const figure = drawHumanoid({ width: ART_PX, height: ART_PX, figureHeightPx: ART_PX * 0.85 });
  const data = Buffer.alloc(ART_PX * ART_PX * 4);
  for (let p = 0; p < ART_PX * ART_PX; p++) {
    data[p * 4] = colour[0];
    data[p * 4 + 1] = colour[1];
    data[p * 4 + 2] = colour[2];
    data[p * 4 + 3] = Math.round(figure.coverage[p]! * 255 * alphaScale);
  }
  const png = await sharp(data, { raw: { width: ART_PX, height: ART_PX, channels: 4 } })
    .png()
    .toBuffer();
  return {
    asset: { mime: 'image/png' as const, width: ART_PX, height: ART_PX, dataBase64: png.toString('base64') },
    skeleton: skeletonFromFigure(figure),
  };
}

/** A rotation key at frame 0 (rest) and at frame 4 (angleRad about z) for one joint. */
function swing(jointName: string, angleRad: number, skeleton: Skeleton) {
  const joint = skeleton.joints.find((j) => j.name === jointName)!;
  return {
    rotations: {
      [joint.id]: [
        { frame: 0, value: [0, 0, 0, 1], interpolation: 'linear' },
        { frame: 4, value: [...quatFromAxisAngle([0, 0, 1], angleRad)], interpolation: 'linear' },
      ],
    },
    rootTranslation: [],
  };
}

async function sceneDocument(): Promise<ProjectDocument> {
  // Back: opaque red, swings its left arm up. Front: half-transparent blue, right arm down.
  const red = await characterArt([230, 20, 20], 1);
  const blue = await characterArt([20, 40, 230], 0.5);
  return projectDocumentSchema.parse({
    format: 'keypose-project',
    version: 2,
    id: 'prj_scene_test',
    name: 'Scene',
    fps: 24,
    durationFrames: 8,
    resolution: OUT,
    characters: [
      {
        id: 'chr_red',
        name: 'Red',
        artAssetId: 'art_red',
        skeleton: red.skeleton,
        motion: swing('LeftArm', 0.9, red.skeleton),
        placement: { offset: [-18, 0, 0], scale: 1 },
      },
      {
        id: 'chr_blue',
        name: 'Blue',
        artAssetId: 'art_blue',
        skeleton: blue.skeleton,
        motion: swing('RightArm', 0.7, blue.skeleton),
        placement: { offset: [-12, 3, 0], scale: 0.875 },
      },
    ],
    assets: { art_red: red.asset, art_blue: blue.asset },
  });
}

/** 'over' written out for two layers: A = af + ab (1 - af), C = (cf af + cb ab (1 - af)) / A. */
function handOver(back: RgbaImage, front: RgbaImage): RgbaImage {
  const data = new Uint8Array(back.data.length);
  for (let o = 0; o < data.length; o += 4) {
    const ab = back.data[o + 3]! / 255;
    const af = front.data[o + 3]! / 255;
    const a = af + ab * (1 - af);
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) {
      data[o + c] = Math.round((front.data[o + c]! * af + back.data[o + c]! * ab * (1 - af)) / a);
    }
    data[o + 3] = Math.round(a * 255);
  }
  return { width: back.width, height: back.height, data };
}

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** A pixel only the red character covers (fully) and one only the blue one covers (fully). */
function probes(red: RgbaImage, blue: RgbaImage): [[number, number], [number, number]] {
  let redOnly: [number, number] | null = null;
  let blueOnly: [number, number] | null = null;
  for (let y = 0; y < red.height; y++) {
    for (let x = 0; x < red.width; x++) {
      const r = pixel(red, x, y)[3];
      const b = pixel(blue, x, y)[3];
      if (r === 255 && b === 0) redOnly ??= [x, y];
      if (b === 128 && r === 0) blueOnly ??= [x, y];
    }
  }
  expect(redOnly).not.toBeNull();
  expect(blueOnly).not.toBeNull();
  return [redOnly!, blueOnly!];
}

const pixel = (img: RgbaImage, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
];

describe('compositeOver (straight alpha)', () => {
  it('matches a hand-computed pixel', () => {
    const back: RgbaImage = { width: 1, height: 1, data: Uint8Array.from([255, 0, 0, 128]) };
    const front: RgbaImage = { width: 1, height: 1, data: Uint8Array.from([0, 0, 255, 64]) };
    // a = 64/255 + (128/255)(1 - 64/255) = 0.62696 -> 159.87 -> 160;
    // red = 255 (128/255)(191/255) / 0.62696 = 152.92 -> 153; blue = 255 (64/255) / 0.62696 = 102.08 -> 102.
    expect([...compositeOver([back, front], { width: 1, height: 1 }).data]).toEqual([153, 0, 102, 160]);
    // Transparent layers change nothing; an opaque front hides the back; order matters.
    const clear: RgbaImage = { width: 1, height: 1, data: new Uint8Array(4) };
    expect([...compositeOver([clear, back, clear], { width: 1, height: 1 }).data]).toEqual([255, 0, 0, 128]);
    const opaque: RgbaImage = { width: 1, height: 1, data: Uint8Array.from([1, 2, 3, 255]) };
    expect([...compositeOver([back, opaque], { width: 1, height: 1 }).data]).toEqual([1, 2, 3, 255]);
    expect([...compositeOver([opaque, back], { width: 1, height: 1 }).data]).toEqual([128, 1, 1, 255]);
  });
});

describe('scene frames (real worker, real onnxruntime)', () => {
  const fx = servicesFixture('keypose-scene-test-', { confineToProjectsDir: false });
  let doc: ProjectDocument;

  beforeAll(async () => {
    doc = await sceneDocument();
  });

  /** The frames of one renderFrames call (cached and streamed), by frame index. */
  async function render(document: ProjectDocument, frames: number[], characterId?: string) {
    const result = await fx.services.renderFrames({
      document,
      frames,
      quality: 'final',
      ...(characterId ? { characterId } : {}),
    });
    const refs = [...result.cached];
    if (result.jobId) {
      const end = await fx.jobs.finished(result.jobId);
      if (end.type === 'failed') throw new Error(end.error.message);
      expect(end.type).toBe('done');
      for (const e of fx.jobs.of(result.jobId)) {
        if (e.type === 'frame') refs.push((e as Extract<JobEvent, { type: 'frame' }>).frame);
      }
    }
    const out = new Map<number, { key: string; image: RgbaImage }>();
    for (const ref of refs) {
      const image = await fx.ctx.render.getFrame(ref.key);
      expect(image).not.toBeNull();
      expect([ref.width, ref.height]).toEqual([OUT.width, OUT.height]);
      out.set(ref.frameIndex, { key: ref.key, image: image! });
    }
    expect([...out.keys()].sort((a, b) => a - b)).toEqual([...frames].sort((a, b) => a - b));
    return { out, jobId: result.jobId };
  }

  it('a scene frame is the characters’ own frames composed back to front', async () => {
    const scene = await render(doc, [0, 4]);
    expect(scene.jobId).not.toBeNull();
    const red = await render(doc, [0, 4], 'chr_red');
    const blue = await render(doc, [0, 4], 'chr_blue');
    // The character frames were rendered (and cached) for the scene: asking for them renders nothing.
    expect(red.jobId).toBeNull();
    expect(blue.jobId).toBeNull();
    for (const f of [0, 4]) {
      const expected = handOver(red.out.get(f)!.image, blue.out.get(f)!.image);
      expect(maxDifference(scene.out.get(f)!.image.data, expected.data)).toBe(0);
    }
    // Both characters are in it, each where its placement puts it, each moving with its own motion.
    const s0 = scene.out.get(0)!.image;
    const [redAt, blueAt] = probes(red.out.get(0)!.image, blue.out.get(0)!.image);
    expect(pixel(s0, ...redAt)).toEqual([230, 20, 20, 255]);
    expect(pixel(s0, ...blueAt)).toEqual([20, 40, 230, 128]);
    for (const character of [red, blue]) {
      expect(
        maxDifference(character.out.get(0)!.image.data, character.out.get(4)!.image.data),
      ).toBeGreaterThan(100);
    }
    // Cached: the same request again is answered at once with the same keys.
    const again = await fx.services.renderFrames({ document: doc, frames: [0, 4], quality: 'final' });
    expect(again.jobId).toBeNull();
    expect(again.cached.map((r) => r.key).sort()).toEqual(
      [scene.out.get(0)!.key, scene.out.get(4)!.key].sort(),
    );
  });

  it('swapping the depth order swaps which character covers the other', async () => {
    const swapped = { ...doc, characters: [doc.characters[1]!, doc.characters[0]!] };
    const front = await render(doc, [4]);
    const back = await render(swapped, [4]);
    expect(back.out.get(4)!.key).not.toBe(front.out.get(4)!.key);
    const red = (await render(doc, [4], 'chr_red')).out.get(4)!.image;
    const blue = (await render(doc, [4], 'chr_blue')).out.get(4)!.image;
    expect(maxDifference(back.out.get(4)!.image.data, handOver(blue, red).data)).toBe(0);
    // Where both cover a pixel fully (red opaque, blue half): red on top is pure red; under blue it is mixed.
    let overlaps = 0;
    for (let y = 0; y < OUT.height; y++) {
      for (let x = 0; x < OUT.width; x++) {
        if (pixel(red, x, y)[3] !== 255 || pixel(blue, x, y)[3]! < 120) continue;
        overlaps++;
        expect(pixel(back.out.get(4)!.image, x, y)).toEqual([230, 20, 20, 255]);
        expect(pixel(front.out.get(4)!.image, x, y)[2]).toBeGreaterThan(80);
      }
    }
    expect(overlaps).toBeGreaterThan(10);
  });

  it('renderSequence and the export render the whole scene by default', async () => {
    const sequence: RgbaImage[] = [];
    for await (const f of fx.ctx.render.renderSequence(doc, undefined, [4, 0], { readAhead: 1 }))
      sequence.push(f.image);
    const scene = await render(doc, [0, 4]);
    expect(maxDifference(sequence[0]!.data, scene.out.get(4)!.image.data)).toBe(0);
    expect(maxDifference(sequence[1]!.data, scene.out.get(0)!.image.data)).toBe(0);

    const outPath = join(fx.dir, 'scene-png');
    const started = await fx.services.exportProject({
      document: doc,
      presetId: 'png-sequence',
      outPath,
      range: { start: 0, end: 1 },
    });
    const end = await fx.jobs.finished(started!.jobId);
    if (end.type === 'failed') throw new Error(end.error.message);
    expect(end.type).toBe('done');
    const files = readdirSync(outPath).sort();
    expect(files).toHaveLength(2);
    const { data, info } = await sharp(join(outPath, files[0]!))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([OUT.width, OUT.height]);
    const png: RgbaImage = { width: info.width, height: info.height, data: new Uint8Array(data) };
    // Both characters are in the exported frame: red where only red is, blue where only blue is.
    const red = (await render(doc, [0], 'chr_red')).out.get(0)!.image;
    const blue = (await render(doc, [0], 'chr_blue')).out.get(0)!.image;
    const [redAt, blueAt] = probes(red, blue);
    expect(pixel(png, ...redAt)).toEqual([230, 20, 20, 255]);
    expect(pixel(png, ...blueAt)).toEqual([20, 40, 230, 128]);
    expect(maxDifference(png.data, scene.out.get(0)!.image.data)).toBe(0);
  });
});
