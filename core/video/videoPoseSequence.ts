import { POSE_SEQUENCE_FORMAT, POSE_SEQUENCE_VERSION, type PoseSequence } from '../io/poseSequence.js';
import { quatAlignTwo, quatFromTo, rotate } from '../math/align.js';
import {
  IDENTITY_QUAT,
  quatConjugate,
  quatFromAxisAngle,
  quatMultiply,
  quatNormalize,
  quatSlerp,
} from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import type { HeadTurn, LiftedPerson } from './lift.js';

/**
 * A lifted person as a JSON pose sequence (docs/motion-json.md) on a skeleton of their own
 * proportions, named like Keypose's default humanoid. Importing it goes through the ordinary
 * motion import (retargeting onto any character, foot contacts planted, key reduction to a
 * tolerance, keys or a clip layer: core/motion/importMotion.ts), so nothing here duplicates it.
 * Units: the lift's (TORSO_UNITS per torso), y up, z towards the camera.
 */

interface RestJoint {
  readonly id: string;
  readonly parent: string | null;
  readonly rest: Vec3;
}

/** The person's skeleton in a T-pose, from their measured proportions. */
export function restSkeletonOf(person: LiftedPerson): RestJoint[] {
  const p = person.proportions;
  const torso = 100;
  const ankle = 0.15 * torso;
  const hipY = p.thigh + p.shin + ankle;
  const shY = hipY + torso;
  const joints: RestJoint[] = [
    { id: 'Hips', parent: null, rest: [0, hipY, 0] },
    { id: 'Spine', parent: 'Hips', rest: [0, hipY + 0.26 * torso, 0] },
    { id: 'Chest', parent: 'Spine', rest: [0, hipY + 0.63 * torso, 0] },
    { id: 'Neck', parent: 'Chest', rest: [0, shY + 0.3 * p.head, 0] },
    { id: 'Head', parent: 'Neck', rest: [0, shY + p.head, 0] },
  ];
  for (const [side, s] of [
    ['Left', 1],
    ['Right', -1],
  ] as const) {
    const w = p.shoulderWidth / 2;
    joints.push(
      { id: `${side}Shoulder`, parent: 'Chest', rest: [s * w * 0.3, shY, 0] },
      { id: `${side}Arm`, parent: `${side}Shoulder`, rest: [s * w, shY, 0] },
      { id: `${side}ForeArm`, parent: `${side}Arm`, rest: [s * (w + p.upperArm), shY, 0] },
      { id: `${side}Hand`, parent: `${side}ForeArm`, rest: [s * (w + p.upperArm + p.foreArm), shY, 0] },
      { id: `${side}UpLeg`, parent: 'Hips', rest: [(s * p.hipWidth) / 2, hipY, 0] },
      { id: `${side}Leg`, parent: `${side}UpLeg`, rest: [(s * p.hipWidth) / 2, hipY - p.thigh, 0] },
      { id: `${side}Foot`, parent: `${side}Leg`, rest: [(s * p.hipWidth) / 2, ankle, 0] },
      {
        id: `${side}ToeBase`,
        parent: `${side}Foot`,
        rest: [(s * p.hipWidth) / 2, 0.03 * torso, 0.45 * ankle * 4],
      },
    );
  }
  return joints;
}

function dirOf(a: Vec3 | undefined, b: Vec3 | undefined): Vec3 | null {
  if (!a || !b) return null;
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const l = Math.hypot(d[0], d[1], d[2]);
  return l > 1e-9 ? [d[0] / l, d[1] / l, d[2] / l] : null;
}

/** Which joint each rotating joint aims at (its bone's far end). */
const AIM: Record<string, string> = {
  LeftArm: 'LeftForeArm',
  LeftForeArm: 'LeftHand',
  RightArm: 'RightForeArm',
  RightForeArm: 'RightHand',
  LeftUpLeg: 'LeftLeg',
  LeftLeg: 'LeftFoot',
  RightUpLeg: 'RightLeg',
  RightLeg: 'RightFoot',
  Neck: 'Head',
};

