import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { detectDrawnFace } from '../../../core/face/detectDrawnFace.js';
import { faceSize } from '../../../core/face/estimate.js';
import type { FaceRig, Point } from '../../../core/face/schema.js';
import { drawTestFace } from '../../fixtures/face/drawnFace.js';
import { sampleFaceRig } from '../../fixtures/face/sampleFace.js';

/** The face rig found on drawn faces against the truth: every point within 3% of the face's size. */

function points(rig: FaceRig): [string, Point][] {
  return [
    ['eyes.left', rig.eyes.left.center],
    ['eyes.right', rig.eyes.right.center],
    ['mouth.left', rig.mouth.left],
    ['mouth.right', rig.mouth.right],
    ['mouth.upper', rig.mouth.upper],
    ['mouth.lower', rig.mouth.lower],
    ['chin', rig.chin],
    ['nose', rig.nose],
    ...rig.brows.left.map((p, i) => [`brows.left.${i}`, p] as [string, Point]),
    ...rig.brows.right.map((p, i) => [`brows.right.${i}`, p] as [string, Point]),
  ];
}

function worstError(found: FaceRig, truth: FaceRig): { name: string; px: number; size: number } {
  const size = faceSize(truth);
  const truthPoints = new Map(points(truth));
  let worst = { name: '', px: 0, size };
  for (const [name, p] of points(found)) {
    const t = truthPoints.get(name) as Point;
    const px = Math.hypot(p[0] - t[0], p[1] - t[1]);
    if (px > worst.px) worst = { name, px, size };
  }
  return worst;
}

describe('finding the face on a drawing', () => {
  it('finds the sample cartoon’s face within 3% of the face size', async () => {
    const png = readFileSync(join(import.meta.dirname, '..', '..', '..', 'assets', 'sample', 'hero.png'));
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const img = { width: info.width, height: info.height, data: new Uint8Array(data) };
    // The sample's Head joint: rest (0, 288.6) in character space = imagePx (384, 223.4).
    const { rig, found } = detectDrawnFace(img, { headPx: [384, 223.4], headJointId: 'Head' });
    expect(found).toEqual(expect.arrayContaining(['eyes', 'mouth', 'brows', 'chin']));
    const worst = worstError(rig, sampleFaceRig());
    expect(
      worst.px,
      `${worst.name} is ${worst.px.toFixed(2)} px off (face size ${worst.size.toFixed(1)} px)`,
    ).toBeLessThan(0.03 * worst.size);
    // The outline holds every feature.
    expect(rig.outline.length).toBeGreaterThanOrEqual(16);
  });

  it('finds a face drawn in code within 3% of its size, and falls back to proportions on a blank head', () => {
    const face = drawTestFace(240, 300, 'Head');
    const headPx: Point = [120, face.rig.chin[1] + 6];
    const { rig, found } = detectDrawnFace(face.image, { headPx, headJointId: 'Head' });
    expect(found).toEqual(expect.arrayContaining(['eyes', 'mouth']));
    const size = faceSize(face.rig);
    for (const name of [
      'eyes.left',
      'eyes.right',
      'mouth.left',
      'mouth.right',
      'mouth.upper',
      'mouth.lower',
    ]) {
      const p = new Map(points(rig)).get(name) as Point;
      const t = new Map(points(face.rig)).get(name) as Point;
      expect(Math.hypot(p[0] - t[0], p[1] - t[1]), name).toBeLessThan(0.03 * size);
    }
    const blank = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 4).fill(200) };
    const none = detectDrawnFace(blank, { headPx: [50, 80], headJointId: 'Head' });
    expect(none.found).toEqual([]);
    expect(none.rig.source).toBe('estimate');
  });
});
