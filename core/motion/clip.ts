import { quatSlerp } from '../math/quat.js';
import type { Quat } from '../math/types.js';

/**
 * A sampled clip: one pose per frame, packed in typed arrays, for motion that arrives dense
 * (mocap, the motion library) and is edited as a whole before it becomes keys: trim, loop,
 * resample, blend at a seam (this file), retarget (retarget/), reduce to keys (keyReduction.ts).
 * A 10-minute 120 fps clip of 30 joints is 72 000 poses: typed arrays keep that to ~35 MB.
 *
 * Rotations are local, relative to each joint's rest frame (the Motion convention), [x, y, z, w]
 * at `rotations[(frame * jointIds.length + joint) * 4]`, and kept in one hemisphere from frame to
 * frame (q and -q are the same rotation; continuity makes linear blends and key reduction safe).
 * `rootTranslation` is the root's offset from its rest position per frame (character px).
 */
export interface PoseClip {
  readonly jointIds: readonly string[];
  readonly frameCount: number;
  /** Frames per second (1/frame time); may be fractional (29.97). */
  readonly fps: number;
  readonly rotations: Float32Array;
  readonly rootTranslation: Float64Array;
}

export class ClipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClipError';
  }
}

export function createClip(jointIds: readonly string[], frameCount: number, fps: number): PoseClip {
  if (!(fps > 0)) throw new ClipError(`a clip needs a positive frame rate, got ${fps}`);
  const rotations = new Float32Array(frameCount * jointIds.length * 4);
  for (let i = 3; i < rotations.length; i += 4) rotations[i] = 1;
  return { jointIds, frameCount, fps, rotations, rootTranslation: new Float64Array(frameCount * 3) };
}

export function clipRotation(clip: PoseClip, frame: number, joint: number): Quat {
  const o = (frame * clip.jointIds.length + joint) * 4;
  const r = clip.rotations;
  return [r[o]!, r[o + 1]!, r[o + 2]!, r[o + 3]!];
}

export function setClipRotation(clip: PoseClip, frame: number, joint: number, q: Quat): void {
  const o = (frame * clip.jointIds.length + joint) * 4;
  clip.rotations[o] = q[0];
  clip.rotations[o + 1] = q[1];
  clip.rotations[o + 2] = q[2];
  clip.rotations[o + 3] = q[3];
}

/** Flips each frame's quaternions into the hemisphere of the frame before (see PoseClip). */
export function makeContinuous(clip: PoseClip): void {
  const stride = clip.jointIds.length * 4;
  const r = clip.rotations;
  for (let f = 1; f < clip.frameCount; f++) {
    for (let o = f * stride, end = o + stride; o < end; o += 4) {
      const p = o - stride;
      if (r[o]! * r[p]! + r[o + 1]! * r[p + 1]! + r[o + 2]! * r[p + 2]! + r[o + 3]! * r[p + 3]! < 0) {
        r[o] = -r[o]!;
        r[o + 1] = -r[o + 1]!;
        r[o + 2] = -r[o + 2]!;
        r[o + 3] = -r[o + 3]!;
      }
    }
  }
}

/** Frames `startFrame` to `endFrame` inclusive, as a new clip. */
export function trimClip(clip: PoseClip, startFrame: number, endFrame: number): PoseClip {
  const start = Math.max(0, Math.round(startFrame));
  const end = Math.min(clip.frameCount - 1, Math.round(endFrame));
  if (end < start) {
    throw new ClipError(`cannot trim frames ${startFrame}-${endFrame} of a ${clip.frameCount}-frame clip`);
  }
  const stride = clip.jointIds.length * 4;
  return {
    jointIds: clip.jointIds,
    frameCount: end - start + 1,
    fps: clip.fps,
    rotations: clip.rotations.slice(start * stride, (end + 1) * stride),
    rootTranslation: clip.rootTranslation.slice(start * 3, (end + 1) * 3),
  };
}

