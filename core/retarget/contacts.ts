import type { JointId } from '../ids.js';
import { ikChainFor, solveIk } from '../ik/posing.js';
import { rotate } from '../math/align.js';
import { quatConjugate, quatMultiply, quatNormalize } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { dot, lerpVec3, scale, sub } from '../math/vec3.js';
import { clipPose, type PoseClip, setClipRotation, smoothstep } from '../motion/clip.js';
import { computeWorldTransforms } from '../skeleton/kinematics.js';
import { at3, sourceFk } from './fk.js';
import { frameRotation, type Rig } from './rig.js';

/**
 * Feet that stay on the ground. Contacts are read from the source (a foot is planted while it is
 * near its lowest height and hardly moves), because the source's feet are where the capture
 * actually touched the floor. While planted, the target's foot is held where it landed by
 * two-bone IK on its leg, and eased in and out over a few frames either side, so the stance foot
 * does not slide even when the target's legs are shorter or longer than the source's.
 */
export interface FootContacts {
  /** The target's foot joint and the source joint it follows. */
  readonly effector: string;
  readonly source: string;
  /** Planted frames as inclusive [first, last] runs. */
  readonly runs: readonly (readonly [number, number])[];
}

/** Thresholds as fractions of the target's leg length (per second for the speed). */
const PLANTED_HEIGHT = 0.08;
const PLANTED_SPEED_PER_SEC = 0.4;

/**
 * The target's feet: joints named as feet, or else the topmost of the joints that rest near the
 * floor on each leg (a toe below an ankle counts as the same foot). Each needs a two-bone leg.
 */
export function targetFeet(target: Rig): number[] {
  const hasChain = (j: number) => ikChainFor(target.skeleton, target.ids[j]!, 2)?.kind === 'two-bone';
  const named = target.ids.map((_, j) => j).filter((j) => target.roles[j] === 'foot' && hasChain(j));
  if (named.length > 0) return named;
  const up = target.frame.up;
  const floor = Math.min(...target.rest.map((p) => dot(p, up)));
  const low = (j: number) => dot(target.rest[j]!, up) - floor < 0.15 * target.legLength;
  return target.ids
    .map((_, j) => j)
    .filter(
      (j) =>
        j !== target.hips && low(j) && !(target.parent[j]! >= 0 && low(target.parent[j]!)) && hasChain(j),
    );
}

/** Inclusive runs of `true`, after closing one-frame gaps and dropping runs shorter than `minRun`. */
export function contactRuns(planted: readonly boolean[], minRun: number): [number, number][] {
  const flags = [...planted];
  for (let f = 1; f + 1 < flags.length; f++) if (!flags[f] && flags[f - 1] && flags[f + 1]) flags[f] = true;
  const runs: [number, number][] = [];
  let start = -1;
  for (let f = 0; f <= flags.length; f++) {
    if (f < flags.length && flags[f]) {
      if (start < 0) start = f;
    } else if (start >= 0) {
      if (f - start >= minRun) runs.push([start, f - 1]);
      start = -1;
    }
  }
  return runs;
}

export interface ContactSource {
  readonly rig: Rig;
  readonly clip: PoseClip;
  /** Target joint index -> source joint index. */
  readonly map: ReadonlyMap<number, number>;
  /** Target units per source unit. */
  readonly scale: number;
  /** The source's floor height along its up axis. */
  readonly floor: number;
}

/** Detects the source's contacts for each target foot and holds the feet of `out` there (in place). */
export function fixFootContacts(out: PoseClip, target: Rig, src: ContactSource): FootContacts[] {
  const feet = targetFeet(target).filter((j) => src.map.has(j));
  if (feet.length === 0 || out.frameCount < 3) return [];
  const n = out.frameCount;
  const fps = out.fps;
  const toTarget: Quat = frameRotation(src.rig.frame, target.frame);
  const upS = src.rig.frame.up;
  const heights = feet.map(() => new Float64Array(n));
  const flats = feet.map(() => new Float64Array(n * 3));
  const rot = new Float64Array(src.rig.ids.length * 4);
  const pos = new Float64Array(src.rig.ids.length * 3);
  for (let f = 0; f < n; f++) {
    sourceFk(src.rig, src.clip, f, rot, pos);
    feet.forEach((foot, i) => {
      const p = at3(pos, src.map.get(foot)!);
      heights[i]![f] = src.scale * (dot(p, upS) - src.floor);
      const flat = scale(rotate(toTarget, sub(p, scale(upS, dot(p, upS)))), src.scale);
      flats[i]!.set(flat, f * 3);
    });
  }
  const leg = target.legLength;
  const minRun = Math.max(2, Math.round(0.06 * fps));
  const window = Math.max(1, Math.round(0.1 * fps));
  const result: FootContacts[] = [];
  feet.forEach((foot, i) => {
    const h = heights[i]!;
    const flat = flats[i]!;
    let lowest = Number.POSITIVE_INFINITY;
    for (let f = 0; f < n; f++) lowest = Math.min(lowest, h[f]!);
    const planted: boolean[] = [];
    for (let f = 0; f < n; f++) {
      const a = Math.max(0, f - 1);
      const b = Math.min(n - 1, f + 1);
      const speed =
        (Math.hypot(
          flat[b * 3]! - flat[a * 3]!,
          flat[b * 3 + 1]! - flat[a * 3 + 1]!,
          flat[b * 3 + 2]! - flat[a * 3 + 2]!,
        ) *
          fps) /
        (b - a);
      planted.push(h[f]! - lowest < PLANTED_HEIGHT * leg && speed < PLANTED_SPEED_PER_SEC * leg);
    }
    const runs = contactRuns(planted, minRun);
    const footId = target.ids[foot]! as JointId;
    for (const [first, last] of runs) {
      const anchor = computeWorldTransforms(target.skeleton, clipPose(out, first)).get(footId)!.position;
      const from = Math.max(0, first - window);
      const to = Math.min(n - 1, last + window);
      for (let f = from; f <= to; f++) {
        const weight =
          f < first
            ? smoothstep(1 - (first - f) / (window + 1))
            : f > last
              ? smoothstep(1 - (f - last) / (window + 1))
              : 1;
        holdFoot(out, target, footId, f, anchor, weight);
      }
    }
    result.push({ effector: target.ids[foot]!, source: src.rig.ids[src.map.get(foot)!]!, runs });
  });
  return result;
}

/** Moves the foot of frame `f` `weight` of the way to `anchor` by leg IK, keeping its world rotation. */
function holdFoot(
  out: PoseClip,
  target: Rig,
  footId: JointId,
  f: number,
  anchor: Vec3,
  weight: number,
): void {
  const pose = clipPose(out, f);
  const world = computeWorldTransforms(target.skeleton, pose);
  const free = world.get(footId)!;
  const solved = solveIk(target.skeleton, pose, footId, lerpVec3(free.position, anchor, weight), {
    chainLength: 2,
    world,
  });
  if (!solved) return;
  const after = computeWorldTransforms(target.skeleton, solved.pose);
  const [upper, middle] = solved.chain.joints as [JointId, JointId];
  const middleWorld = after.get(middle)!.rotation;
  const footLocal = quatNormalize(quatMultiply(quatConjugate(middleWorld), free.rotation));
  const index = (id: string) => target.indexOf.get(id)!;
  setClipRotation(out, f, index(upper), solved.pose.rotations[upper]!);
  setClipRotation(out, f, index(middle), solved.pose.rotations[middle]!);
  setClipRotation(out, f, index(footId), footLocal);
}
