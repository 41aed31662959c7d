import { solveIk } from '../../core/ik/posing.js';
import { quatFromAxisAngle, quatMultiply, quatNormalize } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { smoothstep } from '../../core/motion/clip.js';
import type { Pose } from '../../core/motion/types.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { FPS } from './humanoid.js';
import { DOG, withWorldRotation } from './rigs.js';

/**
 * The four-legged walk of the library on rigs.ts' DOG: a lateral-sequence walk (left hind, left
 * fore, right hind, right fore a quarter cycle apart), each foot planted for 65% of the cycle and
 * solved by two-bone IK, with the spine swaying, the head nodding and the tail wagging. 0.8 s,
 * loops, 50 cm per cycle along +Z.
 */

const DEG = Math.PI / 180;
const sk = DOG.skeleton;
const rest = (name: string): Vec3 => sk.joints.find((j) => j.name === name)!.restPosition;
const ry = (deg: number) => quatFromAxisAngle([0, 1, 0], deg * DEG);
const rx = (deg: number) => quatFromAxisAngle([1, 0, 0], deg * DEG);
const rz = (deg: number) => quatFromAxisAngle([0, 0, 1], deg * DEG);
const mul = (a: Quat, b: Quat): Quat => quatNormalize(quatMultiply(a, b));

const PERIOD = 0.8;
const STRIDE = 50;
const STANCE = 0.65;
const LIFT = 7;

interface Leg {
  readonly root: string;
  readonly foot: string;
  readonly offset: number;
  /** Knees of hind legs point forward, elbows of front legs back. */
  readonly bend: 1 | -1;
}

const LEGS: readonly Leg[] = [
  { root: 'Bip01_L_Thigh', foot: 'Bip01_L_Foot', offset: 0, bend: 1 },
  { root: 'Bip01_L_UpperArm', foot: 'Bip01_L_Hand', offset: 0.25, bend: -1 },
  { root: 'Bip01_R_Thigh', foot: 'Bip01_R_Foot', offset: 0.5, bend: 1 },
  { root: 'Bip01_R_UpperArm', foot: 'Bip01_R_Hand', offset: 0.75, bend: -1 },
];

function footAt(t: number, leg: Leg): Vec3 {
  const home = rest(leg.foot);
  const cycles = t / PERIOD + leg.offset;
  const k = Math.floor(cycles);
  const phase = cycles - k;
  // Strikes land ahead of the leg's home so the foot passes under it mid-stance.
  const strikeZ = (n: number) => home[2] + (n - leg.offset) * STRIDE + (STANCE * STRIDE) / 2;
  if (phase < STANCE) return [home[0], home[1], strikeZ(k)];
  const u = (phase - STANCE) / (1 - STANCE);
  return [
    home[0],
    home[1] + LIFT * Math.sin(Math.PI * u),
    strikeZ(k) + (strikeZ(k + 1) - strikeZ(k)) * smoothstep(u),
  ];
}

export function fourLeggedWalk(): Pose[] {
  const out: Pose[] = [];
  for (let f = 0; f < Math.round(PERIOD * FPS); f++) {
    const t = f / FPS;
    const s = Math.sin((2 * Math.PI * t) / PERIOD);
    const s2 = Math.sin((4 * Math.PI * t) / PERIOD);
    let pose: Pose = {
      rotations: {
        Bip01_Pelvis: mul(ry(4 * s), rz(2 * s)),
        Bip01_Spine: ry(-3 * s),
        Bip01_Spine1: mul(ry(-3 * s), rz(-2 * s)),
        Bip01_Neck: rx(3 * s2),
        Bip01_Head: rx(-2 * s2),
        Bip01_Tail: ry(12 * s),
        Bip01_Tail1: ry(15 * Math.sin((2 * Math.PI * t) / PERIOD - 0.6)),
        Bip01_Tail2: ry(18 * Math.sin((2 * Math.PI * t) / PERIOD - 1.2)),
      },
      rootTranslation: [0, -2 + 0.8 * s2, (STRIDE * t) / PERIOD],
    };
    for (const leg of LEGS) {
      const world = computeWorldTransforms(sk, pose);
      const mid = sk.joints.find((j) => j.parentId === leg.root)!.id;
      const knee = world.get(mid)!.position;
      const pole: Vec3 = [knee[0], knee[1], knee[2] + leg.bend * 40];
      const solved = solveIk(sk, pose, leg.foot, footAt(t, leg), { chainLength: 2, pole });
      if (solved) pose = solved.pose;
      pose = withWorldRotation(sk, pose, leg.foot, [0, 0, 0, 1]);
    }
    out.push(pose);
  }
  return out;
}
