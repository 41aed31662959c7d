import type { JointId } from '../ids.js';
import { IDENTITY_QUAT, quatConjugate, quatMultiply, quatNormalize, quatSlerp } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { add, dot, length, scale, sub } from '../math/vec3.js';
import type { Pose } from '../motion/types.js';
import { readName } from '../retarget/names.js';
import { computeWorldTransforms, type WorldTransform } from '../skeleton/kinematics.js';
import { childrenOf, jointById } from '../skeleton/query.js';
import type { Skeleton } from '../skeleton/types.js';
import { solveCcd } from './ccd.js';
import { solveTwoBone } from './twoBone.js';

/**
 * IK on a skeleton's pose: which joints a dragged effector moves, and the pose that puts it on a
 * target. Used by the viewport (dragging a hand, a foot, a head, a tail tip), by pins (feet that
 * stay planted while the hips move), by IK channels of a motion (characterPose.ts) and by
 * retargeting's foot contacts.
 *
 * Chains: a limb (the effector's parent and grandparent each have one child, and the run of such
 * single-child joints above the effector is at most three long: hand <- forearm <- arm <-
 * shoulder, foot <- shin <- thigh) is solved by two-bone IK on the two joints above the effector.
 * Anything else (a head on a neck and spine, a tail) by CCD over up to `chainLength` joints above
 * it, never the root (moving the root is the root gizmo's job), with per-joint limits.
 */
export interface IkChain {
  readonly effector: JointId;
  /** The joints the solver rotates, nearest the root first. */
  readonly joints: readonly JointId[];
  readonly kind: 'two-bone' | 'ccd';
}

export const DEFAULT_CCD_CHAIN = 4;

export function ikChainFor(sk: Skeleton, effector: JointId | string, chainLength?: number): IkChain | null {
  const joint = jointById(sk, effector);
  if (!joint || joint.parentId === null) return null;
  const ancestors: JointId[] = [];
  for (let id: JointId | null = joint.parentId; id !== null; id = jointById(sk, id)?.parentId ?? null) {
    const j = jointById(sk, id);
    if (!j || j.parentId === null) break;
    ancestors.push(id);
  }
  if (ancestors.length === 0) return null;
  let singleRun = 0;
  for (const id of ancestors) {
    if (childrenOf(sk, id).length !== 1) break;
    singleRun++;
  }
  const wantsTwoBone = chainLength === 2 || (chainLength === undefined && singleRun >= 2 && singleRun <= 3);
  if (wantsTwoBone && ancestors.length >= 2) {
    return { effector: joint.id, joints: [ancestors[1]!, ancestors[0]!], kind: 'two-bone' };
  }
  const length = Math.min(ancestors.length, chainLength ?? (singleRun >= 4 ? singleRun : DEFAULT_CCD_CHAIN));
  return { effector: joint.id, joints: ancestors.slice(0, length).reverse(), kind: 'ccd' };
}

/**
 * The way a straight limb bends when nothing else says: knees forward (+z, towards the camera in
 * character space), elbows back and a little down, others forward. Only used when the limb is
 * straight and no pole is given; a bent limb keeps its bend plane.
 */
export function preferredBend(sk: Skeleton, middle: JointId | string): Vec3 {
  const info = readName(jointById(sk, middle)?.name ?? '');
  const words = info.words;
  const isArm = info.role === 'forearm' || words.includes('elbow') || words.includes('forearm');
  return isArm ? [0, -0.3, -1] : [0, 0, 1];
}

/** Local rotation limits for CCD joints, degrees from rest: spines and necks turn less than tails. */
function ccdLimitDeg(sk: Skeleton, id: JointId): number {
  const role = readName(jointById(sk, id)?.name ?? '').role;
  if (role === 'spine' || role === 'neck' || role === 'hips') return 50;
  if (role === 'head') return 70;
  return 90;
}

export interface IkSolveOptions {
  /** Pole point (character space) for two-bone chains; null keeps the current bend plane. */
  readonly pole?: Vec3 | null;
  readonly chainLength?: number;
  /** Two-bone fold limit, degrees from straight. */
  readonly maxBendDeg?: number;
  /** Precomputed world transforms of `pose` (saves one forward-kinematics pass). */
  readonly world?: ReadonlyMap<JointId, WorldTransform>;
}

export interface IkSolution {
  readonly pose: Pose;
  readonly chain: IkChain;
  /** Distance left between the effector and the target, character px. */
  readonly errorPx: number;
  readonly reached: boolean;
}

const rotationOf = (world: ReadonlyMap<JointId, WorldTransform>, id: JointId | null): Quat =>
  id === null ? IDENTITY_QUAT : (world.get(id)?.rotation ?? IDENTITY_QUAT);

