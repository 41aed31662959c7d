import { type JointId, jointId } from '../ids.js';
import type { Vec3 } from '../math/types.js';
import { createClip, makeContinuous, type PoseClip } from '../motion/clip.js';
import type { Skeleton } from '../skeleton/types.js';
import { type FrameRate, frameDurationSec, frameRate, STANDARD_FRAME_RATES } from './frameRate.js';

/**
 * The BVH reader: any channel order and rotation order per joint (rotations compose in the order
 * their channels are listed, as three's BVHLoader and Blender read them), any Frame Time, a root
 * with 3 or 6 channels (or position channels only), End Sites, several joints per line or one
 * frame over several lines. Position channels are absolute (they replace the OFFSET), as BVH
 * defines them; on joints other than the root they are ignored (Keypose bones keep their length),
 * with a warning when they actually move the joint.
 *
 * Long files (a 10-minute 120 fps capture is 70 MB of text) are read by a hand-written number
 * scanner into a packed PoseClip (motion/clip.ts), in steps, so a UI can show progress and
 * cancel. Errors are BvhErrors naming the line.
 */

export class BvhError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BvhError';
  }
}

export interface BvhReadOptions {
  /** BVH units per character-space pixel the file was written with (default 1). */
  readonly unitsPerPx?: number;
}

export type BvhChannel = 'Xposition' | 'Yposition' | 'Zposition' | 'Xrotation' | 'Yrotation' | 'Zrotation';

/** A BVH file read into Keypose's terms. */
export interface BvhClip {
  /** Joints named and identified by their BVH names; rest positions from the OFFSETs. */
  readonly skeleton: Skeleton;
  /** Rest position of each End Site, by the id of the joint it ends (bone tips for retargeting). */
  readonly endSites: Readonly<Record<string, Vec3>>;
  /** Each joint's channels as the file lists them (shown by the import panel). */
  readonly channels: Readonly<Record<string, readonly BvhChannel[]>>;
  readonly fps: FrameRate;
  readonly frameTimeSec: number;
  /** Per frame: local rotations relative to rest, root translation from its rest position. */
  readonly clip: PoseClip;
  /** The root has position channels (else the root stays where it rests). */
  readonly hasRootTranslation: boolean;
  /** Things in the file the model cannot represent, said in a sentence each. */
  readonly warnings: readonly string[];
}

interface ParsedJoint {
  name: string;
  parent: number | null;
  offset: Vec3;
  channels: BvhChannel[];
  endSite: Vec3 | null;
}

const CHANNEL_NAMES: Readonly<Record<string, BvhChannel>> = {
  xposition: 'Xposition',
  yposition: 'Yposition',
  zposition: 'Zposition',
  xrotation: 'Xrotation',
  yrotation: 'Yrotation',
  zrotation: 'Zrotation',
};

/** 1/frameTime as a rational: a standard rate when it matches to 1e-6 s, else to the microsecond. */
export function frameRateFromFrameTime(frameTimeSec: number): FrameRate {
  if (!(frameTimeSec > 0)) throw new BvhError(`BVH Frame Time must be positive, got ${frameTimeSec}`);
  for (const rate of Object.values(STANDARD_FRAME_RATES)) {
    if (Math.abs(frameDurationSec(rate) - frameTimeSec) < 1e-6) return rate;
  }
  for (const fps of [48, 72, 90, 96, 100, 120, 144, 180, 240]) {
    if (Math.abs(1 / fps - frameTimeSec) < 1e-6) return frameRate(fps);
  }
  const perSec = 1 / frameTimeSec;
  if (Math.abs(perSec - Math.round(perSec)) < 1e-4) return frameRate(Math.round(perSec));
  return frameRate(Math.round(perSec * 1000), 1000);
}

/** The header (everything before MOTION's numbers), tokenised with line numbers. */
interface Header {
  joints: ParsedJoint[];
  frameCount: number;
  frameTimeSec: number;
  /** Offset in the text where the frame values start, and that offset's line number. */
  dataStart: number;
  dataLine: number;
}

