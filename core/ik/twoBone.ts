import { quatFromTo, rejectFrom, rotate } from '../math/align.js';
import { quatMultiply, quatNormalize } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { add, cross, length, normalize, scale, sub } from '../math/vec3.js';

/**
 * Analytic two-bone IK (an arm: shoulder, elbow, hand; a leg: hip, knee, foot). Closed form, so
 * it is exact and costs microseconds: the elbow lies on the circle where the two bone spheres
 * meet, and the pole picks the point of that circle (the side the elbow points to).
 *
 * Limits, so elbows and knees bend the right way: the joint only ever bends towards the pole
 * (never backwards through straight), and never folds tighter than `maxBendDeg`. A target out of
 * reach straightens the limb and points it at the target; inside the fold limit, the limb folds
 * as far as allowed and points at it. Neither flips the elbow to the other side.
 */
export interface TwoBoneInput {
  /** World positions of the upper joint (shoulder/hip), middle joint (elbow/knee) and end (hand/foot). */
  readonly upper: Vec3;
  readonly middle: Vec3;
  readonly end: Vec3;
  readonly target: Vec3;
  /**
   * A point the middle joint should bend towards (a pole target), or null to keep the current
   * bend plane. When the limb is straight and no pole is given, `preferredBend` decides.
   */
  readonly pole: Vec3 | null;
  /** Direction to bend when nothing else says (straight limb, no pole). */
  readonly preferredBend: Vec3;
  /** How far the middle joint may fold, degrees from straight (default 165). */
  readonly maxBendDeg?: number;
}

export interface TwoBoneResult {
  /** World-space rotation to apply on top of the upper bone's world rotation. */
  readonly upperDelta: Quat;
  /** World-space rotation to apply on top of the lower bone's world rotation (after upperDelta). */
  readonly lowerDelta: Quat;
  readonly middle: Vec3;
  readonly end: Vec3;
  /** Whether the end reaches the target (else it is as close as the limb allows). */
  readonly reached: boolean;
  /** The unit direction the middle joint bends towards. */
  readonly bendDirection: Vec3;
}

export function solveTwoBone(input: TwoBoneInput): TwoBoneResult {
  const { upper, middle, end, target } = input;
  const l1 = length(sub(middle, upper));
  const l2 = length(sub(end, middle));
  const toTarget = sub(target, upper);
  const distance = length(toTarget);
  let axis = distance > 1e-9 ? scale(toTarget, 1 / distance) : normalize(sub(end, upper));
  if (length(axis) === 0) axis = [0, -1, 0];

  // The bend direction: towards the pole, else the current bend, else the preferred one.
  const candidates: Vec3[] = [];
  if (input.pole) candidates.push(sub(input.pole, upper));
  else {
    // The current bend, measured against the limb as it is (a straight limb has none, even if
    // the target lies off its line).
    const limb = normalize(sub(end, upper));
    const current = rejectFrom(sub(middle, upper), limb);
    if (length(current) > 1e-3 * Math.max(1, l1)) candidates.push(current);
  }
  candidates.push(input.preferredBend);
  let bend: Vec3 = [0, 0, 0];
  for (const candidate of candidates) {
    const perp = rejectFrom(candidate, axis);
    if (length(perp) > 1e-6 * Math.max(1, l1)) {
      bend = normalize(perp);
      break;
    }
  }
  if (length(bend) === 0) bend = normalize(cross(axis, Math.abs(axis[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]));

  // Reachable distances: from folded at the limit to straight.
  const maxBend = ((input.maxBendDeg ?? 165) * Math.PI) / 180;
  const minDistance = Math.sqrt(Math.max(0, l1 * l1 + l2 * l2 - 2 * l1 * l2 * Math.cos(Math.PI - maxBend)));
  const maxDistance = l1 + l2;
  const d = Math.min(maxDistance, Math.max(minDistance, distance));
  const reached = Math.abs(d - distance) <= 1e-9 * Math.max(1, maxDistance);
  // Angle at the upper joint between the target axis and the upper bone (law of cosines).
  const cosA = d > 1e-12 ? (l1 * l1 + d * d - l2 * l2) / (2 * l1 * d) : 1;
  const a = Math.acos(Math.min(1, Math.max(-1, cosA)));
  const newMiddle = add(upper, add(scale(axis, l1 * Math.cos(a)), scale(bend, l1 * Math.sin(a))));
  const newEnd = add(upper, scale(axis, d));

  const upperDelta = quatFromTo(sub(middle, upper), sub(newMiddle, upper));
  const lowerAfterUpper = rotate(upperDelta, sub(end, middle));
  const lowerSwing = quatFromTo(lowerAfterUpper, sub(newEnd, newMiddle));
  return {
    upperDelta,
    lowerDelta: quatNormalize(quatMultiply(lowerSwing, upperDelta)),
    middle: newMiddle,
    end: newEnd,
    reached,
    bendDirection: bend,
  };
}
