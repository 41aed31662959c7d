import { describe, expect, it } from 'vitest';
import {
  brushMask,
  computeMask,
  countMask,
  erode,
  fillHoles,
  largestComponent,
  maskIoU,
  morphOpen,
  withoutPinchedMarks,
} from '../../../inference/rigging/mask.js';
import { type Mask, RiggingError } from '../../../inference/rigging/types.js';
import { drawHumanoid, renderOnPaper, renderWithAlpha, seededRandom, trueMask } from './syntheticFigure.js';

function emptyMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

describe('computeMask', () => {
  for (const armAngleDeg of [0, 35]) {
    it(`separates a figure from shaded, noisy paper (arms at ${armAngleDeg} deg): IoU >= 0.95`, () => {
      const figure = drawHumanoid({ width: 400, height: 400, figureHeightPx: 340, armAngleDeg });
      const { mask, source } = computeMask(renderOnPaper(figure, 7 + armAngleDeg), false);
      expect(source).toBe('background');
      const iou = maskIoU(mask, trueMask(figure));
      expect(iou).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('fills a line drawing (a dark outline on paper, paper-white inside): IoU >= 0.95', () => {
    const figure = drawHumanoid({ width: 400, height: 400, figureHeightPx: 340, armAngleDeg: 20 });
    const truth = trueMask(figure);
    const inside = erode(truth, 2);
    const drawing = renderOnPaper(figure, 4);
    const blankPaper = renderOnPaper({ ...figure, coverage: new Float32Array(400 * 400) }, 4);
    for (let p = 0; p < inside.data.length; p++) {
      if (inside.data[p]) drawing.data.set(blankPaper.data.subarray(p * 4, p * 4 + 3), p * 4);
    }
    const { mask } = computeMask(drawing, false);
    expect(maskIoU(mask, truth)).toBeGreaterThanOrEqual(0.95);
  });

  /** A 600×600 white page with dark ink where `ink(x, y)` says. */
  const page = (ink: (x: number, y: number) => boolean) => {
    const size = 600;
    const data = new Uint8Array(size * size * 4).fill(255);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) if (ink(x, y)) data.set([26, 26, 26], (y * size + x) * 4);
    return { width: size, height: size, data };
  };
  /** The outline (5 px of ink) of an axis-aligned box, optionally broken over rows y0..y1 of its left side. */
  const outlinedBox = (x: number, y: number, bx0: number, by0: number, bx1: number, by1: number) =>
    x >= bx0 &&
    x <= bx1 &&
    y >= by0 &&
    y <= by1 &&
    (x < bx0 + 5 || x > bx1 - 5 || y < by0 + 5 || y > by1 - 5);

  it('keeps a narrow gap between two outlined legs open (4 px of paper: not welded into one leg)', () => {
    // A body with two legs below it, the legs' outlines 4 px apart (as an outlined T-pose drawing's).
    const drawing = page(
      (x, y) =>
        outlinedBox(x, y, 250, 100, 350, 300) ||
        outlinedBox(x, y, 258, 296, 298, 520) ||
        outlinedBox(x, y, 303, 296, 343, 520),
    );
    const { mask } = computeMask(drawing, false);
    const at = (x: number, y: number) => mask.data[y * mask.width + x];
    for (const y of [360, 420, 480, 515]) expect(at(300, y), `gap at y=${y}`).toBe(0);
    // Each leg is filled, the body too.
    expect([at(278, 420), at(323, 420), at(300, 200)]).toEqual([1, 1, 1]);
  });

  it('seals an outline left open by a 3 px break and fills it', () => {
    const drawing = page(
      (x, y) => outlinedBox(x, y, 200, 150, 400, 450) && !(x < 205 && y >= 300 && y < 303),
    );
    const { mask } = computeMask(drawing, false);
    expect(mask.data[300 * mask.width + 300]).toBe(1);
    expect(mask.data[300 * mask.width + 202]).toBe(1);
  });

  it('drops a mark drawn just beside the figure (a squiggle under a foot), keeps a head drawn apart', () => {
    const drawing = page(
      (x, y) =>
        // A solid body, a squiggle 6 px under it, a stick neck and a ring head 4 px above it.
        (x >= 220 && x <= 380 && y >= 200 && y <= 500) ||
        (x >= 200 && x <= 420 && Math.abs(y - (512 + 4 * Math.sin(x / 6))) < 2) ||
        (x >= 297 && x <= 303 && y >= 137 && y < 200) ||
        Math.abs(Math.hypot(x - 300, y - 90) - 40) < 3,
    );
    const { mask } = computeMask(drawing, false);
    const at = (x: number, y: number) => mask.data[y * mask.width + x];
    expect([at(300, 350), at(300, 170), at(300, 90)]).toEqual([1, 1, 1]);
    for (const x of [210, 300, 410])
      expect(at(x, Math.round(512 + 4 * Math.sin(x / 6))), `squiggle at ${x}`).toBe(0);
  });

  it('takes the alpha channel when there is one: IoU >= 0.95', () => {
    const figure = drawHumanoid({ width: 400, height: 400, figureHeightPx: 340, armAngleDeg: 20 });
    const { mask, source } = computeMask(renderWithAlpha(figure), true);
    expect(source).toBe('alpha');
    expect(maskIoU(mask, trueMask(figure))).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps transparent holes of an alpha mask (the artist drew them)', () => {
    const width = 50;
    const data = new Uint8Array(width * width * 4);
    for (let y = 0; y < width; y++) {
      for (let x = 0; x < width; x++) {
        const r = Math.hypot(x - 25, y - 25);
        data[(y * width + x) * 4 + 3] = r < 20 && r > 8 ? 255 : 0;
      }
    }
    const { mask } = computeMask({ width, height: width, data }, true);
    expect(mask.data[25 * width + 25]).toBe(0);
    expect(mask.data[25 * width + 10]).toBe(1);
  });

  it('says "no figure" for plain white paper and for a fully transparent picture', () => {
    const random = seededRandom(3);
    const white = new Uint8Array(120 * 90 * 4);
    for (let i = 0; i < white.length; i += 4) {
      white.fill(250 + Math.floor(random() * 5), i, i + 3);
      white[i + 3] = 255;
    }
    expect(() => computeMask({ width: 120, height: 90, data: white }, false)).toThrowError(RiggingError);
    expect(() => computeMask({ width: 120, height: 90, data: white }, false)).toThrowError(/no figure/);
    const clear = new Uint8Array(120 * 90 * 4);
    const error = (() => {
      try {
        computeMask({ width: 120, height: 90, data: clear }, true);
      } catch (e) {
        return e;
      }
    })();
    expect((error as RiggingError).code).toBe('no-figure');
  });
});

describe('mask clean-up', () => {
  it('keeps the largest component, fills holes and drops specks', () => {
    let mask = emptyMask(40, 40);
    mask = brushMask(mask, { xPx: 15, yPx: 15, radiusPx: 10, mode: 'add' });
    mask = brushMask(mask, { xPx: 15, yPx: 15, radiusPx: 3, mode: 'remove' });
    mask = brushMask(mask, { xPx: 35, yPx: 35, radiusPx: 2, mode: 'add' });
    expect(mask.data[15 * 40 + 15]).toBe(0);
    const largest = largestComponent(mask);
    expect(largest.data[35 * 40 + 35]).toBe(0);
    const filled = fillHoles(largest);
    expect(filled.data[15 * 40 + 15]).toBe(1);
    const single = emptyMask(10, 10);
    single.data[55] = 1;
    expect(countMask(morphOpen(single, 1))).toBe(0);
  });
});

describe('withoutPinchedMarks', () => {
  /** A body, a thick arm ending in a ball, and a stroke arm ending in a fist. */
  function figure(): Mask {
    let mask = emptyMask(300, 160);
    const add = (x: number, y: number, r: number) => {
      mask = brushMask(mask, { xPx: x, yPx: y, radiusPx: r, mode: 'add' });
    };
    add(150, 80, 45); // body
    for (let x = 195; x <= 240; x += 2) add(x, 80, 9); // thick arm
    add(248, 80, 16); // its ball hand
    for (let x = 105; x >= 45; x -= 1) add(x, 80, 1.5); // stroke arm
    add(40, 80, 8); // its fist
    return mask;
  }
  const at = (m: Mask, x: number, y: number) => m.data[y * m.width + x];

  it('drops a small solid mark touching the hand at a point, with the spike that touches', () => {
    let mask = figure();
    // A blob above the ball, joined to it by a 3 px spike (a star's point touching the hand).
    mask = brushMask(mask, { xPx: 248, yPx: 40, radiusPx: 10, mode: 'add' });
    for (let y = 50; y <= 64; y++) mask = brushMask(mask, { xPx: 248, yPx: y, radiusPx: 1, mode: 'add' });
    const cleaned = withoutPinchedMarks(mask, 3);
    expect(cleaned).not.toBe(mask);
    expect(at(cleaned, 248, 40)).toBe(0);
    expect(at(cleaned, 248, 55)).toBe(0);
    // The figure is untouched: body, both hands, both arms.
    for (const [x, y] of [
      [150, 80],
      [248, 80],
      [215, 80],
      [75, 80],
      [40, 80],
    ] as const)
      expect(at(cleaned, x, y), `${x},${y}`).toBe(1);
    expect(countMask(mask) - countMask(cleaned)).toBeLessThan(420);
  });

  it('keeps a fist at the end of a stroke arm and a drawing with nothing touching it', () => {
    const mask = figure();
    expect(withoutPinchedMarks(mask, 3)).toBe(mask);
  });

  it('keeps a big piece joined at a pinch (a head on a thin neck is no mark)', () => {
    let mask = figure();
    mask = brushMask(mask, { xPx: 150, yPx: 18, radiusPx: 16, mode: 'add' });
    for (let y = 34; y <= 36; y++) mask = brushMask(mask, { xPx: 150, yPx: y, radiusPx: 1, mode: 'add' });
    expect(withoutPinchedMarks(mask, 3)).toBe(mask);
  });
});

describe('brushMask', () => {
  it('adds and removes a disc, leaving the input untouched', () => {
    const mask = emptyMask(30, 30);
    const added = brushMask(mask, { xPx: 10, yPx: 10, radiusPx: 4, mode: 'add' });
    expect(countMask(mask)).toBe(0);
    // A disc of radius 4 covers about pi * 16 pixels.
    expect(Math.abs(countMask(added) - Math.PI * 16)).toBeLessThan(6);
    expect(added.data[10 * 30 + 10]).toBe(1);
    expect(added.data[10 * 30 + 15]).toBe(0);
    const removed = brushMask(added, { xPx: 10, yPx: 10, radiusPx: 2, mode: 'remove' });
    expect(removed.data[10 * 30 + 10]).toBe(0);
    expect(removed.data[10 * 30 + 13]).toBe(1);
    // A brush partly off the picture is clipped, not an error.
    const edge = brushMask(mask, { xPx: 0, yPx: 0, radiusPx: 3, mode: 'add' });
    expect(edge.data[0]).toBe(1);
  });
});