/** One pose of the clip at a fractional frame: slerp between neighbours (clamped at the ends). */
function sampleInto(clip: PoseClip, frame: number, out: PoseClip, outFrame: number): void {
  const last = clip.frameCount - 1;
  const f = Math.min(last, Math.max(0, frame));
  const a = Math.floor(f);
  const b = Math.min(last, a + 1);
  const t = f - a;
  const n = clip.jointIds.length;
  for (let j = 0; j < n; j++) {
    const q =
      t === 0 ? clipRotation(clip, a, j) : quatSlerp(clipRotation(clip, a, j), clipRotation(clip, b, j), t);
    setClipRotation(out, outFrame, j, q);
  }
  for (let c = 0; c < 3; c++) {
    const va = clip.rootTranslation[a * 3 + c]!;
    const vb = clip.rootTranslation[b * 3 + c]!;
    out.rootTranslation[outFrame * 3 + c] = va + (vb - va) * t;
  }
}

/**
 * The clip at another frame rate, same duration: each new frame is the slerp (rotations) and lerp
 * (root) of the two source frames around its time. The last frame lands on the source's last.
 */
export function resampleClip(clip: PoseClip, fps: number): PoseClip {
  if (!(fps > 0)) throw new ClipError(`cannot resample to ${fps} fps`);
  if (Math.abs(fps - clip.fps) < 1e-9) return clip;
  const durationSec = (clip.frameCount - 1) / clip.fps;
  const frameCount = Math.max(1, Math.round(durationSec * fps) + 1);
  const out = createClip(clip.jointIds, frameCount, fps);
  for (let f = 0; f < frameCount; f++) sampleInto(clip, (f / fps) * clip.fps, out, f);
  makeContinuous(out);
  return out;
}

/** Smooth 0..1 weight (zero slope at both ends), so a blend starts and ends without a kink. */
export function smoothstep(t: number): number {
  const u = Math.min(1, Math.max(0, t));
  return u * u * (3 - 2 * u);
}

/**
 * Makes a clip loop seamlessly. A loop plays frame 0 again after its last frame, so the last poses
 * must lead into the first: the first `blendFrames` frames are cut off and the last `blendFrames`
 * frames ease into them (slerp, smoothstep weights), so the new last frame flows into the new
 * first frame (the old frame `blendFrames`). The root keeps its travel (a walk still walks: the
 * eased-into frames are moved forward by one cycle's travel). The result is `blendFrames` shorter.
 */
export function makeLoopable(clip: PoseClip, blendFrames: number): PoseClip {
  const n = clip.frameCount;
  const blend = Math.min(Math.max(0, Math.round(blendFrames)), Math.floor(n / 2));
  if (blend === 0) return clip;
  const out = trimClip(clip, blend, n - 1);
  const joints = clip.jointIds.length;
  // One cycle's travel: where the end frames must be for the start frames to follow them.
  const travel = [0, 1, 2].map((c) => clip.rootTranslation[(n - blend) * 3 + c]! - clip.rootTranslation[c]!);
  for (let i = 0; i < blend; i++) {
    const source = n - blend + i;
    const at = source - blend;
    const w = smoothstep((i + 1) / (blend + 1));
    for (let j = 0; j < joints; j++) {
      setClipRotation(out, at, j, quatSlerp(clipRotation(clip, source, j), clipRotation(clip, i, j), w));
    }
    for (let c = 0; c < 3; c++) {
      const here = clip.rootTranslation[source * 3 + c]!;
      const wanted = clip.rootTranslation[i * 3 + c]! + travel[c]!;
      out.rootTranslation[at * 3 + c] = here + (wanted - here) * w;
    }
  }
  makeContinuous(out);
  return out;
}

/**
 * A looping clip (frame 0 follows its last frame) played `times` times in a row; each cycle
 * continues the root's travel from where the previous one ended, so a walk keeps walking. The
 * travel per cycle is the drift from the first to the last frame plus the last frame's step.
 */
