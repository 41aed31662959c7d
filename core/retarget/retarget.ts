import { quatAlignTwo, quatConjugateBy, quatFromTo, rotate } from '../math/align.js';
import { IDENTITY_QUAT, quatConjugate, quatMultiply, quatNormalize } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { dot, length, scale, sub } from '../math/vec3.js';
import { createClip, makeContinuous, type PoseClip, setClipRotation } from '../motion/clip.js';
import { type FootContacts, fixFootContacts } from './contacts.js';
import { at3, at4, sourceFk } from './fk.js';
import type { JointMapping } from './mapping.js';
import { frameRotation, type Rig } from './rig.js';

/**
 * Retargeting a clip from its skeleton (a BVH's) onto a character's, whatever the two look like
 * at rest (docs/motion.md, "Retargeting"):
 *
 *  - Directions, not angles: each mapped target bone is turned so it points where its source
 *    bone points, in world space. A bone's direction is the chord from the joint to the next
 *    mapped joint below it, so chains of different lengths (a 3-joint spine onto a 2-joint one)
 *    still line up; branching joints (hips, chest) also align the line across them (hip to hip,
 *    shoulder to shoulder), so the pelvis turns as the source's does.
 *  - Rest poses: the rotation between the two skeletons' rest directions is measured once per
 *    bone (the rest-pose difference) and applied under the source's rotation, so an A-posed
 *    character follows a T-posed capture and a BVH whose rest pose is not a T-pose works too.
 *  - Axes: the source body's frame (up, facing: rig.ts) is turned onto the target's, so Z-up
 *    files and files facing -Z come in upright and facing the camera.
 *  - Root motion: the source's hips travel scaled by the ratio of the leg lengths (hip height
 *    above the lowest joint), standing on the target's floor; optionally in place.
 *  - Feet: contacts are detected on the source and the target's feet are held there by IK
 *    (contacts.ts), so retargeted feet do not slide.
 */
export interface RetargetSource {
  readonly rig: Rig;
  /** Per-frame local rotations of rig's joints (clip.jointIds in rig order) and root translation. */
  readonly clip: PoseClip;
}

export type RootMotion = 'keep' | 'in-place' | 'none';

export interface RetargetOptions {
  readonly mapping: JointMapping;
  /** keep: travel as the source does; in-place: remove the overall travel, keep the sway; none: no root motion. */
  readonly rootMotion?: RootMotion;
  /** Hold feet on the ground where the source's feet are planted (default true). */
  readonly fixFeet?: boolean;
  /** Target units per source unit; default the ratio of the leg lengths. */
  readonly scale?: number;
}

export interface RetargetResult {
  /** The motion on the target's joints (target.ids order), at the source's frame rate. */
  readonly clip: PoseClip;
  readonly scale: number;
  /** Rotation from the source's body frame to the target's. */
  readonly toTarget: Quat;
  readonly contacts: readonly FootContacts[];
  readonly warnings: readonly string[];
}

interface BonePlan {
  /** Target joint index and its source joint. */
  readonly t: number;
  readonly s: number;
  /** The next mapped target joint below (bone direction) and its source; -1 when none. */
  readonly pt: number;
  readonly ps: number;
  /** Two mapped joints across a branching joint (left, right) and their sources; -1 when none. */
  readonly at: number;
  readonly bt: number;
  readonly as: number;
  readonly bs: number;
  /** Rest-pose difference: target rest directions onto source rest directions (target space). */
  correction: Quat;
}

/** The shallowest mapped joint in the subtree of `start` (breadth first), or -1. */
function firstMapped(rig: Rig, start: number, mapped: (j: number) => boolean): number {
  const queue = [start];
  while (queue.length > 0) {
    const j = queue.shift()!;
    if (mapped(j)) return j;
    queue.push(...rig.children[j]!);
  }
  return -1;
}

function subtreeSize(rig: Rig, start: number): number {
  let n = 0;
  const stack = [start];
  while (stack.length > 0) {
    n++;
    stack.push(...rig.children[stack.pop()!]!);
  }
  return n;
}

