import type { BvhClip } from '../io/bvhRead.js';
import type { Quat, Vec3 } from '../math/types.js';
import type { FootContacts } from '../retarget/contacts.js';
import { autoMapJoints, type JointMapping } from '../retarget/mapping.js';
import { type RootMotion, retargetClip } from '../retarget/retarget.js';
import { buildRig, type Rig } from '../retarget/rig.js';
import type { Skeleton } from '../skeleton/types.js';
import { evaluateCharacterPose } from './characterPose.js';
import {
  blendClips,
  createClip,
  makeLoopable,
  type PoseClip,
  repeatClip,
  resampleClip,
  setClipRotation,
  trimClip,
} from './clip.js';
import { deleteKey } from './edit.js';
import { clipToTracks, DEFAULT_REDUCTION, type ReductionTolerance } from './keyReduction.js';
import { rootKeysOverLayers, rotationKeysOverLayers } from './layers.js';
import type { Keyframe, Motion, MotionLayer, Track } from './types.js';

/**
 * Motion in: a clip read from a file (a BVH, a JSON pose sequence, a library motion) put onto a
 * character, as editable keys or as a clip layer (docs/motion.md). The steps, in order: trim (in
 * source frames), resample to the project's frame rate (slerp), retarget onto the character
 * (retarget/), loop and repeat, place at a frame (continuing from where the character stands),
 * blend into what is there over a seam, then reduce to keys within a tolerance.
 */

/** A clip read from a file, with the skeleton it was captured on. */
export type SourceMotion = Pick<BvhClip, 'skeleton' | 'endSites' | 'clip' | 'warnings'> & {
  /** Shown in the timeline and the import panel ("walk.bvh"). */
  readonly name: string;
};

export interface PreparedImport {
  readonly source: SourceMotion;
  readonly sourceRig: Rig;
  readonly targetRig: Rig;
  /** The automatic mapping (the mapping panel starts from it). */
  readonly mapping: JointMapping;
}

export function prepareImport(source: SourceMotion, target: Skeleton): PreparedImport {
  if (source.clip.frameCount === 0) throw new Error(`${source.name} has no frames`);
  const sourceRig = buildRig({ skeleton: source.skeleton, endSites: source.endSites });
  // Character space is +Y up whatever the skeleton (math/types.ts).
  const targetRig = buildRig({ skeleton: target, up: [0, 1, 0] });
  return { source, sourceRig, targetRig, mapping: autoMapJoints(sourceRig, targetRig) };
}

export interface ImportOptions {
  /** Target -> source joints; default the automatic mapping. */
  readonly mapping?: JointMapping;
  /** Source frames to keep, inclusive. */
  readonly trim?: { readonly start: number; readonly end: number };
  /** The project's frame rate. */
  readonly fps: number;
  readonly rootMotion?: RootMotion;
  /** Hold feet where the source's feet are planted (default true). */
  readonly fixFeet?: boolean;
  /** Make the clip loop seamlessly, easing its end into its start over this many frames (0: it already loops). */
  readonly loopBlendFrames?: number;
  /** Play the (looping) clip this many times (default 1). */
  readonly repeat?: number;
  /** Project frame where the clip's first frame lands. */
  readonly startFrame: number;
  /** Frames over which the clip blends in from the motion already there (0: cut). */
  readonly blendFrames?: number;
  /** keys: ordinary editable keys (replacing the mapped joints' keys in the clip's frames); layer: a clip layer under the keys. */
  readonly as: 'keys' | 'layer';
  readonly tolerance?: ReductionTolerance;
}

export interface ImportResult {
  readonly motion: Motion;
  /** Frames the clip occupies in the project: [first, last]. */
  readonly frames: readonly [number, number];
  readonly keyCount: number;
  readonly sampleCount: number;
  readonly contacts: readonly FootContacts[];
  readonly warnings: readonly string[];
}

/** The character's current motion sampled over `count` frames from `start` (for blending). */
function sampleMotion(
  skeleton: Skeleton,
  motion: Motion,
  jointIds: readonly string[],
  start: number,
  count: number,
  fps: number,
): PoseClip {
  const clip = createClip(jointIds, count, fps);
  for (let f = 0; f < count; f++) {
    const pose = evaluateCharacterPose(skeleton, motion, start + f);
    jointIds.forEach((id, j) => {
      setClipRotation(clip, f, j, pose.rotations[id] ?? ([0, 0, 0, 1] as Quat));
    });
    clip.rootTranslation.set(pose.rootTranslation, f * 3);
  }
  return clip;
}