function readHeader(text: string, unitsPerPx: number): Header {
  const motionMatch = /(^|\s)MOTION(\s|$)/i.exec(text);
  const headEnd = motionMatch ? motionMatch.index + motionMatch[0].length : text.length;
  const tokens: { text: string; line: number }[] = [];
  let line = 1;
  const tokenRe = /[^\s]+|\n/g;
  for (let m = tokenRe.exec(text); m !== null && m.index < headEnd; m = tokenRe.exec(text)) {
    if (m[0] === '\n') line++;
    else tokens.push({ text: m[0], line });
  }
  // The MOTION header lines: "Frames: N" and "Frame Time: T" (colon spacing varies by exporter).
  const afterRe = /\s*Frames\s*:\s*([^\s]+)\s+Frame\s+Time\s*:\s*([^\s]+)/iy;
  afterRe.lastIndex = headEnd;
  let pos = 0;
  const where = () =>
    tokens[pos] ? `line ${tokens[pos]!.line}` : motionMatch ? `line ${line}` : 'end of file';
  const peek = () => tokens[pos]?.text;
  const next = (): string => {
    const token = tokens[pos++];
    if (!token)
      throw new BvhError(
        `BVH: unexpected end of the HIERARCHY (${motionMatch ? 'at MOTION' : 'end of file'})`,
      );
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
  const vec = (): Vec3 => [number() / unitsPerPx, number() / unitsPerPx, number() / unitsPerPx];

  expect('HIERARCHY');
  const joints: ParsedJoint[] = [];
  const readJoint = (parent: number | null) => {
    const name = next();
    if (name === '{') throw new BvhError(`BVH: a joint has no name (${where()})`);
    expect('{');
    expect('OFFSET');
    const offset = vec();
    const channels: BvhChannel[] = [];
    if (peek()?.toUpperCase() === 'CHANNELS') {
      next();
      const count = number();
      if (!Number.isInteger(count) || count < 0 || count > 6) {
        throw new BvhError(
          `BVH: joint "${name}" declares ${count} channels; 0 to 6 are possible (${where()})`,
        );
      }
      for (let i = 0; i < count; i++) {
        const at = where();
        const raw = next();
        const channel = CHANNEL_NAMES[raw.toLowerCase()];
        if (!channel) throw new BvhError(`BVH: unknown channel "${raw}" on joint "${name}" (${at})`);
        if (channels.includes(channel))
          throw new BvhError(`BVH: joint "${name}" lists ${channel} twice (${at})`);
        channels.push(channel);
      }
    }
    const index = joints.length;
    const joint: ParsedJoint = { name, parent, offset, channels, endSite: null };
    joints.push(joint);
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
        joint.endSite = vec();
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
  if (peek()?.toUpperCase() === 'ROOT') {
    throw new BvhError(`BVH: a second ROOT (${where()}); Keypose reads one skeleton per file`);
  }
  expect('MOTION');
  const header = afterRe.exec(text);
  if (!header)
    throw new BvhError(`BVH: expected "Frames: N" and "Frame Time: T" after MOTION (line ${line})`);
  const frameCount = Number(header[1]);
  if (!Number.isInteger(frameCount) || frameCount < 0)
    throw new BvhError(`BVH: bad frame count "${header[1]}" (line ${line + 1})`);
  const frameTimeSec = Number(header[2]);
  if (!(frameTimeSec > 0))
    throw new BvhError(
      `BVH: Frame Time must be a positive number of seconds, got "${header[2]}" (line ${line + 2})`,
    );
  const names = new Set<string>();
  for (const joint of joints) {
    if (names.has(joint.name)) throw new BvhError(`BVH: joint name "${joint.name}" appears twice`);
    names.add(joint.name);
  }
  let dataLine = line;
  const dataStart = afterRe.lastIndex;
  for (let i = headEnd; i < dataStart; i++) if (text.charCodeAt(i) === 10) dataLine++;
  return { joints, frameCount, frameTimeSec, dataStart, dataLine };
}

/** A BVH read in steps: `step(n)` reads up to n more frames; `finish()` returns the clip. */
export interface BvhReader {
  readonly frameCount: number;
  readonly framesRead: number;
  readonly jointNames: readonly string[];
  /** Reads up to `maxFrames` more frames; true when every frame has been read. */
  step(maxFrames: number): boolean;
  finish(): BvhClip;
}

const D2H = Math.PI / 360;

export function startBvhRead(text: string, options: BvhReadOptions = {}): BvhReader {
  const unitsPerPx = options.unitsPerPx ?? 1;
  if (!(unitsPerPx > 0)) throw new BvhError(`BVH: unitsPerPx must be positive, got ${unitsPerPx}`);
  const { joints, frameCount, frameTimeSec, dataStart, dataLine } = readHeader(text, unitsPerPx);
  const fps = frameRateFromFrameTime(frameTimeSec);

  const rest: Vec3[] = [];
  for (const joint of joints) {
    const p = joint.parent === null ? ([0, 0, 0] as Vec3) : rest[joint.parent]!;
    rest.push([p[0] + joint.offset[0], p[1] + joint.offset[1], p[2] + joint.offset[2]]);
  }
  const ids = joints.map((j) => jointId(j.name));
  const clip = createClip(ids, frameCount, fps.numerator / fps.denominator);
  const rootHasPosition = joints[0]!.channels.some((c) => c.endsWith('position'));
  // Per channel, what it feeds: 0-2 = position axis, 3-5 = rotation axis.
  const kinds = joints.map((j) =>
    j.channels.map((c) => (c.endsWith('position') ? 0 : 3) + c.charCodeAt(0) - 88),
  );
  const maxMoved = new Float64Array(joints.length);
  const warnings: string[] = [];

  let p = dataStart;
  let line = dataLine;
  /** The line of the last value read (where a short file's data ends). */
  let lastLine = dataLine;
  let frame = 0;
  const len = text.length;

  /** The next number of the frame data (hand-written: Number() on 70 MB of substrings is slow). */
  const nextNumber = (): number => {
    let c = text.charCodeAt(p);
    while (c === 32 || c === 9 || c === 10 || c === 13 || c === 44) {
      if (c === 10) line++;
      c = text.charCodeAt(++p);
    }
    if (p >= len) {
      throw new BvhError(
        `BVH: the file says ${frameCount} frames but the data ends in frame ${frame + 1} (line ${lastLine})`,
      );
    }
    const start = p;
    lastLine = line;
    let sign = 1;
    if (c === 45) {
      sign = -1;
      c = text.charCodeAt(++p);
    } else if (c === 43) c = text.charCodeAt(++p);
    let intPart = 0;
    let digits = 0;
    while (c >= 48 && c <= 57) {
      intPart = intPart * 10 + (c - 48);
      digits++;
      c = text.charCodeAt(++p);
    }
    let frac = 0;
    let scale = 1;
    if (c === 46) {
      c = text.charCodeAt(++p);
      while (c >= 48 && c <= 57) {
        if (scale < 1e17) {
          frac = frac * 10 + (c - 48);
          scale *= 10;
        }
        digits++;
        c = text.charCodeAt(++p);
      }
    }
    let value = sign * (intPart + frac / scale);
    if (c === 101 || c === 69) {
      let q = p + 1;
      let e = text.charCodeAt(q);
      let expSign = 1;
      if (e === 45 || e === 43) {
        expSign = e === 45 ? -1 : 1;
        e = text.charCodeAt(++q);
      }
      let exp = 0;
      let expDigits = 0;
      while (e >= 48 && e <= 57) {
        exp = exp * 10 + (e - 48);
        expDigits++;
        e = text.charCodeAt(++q);
      }
      if (expDigits > 0) {
        value *= 10 ** (expSign * exp);
        p = q;
        c = e;
      }
    }
    const ends = p >= len || c === 32 || c === 9 || c === 10 || c === 13 || c === 44;
    if (digits === 0 || !ends) {
      let end = p;
      while (end < len && !/\s/.test(text[end]!)) end++;
      const token = text.slice(start, end);
      throw new BvhError(`BVH: expected a number in frame ${frame + 1}, found "${token}" (line ${line})`);
    }
    return value;
  };

  const rotations = clip.rotations;
  const translations = clip.rootTranslation;
  const position = [0, 0, 0];
  const reader: BvhReader = {
    frameCount,
    jointNames: joints.map((j) => j.name),
    get framesRead() {
      return frame;
    },
    step(maxFrames) {
      const stop = Math.min(frameCount, frame + Math.max(1, maxFrames));
      for (; frame < stop; frame++) {
        for (let j = 0; j < joints.length; j++) {
          const joint = joints[j]!;
          const jointKinds = kinds[j]!;
          let qx = 0;
          let qy = 0;
          let qz = 0;
          let qw = 1;
          position[0] = joint.offset[0];
          position[1] = joint.offset[1];
          position[2] = joint.offset[2];
          for (let c = 0; c < jointKinds.length; c++) {
            const value = nextNumber();
            const kind = jointKinds[c]!;
            if (kind < 3) {
              position[kind] = value / unitsPerPx;
              continue;
            }
            // q = q * (axis rotation): channels compose left to right (intrinsic order).
            const half = value * D2H;
            const s = Math.sin(half);
            const w = Math.cos(half);
            const bx = kind === 3 ? s : 0;
            const by = kind === 4 ? s : 0;
            const bz = kind === 5 ? s : 0;
            const nx = qw * bx + qx * w + qy * bz - qz * by;
            const ny = qw * by - qx * bz + qy * w + qz * bx;
            const nz = qw * bz + qx * by - qy * bx + qz * w;
            const nw = qw * w - qx * bx - qy * by - qz * bz;
            qx = nx;
            qy = ny;
            qz = nz;
            qw = nw;
          }
          const o = (frame * joints.length + j) * 4;
          rotations[o] = qx;
          rotations[o + 1] = qy;
          rotations[o + 2] = qz;
          rotations[o + 3] = qw;
          if (j === 0) {
            if (rootHasPosition) {
              // Root positions are absolute; the model stores the translation from the rest position.
              translations[frame * 3] = position[0]! - rest[0]![0];
              translations[frame * 3 + 1] = position[1]! - rest[0]![1];
              translations[frame * 3 + 2] = position[2]! - rest[0]![2];
            }
          } else if (jointKinds.some((k) => k < 3)) {
            const moved = Math.hypot(
              position[0]! - joint.offset[0],
              position[1]! - joint.offset[1],
              position[2]! - joint.offset[2],
            );
            if (moved > maxMoved[j]!) maxMoved[j] = moved;
          }
        }
      }
      return frame >= frameCount;
    },
    finish() {
      while (!reader.step(4096));
      let c = text.charCodeAt(p);
      while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(++p);
      if (p < len) warnings.push(`ignored values after frame ${frameCount} (line ${line})`);
      makeContinuous(clip);
      const extent = Math.max(
        1e-9,
        ...rest.map((r) => Math.hypot(r[0] - rest[0]![0], r[1] - rest[0]![1], r[2] - rest[0]![2])),
      );
      joints.forEach((joint, j) => {
        if (maxMoved[j]! > 1e-3 * extent) {
          warnings.push(
            `joint "${joint.name}" has position channels that move it by up to ${maxMoved[j]!.toPrecision(3)} units; Keypose keeps bone lengths, so only its rotation is used`,
          );
        }
      });
      const endSites: Record<string, Vec3> = {};
      const channels: Record<string, BvhChannel[]> = {};
      joints.forEach((joint, j) => {
        channels[joint.name] = joint.channels;
        if (joint.endSite) {
          const r = rest[j]!;
          endSites[joint.name] = [r[0] + joint.endSite[0], r[1] + joint.endSite[1], r[2] + joint.endSite[2]];
        }
      });
      const skeleton: Skeleton = {
        joints: joints.map((joint, i) => ({
          id: ids[i]!,
          name: joint.name,
          parentId: joint.parent === null ? null : (ids[joint.parent] as JointId),
          restPosition: rest[i]!,
        })),
      };
      return {
        skeleton,
        endSites,
        channels,
        fps,
        frameTimeSec,
        clip,
        hasRootTranslation: rootHasPosition,
        warnings,
      };
    },
  };
  return reader;
}

/** Reads a whole BVH file at once. */
export function parseBvh(text: string, options: BvhReadOptions = {}): BvhClip {
  return startBvhRead(text, options).finish();
}