export function repeatClip(clip: PoseClip, times: number): PoseClip {
  const count = Math.max(1, Math.round(times));
  const n = clip.frameCount;
  if (count === 1 || n < 2) return clip;
  const out = createClip(clip.jointIds, n * count, clip.fps);
  const stride = clip.jointIds.length * 4;
  const root = clip.rootTranslation;
  const travel = [0, 1, 2].map(
    (c) => root[(n - 1) * 3 + c]! - root[c]! + (root[(n - 1) * 3 + c]! - root[(n - 2) * 3 + c]!),
  );
  for (let cycle = 0; cycle < count; cycle++) {
    out.rotations.set(clip.rotations, cycle * n * stride);
    for (let f = 0; f < n; f++) {
      for (let c = 0; c < 3; c++)
        out.rootTranslation[(cycle * n + f) * 3 + c] = root[f * 3 + c]! + travel[c]! * cycle;
    }
  }
  makeContinuous(out);
  return out;
}

/**
 * Clip `b` after clip `a`, blended at the seam: `seamFrames` frames where a's last poses cross-fade
 * into b's first (slerp, smoothstep weights), so the result is a.frameCount + b.frameCount -
 * seamFrames long. b's root is moved so it continues from where a's ends. Both clips must animate
 * the same joints at the same frame rate.
 */
export function blendClips(a: PoseClip, b: PoseClip, seamFrames: number): PoseClip {
  if (a.jointIds.join('\u0000') !== b.jointIds.join('\u0000')) {
    throw new ClipError('the two clips animate different joints; retarget them onto one skeleton first');
  }
  if (Math.abs(a.fps - b.fps) > 1e-6) {
    throw new ClipError(`the clips run at ${a.fps} and ${b.fps} fps; resample one first`);
  }
  const seam = Math.min(Math.max(0, Math.round(seamFrames)), a.frameCount, b.frameCount);
  const total = a.frameCount + b.frameCount - seam;
  const out = createClip(a.jointIds, total, a.fps);
  const joints = a.jointIds.length;
  const seamStart = a.frameCount - seam;
  // b's root, shifted so its first seam frame sits where a's seam starts.
  const shift = [0, 1, 2].map((c) => a.rootTranslation[seamStart * 3 + c]! - b.rootTranslation[c]!);
  // Vertical offset is kept: both clips stand on the same floor.
  shift[1] = 0;
  for (let f = 0; f < total; f++) {
    const inA = f < a.frameCount;
    const bf = f - seamStart;
    const inB = bf >= 0;
    const w = inA && inB ? smoothstep((bf + 1) / (seam + 1)) : inB ? 1 : 0;
    for (let j = 0; j < joints; j++) {
      const qa = inA ? clipRotation(a, f, j) : null;
      const qb = inB ? clipRotation(b, bf, j) : null;
      setClipRotation(out, f, j, qa && qb ? quatSlerp(qa, qb, w) : (qa ?? qb)!);
    }
    for (let c = 0; c < 3; c++) {
      const va = inA ? a.rootTranslation[f * 3 + c]! : 0;
      const vb = inB ? b.rootTranslation[bf * 3 + c]! + shift[c]! : 0;
      out.rootTranslation[f * 3 + c] = inA && inB ? va + (vb - va) * w : inA ? va : vb;
    }
  }
  makeContinuous(out);
  return out;
}

/** One frame of a clip as a Pose (rotations by joint id, root translation). */
export function clipPose(
  clip: PoseClip,
  frame: number,
): { rotations: Record<string, Quat>; rootTranslation: [number, number, number] } {
  const rotations: Record<string, Quat> = {};
  clip.jointIds.forEach((id, j) => {
    rotations[id] = clipRotation(clip, frame, j);
  });
  const t = clip.rootTranslation;
  return { rotations, rootTranslation: [t[frame * 3]!, t[frame * 3 + 1]!, t[frame * 3 + 2]!] };
}