/** `track` without keys in [from, to], with `keys` added. */
function replaceRange<T>(
  track: Track<T> | undefined,
  keys: readonly Keyframe<T>[],
  from: number,
  to: number,
): Keyframe<T>[] {
  let out: Track<T> = track ?? [];
  for (const key of out) if (key.frame >= from && key.frame <= to) out = deleteKey(out, key.frame);
  return [...out, ...keys].sort((a, b) => a.frame - b.frame);
}

export function importClip(
  prepared: PreparedImport,
  skeleton: Skeleton,
  current: Motion,
  options: ImportOptions,
): ImportResult {
  const { source, sourceRig, targetRig } = prepared;
  const warnings = [...source.warnings];
  let clip = source.clip;
  if (options.trim) clip = trimClip(clip, options.trim.start, options.trim.end);
  clip = resampleClip(clip, options.fps);
  const retargeted = retargetClip({ rig: sourceRig, clip }, targetRig, {
    mapping: options.mapping ?? prepared.mapping,
    ...(options.rootMotion ? { rootMotion: options.rootMotion } : {}),
    ...(options.fixFeet !== undefined ? { fixFeet: options.fixFeet } : {}),
  });
  warnings.push(...retargeted.warnings);
  let out = retargeted.clip;
  if ((options.loopBlendFrames ?? 0) > 0) out = makeLoopable(out, options.loopBlendFrames!);
  if ((options.repeat ?? 1) > 1) out = repeatClip(out, options.repeat!);

  const start = Math.max(0, Math.round(options.startFrame));
  // Continue from where the character stands at the start frame (sideways and forward, not up).
  const here = evaluateCharacterPose(skeleton, current, start).rootTranslation;
  const shift: Vec3 = [here[0] - out.rootTranslation[0]!, 0, here[2] - out.rootTranslation[2]!];
  if (options.rootMotion !== 'none') {
    for (let f = 0; f < out.frameCount; f++) {
      out.rootTranslation[f * 3]! += shift[0];
      out.rootTranslation[f * 3 + 2]! += shift[2];
    }
  }
  const blend = Math.min(Math.max(0, Math.round(options.blendFrames ?? 0)), out.frameCount);
  if (blend > 0)
    out = blendClips(sampleMotion(skeleton, current, out.jointIds, start, blend, options.fps), out, blend);

  const tolerance = options.tolerance ?? DEFAULT_REDUCTION;
  const reduced = clipToTracks(out, tolerance, start);
  const last = start + out.frameCount - 1;
  const mapped = new Set(Object.keys(options.mapping?.pairs ?? prepared.mapping.pairs));
  // Joints the clip animates: the mapped ones and those below them that follow (they turn too).
  const animated = targetRig.ids.filter((id) => reduced.rotations[id] !== undefined || mapped.has(id));
  let motion: Motion;
  if (options.as === 'layer') {
    const rotations: Record<string, Track<Quat>> = {};
    for (const id of animated) if (reduced.rotations[id]) rotations[id] = reduced.rotations[id]!;
    const layer: MotionLayer = {
      id: `layer-${(current.layers?.length ?? 0) + 1}-${source.name.replace(/[^A-Za-z0-9]+/g, '-')}`,
      name: source.name,
      weight: 1,
      rotations,
      rootTranslation: options.rootMotion === 'none' ? [] : reduced.rootTranslation,
    };
    motion = { ...current, layers: [...(current.layers ?? []), layer] };
  } else {
    const rotations: Record<string, Track<Quat>> = { ...current.rotations };
    for (const id of animated) {
      const full = reduced.rotations[id] ?? [
        { frame: start, value: [0, 0, 0, 1] as Quat, interpolation: 'linear' as const },
      ];
      // Over clip layers, a key is the offset from the layers' rotation (layers.ts).
      rotations[id] = replaceRange(rotations[id], rotationKeysOverLayers(current, id, full), start, last);
    }
    const rootTranslation =
      options.rootMotion === 'none'
        ? current.rootTranslation
        : replaceRange(
            current.rootTranslation,
            rootKeysOverLayers(current, reduced.rootTranslation),
            start,
            last,
          );
    motion = { ...current, rotations, rootTranslation };
  }
  return {
    motion,
    frames: [start, last],
    keyCount: reduced.keyCount,
    sampleCount: reduced.sampleCount,
    contacts: retargeted.contacts,
    warnings,
  };
}