function planBones(source: Rig, target: Rig, map: ReadonlyMap<number, number>, toTarget: Quat): BonePlan[] {
  const plans: BonePlan[] = [];
  const corrections = new Map<number, Quat>();
  for (let t = 0; t < target.ids.length; t++) {
    const s = map.get(t);
    if (s === undefined) continue;
    // Child branches that lead to mapped joints, each with its first mapped joint.
    const branches = target.children[t]!.map((c) => ({
      c,
      m: firstMapped(target, c, (j) => map.has(j)),
    })).filter((b) => b.m >= 0);
    let pt = -1;
    let at = -1;
    let bt = -1;
    if (branches.length > 0) {
      const p = target.parent[t]!;
      const continuation = p >= 0 ? sub(target.rest[t]!, target.rest[p]!) : target.frame.up;
      const biggest = Math.max(...branches.map((b) => subtreeSize(target, b.c)));
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const b of branches) {
        const dir = sub(target.rest[b.m]!, target.rest[t]!);
        const cos =
          length(dir) > 0 && length(continuation) > 0
            ? dot(dir, continuation) / (length(dir) * length(continuation))
            : 0;
        const side = target.names[b.c]!.side === 'centre' ? 0 : -1;
        const score = cos + (0.5 * subtreeSize(target, b.c)) / biggest + side;
        if (score > bestScore) {
          bestScore = score;
          pt = b.m;
        }
      }
      // Across the joint: the two other branches furthest apart along the body's left axis.
      const others = branches.filter((b) => b.m !== pt);
      let widest = 0.02 * target.size;
      for (let i = 0; i < others.length; i++) {
        for (let k = i + 1; k < others.length; k++) {
          const a = others[i]!.m;
          const b = others[k]!.m;
          const across = dot(sub(target.rest[a]!, target.rest[b]!), target.frame.left);
          if (Math.abs(across) > widest) {
            widest = Math.abs(across);
            [at, bt] = across > 0 ? [a, b] : [b, a];
          }
        }
      }
    }
    const ps = pt >= 0 ? map.get(pt)! : -1;
    const as = at >= 0 ? map.get(at)! : -1;
    const bs = bt >= 0 ? map.get(bt)! : -1;
    let correction: Quat;
    if (pt >= 0) {
      const dt = sub(target.rest[pt]!, target.rest[t]!);
      const ds = rotate(toTarget, sub(source.rest[ps]!, source.rest[s]!));
      correction =
        at >= 0
          ? quatAlignTwo(
              dt,
              sub(target.rest[at]!, target.rest[bt]!),
              ds,
              rotate(toTarget, sub(source.rest[as]!, source.rest[bs]!)),
            )
          : quatFromTo(dt, ds);
    } else {
      // A leaf: no direction of its own; it turns as its source does, relative to its parent's bone.
      let k = target.parent[t]!;
      while (k >= 0 && !corrections.has(k)) k = target.parent[k]!;
      correction = k >= 0 ? corrections.get(k)! : IDENTITY_QUAT;
    }
    corrections.set(t, correction);
    plans.push({ t, s, pt, ps, at, bt, as, bs, correction });
  }
  return plans;
}

/** Lowest point of the source over the clip along its up axis (every few frames: it is a floor estimate). */
function sourceFloor(source: RetargetSource, rot: Float64Array, pos: Float64Array): number {
  const { rig, clip } = source;
  const step = Math.max(1, Math.floor(clip.fps / 30));
  let floor = Number.POSITIVE_INFINITY;
  const up = rig.frame.up;
  for (let f = 0; f < clip.frameCount; f += step) {
    sourceFk(rig, clip, f, rot, pos);
    for (let j = 0; j < rig.ids.length; j++) {
      floor = Math.min(floor, dot(at3(pos, j), up));
      const tip = rig.tips[j];
      if (tip)
        floor = Math.min(
          floor,
          dot(sub(at3(pos, j), [0, 0, 0]), up) + dot(rotate(at4(rot, j), sub(tip, rig.rest[j]!)), up),
        );
    }
  }
  return Number.isFinite(floor) ? floor : 0;
}

