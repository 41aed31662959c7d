import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../core/render/types.js';
import { composeFrame, isIdentityPlacement } from '../../host/render/compose.js';

/** A 4x2 picture: left half opaque red, right half transparent. */
const frame: RgbaImage = {
  width: 4,
  height: 2,
  data: Uint8Array.from(
    Array.from({ length: 8 }, (_, i) => (i % 4 < 2 ? [255, 0, 0, 255] : [0, 0, 0, 0])).flat(),
  ),
};
const alphaAt = (img: RgbaImage, x: number, y: number) => img.data[(y * img.width + x) * 4 + 3]!;

describe('placing a character frame into the output frame', () => {
  it('is the identity for the same size, centred, scale 1', () => {
    const placement = { offset: [0, 0, 0] as [number, number, number], scale: 1 };
    expect(isIdentityPlacement(frame, { width: 4, height: 2 }, placement)).toBe(true);
    expect(composeFrame(frame, { width: 4, height: 2 }, placement).data).toEqual(frame.data);
  });

  it('moves by the offset (x right, y up) in whole pixels exactly', () => {
    const out = composeFrame(frame, { width: 8, height: 4 }, { offset: [2, 1, 0], scale: 1 });
    // Centred the picture would span x 2..5, y 1..2; offset (2, up 1) -> x 4..7, y 0..1.
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 8; x++) {
        const expected = y <= 1 && x >= 4 && x <= 5 ? 255 : 0;
        expect(alphaAt(out, x, y)).toBe(expected);
      }
    }
    expect([...out.data.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...out.data.subarray((0 * 8 + 4) * 4, (0 * 8 + 4) * 4 + 4)]).toEqual([255, 0, 0, 255]);
  });

  it('scales with straight colour kept at the edges (no dark fringe)', () => {
    const out = composeFrame(frame, { width: 8, height: 4 }, { offset: [0, 0, 0], scale: 2 });
    for (let i = 0; i < out.data.length; i += 4) {
      if (out.data[i + 3]! > 0) expect([out.data[i], out.data[i + 1], out.data[i + 2]]).toEqual([255, 0, 0]);
    }
    expect(alphaAt(out, 0, 0)).toBe(255);
    expect(alphaAt(out, 7, 0)).toBe(0);
  });
});
