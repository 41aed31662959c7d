import { describe, expect, it } from 'vitest';
import { BROW, EYE, MESH_POINTS_WITH_IRIS } from '../../../core/face/facemeshPoints.js';
import type { Mesh } from '../../../core/face/headPose.js';
import { type FrameRgb, faceImageCues } from '../../../core/face/imageCues.js';

/**
 * Gaze and brows read from the pixels (core/face/imageCues.ts), on a face drawn here: skin, two
 * white eye openings with a dark iris each, and a dark brow bar above each eye, with the mesh's
 * eye and brow points where a landmark model would put them. The brows' mesh points stay put
 * while the drawn bars move, as facemesh's do on thin brows.
 */
const W = 240;
const H = 200;
const EYE_Y = 110;
const EYES = { right: 80, left: 160 } as const; // the person's right eye is on the picture's left
const EYE_HALF = 18;

function face(opts: { browLiftPx: number; irisShiftPx: number; shut?: boolean }): {
  frame: FrameRgb;
  mesh: Mesh;
} {
  const data = new Uint8Array(W * H * 3);
  const set = (x: number, y: number, rgb: readonly [number, number, number]) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    data.set(rgb, (y * W + x) * 3);
  };
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) set(x, y, [214, 170, 140]);
  for (const cx of Object.values(EYES)) {
    for (let y = EYE_Y - 8; y <= EYE_Y + 8; y++)
      for (let x = cx - EYE_HALF; x <= cx + EYE_HALF; x++) {
        if (opts.shut) continue; // the lids over the eye: skin
        if (((x - cx) / EYE_HALF) ** 2 + ((y - EYE_Y) / 8) ** 2 <= 1) set(x, y, [245, 245, 240]);
        if ((x - cx - opts.irisShiftPx) ** 2 + (y - EYE_Y) ** 2 <= 36) set(x, y, [40, 30, 25]);
      }
    const browY = EYE_Y - 26 - opts.browLiftPx;
    for (let y = browY - 3; y <= browY + 3; y++)
      for (let x = cx - 16; x <= cx + 16; x++) set(x, y, [50, 35, 25]);
  }
  const mesh: [number, number, number][] = Array.from({ length: MESH_POINTS_WITH_IRIS }, () => [
    W / 2,
    H / 2,
    0,
  ]);
  for (const side of ['left', 'right'] as const) {
    const cx = EYES[side];
    const e = EYE[side];
    // The outer corner is away from the nose: the picture's right for the left eye.
    const out = side === 'left' ? 1 : -1;
    mesh[e.outer] = [cx + out * EYE_HALF, EYE_Y, 0];
    mesh[e.inner] = [cx - out * EYE_HALF, EYE_Y, 0];
    e.upper.forEach((k, i) => {
      mesh[k] = [cx + out * (i - 1) * 9, EYE_Y - 7, 0];
    });
    e.lower.forEach((k, i) => {
      mesh[k] = [cx + out * (i - 1) * 9, EYE_Y + 7, 0];
    });
    BROW[side].forEach((k, i) => {
      mesh[k] = [cx + out * (i - 2) * 8, EYE_Y - 26, 0];
    });
  }
  return { frame: { width: W, height: H, data }, mesh };
}

// The outer corners' distance, the brows' unit.
const SPAN = EYES.left + EYE_HALF - (EYES.right - EYE_HALF);

describe('gaze and brows from the pixels', () => {
  it('measures the brow bar above each eye and follows it up and down, where the mesh does not move', () => {
    const rest = faceImageCues(
      face({ browLiftPx: 0, irisShiftPx: 0 }).frame,
      face({ browLiftPx: 0, irisShiftPx: 0 }).mesh,
    );
    // The bar's rows 81-87 have their centres 25.5 px above the corner line at y = 110.
    expect(rest.left.brow! * SPAN).toBeCloseTo(25.5, 0);
    expect(rest.right.brow! * SPAN).toBeCloseTo(25.5, 0);
    for (const lift of [-6, 8, 14]) {
      const f = face({ browLiftPx: lift, irisShiftPx: 0 });
      const cues = faceImageCues(f.frame, f.mesh);
      for (const side of ['left', 'right'] as const) {
        expect((cues[side].brow! - rest[side].brow!) * SPAN, `${side} ${lift}`).toBeCloseTo(lift, 0);
      }
    }
  });

  it('reads the iris towards the person’s left as +u for both eyes, and nothing from a closed eye', () => {
    const still = face({ browLiftPx: 0, irisShiftPx: 0 });
    const looking = face({ browLiftPx: 0, irisShiftPx: 6 }); // the picture's right: the person's left
    const a = faceImageCues(still.frame, still.mesh);
    const b = faceImageCues(looking.frame, looking.mesh);
    for (const side of ['left', 'right'] as const) {
      const du = (b[side].gaze![0] - a[side].gaze![0]) * (2 * EYE_HALF);
      expect(du, side).toBeGreaterThan(3);
      expect(du, side).toBeLessThan(7);
      expect(Math.abs(b[side].gaze![1] - a[side].gaze![1]) * (2 * EYE_HALF)).toBeLessThan(1);
    }
    const closed = face({ browLiftPx: 0, irisShiftPx: 0 });
    const mesh = closed.mesh as [number, number, number][];
    for (const k of [...EYE.left.upper, ...EYE.left.lower]) mesh[k] = [mesh[k]![0], EYE_Y, 0];
    expect(faceImageCues(closed.frame, mesh).left.gaze).toBeNull();
  });

  it('sees the white of an open eye and none of a shut one', () => {
    const open = face({ browLiftPx: 0, irisShiftPx: 0 });
    const shut = face({ browLiftPx: 0, irisShiftPx: 0, shut: true });
    const a = faceImageCues(open.frame, open.mesh);
    const b = faceImageCues(shut.frame, shut.mesh);
    for (const side of ['left', 'right'] as const) {
      expect(a[side].white!, side).toBeGreaterThan(0.1);
      expect(b[side].white!, side).toBeLessThan(0.01);
    }
  });
});