/** World rotations of one frame, then local ones (parent's inverse times the joint's). */
function rotationsOf(
  skeleton: readonly RestJoint[],
  joints: Readonly<Record<string, Vec3>>,
  head: HeadTurn,
): Record<string, Quat> {
  const restOf = new Map(skeleton.map((j) => [j.id, j.rest]));
  const world = new Map<string, Quat>();
  const shoulderMid = (): Vec3 | undefined => {
    const l = joints.LeftArm;
    const r = joints.RightArm;
    return l && r ? [(l[0] + r[0]) / 2, (l[1] + r[1]) / 2, (l[2] + r[2]) / 2] : undefined;
  };
  const up = dirOf(joints.Hips, shoulderMid()) ?? [0, 1, 0];
  const hipAcross = dirOf(joints.RightUpLeg, joints.LeftUpLeg) ?? [1, 0, 0];
  const shAcross = dirOf(joints.RightArm, joints.LeftArm) ?? hipAcross;
  const hips = quatAlignTwo([0, 1, 0], [1, 0, 0], up, hipAcross);
  const chest = quatAlignTwo([0, 1, 0], [1, 0, 0], up, shAcross);
  const local: Record<string, Quat> = {};
  for (const j of skeleton) {
    const parentWorld = j.parent ? world.get(j.parent)! : IDENTITY_QUAT;
    let w: Quat;
    if (j.id === 'Hips') w = hips;
    else if (j.id === 'Spine') w = quatSlerp(hips, chest, 0.5);
    else if (j.id === 'Chest') w = chest;
    else if (j.id === 'Head' && head) {
      // The face's own turn (lift.ts): roll · yaw · pitch, i.e. the nod about the head's own
      // left-right axis (+x; positive turns the face, +z, down), then the turn about the vertical,
      // then the tilt in the picture's plane.
      w = quatNormalize(
        quatMultiply(
          quatFromAxisAngle([0, 0, 1], head.rollRad),
          quatMultiply(
            quatFromAxisAngle([0, 1, 0], head.yawRad),
            quatFromAxisAngle([1, 0, 0], head.pitchRad),
          ),
        ),
      );
    } else {
      const aim = AIM[j.id];
      const target = aim ? dirOf(joints[j.id], joints[aim]) : null;
      const restTip = aim ? restOf.get(aim) : undefined;
      const restDir = restTip ? dirOf(j.rest, restTip) : null;
      if (target && restDir) {
        const now = rotate(parentWorld, restDir);
        w = quatNormalize(quatMultiply(quatFromTo(now, target), parentWorld));
      } else w = parentWorld;
    }
    world.set(j.id, w);
    local[j.id] = quatNormalize(quatMultiply(quatConjugate(parentWorld), w));
  }
  return local;
}

export interface VideoPoseSequenceOptions {
  readonly fps: number;
  /**
   * Where the root path starts: 'own-start' (default) from the person's first frame, so the
   * motion starts where the character stands; or a point shared by several people (in the lift's
   * camera space), so their characters keep the people's placement relative to each other.
   */
  readonly origin?: 'own-start' | Vec3;
}

/** The person's frames from their first to their last, as a pose sequence. Unknown frames hold the last known pose. */
export function videoPoseSequence(person: LiftedPerson, opts: VideoPoseSequenceOptions): PoseSequence {
  const skeleton = restSkeletonOf(person);
  const frames: PoseSequence['frames'] = [];
  let last: { rotations: Record<string, Quat>; root: Vec3 } | null = null;
  const firstPath = person.hipsPath.slice(person.firstFrame).find((p) => p !== null) ?? [0, 0, 0];
  const origin = opts.origin === undefined || opts.origin === 'own-start' ? firstPath : opts.origin;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  for (let f = person.firstFrame; f <= person.lastFrame; f++) {
    const joints = person.frames[f];
    const path = person.hipsPath[f];
    if (joints && path) {
      last = {
        rotations: rotationsOf(skeleton, joints, person.head?.[f] ?? null),
        root: [path[0] - origin[0], path[1] - origin[1], path[2] - origin[2]],
      };
    }
    const pose = last ?? { rotations: {}, root: [0, 0, 0] as Vec3 };
    frames.push({
      rotations: Object.fromEntries(
        Object.entries(pose.rotations).map(([k, q]) => [
          k,
          [round(q[0]), round(q[1]), round(q[2]), round(q[3])],
        ]),
      ) as Record<string, [number, number, number, number]>,
      rootTranslation: [round(pose.root[0]), round(pose.root[1]), round(pose.root[2])],
    });
  }
  return {
    format: POSE_SEQUENCE_FORMAT,
    version: POSE_SEQUENCE_VERSION,
    fps: opts.fps,
    startFrame: person.firstFrame,
    skeleton: {
      joints: skeleton.map((j) => ({
        id: j.id,
        name: j.id,
        parent: j.parent,
        restPosition: [...j.rest] as [number, number, number],
      })),
    },
    frames,
  };
}
