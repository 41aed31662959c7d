import { writePsdBuffer } from 'ag-psd';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { importedCharacterSchema } from '../../core/contract/api.js';
import { setFaceMotion } from '../../core/document/faceEdits.js';
import { createProject } from '../../core/document/factory.js';
import { projectDocumentSchema } from '../../core/document/schema.js';
import { countColour } from '../fixtures/face/mouthDrawings.js';
import { drawHumanoid } from '../inference/rigging/syntheticFigure.js';
import { renderOneFrame, servicesFixture } from './jobHelpers.js';

/**
 * A layered PSD made in code, imported through the services API (real worker): a chibi figure
 * with layers named for the face's parts ("eye L", "Eye_Right", "nose", "mouth X") and hidden
 * mouth-shape layers ("Mouths/A", "Mouths/D"). The character comes with its face rig placed from
 * those layers' boxes and the mouth drawings swapped in; Set up face on it keeps to the layers.
 */

const fx = servicesFixture('keypose-psdface-', { confineToProjectsDir: false });
const W = 320;
const BLUE = [20, 40, 235] as const;
const GREEN = [30, 220, 40] as const;

type Rect = [number, number, number, number];

function rectLayer(name: string, [l, t, r, b]: Rect, rgb: readonly number[], hidden = false) {
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
}

function facePsd(): Buffer {
  const figure = drawHumanoid({ width: W, height: W, figureHeightPx: 280, chibi: true });
  const body = new Uint8ClampedArray(W * W * 4);
  for (let p = 0; p < W * W; p++) body.set([230, 190, 160, Math.round(figure.coverage[p]! * 255)], p * 4);
  return writePsdBuffer({
    width: W,
    height: W,
    children: [
      { name: 'body', left: 0, top: 0, right: W, bottom: W, imageData: { width: W, height: W, data: body } },
      {
        name: 'Head',
        children: [
          rectLayer('eye L', [138, 66, 150, 80], [30, 30, 30]),
          rectLayer('Eye_Right', [170, 66, 182, 80], [30, 30, 30]),
          rectLayer('nose', [156, 84, 164, 94], [200, 150, 130]),
          rectLayer('mouth X', [146, 102, 174, 106], [150, 40, 50]),
          {
            name: 'Mouths',
            children: [
              rectLayer('A', [146, 100, 174, 108], BLUE, true),
              rectLayer('mouth_D', [150, 96, 170, 116], GREEN, true),
            ],
          },
        ],
      },
    ],
  });
}

