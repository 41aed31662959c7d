import { type JointId, jointId } from '../ids.js';
import { type EulerOrder, quatFromEulerDeg, quatToEulerDeg } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { lastKeyedFrame } from '../motion/edit.js';
import { evaluateMotion } from '../motion/evaluate.js';
import type { Keyframe, Motion, Track } from '../motion/types.js';
import type { Skeleton } from '../skeleton/types.js';
import { type FrameRate, frameDurationSec, frameRate, STANDARD_FRAME_RATES } from './frameRate.js';

/**
 * BVH (Biovision Hierarchy) writer and reader, pure text in and out.
 *
 * What the writer produces, and the reader expects of its own files:
 * - Axes: Y up, the character facing +Z, +X the character's left: character space as it is (see
 *   math/types.ts), which is also what Blender's, Maya's and MotionBuilder's BVH importers assume.
 * - Units: character-space pixels times `unitsPerPx` (default 1: one BVH unit per pixel of the
 *   art). Blender users importing a 1000 px figure typically set the importer's scale to 0.002.
 * - OFFSETs: rest (T-pose) position of each joint minus its parent's; the ROOT's OFFSET is its
 *   rest position. Rest frames carry no rotation, so a joint's channels are exactly its local
 *   rotation relative to rest.
 * - Channels: ROOT `Xposition Yposition Zposition Zrotation Xrotation Yrotation`, other joints
 *   `Zrotation Xrotation Yrotation` (the mocap convention: R = Rz * Rx * Ry, degrees). Root
 *   positions are absolute (rest position + root translation), as Blender's importer reads them.
 * - Frame Time: exactly 1/fps written with 10 decimals (23.976 fps -> 0.0417083333 = 1001/24000);
 *   the reader snaps it back to the standard rational.
 * - Leaf joints get an End Site half as long as the bone that leads to them.
 */

export class BvhError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BvhError';
  }
}

export const BVH_ROTATION_ORDER: EulerOrder = 'ZXY';

export interface BvhWriteOptions {
  readonly fps: FrameRate;
  /** Inclusive frames of the motion to sample; default 0 to the last key (at least one frame). */
  readonly frameRange?: { readonly startFrame: number; readonly endFrame: number };
  /** BVH units per character-space pixel (default 1). */
  readonly unitsPerPx?: number;
}

/** BVH joint names cannot contain whitespace or braces. */
function bvhName(name: string): string {
  const cleaned = name.trim().replace(/[\s{}]+/g, '_');
  return cleaned === '' ? 'joint' : cleaned;
}

const fmt = (v: number) => {
  const rounded = Math.abs(v) < 5e-7 ? 0 : v;
  return rounded.toFixed(6);
};

/** Shifts `deg` by whole turns to lie within 180 degrees of `previous` (smooth curves in editors). */
function unwrap(deg: number, previous: number | undefined): number {
  if (previous === undefined) return deg;
  return deg - 360 * Math.round((deg - previous) / 360);
}

