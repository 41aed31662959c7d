import { quatFromTo, rotate } from '../math/align.js';
import { IDENTITY_QUAT, quatConjugate, quatMultiply, quatNormalize, quatSlerp } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { add, length, sub } from '../math/vec3.js';

/**
 * Cyclic coordinate descent for chains longer than two bones (a spine, a neck, a tail): from the
 * joint nearest the effector up to the chain's first, each joint turns so the effector points at
 * the target, within its limit; repeated until the effector is within `tolerancePx` or the
 * iterations run out. CCD (rather than FABRIK) because it works on rotations directly, so joint
 * limits are a clamp on each joint's local rotation and bone lengths never change.
 */
export interface CcdChain {
  /** World positions of the chain's joints, first (nearest the root) to last. */
  readonly positions: readonly Vec3[];
  /** World rotations of the chain's joints (relative to rest), same order. */
  readonly rotations: readonly Quat[];
  /** World rotation of the first joint's parent. */
  readonly parentRotation: Quat;
  /** World position of the effector (a joint below the last chain joint). */
  readonly effector: Vec3;
}

export interface CcdOptions {
  /** Largest local rotation each joint may take from rest, degrees (same order as the chain). */
  readonly limitsDeg?: readonly number[];
  readonly iterations?: number;
  readonly tolerancePx?: number;
}

export interface CcdResult {
  /** New local rotations of the chain's joints (relative to rest). */
  readonly locals: readonly Quat[];
  readonly effector: Vec3;
  readonly error: number;
  readonly iterations: number;
}

function clampAngle(q: Quat, maxDeg: number): Quat {
  const n = quatNormalize(q);
  const angle = 2 * Math.acos(Math.min(1, Math.abs(n[3])));
  const max = (maxDeg * Math.PI) / 180;
  if (angle <= max || angle < 1e-12) return n;
  return quatSlerp(IDENTITY_QUAT, n, max / angle);
}

export function solveCcd(chain: CcdChain, target: Vec3, options: CcdOptions = {}): CcdResult {
  const n = chain.positions.length;
  const positions = chain.positions.map((p) => [...p] as unknown as Vec3);
  const rotations = [...chain.rotations];
  let effector = chain.effector;
  const iterations = options.iterations ?? 64;
  const tolerance = options.tolerancePx ?? 0.05;
  const parentOf = (i: number) => (i === 0 ? chain.parentRotation : rotations[i - 1]!);
  let done = 0;
  for (; done < iterations; done++) {
    if (length(sub(effector, target)) <= tolerance) break;
    for (let i = n - 1; i >= 0; i--) {
      const pivot = positions[i]!;
      const swing = quatFromTo(sub(effector, pivot), sub(target, pivot));
      let turned = quatNormalize(quatMultiply(swing, rotations[i]!));
      const limit = options.limitsDeg?.[i];
      if (limit !== undefined) {
        const local = clampAngle(quatMultiply(quatConjugate(parentOf(i)), turned), limit);
        turned = quatNormalize(quatMultiply(parentOf(i), local));
      }
      // The rotation actually applied at this joint, carried down the rest of the chain.
      const applied = quatNormalize(quatMultiply(turned, quatConjugate(rotations[i]!)));
      for (let k = i; k < n; k++) {
        rotations[k] = quatNormalize(quatMultiply(applied, rotations[k]!));
        if (k > i) positions[k] = add(pivot, rotate(applied, sub(positions[k]!, pivot)));
      }
      effector = add(pivot, rotate(applied, sub(effector, pivot)));
    }
  }
  const locals = rotations.map((r, i) => quatNormalize(quatMultiply(quatConjugate(parentOf(i)), r)));
  return { locals, effector, error: length(sub(effector, target)), iterations: done };
}
