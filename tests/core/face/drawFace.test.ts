import { describe, expect, it } from 'vitest';
import { evaluateFace } from '../../../core/face/evaluate.js';
import type { MOUTH_SHAPE_POSES } from '../../../core/face/mouthShapes.js';
import { type FaceParams, NEUTRAL_FACE } from '../../../core/face/params.js';
import type { Affine2 } from '../../../core/math/types.js';
import { drawFace } from '../../../core/render/face/drawFace.js';
import type { RgbaImage } from '../../../core/render/types.js';
import { drawTestFace } from '../../fixtures/face/drawnFace.js';

const IDENTITY: Affine2 = [1, 0, 0, 1, 0, 0];

function shape(name: keyof typeof MOUTH_SHAPE_POSES): FaceParams {
  return evaluateFace({ mouth: [{ frame: 0, shape: name }], channels: {} }, 100);
}

function luma(img: RgbaImage, x: number, y: number): number {
  const o = (Math.floor(y) * img.width + Math.floor(x)) * 4;
  return (
    0.299 * (img.data[o] as number) +
    0.587 * (img.data[o + 1] as number) +
    0.114 * (img.data[o + 2] as number)
  );
}

function alpha(img: RgbaImage, x: number, y: number): number {
  return img.data[(Math.floor(y) * img.width + Math.floor(x)) * 4 + 3] as number;
}

describe('the face pass', () => {
  const face = drawTestFace();
  const { rig, image } = face;
  const m = rig.mouth;
  const mouthCx = (m.left[0] + m.right[0]) / 2;
  const lineY = (m.upper[1] + m.lower[1]) / 2;
  const hw = Math.abs(m.left[0] - m.right[0]) / 2;

  it('returns the frame itself for a neutral face', () => {
    expect(drawFace(image, { rig, params: NEUTRAL_FACE, artToFrame: IDENTITY })).toBe(image);
  });

  it('wide open (D): a cavity darker than the lips, no holes, nothing moved below the chin or outside the head', () => {
    const out = drawFace(image, { rig, params: shape('D'), artToFrame: IDENTITY });
    // The cavity at the middle of the lip line, a little below it.
    const cavity = luma(out, mouthCx, lineY + hw * 0.25);
    const lips = 0.299 * 178 + 0.587 * 64 + 0.114 * 70;
    expect(cavity).toBeLessThan(lips * 0.6);
    // Opaque everywhere inside the head: no holes.
    for (let y = Math.floor(m.upper[1] - hw); y < Math.ceil(rig.chin[1]); y++) {
      for (let x = Math.floor(m.right[0] - hw); x < Math.ceil(m.left[0] + hw); x++) {
        if (alpha(image, x, y) === 255) expect(alpha(out, x, y), `alpha at ${x},${y}`).toBe(255);
      }
    }
    // Below the chin (the neck) and outside the outline: untouched, byte for byte.
    let changedBelow = 0;
    let changedOutside = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const o = (y * image.width + x) * 4;
        const same = [0, 1, 2, 3].every((k) => out.data[o + k] === image.data[o + k]);
        if (same) continue;
        if (y > rig.chin[1] + 1) changedBelow++;
        const u = (x + 0.5 - image.width / 2) / (image.width * 0.35);
        const v = (y + 0.5 - image.height * 0.42) / (image.height * 0.35);
        if (u * u + v * v > 1.02) changedOutside++;
      }
    }
    expect(changedBelow).toBe(0);
    expect(changedOutside).toBe(0);
    // The lower lip moved down: lip colour now well below where it was.
    const lowerLipNow = m.lower[1] + hw * 0.5;
    const o = (Math.floor(lowerLipNow) * image.width + Math.floor(mouthCx)) * 4;
    expect(out.data[o]).toBeGreaterThan((out.data[o + 1] as number) + 60);
  });

  it('closed shapes (A, X) show no cavity; B shows teeth', () => {
    for (const name of ['A', 'X'] as const) {
      const out = drawFace(image, { rig, params: shape(name), artToFrame: IDENTITY });
      expect(luma(out, mouthCx, lineY + 2)).toBeGreaterThan(40);
    }
    const c = drawFace(image, { rig, params: shape('C'), artToFrame: IDENTITY });
    // Upper teeth: a light band just under the upper lip's edge.
    let brightest = 0;
    for (let y = lineY - 4; y < lineY + hw * 0.4; y++) brightest = Math.max(brightest, luma(c, mouthCx, y));
    expect(brightest).toBeGreaterThan(180);
  });

  it('closes the eyes with skin and a lash line (blink), and follows the head transform', () => {
    const params = { ...NEUTRAL_FACE, blinkL: 1, blinkR: 1 };
    const out = drawFace(image, { rig, params, artToFrame: IDENTITY });
    const eye = rig.eyes.left;
    // The pupil (dark) is covered by skin.
    expect(luma(image, eye.center[0], eye.center[1])).toBeLessThan(60);
    expect(luma(out, eye.center[0], eye.center[1] - eye.halfHeight * 0.3)).toBeGreaterThan(150);
    // The same face moved by (30, 20) px and drawn with the moved transform: the same pixels, moved.
    const W = image.width + 30;
    const H = image.height + 20;
    const moved = new Uint8Array(W * H * 4);
    for (let y = 0; y < image.height; y++) {
      moved.set(image.data.subarray(y * image.width * 4, (y + 1) * image.width * 4), ((y + 20) * W + 30) * 4);
    }
    const movedOut = drawFace(
      { width: W, height: H, data: moved },
      { rig, params, artToFrame: [1, 0, 0, 1, 30, 20] },
    );
    let diff = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        diff = Math.max(
          diff,
          Math.abs(
            (out.data[(y * image.width + x) * 4] as number) -
              (movedOut.data[((y + 20) * W + x + 30) * 4] as number),
          ),
        );
      }
    }
    expect(diff).toBeLessThanOrEqual(1);
  });

  it('raises brows and shifts the pupils', () => {
    const up = drawFace(image, {
      rig,
      params: { ...NEUTRAL_FACE, browRaiseL: 1, browRaiseR: 1 },
      artToFrame: IDENTITY,
    });
    const brow = rig.brows.left[1];
    // Brow colour now above where it was.
    let darkAbove = 0;
    for (let y = brow[1] - 14; y < brow[1] - 4; y++) if (luma(up, brow[0], y) < 100) darkAbove++;
    expect(darkAbove).toBeGreaterThan(0);
    const eye = rig.eyes.left;
    const look = drawFace(image, { rig, params: { ...NEUTRAL_FACE, gazeX: 1 }, artToFrame: IDENTITY });
    // Gaze to the character's left (the picture's right here): the pupil's right rim moves right.
    const edge = (img: RgbaImage) => {
      let x = eye.center[0];
      while (luma(img, x, eye.center[1]) < 100) x++;
      return x;
    };
    expect(edge(look)).toBeGreaterThan(edge(image) + 2);
  });
});
