import { rotate } from '../../../core/math/align.js';
import {
  type EulerOrder,
  quatConjugate,
  quatFromAxisAngle,
  quatMultiply,
  quatNormalize,
  quatToEulerDeg,
} from '../../../core/math/quat.js';
import type { Quat, Vec3 } from '../../../core/math/types.js';

/**
 * BVH files as the common mocap conventions write them, made in code: the joint names, hierarchy
 * shapes, rest poses (T and A), axes (Y-up, Z-up), units, frame rates and channel orders of CMU
 * (cgspeed's "Hips, LeftUpLeg…" and the "hip, abdomen, chest…" release), Mixamo, Rokoko, Blender,
 * Animated Drawings' 16-joint examples and a Truebones-style animal. The motion is smooth and
 * pseudo-random (a fixed seed), so a test knows exactly what the file says.
 */

export interface FixtureJoint {
  readonly name: string;
  readonly parent: string | null;
  /** Rest position in the canonical frame: centimetres, Y up, facing +Z, the body's left at +X. */
  readonly at: Vec3;
  /** End Site position (canonical frame) for leaves. */
  readonly end?: Vec3;
}

export interface Convention {
  readonly id: string;
  readonly joints: readonly FixtureJoint[];
  /** Frames per second the file says (Frame Time = 1 / fps). */
  readonly fps: number;
  /** File units per centimetre. */
  readonly unitsPerCm: number;
  /** Rotation from the canonical frame to the file's axes (e.g. Z-up). */
  readonly axes: Quat;
  readonly rootChannels: readonly string[];
  readonly jointChannels: readonly string[];
  /** Joints that also carry (constant) position channels, like some exporters write. */
  readonly positionsOnAll?: boolean;
  /** Joints whose rotation the fixture's motion leaves at rest (end bones). */
  readonly still?: readonly string[];
}

const DEG = Math.PI / 180;
const mirrorX = (v: Vec3): Vec3 => [-v[0], v[1], v[2]];

/** A limb pair: the left one as given, the right one mirrored, with names made by `side`. */
function pair(
  items: readonly [string, string | null, Vec3, Vec3?][],
  side: (s: 'L' | 'R', n: string) => string,
  parentName: (s: 'L' | 'R', p: string) => string,
): FixtureJoint[] {
  const out: FixtureJoint[] = [];
  for (const s of ['L', 'R'] as const) {
    for (const [name, parent, at, end] of items) {
      const flip = s === 'R' ? mirrorX : (v: Vec3) => v;
      out.push({
        name: side(s, name),
        parent: parent === null ? null : parentName(s, parent),
        at: flip(at),
        ...(end ? { end: flip(end) } : {}),
      });
    }
  }
  return out;
}

/** Rotates a chain of rest positions about a pivot (for A-poses and bent rests). */
function bend(points: readonly Vec3[], pivot: Vec3, q: Quat): Vec3[] {
  return points.map((p) => {
    const r = rotate(q, [p[0] - pivot[0], p[1] - pivot[1], p[2] - pivot[2]]);
    return [pivot[0] + r[0], pivot[1] + r[1], pivot[2] + r[2]];
  });
}

const ARM: readonly Vec3[] = [
  [17, 143, 0],
  [45, 143, 0],
  [71, 143, 0],
  [85, 143, 0],
];
/** Arms down by `deg` (an A-pose), left side; the hand's end last. */
function arm(deg: number): Vec3[] {
  return bend(ARM, ARM[0]!, quatFromAxisAngle([0, 0, 1], -deg * DEG));
}

const Y_UP: Quat = [0, 0, 0, 1];
/** Canonical Y-up/+Z-forward to Z-up with the body facing -Y (Blender's front view). */
const Z_UP_FACING_MINUS_Y: Quat = quatFromAxisAngle([1, 0, 0], 90 * DEG);
/** Z up, facing +X, the body's left at +Y. */
const Z_UP_FACING_X: Quat = quatNormalize(
  quatMultiply(quatFromAxisAngle([0, 0, 1], 90 * DEG), quatFromAxisAngle([1, 0, 0], 90 * DEG)),
);

