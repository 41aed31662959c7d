import { describe, expect, it } from 'vitest';
import {
  faceLayerBoxes,
  faceLayerBoxesOfLayers,
  facePartOfLayer,
  faceRigFromLayers,
  type LayerBox,
} from '../../../core/face/rigFromLayers.js';
import { faceRigSchema } from '../../../core/face/schema.js';

const box = (name: string, left: number, top: number, right: number, bottom: number): LayerBox => ({
  name,
  left,
  top,
  right,
  bottom,
});

describe('face parts from layer names', () => {
  it.each([
    ['eye L', 'eye', false],
    ['Eye_Left', 'eye', false],
    ['eyeR', 'eye', false],
    ['Head/eye_right', 'eye', false],
    ['Eyes', 'eye', true],
    ['Eyes/L', 'eye', false],
    ['brows', 'brow', true],
    ['Eyebrow L', 'brow', false],
    ['eye brow R', 'brow', false],
    ['Nose', 'nose', false],
    ['mouth', 'mouth', false],
    ['Lips', 'mouth', false],
    ['mouth X', 'mouthShape', false],
    ['Face', 'face', false],
    ['HEAD', 'head', false],
  ])('%s -> %s', (name, part, pair) => {
    expect(facePartOfLayer(name)).toEqual({ part, pair });
  });

  it.each(['hair', 'Head/hair', 'body', 'left arm', 'Layer 1', 'L', ''])('%s is no face part', (name) => {
    expect(facePartOfLayer(name)).toBeNull();
  });
});

describe('faceRigFromLayers', () => {
  // A face facing the camera: eyes at x 40-60 and 100-120, brows above, nose, mouth, head 20-140.
  const layers = [
    box('head', 20, 10, 140, 170),
    box('eye L', 40, 60, 60, 80),
    box('eye R', 100, 60, 120, 80),
    box('brow L', 38, 45, 62, 51),
    box('brow R', 98, 45, 122, 51),
    box('nose', 75, 85, 85, 105),
    box('mouth', 55, 120, 105, 136),
    box('body', 0, 170, 160, 300),
  ];

  it('places each feature from its box; sides by place (picture right = the character’s left)', () => {
    const rig = faceRigFromLayers(layers, 'Head');
    expect(rig).not.toBeNull();
    if (!rig) return;
    expect(faceRigSchema.safeParse(rig).success).toBe(true);
    expect(rig.source).toBe('psd');
    expect(rig.headJointId).toBe('Head');
    expect(rig.eyes.left).toEqual({ center: [110, 70], halfWidth: 10, halfHeight: 10, angleRad: 0 });
    expect(rig.eyes.right.center).toEqual([50, 70]);
    expect(rig.mouth).toEqual({ left: [105, 128], right: [55, 128], upper: [80, 120], lower: [80, 136] });
    expect(rig.nose).toEqual([80, 101]);
    expect(rig.chin).toEqual([80, 170]);
    // The brows: inner end nearer the middle, middle on top.
    expect(rig.brows.left[0][0]).toBe(98);
    expect(rig.brows.left[2][0]).toBe(121);
    expect(rig.brows.right[0][0]).toBe(61);
    expect(rig.brows.left[1][1]).toBeLessThan(rig.brows.left[0][1]);
    // The outline is the head's box's ellipse.
    const xs = rig.outline.map((p) => p[0]);
    const ys = rig.outline.map((p) => p[1]);
    expect(Math.min(...xs)).toBeCloseTo(20, 5);
    expect(Math.max(...xs)).toBeCloseTo(140, 5);
    expect(Math.max(...ys)).toBeCloseTo(170, 1);
  });

  it('the same sides whichever way the names say L and R; a tilted eye line tilts the eyes', () => {
    const swapped = layers.map((l) =>
      l.name === 'eye L' ? { ...l, name: 'eye R' } : l.name === 'eye R' ? { ...l, name: 'eye L' } : l,
    );
    expect(faceRigFromLayers(swapped, 'Head')?.eyes).toEqual(faceRigFromLayers(layers, 'Head')?.eyes);
    const tilted = layers.map((l) => (l.name === 'eye R' ? { ...l, top: 70, bottom: 90 } : l));
    const rig = faceRigFromLayers(tilted, 'Head');
    expect(rig?.eyes.left.angleRad).toBeCloseTo(Math.atan2(10, 60), 6);
  });

  it('fills in what has no layer (brows, nose, head) by proportion', () => {
    const rig = faceRigFromLayers([box('eyes', 40, 60, 120, 80), box('mouth', 55, 120, 105, 136)], 'H');
    // "eyes" is a pair, but as a bare box it cannot be split: no rig.
    expect(rig).toBeNull();
    const split = faceRigFromLayers(
      [
        box('eyes (one of the pair)', 40, 60, 60, 80),
        box('eyes (one of the pair)', 100, 60, 120, 80),
        box('mouth', 55, 120, 105, 136),
      ],
      'H',
    );
    expect(split).not.toBeNull();
    if (!split) return;
    expect(faceRigSchema.safeParse(split).success).toBe(true);
    expect(split.brows.left[1][1]).toBeLessThan(60);
    expect(split.nose[1]).toBeGreaterThan(70);
    expect(split.nose[1]).toBeLessThan(120);
    expect(split.chin[1]).toBeGreaterThan(136);
  });

  it('no rig without two eyes and a mouth', () => {
    expect(
      faceRigFromLayers(
        layers.filter((l) => l.name !== 'mouth'),
        'Head',
      ),
    ).toBeNull();
    expect(
      faceRigFromLayers(
        layers.filter((l) => l.name !== 'eye R'),
        'Head',
      ),
    ).toBeNull();
    expect(faceRigFromLayers([box('body', 0, 0, 10, 10)], 'Head')).toBeNull();
  });
});

describe('boxes from pixels', () => {
  it('an owner map’s opaque boxes; a layer with both eyes split at its middle', () => {
    const width = 40;
    const height = 20;
    const owner = new Int16Array(width * height).fill(-1);
    const fill = (k: number, x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) owner[y * width + x] = k;
    };
    fill(0, 5, 2, 10, 6);
    fill(0, 28, 3, 34, 7);
    fill(1, 12, 12, 26, 16);
    fill(2, 0, 18, 40, 20);
    const boxes = faceLayerBoxes(width, height, (i) => owner[i] as number, ['Eyes', 'mouth', 'body']);
    expect(boxes.map((b) => [b.left, b.top, b.right, b.bottom])).toEqual([
      [5, 2, 10, 6],
      [28, 3, 34, 7],
      [12, 12, 26, 16],
    ]);
    expect(faceRigFromLayers(boxes, 'Head')?.eyes.left.center).toEqual([31, 5]);
  });

  it('layers’ pixels (the PSD importer’s): only opaque ones count', () => {
    const image = { width: 4, height: 4, data: new Uint8Array(64) };
    image.data[(1 * 4 + 2) * 4 + 3] = 255;
    image.data[(3 * 4 + 3) * 4 + 3] = 40;
    const boxes = faceLayerBoxesOfLayers(20, 20, [{ name: 'nose', left: 10, top: 5, image }]);
    expect(boxes).toEqual([{ name: 'nose', left: 12, top: 6, right: 13, bottom: 7 }]);
  });
});
