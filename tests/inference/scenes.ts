import { quatFromAxisAngle } from '../../core/math/quat.js';
import type { Pose } from '../../core/motion/types.js';
import { createSyntheticCharacter, type SyntheticCharacter } from '../fixtures/syntheticFigure.js';

/** Shared test scenes: the synthetic character (textured capsules). */
export function character(width = 96, height = 128): SyntheticCharacter {
  return createSyntheticCharacter({ width, height });
}

export function pose(
  rotations: Record<string, [number, number, number, number]>,
  root: [number, number, number] = [0, 0, 0],
): Pose {
  return { rotations, rootTranslation: root };
}

const z = (a: number) => quatFromAxisAngle([0, 0, 1], a);
const y = (a: number) => quatFromAxisAngle([0, 1, 0], a);
const x = (a: number) => quatFromAxisAngle([1, 0, 0], a);

/** Posed scenes: in-plane bends, out-of-plane turns (foreshortening), and a crossing arm. */
export const POSES: Record<string, Pose> = {
  bend: pose({ LeftArm: z(-0.8), LeftForeArm: z(0.6), RightLeg: z(0.3) } as never),
  turn: pose({ RightForeArm: y(1.2), Spine: z(0.2), Head: x(0.4) } as never, [3, -2, 0]),
  mixed: pose({
    Hips: z(0.15),
    LeftUpLeg: z(0.4),
    RightArm: z(0.9),
    RightForeArm: z(-1.1),
    Chest: y(0.3),
  } as never),
};

/** Left arm swung across the chest, in front of it (angle < 0) or behind it (angle > 0). */
export function armAcross(front: boolean): Pose {
  return pose({ LeftArm: y(front ? -2.6 : 2.6) } as never);
}

/**
 * Largest difference between two straight RGBA float frames, measured premultiplied (colour of a
 * pixel with alpha 0.002 cannot differ visibly) and in alpha.
 */
export function maxPremultipliedDiff(
  a: Float32Array,
  b: Float32Array,
  skip?: (pixel: number) => boolean,
): number {
  let max = 0;
  for (let i = 0; i < a.length / 4; i++) {
    if (skip?.(i)) continue;
    const aa = a[i * 4 + 3]!;
    const ba = b[i * 4 + 3]!;
    max = Math.max(max, Math.abs(aa - ba));
    for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(a[i * 4 + c]! * aa - b[i * 4 + c]! * ba));
  }
  return max;
}