const LEG = (a: number): [string, string | null, Vec3, Vec3?][] => [
  ['UpLeg', null, [9, 91 - a, 0]],
  ['Leg', 'UpLeg', [9, 50, 2]],
  ['Foot', 'Leg', [9, 8, 0]],
  ['ToeBase', 'Foot', [9, 1, 13], [9, 1, 21]],
];

export const CMU_CGSPEED: Convention = {
  id: 'cmu-cgspeed',
  fps: 120,
  unitsPerCm: 0.1,
  axes: Y_UP,
  rootChannels: ['Xposition', 'Yposition', 'Zposition', 'Zrotation', 'Yrotation', 'Xrotation'],
  jointChannels: ['Zrotation', 'Yrotation', 'Xrotation'],
  joints: [
    { name: 'Hips', parent: null, at: [0, 95, 0] },
    ...pair(
      [
        ['HipJoint', null, [4, 93, 0]],
        ['UpLeg', 'HipJoint', [9, 90, 0]],
        ['Leg', 'UpLeg', [9, 50, 2]],
        ['Foot', 'Leg', [9, 8, 0]],
        ['ToeBase', 'Foot', [9, 1, 13], [9, 1, 21]],
      ],
      (s, n) => (n === 'HipJoint' ? `${s}HipJoint` : `${s === 'L' ? 'Left' : 'Right'}${n}`),
      (s, p) => (p === 'HipJoint' ? `${s}HipJoint` : `${s === 'L' ? 'Left' : 'Right'}${p}`),
    ).map((j) => (j.parent === null ? { ...j, parent: 'Hips' } : j)),
    { name: 'LowerBack', parent: 'Hips', at: [0, 100, 0] },
    { name: 'Spine', parent: 'LowerBack', at: [0, 115, 0] },
    { name: 'Spine1', parent: 'Spine', at: [0, 130, 0] },
    { name: 'Neck', parent: 'Spine1', at: [0, 146, 0] },
    { name: 'Neck1', parent: 'Neck', at: [0, 152, 0] },
    { name: 'Head', parent: 'Neck1', at: [0, 158, 0], end: [0, 175, 0] },
    ...pair(
      [
        ['Shoulder', null, [3, 143, 0]],
        ['Arm', 'Shoulder', ARM[0]!],
        ['ForeArm', 'Arm', ARM[1]!],
        ['Hand', 'ForeArm', ARM[2]!],
        ['FingerBase', 'Hand', [78, 143, 0]],
        ['HandIndex1', 'FingerBase', [82, 143, 0], [86, 143, 0]],
        ['Thumb', 'Hand', [74, 142, 4], [78, 142, 7]],
      ],
      (s, n) => (n === 'Thumb' ? `${s}Thumb` : `${s === 'L' ? 'Left' : 'Right'}${n}`),
      (s, p) => `${s === 'L' ? 'Left' : 'Right'}${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'Spine1' } : j)),
  ],
};

export const CMU_HIP: Convention = {
  id: 'cmu-hip-abdomen-chest',
  fps: 120,
  unitsPerCm: 1 / 2.54,
  axes: Y_UP,
  rootChannels: ['Xposition', 'Yposition', 'Zposition', 'Zrotation', 'Xrotation', 'Yrotation'],
  jointChannels: ['Zrotation', 'Xrotation', 'Yrotation'],
  joints: [
    { name: 'hip', parent: null, at: [0, 95, 0] },
    { name: 'abdomen', parent: 'hip', at: [0, 105, 0] },
    { name: 'chest', parent: 'abdomen', at: [0, 125, 0] },
    { name: 'neck', parent: 'chest', at: [0, 148, 0] },
    { name: 'head', parent: 'neck', at: [0, 158, 0], end: [0, 175, 0] },
    { name: 'leftEye', parent: 'head', at: [3, 166, 8], end: [3, 166, 10] },
    { name: 'rightEye', parent: 'head', at: [-3, 166, 8], end: [-3, 166, 10] },
    ...pair(
      [
        ['Collar', null, [3, 143, 0]],
        ['Shldr', 'Collar', ARM[0]!],
        ['ForeArm', 'Shldr', ARM[1]!],
        ['Hand', 'ForeArm', ARM[2]!, ARM[3]!],
      ],
      (s, n) => `${s.toLowerCase()}${n}`,
      (s, p) => `${s.toLowerCase()}${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'chest' } : j)),
    ...pair(
      [
        ['Buttock', null, [6, 92, 0]],
        ['Thigh', 'Buttock', [9, 90, 0]],
        ['Shin', 'Thigh', [9, 50, 2]],
        ['Foot', 'Shin', [9, 8, 0], [9, 1, 18]],
      ],
      (s, n) => `${s.toLowerCase()}${n}`,
      (s, p) => `${s.toLowerCase()}${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'hip' } : j)),
  ],
  still: ['leftEye', 'rightEye'],
};

export const MIXAMO: Convention = {
  id: 'mixamo',
  fps: 30,
  unitsPerCm: 1,
  axes: Y_UP,
  rootChannels: ['Xposition', 'Yposition', 'Zposition', 'Yrotation', 'Xrotation', 'Zrotation'],
  jointChannels: ['Xposition', 'Yposition', 'Zposition', 'Yrotation', 'Xrotation', 'Zrotation'],
  positionsOnAll: true,
  joints: [
    { name: 'mixamorig:Hips', parent: null, at: [0, 95, 0] },
    { name: 'mixamorig:Spine', parent: 'mixamorig:Hips', at: [0, 105, 0] },
    { name: 'mixamorig:Spine1', parent: 'mixamorig:Spine', at: [0, 116, 0] },
    { name: 'mixamorig:Spine2', parent: 'mixamorig:Spine1', at: [0, 128, 0] },
    { name: 'mixamorig:Neck', parent: 'mixamorig:Spine2', at: [0, 148, 0] },
    { name: 'mixamorig:Head', parent: 'mixamorig:Neck', at: [0, 158, 0] },
    { name: 'mixamorig:HeadTop_End', parent: 'mixamorig:Head', at: [0, 175, 0], end: [0, 180, 0] },
    ...pair(
      [
        ['Shoulder', null, [3, 143, 0]],
        ['Arm', 'Shoulder', ARM[0]!],
        ['ForeArm', 'Arm', ARM[1]!],
        ['Hand', 'ForeArm', ARM[2]!],
        ['HandIndex1', 'Hand', [79, 143, 1]],
        ['HandIndex2', 'HandIndex1', [83, 143, 1], [86, 143, 1]],
        ['HandThumb1', 'Hand', [74, 142, 4], [78, 142, 7]],
      ],
      (s, n) => `mixamorig:${s === 'L' ? 'Left' : 'Right'}${n}`,
      (s, p) => `mixamorig:${s === 'L' ? 'Left' : 'Right'}${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'mixamorig:Spine2' } : j)),
    ...pair(
      LEG(4),
      (s, n) => `mixamorig:${s === 'L' ? 'Left' : 'Right'}${n}`,
      (s, p) => `mixamorig:${s === 'L' ? 'Left' : 'Right'}${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'mixamorig:Hips' } : j)),
  ],
  still: ['mixamorig:HeadTop_End'],
};

const A_ARM = arm(45);

/** Rokoko Studio's naming, captured in an A-pose (arms 45 degrees down): a non-T rest. */
export const ROKOKO: Convention = {
  id: 'rokoko',
  fps: 60,
  unitsPerCm: 1,
  axes: Y_UP,
  rootChannels: ['Xposition', 'Yposition', 'Zposition', 'Yrotation', 'Xrotation', 'Zrotation'],
  jointChannels: ['Yrotation', 'Xrotation', 'Zrotation'],
  joints: [
    { name: 'Hips', parent: null, at: [0, 95, 0] },
    { name: 'Spine1', parent: 'Hips', at: [0, 103, 0] },
    { name: 'Spine2', parent: 'Spine1', at: [0, 111, 0] },
    { name: 'Spine3', parent: 'Spine2', at: [0, 120, 0] },
    { name: 'Spine4', parent: 'Spine3', at: [0, 130, 0] },
    { name: 'Neck', parent: 'Spine4', at: [0, 148, 0] },
    { name: 'Head', parent: 'Neck', at: [0, 158, 0], end: [0, 175, 0] },
    ...pair(
      [
        ['Shoulder', null, [3, 143, 0]],
        ['Arm', 'Shoulder', A_ARM[0]!],
        ['ForeArm', 'Arm', A_ARM[1]!],
        ['Hand', 'ForeArm', A_ARM[2]!, A_ARM[3]!],
      ],
      (s, n) => `${s === 'L' ? 'Left' : 'Right'}${n}`,
      (s, p) => `${s === 'L' ? 'Left' : 'Right'}${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'Spine4' } : j)),
    ...pair(
      [
        ['Thigh', null, [9, 91, 0]],
        ['Shin', 'Thigh', [9, 50, 2]],
        ['Foot', 'Shin', [9, 8, 0]],
        ['Toe', 'Foot', [9, 1, 13]],
        ['ToeEnd', 'Toe', [9, 1, 21], [9, 1, 23]],
      ],
      (s, n) => `${s === 'L' ? 'Left' : 'Right'}${n}`,
      (s, p) => `${s === 'L' ? 'Left' : 'Right'}${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'Hips' } : j)),
  ],
  still: ['LeftToeEnd', 'RightToeEnd'],
};

/** A Blender metarig exported as it is: Z up, facing -Y, ".L/.R" suffixes, metres, knees bent at rest. */
export const BLENDER: Convention = {
  id: 'blender',
  fps: 24,
  unitsPerCm: 0.01,
  axes: Z_UP_FACING_MINUS_Y,
  rootChannels: ['Xposition', 'Yposition', 'Zposition', 'Xrotation', 'Yrotation', 'Zrotation'],
  jointChannels: ['Xrotation', 'Yrotation', 'Zrotation'],
  joints: [
    { name: 'spine', parent: null, at: [0, 95, 0] },
    { name: 'spine.001', parent: 'spine', at: [0, 107, -1] },
    { name: 'spine.002', parent: 'spine.001', at: [0, 119, -1] },
    { name: 'spine.003', parent: 'spine.002', at: [0, 131, 0] },
    { name: 'spine.004', parent: 'spine.003', at: [0, 147, 0] },
    { name: 'spine.005', parent: 'spine.004', at: [0, 152, 1] },
    { name: 'spine.006', parent: 'spine.005', at: [0, 158, 1], end: [0, 175, 1] },
    ...pair(
      [
        ['shoulder', null, [3, 143, 0]],
        ['upper_arm', 'shoulder', ARM[0]!],
        ['forearm', 'upper_arm', [45, 143, -2]],
        ['hand', 'forearm', ARM[2]!, ARM[3]!],
      ],
      (s, n) => `${n}.${s}`,
      (s, p) => `${p}.${s}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'spine.003' } : j)),
    ...pair(
      [
        ['thigh', null, [9, 91, 0]],
        ['shin', 'thigh', [9, 51, 6]],
        ['foot', 'shin', [9, 9, 0]],
        ['toe', 'foot', [9, 1, 13], [9, 1, 21]],
      ],
      (s, n) => `${n}.${s}`,
      (s, p) => `${p}.${s}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'spine' } : j)),
  ],
};

/** Animated Drawings' 16-joint character skeleton, Z up, a ground-level root above the hips. */
export const ANIMATED_DRAWINGS: Convention = {
  id: 'animated-drawings',
  fps: 30,
  unitsPerCm: 1,
  axes: Z_UP_FACING_X,
  rootChannels: ['Xposition', 'Yposition', 'Zposition', 'Zrotation', 'Yrotation', 'Xrotation'],
  jointChannels: ['Zrotation', 'Yrotation', 'Xrotation'],
  joints: [
    { name: 'root', parent: null, at: [0, 0, 0] },
    { name: 'hip', parent: 'root', at: [0, 95, 0] },
    { name: 'torso', parent: 'hip', at: [0, 125, 0] },
    { name: 'neck', parent: 'torso', at: [0, 150, 0], end: [0, 172, 0] },
    ...pair(
      [
        ['shoulder', null, ARM[0]!],
        ['elbow', 'shoulder', ARM[1]!],
        ['hand', 'elbow', ARM[2]!, ARM[3]!],
      ],
      (s, n) => `${s === 'L' ? 'left' : 'right'}_${n}`,
      (s, p) => `${s === 'L' ? 'left' : 'right'}_${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'torso' } : j)),
    ...pair(
      [
        ['hip', null, [9, 91, 0]],
        ['knee', 'hip', [9, 50, 2]],
        ['foot', 'knee', [9, 8, 0], [9, 1, 16]],
      ],
      (s, n) => `${s === 'L' ? 'left' : 'right'}_${n}`,
      (s, p) => `${s === 'L' ? 'left' : 'right'}_${p}`,
    ).map((j) => (j.parent === null ? { ...j, parent: 'hip' } : j)),
  ],
};

