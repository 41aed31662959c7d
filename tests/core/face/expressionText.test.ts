import { describe, expect, it } from 'vitest';
import { applyExpressionText } from '../../../core/document/expressionEdits.js';
import { setFaceMotion } from '../../../core/document/faceEdits.js';
import { createProject, hashAssetId } from '../../../core/document/factory.js';
import type { ProjectDocument } from '../../../core/document/schema.js';
import { evaluateFace } from '../../../core/face/evaluate.js';
import { type ActionUnit, parseExpression } from '../../../core/face/expressionText.js';
import { NEUTRAL_FACE } from '../../../core/face/params.js';
import type { Affine2 } from '../../../core/math/types.js';
import { drawFace } from '../../../core/render/face/drawFace.js';
import type { RgbaImage } from '../../../core/render/types.js';
import { encodeBase64 } from '../../../core/util/base64.js';
import { drawTestFace } from '../../fixtures/face/drawnFace.js';

type Aus = Partial<Record<ActionUnit, number>>;

/** Phrase → the action units and intensities docs/face.md promises for it. */
const TABLE: [string, Aus][] = [
  ['neutral', {}],
  ['happy', { AU6: 0.6, AU12: 0.8 }],
  ['Happy!', { AU6: 0.6, AU12: 0.8 }],
  ['joyful', { AU6: 0.6, AU12: 0.8 }],
  ['a bit happy', { AU6: 0.24, AU12: 0.32 }],
  ['very happy', { AU6: 0.78, AU12: 1.04 }],
  ['sad', { AU1: 1, AU4: 0.15, AU15: 0.8 }],
  ['unhappy', { AU1: 1, AU4: 0.15, AU15: 0.8 }],
  ['slightly sad', { AU1: 0.4, AU4: 0.06, AU15: 0.32 }],
  ['surprised', { AU1: 1, AU2: 1, AU25: 1, AU26: 1 }],
  ['a bit surprised', { AU1: 0.4, AU2: 0.4, AU25: 0.4, AU26: 0.4 }],
  ['astonished', { AU1: 1, AU2: 1, AU25: 1, AU26: 1 }],
  ['scared', { AU1: 0.8, AU2: 0.6, AU4: 0.4, AU20: 0.8, AU25: 1, AU26: 0.6 }],
  ['angry', { AU4: 1, AU7: 0.6, AU24: 0.6, AU15: 0.3 }],
  ['angry, 50%', { AU4: 0.5, AU7: 0.3, AU24: 0.3, AU15: 0.15 }],
  ['50% angry', { AU4: 0.5, AU7: 0.3, AU24: 0.3, AU15: 0.15 }],
  ['furious', { AU4: 1, AU7: 0.6, AU24: 0.6, AU15: 0.3 }],
  ['disgusted', { AU4: 0.4, AU10: 1, AU15: 0.6, AU7: 0.4 }],
  ['open mouth', { AU25: 1, AU26: 1 }],
  ['mouth open', { AU25: 1, AU26: 1 }],
  ['smiling with an open mouth', { AU12: 0.8, AU6: 0.4, AU25: 1, AU26: 1 }],
  ['angry and shouting', { AU4: 1.5, AU7: 0.6, AU24: 0.6, AU15: 0.3, AU27: 1, AU20: 0.4 }],
  ['yelling', { AU27: 1, AU4: 0.5, AU20: 0.4 }],
  ['wink left', { AU46L: 1 }],
  ['left wink', { AU46L: 1 }],
  ['wink right', { AU46R: 1 }],
  ['eyes closed', { AU45: 1 }],
  ['raised eyebrows', { AU1: 1, AU2: 1 }],
  ['pout', { AU18: 0.8, AU15: 0.3 }],
  ['grin', { AU12: 1, AU6: 0.6, AU20: 0.5, AU10: 0.6, AU25: 1 }],
  ['frowning', { AU4: 0.8, AU15: 0.6 }],
  ['squint', { AU7: 1, AU6: 0.5 }],
  ['look left', { AU61: 1 }],
  ['happy and looking up', { AU6: 0.6, AU12: 0.8, AU63: 1 }],
  ['a little sad, wink right', { AU1: 0.4, AU4: 0.06, AU15: 0.32, AU46R: 1 }],
];

describe('expressions from text: phrase → action units', () => {
  it.each(TABLE)('"%s"', (phrase, aus) => {
    const parsed = parseExpression(phrase);
    const got = parsed.actionUnits;
    expect(Object.keys(got).sort()).toEqual(Object.keys(aus).sort());
    for (const [au, v] of Object.entries(aus)) expect(got[au as ActionUnit], au).toBeCloseTo(v, 6);
  });
});

