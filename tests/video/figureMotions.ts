/**
 * Known motions of rendered test figures (issue 11): per frame, every joint of a human-like figure
 * in world space, so a video rendered from them comes with its exact truth. Units: metres; y up
 * from the floor, x to the viewer's right, z towards the camera. A figure's local frame faces +z
 * (the camera) with its left side on +x; `yawRad` turns it about y (positive: towards +x).
 *
 * Proportions after Drillis & Contini, as in scripts/make-rendered-humanoid.ts (upper arm 0.186 H,
 * forearm 0.146 H, thigh 0.235 H, shin 0.24 H).
 */

export type Vec3 = [number, number, number];

export const FIGURE_JOINTS = [
  'Hips',
  'Spine',
  'Chest',
  'Neck',
  'Head',
  'LeftShoulder',
  'LeftArm',
  'LeftForeArm',
  'LeftHand',
  'RightShoulder',
  'RightArm',
  'RightForeArm',
  'RightHand',
  'LeftUpLeg',
  'LeftLeg',
  'LeftFoot',
  'RightUpLeg',
  'RightLeg',
  'RightFoot',
] as const;
export type FigureJoint = (typeof FIGURE_JOINTS)[number];
export type FigureJoints = Record<FigureJoint, Vec3>;

export interface FigureState {
  /** Joints in world space. */
  readonly joints: FigureJoints;
  /** Where the figure stands (floor point under its hips) and which way it faces. */
  readonly rootWorld: Vec3;
  readonly yawRad: number;
  /** Standing height, metres. */
  readonly heightM: number;
  /**
   * The head's own turn on the neck, relative to the body (absent: held straight). Applied as
   * roll · yaw · pitch about the head's pivot (the Head joint): pitch about the body's left-right
   * axis (+: nodding down, the face towards the floor), yaw about its vertical (+: towards the
   * figure's left, i.e. the viewer's right for a figure facing the camera), roll about its facing
   * axis (+: counter-clockwise as the camera sees a figure facing it).
   */
  readonly head?: { readonly pitchRad: number; readonly yawRad: number; readonly rollRad: number };
}

export type MotionKind = 'wave' | 'jump' | 'walk' | 'nod';

export interface FigureSpec {
  readonly motion: MotionKind;
  readonly heightM: number;
  /** Start and end of the floor path (x, z); the figure walks or stands along it. */
  readonly from: [number, number];
  readonly to: [number, number];
  readonly yawRad: number;
  /** Phase offset of the motion's cycle, seconds. */
  readonly phaseSec?: number;
}

const deg = Math.PI / 180;

/** Direction of a limb from pitch (forward, towards the local +z) and abduction (outward in the frontal plane). */
function limbDir(pitchRad: number, outRad: number, side: 1 | -1): Vec3 {
  // Hanging straight down is (0,-1,0); abduct in the frontal plane first, then pitch forward.
  const x = side * Math.sin(outRad);
  const yDown = Math.cos(outRad);
  return [x, -yDown * Math.cos(pitchRad), yDown * Math.sin(pitchRad)];
}

function along(a: Vec3, dir: Vec3, len: number): Vec3 {
  return [a[0] + dir[0] * len, a[1] + dir[1] * len, a[2] + dir[2] * len];
}

interface LimbAngles {
  /** Upper arm pitch/abduction and elbow flexion (forearm turned forward/up from the upper arm). */
  armPitch: number;
  armOut: number;
  elbowFlex: number;
  /** Forearm abduction instead of flexion (the wave: forearm up in the frontal plane). */
  forearmOut?: number;
  thighPitch: number;
  kneeFlex: number;
}

/** The figure's joints in its local frame (hips over the origin at hipY, facing +z). */
function localJoints(H: number, hipY: number, left: LimbAngles, right: LimbAngles): FigureJoints {
  const f = (v: number) => v * H;
  const j = {} as FigureJoints;
  j.Hips = [0, hipY, 0];
  const up = hipY - f(0.52);
  j.Spine = [0, f(0.6) + up, 0];
  j.Chest = [0, f(0.7) + up, 0];
  j.Neck = [0, f(0.83) + up, 0];
  j.Head = [0, f(0.875) + up, 0];
  for (const [side, s, a] of [
    ['Left', 1, left],
    ['Right', -1, right],
  ] as const) {
    const sh: Vec3 = [s * f(0.105), f(0.818) + up, 0];
    const upperDir = limbDir(a.armPitch, a.armOut, s);
    const el = along(sh, upperDir, f(0.186));
    const foreDir =
      a.forearmOut !== undefined
        ? limbDir(0, a.forearmOut, s)
        : limbDir(a.armPitch + a.elbowFlex, a.armOut, s);
    const wr = along(el, foreDir, f(0.146));
    j[`${side}Shoulder`] = [s * f(0.03), f(0.818) + up, 0];
    j[`${side}Arm`] = sh;
    j[`${side}ForeArm`] = el;
    j[`${side}Hand`] = wr;
    const hip: Vec3 = [s * f(0.06), hipY, 0];
    const knee = along(hip, limbDir(a.thighPitch, 2 * deg, s), f(0.235));
    const ankle = along(knee, limbDir(a.thighPitch - a.kneeFlex, 1 * deg, s), f(0.24));
    j[`${side}UpLeg`] = hip;
    j[`${side}Leg`] = knee;
    j[`${side}Foot`] = ankle;
  }
  return j;
}

const REST_ARM: Pick<LimbAngles, 'armPitch' | 'armOut' | 'elbowFlex'> = {
  armPitch: 0,
  armOut: 12 * deg,
  elbowFlex: 10 * deg,
};