/** A four-legged animal the way Truebones-style rigs name it (Bip01_), with a tail and hocks. */
export const TRUEBONES_DOG: Convention = {
  id: 'truebones-dog',
  fps: 30,
  unitsPerCm: 1,
  axes: Y_UP,
  rootChannels: ['Xposition', 'Yposition', 'Zposition', 'Zrotation', 'Xrotation', 'Yrotation'],
  jointChannels: ['Zrotation', 'Xrotation', 'Yrotation'],
  joints: [
    { name: 'Bip01_Pelvis', parent: null, at: [0, 60, -35] },
    { name: 'Bip01_Spine', parent: 'Bip01_Pelvis', at: [0, 62, -15] },
    { name: 'Bip01_Spine1', parent: 'Bip01_Spine', at: [0, 63, 10] },
    { name: 'Bip01_Neck', parent: 'Bip01_Spine1', at: [0, 66, 30] },
    { name: 'Bip01_Head', parent: 'Bip01_Neck', at: [0, 74, 45], end: [0, 72, 62] },
    { name: 'Bip01_Tail', parent: 'Bip01_Pelvis', at: [0, 62, -44] },
    { name: 'Bip01_Tail1', parent: 'Bip01_Tail', at: [0, 58, -56] },
    { name: 'Bip01_Tail2', parent: 'Bip01_Tail1', at: [0, 52, -67], end: [0, 46, -76] },
    ...pair(
      [
        ['Thigh', null, [8, 58, -35]],
        ['Calf', 'Thigh', [8, 38, -28]],
        ['HorseLink', 'Calf', [8, 22, -38]],
        ['Foot', 'HorseLink', [8, 4, -35], [8, 0, -29]],
        ['Clavicle', null, [5, 60, 24]],
        ['UpperArm', 'Clavicle', [8, 55, 27]],
        ['Forearm', 'UpperArm', [8, 33, 25]],
        ['Hand', 'Forearm', [8, 5, 25], [8, 0, 31]],
      ],
      (s, n) => `Bip01_${s}_${n}`,
      (s, p) => `Bip01_${s}_${p}`,
    ).map((j) =>
      j.parent === null ? { ...j, parent: j.name.includes('Thigh') ? 'Bip01_Pelvis' : 'Bip01_Spine1' } : j,
    ),
  ],
};

