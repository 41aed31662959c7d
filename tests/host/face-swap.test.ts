import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../core/contract/api.js';
import { setFaceMotion, setFaceRig, setMouthArt } from '../../core/document/faceEdits.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { createServiceContext, type ServiceContext } from '../../host/api/context.js';
import { loadSample } from '../../host/project/store.js';
import { countColour, mouthDrawingAsset } from '../fixtures/face/mouthDrawings.js';
import { sampleFaceRig } from '../fixtures/face/sampleFace.js';
import { renderOneFrame } from './jobHelpers.js';

/**
 * Swapped mouth drawings in the real render path (docs/face.md, "Swapped mouth drawings"): the
 * sample with its face rig, mouthStyle 'swap' and two drawings of distinctive colours; each frame
 * shows the drawing of its mouth shape in the rig's mouth box, a shape with no drawing its nearest
 * drawn stand-in, and the warp style none of them.
 */
let cacheRoot: string;
let ctx: ServiceContext;
let doc: ProjectDocument;
const events: JobEvent[] = [];
const BLUE = [20, 40, 235] as const;
const GREEN = [30, 220, 40] as const;
// The sample's mouth in the frame at rest (the rig's mouth line, art = frame pixels).
const MOUTH = { x: 384, y: 212 };

beforeAll(async () => {
  cacheRoot = mkdtempSync(join(tmpdir(), 'keypose-face-swap-'));
  ctx = createServiceContext({ shell: 'studio', projectsDir: null, confineToProjectsDir: false, cacheRoot });
  ctx.jobs.subscribe((e) => events.push(e));
  doc = await loadSample();
});
afterAll(async () => {
  await ctx?.dispose();
  if (cacheRoot) rmSync(cacheRoot, { recursive: true, force: true });
});

const frame = (document: ProjectDocument, frameIndex: number) =>
  renderOneFrame(ctx, events, document, frameIndex);

describe('swapped mouth drawings in the render path', () => {
  it('shows the drawing of each frame’s shape in the mouth box, the nearest drawn one for others', async () => {
    const id = doc.characters[0]?.id as string;
    const a = await mouthDrawingAsset(BLUE, 'mouth_A.png');
    const d = await mouthDrawingAsset(GREEN, 'mouth_D.png');
    const rigged = setFaceMotion(setFaceRig(doc, id, sampleFaceRig()), id, {
      mouth: [
        { frame: 0, shape: 'A' },
        { frame: 1, shape: 'D' },
        { frame: 2, shape: 'F' },
      ],
      mouthBlendFrames: 0,
      channels: {},
    });
    const swapped = setMouthArt(rigged, id, { style: 'swap', drawings: { A: a, D: d } });
    const [f0, f1, f2] = [await frame(swapped, 0), await frame(swapped, 1), await frame(swapped, 2)];
    const blue = (f: typeof f0) => countColour(f.image, BLUE, MOUTH.x, MOUTH.y, 40);
    const green = (f: typeof f0) => countColour(f.image, GREEN, MOUTH.x, MOUTH.y, 40);
    // Frame 0 (A): the blue drawing, over the mouth; frame 1 (D): the green one.
    expect(blue(f0)).toBeGreaterThan(400);
    expect(green(f0)).toBe(0);
    expect(green(f1)).toBeGreaterThan(400);
    expect(blue(f1)).toBe(0);
    // The drawing is where the rig puts the mouth: its middle pixel is the drawing's colour.
    expect(countColour(f0.image, BLUE, MOUTH.x, MOUTH.y, 2)).toBeGreaterThan(0);
    // Nowhere else: the whole frame's blue pixels are within the mouth box.
    const everywhere = countColour(f0.image, BLUE, f0.image.width / 2, f0.image.height / 2, 2000);
    expect(everywhere).toBe(blue(f0));
    // F has no drawing: its nearest drawn stand-in (E, B, A: the closed A) shows.
    expect(blue(f2)).toBeGreaterThan(400);
    expect(f1.key).not.toBe(f0.key);
    // The warp style shows none of the drawings.
    const warped = setMouthArt(swapped, id, { style: 'warp' });
    const w0 = await frame(warped, 0);
    const w1 = await frame(warped, 1);
    expect(blue(w0) + green(w1)).toBe(0);
  }, 180_000);

  it('a drawing that cannot be decoded: that frame shows the warped mouth, the render does not fail', async () => {
    const id = doc.characters[0]?.id as string;
    const a = await mouthDrawingAsset(BLUE, 'mouth_A.png');
    const broken = {
      assetId: 'sha256-0000000000000000000000000000000000000000000000000000000000000000',
      asset: {
        ...a.asset,
        dataBase64: Buffer.from('not a picture').toString('base64'),
        sourceName: 'mouth_D.png',
      },
    };
    const rigged = setFaceMotion(setFaceRig(doc, id, sampleFaceRig()), id, {
      mouth: [
        { frame: 0, shape: 'A' },
        { frame: 1, shape: 'D' },
      ],
      mouthBlendFrames: 0,
      channels: {},
    });
    const swapped = setMouthArt(rigged, id, { style: 'swap', drawings: { A: a, D: broken } });
    const f0 = await frame(swapped, 0);
    const f1 = await frame(swapped, 1);
    expect(countColour(f0.image, BLUE, MOUTH.x, MOUTH.y, 40)).toBeGreaterThan(400);
    expect(countColour(f1.image, BLUE, MOUTH.x, MOUTH.y, 40)).toBe(0);
    // Exactly the frame the warp style draws for D.
    const warped = await frame(setMouthArt(swapped, id, { style: 'warp' }), 1);
    expect(Buffer.from(f1.image.data).equals(Buffer.from(warped.image.data))).toBe(true);
  }, 180_000);
});