export function writeBvh(skeleton: Skeleton, motion: Motion, options: BvhWriteOptions): string {
  const unitsPerPx = options.unitsPerPx ?? 1;
  const range = options.frameRange ?? { startFrame: 0, endFrame: lastKeyedFrame(motion) };
  if (range.endFrame < range.startFrame) {
    throw new BvhError(`BVH frame range ends (${range.endFrame}) before it starts (${range.startFrame})`);
  }
  const joints = skeleton.joints;
  const root = joints.find((j) => j.parentId === null);
  if (!root) throw new BvhError('BVH export: the skeleton has no root joint');
  const byId = new Map(joints.map((j) => [j.id, j]));
  const children = new Map<JointId, JointId[]>();
  for (const joint of joints) {
    if (joint.parentId !== null)
      children.set(joint.parentId, [...(children.get(joint.parentId) ?? []), joint.id]);
  }
  const names = new Set<string>();
  const nameOf = new Map<JointId, string>();
  for (const joint of joints) {
    let name = bvhName(joint.name);
    for (let n = 2; names.has(name); n++) name = `${bvhName(joint.name)}_${n}`;
    names.add(name);
    nameOf.set(joint.id, name);
  }

  const lines: string[] = ['HIERARCHY'];
  // Depth-first order: the order of the MOTION columns.
  const channelOrder: JointId[] = [];
  const vec = (v: Vec3) => v.map((c) => fmt(c * unitsPerPx)).join(' ');
  const writeJoint = (id: JointId, depth: number) => {
    const joint = byId.get(id)!;
    const pad = '  '.repeat(depth);
    const parent = joint.parentId === null ? undefined : byId.get(joint.parentId);
    const offset: Vec3 = parent
      ? [
          joint.restPosition[0] - parent.restPosition[0],
          joint.restPosition[1] - parent.restPosition[1],
          joint.restPosition[2] - parent.restPosition[2],
        ]
      : joint.restPosition;
    lines.push(`${pad}${parent ? 'JOINT' : 'ROOT'} ${nameOf.get(id)}`, `${pad}{`);
    lines.push(`${pad}  OFFSET ${vec(offset)}`);
    lines.push(
      parent
        ? `${pad}  CHANNELS 3 Zrotation Xrotation Yrotation`
        : `${pad}  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation`,
    );
    channelOrder.push(id);
    const kids = children.get(id) ?? [];
    if (kids.length === 0) {
      const length = Math.hypot(...offset);
      const end: Vec3 = parent && length > 0 ? [offset[0] / 2, offset[1] / 2, offset[2] / 2] : [0, 10, 0];
      lines.push(`${pad}  End Site`, `${pad}  {`, `${pad}    OFFSET ${vec(end)}`, `${pad}  }`);
    }
    for (const kid of kids) writeJoint(kid, depth + 1);
    lines.push(`${pad}}`);
  };
  writeJoint(root.id, 0);

  const frameCount = range.endFrame - range.startFrame + 1;
  lines.push('MOTION', `Frames: ${frameCount}`, `Frame Time: ${frameDurationSec(options.fps).toFixed(10)}`);
  const previous = new Map<JointId, Vec3>();
  for (let f = range.startFrame; f <= range.endFrame; f++) {
    const pose = evaluateMotion(motion, f);
    const values: string[] = [];
    for (const id of channelOrder) {
      if (id === root.id) {
        const t = pose.rootTranslation;
        values.push(
          vec([root.restPosition[0] + t[0], root.restPosition[1] + t[1], root.restPosition[2] + t[2]]),
        );
      }
      const q = pose.rotations[id] ?? ([0, 0, 0, 1] as Quat);
      const raw = quatToEulerDeg(q, BVH_ROTATION_ORDER);
      const before = previous.get(id);
      const deg: Vec3 = [
        unwrap(raw[0], before?.[0]),
        unwrap(raw[1], before?.[1]),
        unwrap(raw[2], before?.[2]),
      ];
      previous.set(id, deg);
      values.push(`${fmt(deg[2])} ${fmt(deg[0])} ${fmt(deg[1])}`);
    }
    lines.push(values.join(' '));
  }
  return `${lines.join('\n')}\n`;
}

export interface BvhReadOptions {
  /** BVH units per character-space pixel the file was written with (default 1). */
  readonly unitsPerPx?: number;
}

export interface BvhDocument {
  /** Joints named and identified by their BVH names, rest positions from the OFFSETs. */
  readonly skeleton: Skeleton;
  /** One linear key per frame per joint (frame 0 = the file's first frame). */
  readonly motion: Motion;
  readonly fps: FrameRate;
  readonly frameCount: number;
  /** Things in the file the model cannot represent (e.g. translation channels on non-root joints). */
  readonly warnings: readonly string[];
}

/** 1/frameTime as a rational: a standard rate when it matches to 1e-6 s, else to the microsecond. */
export function frameRateFromFrameTime(frameTimeSec: number): FrameRate {
  if (!(frameTimeSec > 0)) throw new BvhError(`BVH Frame Time must be positive, got ${frameTimeSec}`);
  for (const rate of Object.values(STANDARD_FRAME_RATES)) {
    if (Math.abs(frameDurationSec(rate) - frameTimeSec) < 1e-6) return rate;
  }
  const perSec = 1 / frameTimeSec;
  if (Math.abs(perSec - Math.round(perSec)) < 1e-4) return frameRate(Math.round(perSec));
  return frameRate(Math.round(perSec * 1000), 1000);
}

interface ParsedJoint {
  name: string;
  parent: number | null;
  offset: Vec3;
  channels: string[];
}

const ROTATION_CHANNELS = ['Xrotation', 'Yrotation', 'Zrotation'];
const POSITION_CHANNELS = ['Xposition', 'Yposition', 'Zposition'];