export function retargetClip(source: RetargetSource, target: Rig, options: RetargetOptions): RetargetResult {
  const { rig: sRig, clip } = source;
  if (clip.jointIds.length !== sRig.ids.length)
    throw new Error('the clip does not animate the source skeleton');
  const warnings: string[] = [];
  const map = new Map<number, number>();
  for (const [targetId, sourceId] of Object.entries(options.mapping.pairs)) {
    const t = target.indexOf.get(targetId);
    const s = sRig.indexOf.get(sourceId);
    if (t !== undefined && s !== undefined) map.set(t, s);
  }
  const toTarget = frameRotation(sRig.frame, target.frame);
  const k = options.scale ?? target.legLength / sRig.legLength;
  const plans = planBones(sRig, target, map, toTarget);
  const out = createClip(target.ids, clip.frameCount, clip.fps);
  const sRot = new Float64Array(sRig.ids.length * 4);
  const sPos = new Float64Array(sRig.ids.length * 3);
  const tWorld: Quat[] = target.ids.map(() => IDENTITY_QUAT);
  const planOf = new Map(plans.map((p) => [p.t, p]));

  // Root motion: the source joint driving the target's root, heights above each one's floor.
  const rootSource = map.get(0) ?? map.get(target.hips) ?? sRig.hips;
  const floorS = sourceFloor(source, sRot, sPos);
  const floorT = Math.min(...target.rest.map((p) => dot(p, target.frame.up)));
  const restHeightT = dot(target.rest[0]!, target.frame.up) - floorT;
  const rootMotion = options.rootMotion ?? 'keep';
  const upS = sRig.frame.up;
  let startFlat: Vec3 = [0, 0, 0];

  for (let f = 0; f < clip.frameCount; f++) {
    sourceFk(sRig, clip, f, sRot, sPos);
    for (let t = 0; t < target.ids.length; t++) {
      const parent = target.parent[t]!;
      const parentWorld = parent >= 0 ? tWorld[parent]! : IDENTITY_QUAT;
      const plan = planOf.get(t);
      if (!plan) {
        tWorld[t] = parentWorld;
        continue;
      }
      let world = quatNormalize(quatMultiply(quatConjugateBy(toTarget, at4(sRot, plan.s)), plan.correction));
      if (plan.pt >= 0) {
        const wanted = rotate(toTarget, sub(at3(sPos, plan.ps), at3(sPos, plan.s)));
        const have = rotate(world, sub(target.rest[plan.pt]!, target.rest[t]!));
        const fix =
          plan.at >= 0
            ? quatAlignTwo(
                have,
                rotate(world, sub(target.rest[plan.at]!, target.rest[plan.bt]!)),
                wanted,
                rotate(toTarget, sub(at3(sPos, plan.as), at3(sPos, plan.bs))),
              )
            : quatFromTo(have, wanted);
        world = quatNormalize(quatMultiply(fix, world));
      }
      tWorld[t] = world;
      setClipRotation(out, f, t, quatNormalize(quatMultiply(quatConjugate(parentWorld), world)));
    }
    if (rootMotion !== 'none') {
      const p = at3(sPos, rootSource);
      const height = dot(p, upS) - floorS;
      const flat = sub(p, scale(upS, dot(p, upS)));
      if (f === 0) startFlat = flat;
      const travel = scale(rotate(toTarget, sub(flat, startFlat)), k);
      const up = target.frame.up;
      const lift = k * height - restHeightT;
      for (let c = 0; c < 3; c++) out.rootTranslation[f * 3 + c] = travel[c]! + up[c]! * lift;
    }
  }
  if (rootMotion === 'in-place' && clip.frameCount > 1) {
    const n = clip.frameCount;
    const up = target.frame.up;
    const last = at3(out.rootTranslation, n - 1);
    const first = at3(out.rootTranslation, 0);
    const drift = sub(sub(last, first), scale(up, dot(sub(last, first), up)));
    for (let f = 0; f < n; f++)
      for (let c = 0; c < 3; c++) out.rootTranslation[f * 3 + c]! -= (drift[c]! * f) / (n - 1);
  }
  makeContinuous(out);

  const unmapped = target.ids.filter((_, t) => !map.has(t));
  if (unmapped.length > 0) {
    warnings.push(
      `${unmapped.length} of ${target.ids.length} joints of the character follow no source joint and keep their rest rotation: ${unmapped.slice(0, 6).join(', ')}${unmapped.length > 6 ? '…' : ''}`,
    );
  }
  const contacts =
    options.fixFeet === false
      ? []
      : fixFootContacts(out, target, { rig: sRig, clip, map, scale: k, floor: floorS });
  if (contacts.length > 0) makeContinuous(out);
  return { clip: out, scale: k, toTarget, contacts, warnings };
}