describe('a PSD with layers named for the face', () => {
  it('imports with the face rig from the layers and the mouth drawings from the shape layers', async () => {
    const { jobId } = await fx.services.importCharacter({
      fileName: 'face.psd',
      dataBase64: facePsd().toString('base64'),
    });
    const end = await fx.jobs.finished(jobId);
    expect(end.type, JSON.stringify(end)).toBe('done');
    if (end.type !== 'done') return;
    const result = importedCharacterSchema.parse(end.result);
    const face = result.character.face;
    expect(face?.source).toBe('psd');
    if (!face) return;
    // Sides by place: the eye on the picture's right is the character's left.
    expect(face.eyes.left.center).toEqual([176, 73]);
    expect(face.eyes.right.center).toEqual([144, 73]);
    expect(face.eyes.left.halfWidth).toBe(6);
    expect(face.nose).toEqual([160, 92]);
    // The mouth from the one shown mouth-shape layer (X).
    expect(face.mouth.left).toEqual([174, 104]);
    expect(face.mouth.right).toEqual([146, 104]);
    expect(face.headJointId).toBe(result.character.skeleton.joints.find((j) => j.name === 'Head')?.id);
    expect(result.warnings.join(' ')).toMatch(/Face rig placed from the PSD's layers \(eyes, mouth\)/);

    // The hidden mouth-shape layers are drawings to swap in, not part of the art.
    expect(face.mouthStyle).toBe('swap');
    expect(Object.keys(face.mouthArt ?? {}).sort()).toEqual(['A', 'D', 'X']);
    const decode = async (id: string) => {
      const { data, info } = await sharp(Buffer.from(result.assets[id]!.dataBase64, 'base64'))
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data: new Uint8Array(data), width: info.width, height: info.height };
    };
    const a = await decode(face.mouthArt?.A as string);
    const d = await decode(face.mouthArt?.D as string);
    // One canvas for every shape: the one the face pass places on the rig's mouth (centred on it,
    // 1.3 × its 28 px width, tall enough for the tallest shape: D's 96-116 about the lip line 104).
    expect([a.width, a.height]).toEqual([36, 24]);
    expect([d.width, d.height]).toEqual([36, 24]);
    expect(countColour(a, BLUE, 18, 12, 30)).toBe(28 * 8);
    expect(countColour(a, GREEN, 18, 12, 30)).toBe(0);
    expect(countColour(d, GREEN, 18, 12, 30)).toBe(20 * 20);
    const art = await decode(result.character.artAssetId);
    expect(countColour(art, BLUE, 160, 100, 40) + countColour(art, GREEN, 160, 100, 40)).toBe(0);

    const document = {
      ...createProject({
        name: 'p',
        art: { assetId: result.character.artAssetId, asset: result.assets[result.character.artAssetId]! },
      }),
      characters: [result.character],
      assets: result.assets,
    };
    expect(projectDocumentSchema.safeParse(document).success).toBe(true);
    // Set up face (Find again) on it: the layers the character keeps (its part hints) still win.
    const found = await fx.services.detectFace({ document, characterId: result.character.id });
    expect(found.rig.source).toBe('psd');
    expect(found.rig.eyes.left.center).toEqual([176, 73]);

    // Rendered (the real worker): a frame on A shows the blue drawing at the mouth, one on D the green.
    const id = result.character.id;
    const talking = setFaceMotion(document, id, {
      mouth: [
        { frame: 0, shape: 'A' },
        { frame: 1, shape: 'D' },
      ],
      mouthBlendFrames: 0,
      channels: {},
    });
    const frame = async (frameIndex: number) =>
      (await renderOneFrame(fx.ctx, fx.jobs.events, talking, frameIndex)).image;
    const f0 = await frame(0);
    const f1 = await frame(1);
    // At rest each drawing shows where it was drawn in the PSD, as large: A on 146-174 x 100-108,
    // D (taller than the picture's closed mouth, not cut off) on 150-170 x 96-116.
    const inRect = (image: typeof f0, rgb: readonly [number, number, number], [l, t, r, b]: Rect) => {
      let inside = 0;
      let outside = 0;
      for (let y = 60; y < 150; y++) {
        for (let x = 110; x < 210; x++) {
          if (countColour(image, rgb, x + 0.5, y + 0.5, 0.5) === 0) continue;
          if (x >= l - 1 && x < r + 1 && y >= t - 1 && y < b + 1) inside++;
          else outside++;
        }
      }
      return { inside, outside };
    };
    const blue = inRect(f0, BLUE, [146, 100, 174, 108]);
    expect(blue.inside).toBeGreaterThan(0.85 * 28 * 8);
    expect(blue.outside).toBe(0);
    const green = inRect(f1, GREEN, [150, 96, 170, 116]);
    expect(green.inside).toBeGreaterThan(0.85 * 20 * 20);
    expect(green.outside).toBe(0);
    expect(countColour(f0, GREEN, 160, 104, 25)).toBe(0);
    expect(countColour(f1, BLUE, 160, 104, 25)).toBe(0);
  }, 180_000);

  it("gives the mouth drawings of a PSD picked later: the character's own canvas cut where drawn, a sheet of mouths as pictures", async () => {
    const { jobId } = await fx.services.importCharacter({
      fileName: 'face.psd',
      dataBase64: facePsd().toString('base64'),
    });
    const end = await fx.jobs.finished(jobId);
    if (end.type !== 'done') throw new Error(JSON.stringify(end));
    const result = importedCharacterSchema.parse(end.result);
    const face = result.character.face!;
    const art = { width: W, height: W };

    // The character's own PSD: the same drawings as the import made (cut onto the rig's mouth).
    const own = await fx.services.mouthDrawingsFromPsd({
      fileName: 'face.psd',
      dataBase64: facePsd().toString('base64'),
      face,
      art,
    });
    expect(Object.keys(own).sort()).toEqual(['A', 'D', 'X']);
    expect(own.A?.assetId).toBe(face.mouthArt?.A);
    expect(own.D?.assetId).toBe(face.mouthArt?.D);

    // A sheet of mouths on a canvas of its own: each drawing is the shapes' union box, as drawn.
    const sheet = writePsdBuffer({
      width: 120,
      height: 60,
      children: [
        rectLayer('mouth A', [10, 20, 50, 30], BLUE),
        rectLayer('mouth D', [20, 10, 40, 50], GREEN, true),
      ],
    });
    const drawn = await fx.services.mouthDrawingsFromPsd({
      fileName: 'mouths.psd',
      dataBase64: sheet.toString('base64'),
      face,
      art,
    });
    expect(Object.keys(drawn).sort()).toEqual(['A', 'D']);
    const a = drawn.A!.asset;
    expect([a.width, a.height]).toEqual([40, 40]);
    const { data, info } = await sharp(Buffer.from(a.dataBase64, 'base64'))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const picture = { data: new Uint8Array(data), width: info.width, height: info.height };
    expect(countColour(picture, BLUE, 20, 20, 40)).toBe(40 * 10);

    // A PSD with no layer named for a shape, and bytes that are no PSD: clear errors naming the file.
    const plain = writePsdBuffer({
      width: 40,
      height: 40,
      children: [rectLayer('lips', [0, 0, 40, 40], BLUE)],
    });
    await expect(
      fx.services.mouthDrawingsFromPsd({
        fileName: 'lips.psd',
        dataBase64: plain.toString('base64'),
        face,
        art,
      }),
    ).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/lips\.psd: no layers or groups named for mouth shapes/),
    });
    await expect(
      fx.services.mouthDrawingsFromPsd({
        fileName: 'broken.psd',
        dataBase64: Buffer.from('8BPS nonsense').toString('base64'),
        face,
        art,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/broken\.psd/) });
  }, 180_000);
});
