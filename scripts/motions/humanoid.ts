import { solveIk } from '../../core/ik/posing.js';
import { rotate } from '../../core/math/align.js';
import { quatFromAxisAngle, quatMultiply, quatNormalize } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { smoothstep } from '../../core/motion/clip.js';
import type { Pose } from '../../core/motion/types.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { HUMAN, withWorldRotation } from './rigs.js';

/**
 * Humanoid motions of the library, made the way a keyframe animator blocks them: the hips' path,
 * where each foot is planted (legs solved by two-bone IK, so planted feet do not slide), arm and
 * spine rotations as a few sines. Each returns one pose per frame at 30 fps on rigs.ts' HUMAN.
 */

export const FPS = 30;
const DEG = Math.PI / 180;
const sk = HUMAN.skeleton;
const rest = (name: string): Vec3 => sk.joints.find((j) => j.name === name)!.restPosition;
const HIPS_REST = rest('Hips');
const ANKLE_HEIGHT = rest('LeftFoot')[1];

const rx = (deg: number) => quatFromAxisAngle([1, 0, 0], deg * DEG);
const ry = (deg: number) => quatFromAxisAngle([0, 1, 0], deg * DEG);
const rz = (deg: number) => quatFromAxisAngle([0, 0, 1], deg * DEG);
const mul = (...qs: Quat[]): Quat => quatNormalize(qs.reduce((a, b) => quatMultiply(a, b)));

interface ArmPose {
  /** Arm down from the T-pose, degrees (90 = hanging). */
  readonly down: number;
  /** Forward (+) / back (-) swing of the upper arm, degrees. */
  readonly swing: number;
  /** Elbow bend, degrees (forearm forward). */
  readonly elbow: number;
  /** Arm raised out to the side beyond horizontal (wave), degrees; replaces `down` when set. */
  readonly raise?: number;
  /** The elbow bends the forearm up in the body's plane (a wave) instead of forward. */
  readonly elbowUp?: boolean;
}

interface Frame {
  readonly hips: Vec3;
  readonly hipsRotation: Quat;
  readonly spine: Quat;
  readonly chest: Quat;
  readonly head: Quat;
  readonly leftFoot: Vec3;
  readonly rightFoot: Vec3;
  /** Foot pitch, degrees (toe down +). */
  readonly leftFootPitch?: number;
  readonly rightFootPitch?: number;
  readonly leftArm: ArmPose;
  readonly rightArm: ArmPose;
  /** Extra knee-forward pole distance for crouches. */
  readonly yaw?: number;
}

/** World rotation of an arm: hang `down` from the T-pose, then swing about the body's side axis. */
function armWorld(side: 1 | -1, arm: ArmPose): { upper: Quat; fore: Quat } {
  const lower = arm.raise !== undefined ? rz(side * arm.raise) : rz(-side * arm.down);
  const upper = mul(rx(-arm.swing), lower);
  // The elbow bends the forearm forward (about the arm's local y, its side axis once hanging),
  // or up (about its local z) for a wave.
  const fore = mul(upper, arm.elbowUp ? rz(side * arm.elbow) : ry(-side * arm.elbow));
  return { upper, fore };
}

function poseOf(frame: Frame): Pose {
  let pose: Pose = {
    rotations: {
      Hips: frame.hipsRotation,
      Spine: frame.spine,
      Spine1: frame.chest,
      Head: frame.head,
    },
    rootTranslation: [
      frame.hips[0] - HIPS_REST[0],
      frame.hips[1] - HIPS_REST[1],
      frame.hips[2] - HIPS_REST[2],
    ],
  };
  for (const [side, name, arm] of [
    [1, 'Left', frame.leftArm],
    [-1, 'Right', frame.rightArm],
  ] as const) {
    const { upper, fore } = armWorld(side, arm);
    pose = withWorldRotation(sk, pose, `${name}Arm`, upper);
    pose = withWorldRotation(sk, pose, `${name}ForeArm`, fore);
    pose = withWorldRotation(sk, pose, `${name}Hand`, fore);
  }
  const yaw = ry(frame.yaw ?? 0);
  for (const [name, target, pitch] of [
    ['Left', frame.leftFoot, frame.leftFootPitch ?? 0],
    ['Right', frame.rightFoot, frame.rightFootPitch ?? 0],
  ] as const) {
    const world = computeWorldTransforms(sk, pose);
    const knee = world.get(`${name}Leg` as never)!.position;
    // Knees point forward: a pole a leg's length in front of the knee.
    const f = rotate(yaw, [0, 0, 1]);
    const pole: Vec3 = [knee[0] + f[0] * 80, knee[1], knee[2] + f[2] * 80];
    const solved = solveIk(sk, pose, `${name}Foot`, target, { chainLength: 2, pole });
    if (solved) pose = solved.pose;
    pose = withWorldRotation(sk, pose, `${name}Foot`, mul(yaw, rx(pitch)));
  }
  return pose;
}