/** Hip height of a standing figure whose legs have these angles (the lower foot on the floor). */
function standingHipY(H: number, left: LimbAngles, right: LimbAngles): number {
  const drop = (a: LimbAngles) =>
    H * (0.235 * Math.cos(a.thighPitch) + 0.24 * Math.cos(a.thighPitch - a.kneeFlex));
  // The ankle joint sits 0.045 H above the sole.
  return Math.max(drop(left), drop(right)) + 0.045 * H;
}

function poseAt(
  spec: FigureSpec,
  timeSec: number,
): { left: LimbAngles; right: LimbAngles; lift: number; head?: FigureState['head'] } {
  const t = timeSec + (spec.phaseSec ?? 0);
  if (spec.motion === 'nod') {
    // Standing still, the head nods down and up (±25°, one nod per 1.6 s), turns a little (±20°
    // over 2.4 s) and tilts (±10° over 2 s): a listener's head, for the head's own orientation.
    const still: LimbAngles = { ...REST_ARM, thighPitch: 0, kneeFlex: 0 };
    return {
      left: still,
      right: still,
      lift: 0,
      head: {
        pitchRad: 25 * deg * Math.sin((2 * Math.PI * t) / 1.6),
        yawRad: 20 * deg * Math.sin((2 * Math.PI * t) / 2.4),
        rollRad: 10 * deg * Math.sin((2 * Math.PI * t) / 2.0 + 1),
      },
    };
  }
  if (spec.motion === 'wave') {
    const swing = Math.sin((2 * Math.PI * t) / 0.9);
    return {
      left: { ...REST_ARM, thighPitch: 0, kneeFlex: 0 },
      right: {
        armPitch: 0,
        armOut: 100 * deg + 10 * deg * Math.sin((2 * Math.PI * t) / 1.8),
        elbowFlex: 0,
        forearmOut: 160 * deg + 25 * deg * swing,
        thighPitch: 0,
        kneeFlex: 0,
      },
      lift: 0,
    };
  }
  if (spec.motion === 'jump') {
    // One jump per 1.5 s: crouch, push off, flight, land.
    const cycle = (t % 1.5) / 1.5;
    const crouch = cycle < 0.35 ? Math.sin((cycle / 0.35) * Math.PI) : 0;
    const flight = cycle >= 0.35 && cycle < 0.75 ? Math.sin(((cycle - 0.35) / 0.4) * Math.PI) : 0;
    const legs: LimbAngles = {
      ...REST_ARM,
      thighPitch: 55 * deg * crouch,
      kneeFlex: 100 * deg * crouch + 10 * deg * flight,
    };
    const arms = (s: LimbAngles): LimbAngles => ({
      ...s,
      armPitch: -30 * deg * crouch + 150 * deg * flight,
      armOut: 15 * deg,
      elbowFlex: 15 * deg,
    });
    return { left: arms(legs), right: arms(legs), lift: 0.35 * spec.heightM * flight };
  }
  // Walk: one stride cycle per second, arms swing against the legs.
  const phase = (2 * Math.PI * t) / 1.0;
  const leg = (p: number): LimbAngles => ({
    armPitch: -22 * deg * Math.sin(p),
    armOut: 8 * deg,
    elbowFlex: 18 * deg + 10 * deg * Math.max(0, -Math.sin(p)),
    thighPitch: 25 * deg * Math.sin(p),
    kneeFlex: 8 * deg + 45 * deg * Math.max(0, Math.sin(p + 1.2)),
  });
  return { left: leg(phase), right: leg(phase + Math.PI), lift: 0 };
}

/** The figure's state at `timeSec` of a clip lasting `durationSec`. */
export function figureAt(spec: FigureSpec, timeSec: number, durationSec: number): FigureState {
  const H = spec.heightM;
  const { left, right, lift, head } = poseAt(spec, timeSec);
  const hipY = standingHipY(H, left, right) + lift;
  const local = localJoints(H, hipY, left, right);
  const u = durationSec > 0 ? timeSec / durationSec : 0;
  const rootWorld: Vec3 = [
    spec.from[0] + (spec.to[0] - spec.from[0]) * u,
    0,
    spec.from[1] + (spec.to[1] - spec.from[1]) * u,
  ];
  const c = Math.cos(spec.yawRad);
  const s = Math.sin(spec.yawRad);
  const joints = {} as FigureJoints;
  for (const name of FIGURE_JOINTS) {
    const [x, y, z] = local[name];
    // Yaw about +y: local +z (facing) turns towards +x for a positive angle.
    joints[name] = [rootWorld[0] + c * x + s * z, y, rootWorld[2] - s * x + c * z];
  }
  return { joints, rootWorld, yawRad: spec.yawRad, heightM: H, ...(head ? { head } : {}) };
}

/** Bones (parent, child) whose directions the tests compare. */
export const FIGURE_BONES: readonly [FigureJoint, FigureJoint][] = [
  ['Hips', 'Chest'],
  ['Chest', 'Neck'],
  ['LeftArm', 'LeftForeArm'],
  ['LeftForeArm', 'LeftHand'],
  ['RightArm', 'RightForeArm'],
  ['RightForeArm', 'RightHand'],
  ['LeftUpLeg', 'LeftLeg'],
  ['LeftLeg', 'LeftFoot'],
  ['RightUpLeg', 'RightLeg'],
  ['RightLeg', 'RightFoot'],
  ['RightArm', 'LeftArm'],
  ['RightUpLeg', 'LeftUpLeg'],
];