export function readBvh(text: string, options: BvhReadOptions = {}): BvhDocument {
  const unitsPerPx = options.unitsPerPx ?? 1;
  const tokens: { text: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    for (const token of lineText.trim().split(/\s+/))
      if (token !== '') tokens.push({ text: token, line: index + 1 });
  });
  let pos = 0;
  const peek = () => tokens[pos]?.text;
  const where = () => (tokens[pos] ? `line ${tokens[pos]!.line}` : 'end of file');
  const next = (): string => {
    const token = tokens[pos++];
    if (!token) throw new BvhError('BVH: unexpected end of file');
    return token.text;
  };
  const expect = (word: string) => {
    const at = where();
    const got = next();
    if (got.toUpperCase() !== word.toUpperCase())
      throw new BvhError(`BVH: expected "${word}", found "${got}" (${at})`);
  };
  const number = (): number => {
    const at = where();
    const got = next();
    const value = Number(got);
    if (!Number.isFinite(value)) throw new BvhError(`BVH: expected a number, found "${got}" (${at})`);
    return value;
  };

  expect('HIERARCHY');
  const joints: ParsedJoint[] = [];
  const readJoint = (parent: number | null) => {
    const name = next();
    expect('{');
    expect('OFFSET');
    const offset: Vec3 = [number() / unitsPerPx, number() / unitsPerPx, number() / unitsPerPx];
    const channels: string[] = [];
    if (peek()?.toUpperCase() === 'CHANNELS') {
      next();
      const count = number();
      for (let i = 0; i < count; i++) {
        const at = where();
        const channel = next();
        if (!ROTATION_CHANNELS.includes(channel) && !POSITION_CHANNELS.includes(channel)) {
          throw new BvhError(`BVH: unknown channel "${channel}" (${at})`);
        }
        channels.push(channel);
      }
    }
    const index = joints.length;
    joints.push({ name, parent, offset, channels });
    for (;;) {
      const word = peek();
      if (word === '}') {
        next();
        return;
      }
      if (word?.toUpperCase() === 'JOINT') {
        next();
        readJoint(index);
      } else if (word?.toUpperCase() === 'END') {
        next();
        expect('Site');
        expect('{');
        expect('OFFSET');
        number();
        number();
        number();
        expect('}');
      } else {
        throw new BvhError(
          `BVH: expected JOINT, End Site or "}", found "${word ?? 'end of file'}" (${where()})`,
        );
      }
    }
  };
  expect('ROOT');
  readJoint(null);
  if (peek()?.toUpperCase() === 'ROOT') throw new BvhError('BVH: several ROOTs are not supported');

  expect('MOTION');
  expect('Frames:');
  const frameCount = number();
  if (!Number.isInteger(frameCount) || frameCount < 0)
    throw new BvhError(`BVH: bad frame count ${frameCount}`);
  expect('Frame');
  expect('Time:');
  const fps = frameRateFromFrameTime(number());

  const names = new Set<string>();
  for (const joint of joints) {
    if (names.has(joint.name)) throw new BvhError(`BVH: joint name "${joint.name}" appears twice`);
    names.add(joint.name);
  }
  const restPositions: Vec3[] = [];
  for (const joint of joints) {
    const parentRest = joint.parent === null ? ([0, 0, 0] as Vec3) : restPositions[joint.parent]!;
    restPositions.push([
      parentRest[0] + joint.offset[0],
      parentRest[1] + joint.offset[1],
      parentRest[2] + joint.offset[2],
    ]);
  }
  const skeleton: Skeleton = {
    joints: joints.map((joint, i) => ({
      id: jointId(joint.name),
      name: joint.name,
      parentId: joint.parent === null ? null : jointId(joints[joint.parent]!.name),
      restPosition: restPositions[i]!,
    })),
  };

  const warnings: string[] = [];
  const rotationTracks: Keyframe<Quat>[][] = joints.map(() => []);
  const rootTrack: Keyframe<Vec3>[] = [];
  const orders = joints.map((joint) => {
    const letters = joint.channels.filter((c) => ROTATION_CHANNELS.includes(c)).map((c) => c[0]);
    if (letters.length !== 0 && letters.length !== 3) {
      throw new BvhError(
        `BVH: joint "${joint.name}" has ${letters.length} rotation channels; 0 or 3 are supported`,
      );
    }
    if (joint.parent !== null && joint.channels.some((c) => POSITION_CHANNELS.includes(c))) {
      warnings.push(`joint "${joint.name}" has position channels; only the root's translation is kept`);
    }
    return letters.length === 3 ? (letters.join('') as EulerOrder) : null;
  });
  for (let frame = 0; frame < frameCount; frame++) {
    joints.forEach((joint, j) => {
      const deg = [0, 0, 0];
      const position = [0, 0, 0];
      for (const channel of joint.channels) {
        const value = number();
        const axis = channel.charCodeAt(0) - 88; // 'X' = 88
        if (channel.endsWith('rotation')) deg[axis] = value;
        else position[axis] = value / unitsPerPx;
      }
      const order = orders[j];
      if (order) {
        rotationTracks[j]!.push({
          frame,
          value: quatFromEulerDeg([deg[0]!, deg[1]!, deg[2]!], order),
          interpolation: 'linear',
        });
      }
      if (joint.parent === null && joint.channels.some((c) => POSITION_CHANNELS.includes(c))) {
        // Root positions are absolute; the model stores the translation from the rest position.
        const rest = restPositions[j]!;
        rootTrack.push({
          frame,
          value: [position[0]! - rest[0], position[1]! - rest[1], position[2]! - rest[2]],
          interpolation: 'linear',
        });
      }
    });
  }
  if (pos < tokens.length) warnings.push(`ignored ${tokens.length - pos} values after the last frame`);

  const rotations: Record<string, Track<Quat>> = {};
  joints.forEach((joint, j) => {
    if (rotationTracks[j]!.length > 0) rotations[joint.name] = rotationTracks[j]!;
  });
  return { skeleton, motion: { rotations, rootTranslation: rootTrack }, fps, frameCount, warnings };
}