const wave = (t: number, periodSec: number, phase = 0) => Math.sin(2 * Math.PI * (t / periodSec + phase));

function frames(count: number, make: (t: number, u: number) => Frame): Pose[] {
  return Array.from({ length: count }, (_, f) => poseOf(make(f / FPS, f / count)));
}

const STAND_X = 9;
const stillArm = (swing = 0): ArmPose => ({ down: 78, swing, elbow: 10 });

/**
 * A foot's position in a gait: planted for `stance` of each cycle, then swung forward one stride
 * along an arc. Phase 0 is heel strike; strikes land `lead` ahead of where the hips are then.
 */
function gaitFoot(
  t: number,
  opts: {
    period: number;
    stride: number;
    stance: number;
    lead: number;
    offset: number;
    lift: number;
    x: number;
  },
): { pos: Vec3; pitch: number } {
  const cycles = t / opts.period + opts.offset;
  const k = Math.floor(cycles);
  const phase = cycles - k;
  const strikeZ = (n: number) => (n - opts.offset) * opts.stride + opts.lead;
  if (phase < opts.stance) return { pos: [opts.x, ANKLE_HEIGHT, strikeZ(k)], pitch: 0 };
  const u = (phase - opts.stance) / (1 - opts.stance);
  const z = strikeZ(k) + (strikeZ(k + 1) - strikeZ(k)) * smoothstep(u);
  return {
    pos: [opts.x, ANKLE_HEIGHT + opts.lift * Math.sin(Math.PI * u), z],
    pitch: 20 * Math.sin(Math.PI * u),
  };
}

/** One walk cycle (two steps), 1 s: loops, travelling 100 cm per cycle along +Z. */
export function walk(): Pose[] {
  const period = 1;
  const stride = 100;
  const gait = { period, stride, stance: 0.6, lead: 0.3 * stride, lift: 10 };
  return frames(30, (t) => {
    const left = gaitFoot(t, { ...gait, offset: 0, x: STAND_X });
    const right = gaitFoot(t, { ...gait, offset: 0.5, x: -STAND_X });
    const s = wave(t, period);
    return {
      hips: [2 * s, 88 + 2 * Math.cos(4 * Math.PI * (t / period)), (stride * t) / period],
      hipsRotation: mul(ry(5 * s), rz(2 * s)),
      spine: ry(-3 * s),
      chest: mul(ry(-4 * s), rx(3)),
      head: ry(2 * s),
      leftFoot: left.pos,
      rightFoot: right.pos,
      leftFootPitch: left.pitch,
      rightFootPitch: right.pitch,
      // Arms swing against the legs: the left arm forward while the right leg is.
      leftArm: stillArm(-20 * s),
      rightArm: stillArm(20 * s),
      yaw: 5 * s,
    };
  });
}

/** One run cycle, 0.7 s: flight phases, bent arms; 150 cm per cycle. */
export function run(): Pose[] {
  const period = 0.7;
  const stride = 150;
  const gait = { period, stride, stance: 0.35, lead: 0.17 * stride, lift: 28 };
  return frames(21, (t) => {
    const left = gaitFoot(t, { ...gait, offset: 0, x: STAND_X - 1 });
    const right = gaitFoot(t, { ...gait, offset: 0.5, x: -STAND_X + 1 });
    const s = wave(t, period);
    return {
      hips: [1.5 * s, 86 + 3 * Math.cos(4 * Math.PI * (t / period) - 0.8), (stride * t) / period],
      hipsRotation: mul(ry(8 * s), rx(6)),
      spine: mul(rx(4), ry(-6 * s)),
      chest: mul(rx(4), ry(-6 * s)),
      head: rx(-8),
      leftFoot: left.pos,
      rightFoot: right.pos,
      leftFootPitch: left.pitch * 1.5,
      rightFootPitch: right.pitch * 1.5,
      leftArm: { down: 75, swing: -35 * s, elbow: 85 },
      rightArm: { down: 75, swing: 35 * s, elbow: 85 },
      yaw: 8 * s,
    };
  });
}

/** Breathing and a slow weight shift, 3 s, loops. */
export function idle(): Pose[] {
  return frames(90, (t) => {
    const sway = wave(t, 3);
    const breath = wave(t, 1.5);
    return {
      hips: [2 * sway, 94 + 0.4 * breath, 0],
      hipsRotation: rz(1.5 * sway),
      spine: rx(1 * breath),
      chest: mul(rx(1.2 * breath), rz(-1.5 * sway)),
      head: mul(ry(4 * wave(t, 3, 0.25)), rx(-1 * breath)),
      leftFoot: [STAND_X + 1, ANKLE_HEIGHT, 0],
      rightFoot: [-STAND_X - 1, ANKLE_HEIGHT, 0],
      leftArm: stillArm(2 * breath),
      rightArm: stillArm(2 * breath),
    };
  });
}

