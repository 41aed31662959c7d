import { afterAll, describe, expect, it } from 'vitest';
import { quatFromAxisAngle } from '../../../core/math/quat.js';
import type { Quat } from '../../../core/math/types.js';
import type { Pose } from '../../../core/motion/types.js';
import { artFrame, type OutputFrame, poseFrame } from '../../../core/render/parts/posed.js';
import { renderReference } from '../../../core/render/parts/reference.js';
import { PartsEngine } from '../../../inference/engine/partsEngine.js';
import { compareImages, coverage, figureCharacter } from '../../fixtures/partsCharacter.js';

/**
 * The ONNX frame engine against its specification (core/render/parts/reference.ts) and against
 * the art: the rest pose gives the picture back, posed frames equal the reference renderer's, the
 * output frame's offset and scale place the character as the scene asks.
 */
const ch = figureCharacter(96, 128);
const engine = new PartsEngine({ provider: 'cpu' });
afterAll(() => undefined);

const z = (a: number) => quatFromAxisAngle([0, 0, 1], a);
const y = (a: number) => quatFromAxisAngle([0, 1, 0], a);
const pose = (rotations: Record<string, Quat>, root: [number, number, number] = [0, 0, 0]): Pose => ({
  rotations,
  rootTranslation: root,
});
const REST = pose({});
const POSES: Record<string, Pose> = {
  bend: pose({ LeftArm: z(-0.8), LeftForeArm: z(0.6), RightLeg: z(0.3) }),
  turn: pose({ RightForeArm: y(1.2), Spine: z(0.2) }, [3, -2, 0]),
  across: pose({ LeftArm: y(-2.6) }),
  // The whole figure turned: every seam's faint edges lie over the opaque layer under them.
  whole: pose({ Hips: z(0.35) }, [3, 2, 0]),
};

async function both(p: Pose, output?: OutputFrame) {
  const prepared = engine.prepare(ch.rig, output?.scale ?? 1);
  const frame = poseFrame({
    rig: ch.rig,
    atlas: prepared.atlas,
    skeleton: ch.skeleton,
    pose: p,
    ...(output ? { output } : {}),
  });
  return {
    engine: await engine.render(prepared, frame),
    reference: renderReference(frame, prepared.atlas, prepared.profiles),
  };
}

describe('the parts engine', () => {
  it('gives the art back at rest', async () => {
    const { engine: frame } = await both(REST);
    const diff = compareImages(frame, ch.art, 2);
    expect(diff.differing).toBe(0);
  });

  it.each(Object.keys(POSES))('renders the %s pose as the reference renderer does', async (name) => {
    const { engine: frame, reference } = await both(POSES[name]!);
    const diff = compareImages(frame, reference, 2);
    // Float rounding may flip a texel at an edge; nothing more.
    expect(diff.fraction).toBeLessThan(0.002);
    // And the pose did move pixels.
    expect(compareImages(frame, ch.art, 8).differing).toBeGreaterThan(50);
  });

  it('keeps the figure whole when a limb bends (no torn holes)', async () => {
    const { engine: frame } = await both(POSES.bend!);
    const area = coverage(frame);
    const restArea = coverage(ch.art);
    expect(area / restArea).toBeGreaterThan(0.9);
    expect(area / restArea).toBeLessThan(1.15);
  });

  it('places the frame by the output frame: an offset shifts, a scale resizes', async () => {
    const base = (await both(POSES.bend!)).engine;
    const out: OutputFrame = { width: 140, height: 150, scale: 1, offsetX: 20, offsetY: 9 };
    const shifted = (await both(POSES.bend!, out)).engine;
    let worst = 0;
    for (let yy = 0; yy < base.height; yy++) {
      for (let xx = 0; xx < base.width; xx++) {
        const a = (yy * base.width + xx) * 4 + 3;
        const b = ((yy + 9) * out.width + xx + 20) * 4 + 3;
        worst = Math.max(worst, Math.abs(base.data[a]! - shifted.data[b]!));
      }
    }
    expect(worst).toBeLessThanOrEqual(2);
    const half = (await both(REST, artFrame(ch.art, 0.5))).engine;
    expect(half.width).toBe(48);
    expect(coverage(half) / (coverage(ch.art) / 4)).toBeGreaterThan(0.85);
    expect(coverage(half) / (coverage(ch.art) / 4)).toBeLessThan(1.15);
  });
});