describe('expressions from text: channel values', () => {
  it('sad: corners down, brows up; happy: corners up; surprised: mouth open and brows up', () => {
    const sad = parseExpression('sad').channels;
    expect(sad.smile).toBeCloseTo(-0.8, 6);
    expect(sad.browRaiseL).toBeGreaterThan(0.4);
    expect(sad.browRaiseR).toBe(sad.browRaiseL);
    expect(parseExpression('happy').channels.smile).toBeGreaterThan(0.8);
    const surprised = parseExpression('surprised').channels;
    expect(surprised.jawOpen).toBeCloseTo(0.55, 6);
    expect(surprised.browRaiseL).toBeCloseTo(1, 6);
  });

  it('intensities scale and values are clamped to each channel range', () => {
    expect(parseExpression('a bit happy').channels.smile).toBeLessThan(
      parseExpression('happy').channels.smile,
    );
    const shout = parseExpression('extremely angry and very shouting').channels;
    expect(shout.browFrown).toBe(1);
    expect(shout.jawOpen).toBe(1);
  });

  it('wink left closes only the character’s left eye', () => {
    const c = parseExpression('wink left').channels;
    expect(c.blinkL).toBe(1);
    expect(c.blinkR).toBe(0);
  });

  it('unknown words are an invalid-argument error naming them and listing what is understood', () => {
    expect(() => parseExpression('sad and grumpy zz')).toThrow(/"grumpy", "zz".*Understood: .*sad/);
    try {
      parseExpression('grumpy');
    } catch (error) {
      expect((error as { code: string }).code).toBe('invalid-argument');
    }
    expect(() => parseExpression('very')).toThrow(/names no expression/);
    expect(() => parseExpression('')).toThrow(/names no expression/);
  });
});

function project(): ProjectDocument {
  const bytes = new Uint8Array([137, 80, 78, 71, 9, 9, 9]);
  return createProject({
    name: 'Face',
    art: {
      assetId: hashAssetId(bytes),
      asset: { mime: 'image/png', width: 200, height: 400, dataBase64: encodeBase64(bytes) },
    },
  });
}

describe('an expression keyed over a frame range', () => {
  it('holds over the range, eases in and out, and leaves the frames outside and the mouth track alone', () => {
    let doc = project();
    const id = doc.characters[0]?.id as string;
    doc = setFaceMotion(doc, id, { mouth: [{ frame: 30, shape: 'D' }], channels: {} });
    const { document } = applyExpressionText(doc, id, 'sad', { from: 20, to: 40, easeFrames: 4 });
    const motion = document.characters[0]?.faceMotion;
    expect(motion?.mouth).toEqual([{ frame: 30, shape: 'D' }]);
    expect(evaluateFace(motion, 25).smile).toBeCloseTo(-0.8, 6);
    expect(evaluateFace(motion, 40).browRaiseL).toBeCloseTo(parseExpression('sad').channels.browRaiseL, 6);
    expect(evaluateFace(motion, 18).smile).toBeCloseTo(-0.4, 6);
    expect(evaluateFace(motion, 10)).toEqual(NEUTRAL_FACE);
    // After the range the mouth shape D holds, the expression is gone.
    expect(evaluateFace(motion, 50).smile).toBe(0);
    expect(evaluateFace(motion, 50).browRaiseL).toBe(0);
    expect(evaluateFace(motion, 50).browFrown).toBe(0);
    // Lip sync still adds on top: the jaw is open at frame 30 (shape D).
    expect(evaluateFace(motion, 30).jawOpen).toBeGreaterThan(0.5);
    // Channels the expression leaves at rest get no keys.
    expect(motion?.channels.gazeX).toBeUndefined();
    // A second expression over the same range replaces the first there.
    const happy = applyExpressionText(document, id, 'happy', { from: 20, to: 40, easeFrames: 4 }).document;
    const m2 = happy.characters[0]?.faceMotion;
    expect(evaluateFace(m2, 30).smile).toBeGreaterThan(0.8);
    expect(evaluateFace(m2, 30).browRaiseL).toBeCloseTo(0, 6);
  });

  it('refuses a range outside the project', () => {
    const doc = project();
    const id = doc.characters[0]?.id as string;
    expect(() => applyExpressionText(doc, id, 'sad', { from: 0, to: doc.durationFrames })).toThrow(
      /not within the project/,
    );
  });
});

const IDENTITY: Affine2 = [1, 0, 0, 1, 0, 0];

/** The y centroid of pixels of colour `rgb` (±12) inside a box. */
function centroidY(img: RgbaImage, rgb: number[], x0: number, x1: number, y0: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
    for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
      const o = (y * img.width + x) * 4;
      if ([0, 1, 2].every((k) => Math.abs((img.data[o + k] as number) - (rgb[k] as number)) <= 12)) {
        sum += y;
        n++;
      }
    }
  }
  if (n === 0) throw new Error('no pixels of that colour in the box');
  return sum / n;
}

describe('"sad" in the rendered frame', () => {
  it('lowers the mouth corners and raises the inner brows', () => {
    const { image, rig, colours } = drawTestFace();
    const params = { ...NEUTRAL_FACE, ...parseExpression('sad').channels };
    const out = drawFace(image, { rig, params, artToFrame: IDENTITY });
    const m = rig.mouth;
    const hw = Math.abs(m.left[0] - m.right[0]) / 2;
    const y0 = m.upper[1] - hw;
    const y1 = m.lower[1] + hw;
    // The outer fifth of the mouth at each corner.
    for (const corner of [m.left, m.right]) {
      const xa = corner[0] - hw * 0.3;
      const xb = corner[0] + hw * 0.3;
      const before = centroidY(image, colours.lip, xa, xb, y0, y1);
      const after = centroidY(out, colours.lip, xa, xb, y0, y1);
      expect(after - before, 'corner moved down (px)').toBeGreaterThan(0.5);
    }
    const brow = [90, 60, 40];
    for (const [inner] of [rig.brows.left, rig.brows.right]) {
      const box = [inner[0] - 6, inner[0] + 6, inner[1] - 12, inner[1] + 8] as const;
      const before = centroidY(image, brow, ...box);
      const after = centroidY(out, brow, ...box);
      expect(before - after, 'inner brow moved up (px)').toBeGreaterThan(0.5);
    }
  });
});