/** The right hand raised and waving, 2 s, loops. */
export function waveHand(): Pose[] {
  return frames(60, (t) => {
    const w = wave(t, 0.5);
    return {
      hips: [-1.5, 94, 0],
      hipsRotation: rz(-1),
      spine: rz(1),
      chest: rz(2 + 0.5 * w),
      head: mul(rz(3), ry(-5)),
      leftFoot: [STAND_X + 1, ANKLE_HEIGHT, 0],
      rightFoot: [-STAND_X - 1, ANKLE_HEIGHT, 0],
      leftArm: stillArm(0),
      rightArm: { down: 0, raise: 35, swing: 12, elbow: 100 + 30 * w, elbowUp: true },
    };
  });
}

/** A crouch, a jump straight up, a landing that absorbs it, 2 s. */
export function jump(): Pose[] {
  return frames(60, (t) => {
    const f = t * FPS;
    // Hips height offset and feet lift per phase (frames at 30 fps).
    const crouch =
      f < 10
        ? 0
        : f < 24
          ? -24 * smoothstep((f - 10) / 14)
          : f < 28
            ? -24 + 34 * smoothstep((f - 24) / 4)
            : 0;
    const airT = (f - 28) / 14;
    const air = f >= 28 && f < 42 ? 20 * Math.sin(Math.PI * airT) : 0;
    const land = f >= 42 && f < 60 ? -20 * Math.sin(Math.PI * Math.min(1, (f - 42) / 14)) : 0;
    const lift = f >= 28 && f < 42 ? 32 * Math.sin(Math.PI * airT) : 0;
    const hipsY = 94 + crouch + (f >= 28 && f < 42 ? 10 + air : 0) + land;
    const armsUp =
      f >= 22 && f < 44
        ? smoothstep(Math.min(1, (f - 22) / 6)) * (1 - smoothstep(Math.max(0, (f - 38) / 6)))
        : 0;
    const back = f >= 10 && f < 24 ? smoothstep((f - 10) / 14) : f < 28 && f >= 24 ? 1 - (f - 24) / 4 : 0;
    const lean = 18 * back + (land < 0 ? -land : 0) * 0.8;
    const arm: ArmPose = { down: 78 - 150 * armsUp, swing: -40 * back + 30 * armsUp, elbow: 20 };
    return {
      hips: [0, hipsY, 4 * back],
      hipsRotation: rx(lean),
      spine: rx(lean * 0.3),
      chest: rx(lean * 0.2),
      head: rx(-lean * 0.6),
      leftFoot: [STAND_X + 1, ANKLE_HEIGHT + lift, 0],
      rightFoot: [-STAND_X - 1, ANKLE_HEIGHT + lift, 0],
      leftFootPitch: lift * 1.2,
      rightFootPitch: lift * 1.2,
      leftArm: arm,
      rightArm: arm,
    };
  });
}

/** A bouncy dance at 120 bpm: hips sway and bounce, arms pump in turn, 2 s, loops. */
export function dance(): Pose[] {
  return frames(60, (t) => {
    const beat = wave(t, 0.5);
    const bar = wave(t, 2);
    const bounce = 0.5 + 0.5 * Math.cos(2 * Math.PI * (t / 0.5));
    return {
      hips: [6 * bar, 90 - 5 * bounce, 0],
      hipsRotation: mul(rz(6 * bar), ry(10 * wave(t, 1))),
      spine: rz(-4 * bar),
      chest: mul(rz(-5 * bar), ry(-12 * wave(t, 1))),
      head: mul(rz(4 * beat), rx(-4 * bounce)),
      leftFoot: [STAND_X + 8, ANKLE_HEIGHT, 2],
      rightFoot: [-STAND_X - 8, ANKLE_HEIGHT, -2],
      leftArm: { down: 20 + 50 * (0.5 + 0.5 * wave(t, 1)), swing: 30, elbow: 70 + 30 * beat },
      rightArm: { down: 20 + 50 * (0.5 - 0.5 * wave(t, 1)), swing: 30, elbow: 70 - 30 * beat },
    };
  });
}

/** Sitting down on a chair (seat 48 cm high, behind the character) and staying seated, 2.5 s. */
export function sit(): Pose[] {
  return frames(75, (t) => {
    const u = smoothstep(Math.min(1, t / 1.6));
    // Lean forward on the way down, upright once seated.
    const lean = 30 * Math.sin(Math.PI * Math.min(1, t / 1.6)) + 6 * u;
    return {
      hips: [0, 94 - 40 * u, -30 * u],
      hipsRotation: rx(lean * 0.6),
      spine: rx(lean * 0.25 - 4 * u),
      chest: rx(lean * 0.15 - 4 * u),
      head: rx(-lean * 0.4),
      leftFoot: [STAND_X + 2, ANKLE_HEIGHT, 4 * u],
      rightFoot: [-STAND_X - 2, ANKLE_HEIGHT, 4 * u],
      leftArm: { down: 78, swing: 10 + 35 * u, elbow: 15 + 40 * u },
      rightArm: { down: 78, swing: 10 + 35 * u, elbow: 15 + 40 * u },
    };
  });
}