/** The pose with `effector` moved to `target` by its chain (null when it has none). */
export function solveIk(
  sk: Skeleton,
  pose: Pose,
  effector: JointId | string,
  target: Vec3,
  options: IkSolveOptions = {},
): IkSolution | null {
  const chain = ikChainFor(sk, effector, options.chainLength);
  if (!chain) return null;
  const world = options.world ?? computeWorldTransforms(sk, pose);
  const end = world.get(chain.effector);
  if (!end) return null;
  const rotations: Record<string, Quat> = { ...pose.rotations };
  if (chain.kind === 'two-bone') {
    const [upperId, middleId] = chain.joints as [JointId, JointId];
    const upper = world.get(upperId)!;
    const middle = world.get(middleId)!;
    const result = solveTwoBone({
      upper: upper.position,
      middle: middle.position,
      end: end.position,
      target,
      pole: options.pole ?? null,
      preferredBend: preferredBend(sk, middleId),
      ...(options.maxBendDeg !== undefined ? { maxBendDeg: options.maxBendDeg } : {}),
    });
    const parentRotation = rotationOf(world, jointById(sk, upperId)!.parentId);
    const upperWorld = quatNormalize(quatMultiply(result.upperDelta, upper.rotation));
    const middleWorld = quatNormalize(quatMultiply(result.lowerDelta, middle.rotation));
    rotations[upperId] = quatNormalize(quatMultiply(quatConjugate(parentRotation), upperWorld));
    rotations[middleId] = quatNormalize(quatMultiply(quatConjugate(upperWorld), middleWorld));
    return {
      pose: { rotations, rootTranslation: pose.rootTranslation },
      chain,
      errorPx: length(sub(result.end, target)),
      reached: result.reached,
    };
  }
  const result = solveCcd(
    {
      positions: chain.joints.map((id) => world.get(id)!.position),
      rotations: chain.joints.map((id) => world.get(id)!.rotation),
      parentRotation: rotationOf(world, jointById(sk, chain.joints[0]!)!.parentId),
      effector: end.position,
    },
    target,
    { limitsDeg: chain.joints.map((id) => ccdLimitDeg(sk, id)) },
  );
  chain.joints.forEach((id, i) => {
    rotations[id] = result.locals[i]!;
  });
  return {
    pose: { rotations, rootTranslation: pose.rootTranslation },
    chain,
    errorPx: result.error,
    reached: result.error <= 0.5,
  };
}

/** `pose` with the rotations of `joints` taken `t` of the way (slerp) towards `other`'s. */
export function blendJoints(pose: Pose, other: Pose, joints: readonly (JointId | string)[], t: number): Pose {
  if (t <= 0) return pose;
  const rotations: Record<string, Quat> = { ...pose.rotations };
  for (const id of joints) {
    const a = pose.rotations[id] ?? IDENTITY_QUAT;
    const b = other.rotations[id] ?? IDENTITY_QUAT;
    rotations[id] = t >= 1 ? b : quatSlerp(a, b, t);
  }
  return { rotations, rootTranslation: pose.rootTranslation };
}

export interface Pin {
  readonly effector: JointId;
  /** Where the effector must stay, character space. */
  readonly target: Vec3;
}

/**
 * Re-solves each pinned effector onto its target (feet that stay planted while the hips move).
 * Pins whose target is out of reach get as close as their limb allows.
 */
export function applyPins(sk: Skeleton, pose: Pose, pins: readonly Pin[]): Pose {
  let out = pose;
  for (const pin of pins) {
    const solved = solveIk(sk, out, pin.effector, pin.target);
    if (solved) out = solved.pose;
  }
  return out;
}

/** Where an effector is in a pose (character space). */
export function effectorPosition(sk: Skeleton, pose: Pose, effector: JointId | string): Vec3 | null {
  return computeWorldTransforms(sk, pose).get(effector as JointId)?.position ?? null;
}

/** A pole point for a two-bone chain in a pose: in the bend plane, a bone length out from the middle. */
export function currentPole(sk: Skeleton, pose: Pose, chain: IkChain): Vec3 | null {
  if (chain.kind !== 'two-bone') return null;
  const world = computeWorldTransforms(sk, pose);
  const [upperId, middleId] = chain.joints as [JointId, JointId];
  const upper = world.get(upperId)?.position;
  const middle = world.get(middleId)?.position;
  const end = world.get(chain.effector)?.position;
  if (!upper || !middle || !end) return null;
  const axis = sub(end, upper);
  const len = length(axis);
  if (len < 1e-9) return null;
  const u = scale(axis, 1 / len);
  const offset = sub(sub(middle, upper), scale(u, dot(sub(middle, upper), u)));
  if (length(offset) < 1e-6 * len) return null;
  return add(middle, scale(offset, len / length(offset)));
}