export const HUMANOID_CONVENTIONS: readonly Convention[] = [
  CMU_CGSPEED,
  CMU_HIP,
  MIXAMO,
  ROKOKO,
  BLENDER,
  ANIMATED_DRAWINGS,
];

/** A small deterministic pseudo-random generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Smooth local rotations per joint per frame (sums of slow sines, up to `amplitudeDeg`), in the canonical frame. */
export function smoothMotion(
  convention: Convention,
  frames: number,
  seed = 1,
  amplitudeDeg = 35,
): { rotations: Quat[][]; root: Vec3[] } {
  const rand = random(seed);
  const joints = convention.joints;
  const waves = joints.map(() =>
    [0, 1, 2].map(() => ({ a: (rand() - 0.5) * 2 * amplitudeDeg, w: 0.5 + rand() * 2, p: rand() * 6.28 })),
  );
  const rotations: Quat[][] = [];
  const root: Vec3[] = [];
  for (let f = 0; f < frames; f++) {
    const t = f / convention.fps;
    rotations.push(
      joints.map((joint, j) => {
        if (convention.still?.includes(joint.name)) return [0, 0, 0, 1];
        const w = waves[j]!;
        const ex = quatFromAxisAngle([1, 0, 0], w[0]!.a * Math.sin(w[0]!.w * t + w[0]!.p) * DEG);
        const ey = quatFromAxisAngle([0, 1, 0], w[1]!.a * Math.sin(w[1]!.w * t + w[1]!.p) * DEG);
        const ez = quatFromAxisAngle([0, 0, 1], w[2]!.a * Math.sin(w[2]!.w * t + w[2]!.p) * DEG);
        return quatNormalize(quatMultiply(quatMultiply(ez, ex), ey));
      }),
    );
    root.push([30 * Math.sin(0.7 * t), 3 * Math.sin(3 * t), 60 * t]);
  }
  return { rotations, root };
}

