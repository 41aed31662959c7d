import type { JointId } from '../ids.js';
import { type EulerOrder, quatToEulerDeg } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { evaluateCharacterPose } from '../motion/characterPose.js';
import { clipRotation } from '../motion/clip.js';
import { lastKeyedFrame } from '../motion/edit.js';
import type { Keyframe, Motion, Track } from '../motion/types.js';
import type { Skeleton } from '../skeleton/types.js';
import { BvhError, type BvhReadOptions, parseBvh } from './bvhRead.js';
import { type FrameRate, frameDurationSec } from './frameRate.js';

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

export { BvhError, type BvhReadOptions, frameRateFromFrameTime, parseBvh, startBvhRead } from './bvhRead.js';

export const BVH_ROTATION_ORDER: EulerOrder = 'ZXY';

export interface BvhWriteOptions {
  readonly fps: FrameRate;
  /** Inclusive frames of the motion to sample; default 0 to the last key (at least one frame). */
  readonly frameRange?: { readonly startFrame: number; readonly endFrame: number };
  /** BVH units per character-space pixel (default 1). */
  readonly unitsPerPx?: number;
  /** Rest positions of leaf joints' End Sites (character space), e.g. those an imported BVH had. */
  readonly endSites?: Readonly<Record<string, Vec3>>;
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
      const site = options.endSites?.[id];
      const end: Vec3 = site
        ? [site[0] - joint.restPosition[0], site[1] - joint.restPosition[1], site[2] - joint.restPosition[2]]
        : parent && length > 0
          ? [offset[0] / 2, offset[1] / 2, offset[2] / 2]
          : [0, 10, 0];
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
    const pose = evaluateCharacterPose(skeleton, motion, f);
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

/**
 * A BVH file as keys on its own skeleton: one linear key per frame on every joint with rotation
 * channels (and on the root translation when the root has position channels). For files to
 * retarget or reduce, parseBvh (bvhRead.ts) gives the packed clip instead.
 */
export function readBvh(text: string, options: BvhReadOptions = {}): BvhDocument {
  const bvh = parseBvh(text, options);
  const { clip } = bvh;
  const rotations: Record<string, Track<Quat>> = {};
  bvh.skeleton.joints.forEach((joint, j) => {
    if (!(bvh.channels[joint.name] ?? []).some((c) => c.endsWith('rotation'))) return;
    const track: Keyframe<Quat>[] = [];
    for (let frame = 0; frame < clip.frameCount; frame++) {
      track.push({ frame, value: clipRotation(clip, frame, j), interpolation: 'linear' });
    }
    rotations[joint.id] = track;
  });
  const rootTranslation: Keyframe<Vec3>[] = [];
  if (bvh.hasRootTranslation) {
    const t = clip.rootTranslation;
    for (let frame = 0; frame < clip.frameCount; frame++) {
      rootTranslation.push({
        frame,
        value: [t[frame * 3]!, t[frame * 3 + 1]!, t[frame * 3 + 2]!],
        interpolation: 'linear',
      });
    }
  }
  return {
    skeleton: bvh.skeleton,
    motion: { rotations, rootTranslation },
    fps: bvh.fps,
    frameCount: clip.frameCount,
    warnings: bvh.warnings,
  };
}