const fmt = (v: number) => (Math.abs(v) < 5e-9 ? '0' : v.toFixed(6));

/**
 * The BVH text of `convention` playing `motion` (local rotations in the canonical frame, root
 * offset in cm): axes, units, channel orders and (optional) position channels as the convention writes them.
 */
export function writeConventionBvh(
  convention: Convention,
  motion: { rotations: readonly Quat[][]; root: readonly Vec3[] },
): string {
  const { joints, axes } = convention;
  const u = convention.unitsPerCm;
  const toFile = (v: Vec3): Vec3 => {
    const r = rotate(axes, v);
    return [r[0] * u, r[1] * u, r[2] * u];
  };
  const byName = new Map(joints.map((j) => [j.name, j]));
  const children = (name: string) => joints.filter((j) => j.parent === name);
  const order: FixtureJoint[] = [];
  const lines = ['HIERARCHY'];
  const write = (joint: FixtureJoint, depth: number) => {
    order.push(joint);
    const pad = '\t'.repeat(depth);
    const parent = joint.parent ? byName.get(joint.parent)! : null;
    const offset = toFile(
      parent
        ? [joint.at[0] - parent.at[0], joint.at[1] - parent.at[1], joint.at[2] - parent.at[2]]
        : joint.at,
    );
    const channels = parent ? convention.jointChannels : convention.rootChannels;
    lines.push(
      `${pad}${parent ? 'JOINT' : 'ROOT'} ${joint.name}`,
      `${pad}{`,
      `${pad}\tOFFSET ${offset.map(fmt).join(' ')}`,
    );
    lines.push(`${pad}\tCHANNELS ${channels.length} ${channels.join(' ')}`);
    const kids = children(joint.name);
    if (kids.length === 0) {
      const end = joint.end ?? [joint.at[0], joint.at[1] + 5, joint.at[2]];
      const e = toFile([end[0] - joint.at[0], end[1] - joint.at[1], end[2] - joint.at[2]]);
      lines.push(`${pad}\tEnd Site`, `${pad}\t{`, `${pad}\t\tOFFSET ${e.map(fmt).join(' ')}`, `${pad}\t}`);
    }
    for (const kid of kids) write(kid, depth + 1);
    lines.push(`${pad}}`);
  };
  write(joints.find((j) => j.parent === null)!, 0);
  const frames = motion.rotations.length;
  lines.push('MOTION', `Frames: ${frames}`, `Frame Time: ${(1 / convention.fps).toFixed(7)}`);
  const axesInverse = quatConjugate(axes);
  for (let f = 0; f < frames; f++) {
    const values: string[] = [];
    for (const joint of order) {
      const j = joints.indexOf(joint);
      const parent = joint.parent ? byName.get(joint.parent)! : null;
      const channels = parent ? convention.jointChannels : convention.rootChannels;
      // A rotation in the canonical frame, as the file's axes see it: A q A⁻¹.
      const q = quatNormalize(quatMultiply(quatMultiply(axes, motion.rotations[f]![j]!), axesInverse));
      const letters = channels
        .filter((c) => c.endsWith('rotation'))
        .map((c) => c[0])
        .join('') as EulerOrder;
      const euler = quatToEulerDeg(q, letters);
      const position = parent
        ? toFile([joint.at[0] - parent.at[0], joint.at[1] - parent.at[1], joint.at[2] - parent.at[2]])
        : toFile([
            joint.at[0] + motion.root[f]![0],
            joint.at[1] + motion.root[f]![1],
            joint.at[2] + motion.root[f]![2],
          ]);
      for (const channel of channels) {
        const axis = channel.charCodeAt(0) - 88;
        values.push(fmt(channel.endsWith('rotation') ? euler[axis]! : position[axis]!));
      }
    }
    lines.push(values.join(' '));
  }
  return `${lines.join('\n')}\n`;
}
