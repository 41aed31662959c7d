import { z } from 'zod';
import { jointId } from '../ids.js';
import type { Quat, Vec3 } from '../math/types.js';
import { evaluateCharacterPose } from '../motion/characterPose.js';
import { createClip, makeContinuous, setClipRotation } from '../motion/clip.js';
import { lastKeyedFrame } from '../motion/edit.js';
import type { SourceMotion } from '../motion/importMotion.js';
import type { Motion } from '../motion/types.js';
import type { Skeleton } from '../skeleton/types.js';

/**
 * Motion as data: a JSON pose sequence, one pose per frame, in the terms the project stores
 * (docs/motion-json.md): each joint's local rotation as a quaternion [x, y, z, w] relative to its
 * rest frame, and the root's translation from its rest position in character-space pixels. Scripts
 * and other tools write these to drive Keypose (`keypose motion import`), and read what
 * `keypose motion export` writes.
 */

export const POSE_SEQUENCE_FORMAT = 'keypose-pose-sequence';
export const POSE_SEQUENCE_VERSION = 1;

const finite = z.number().finite();
const vec3 = z.tuple([finite, finite, finite]);
const quat = z
  .tuple([finite, finite, finite, finite])
  .refine((q) => Math.hypot(...q) > 1e-9, 'a rotation quaternion cannot be all zeros');

export const poseSequenceSchema = z.object({
  format: z.literal(POSE_SEQUENCE_FORMAT, {
    error: () => `not a pose sequence: "format" must be "${POSE_SEQUENCE_FORMAT}"`,
  }),
  version: z.literal(POSE_SEQUENCE_VERSION, {
    error: (issue) =>
      `pose sequence version ${JSON.stringify(issue.input)} is not supported (this Keypose reads version ${POSE_SEQUENCE_VERSION})`,
  }),
  fps: z.number().positive().max(1000),
  /** Project frame of the first pose (informational; importing places it where asked). */
  startFrame: z.number().int().min(0).default(0),
  /**
   * The skeleton the poses are for. Without it, joint names must be the character's joint ids and
   * the poses are taken as they are (no retargeting).
   */
  skeleton: z
    .object({
      joints: z
        .array(
          z.object({
            id: z.string().min(1),
            name: z.string().min(1).optional(),
            parent: z.string().min(1).nullable(),
            restPosition: vec3,
          }),
        )
        .min(1),
    })
    .optional(),
  frames: z
    .array(
      z.object({
        rotations: z.record(z.string(), quat),
        rootTranslation: vec3.default([0, 0, 0]),
      }),
    )
    .min(1, 'a pose sequence needs at least one frame'),
});

export type PoseSequence = z.output<typeof poseSequenceSchema>;

export interface PoseSequenceWriteOptions {
  readonly fps: number;
  /** Inclusive frames; default 0 to the last key. */
  readonly frameRange?: { readonly startFrame: number; readonly endFrame: number };
}

/** A character's motion as a pose sequence: every joint, every frame (layers and IK evaluated). */
export function writePoseSequence(
  skeleton: Skeleton,
  motion: Motion,
  options: PoseSequenceWriteOptions,
): PoseSequence {
  const range = options.frameRange ?? { startFrame: 0, endFrame: lastKeyedFrame(motion) };
  if (range.endFrame < range.startFrame) {
    throw new RangeError(`the frame range ends (${range.endFrame}) before it starts (${range.startFrame})`);
  }
  const round = (v: number) => Math.round(v * 1e7) / 1e7;
  const frames: PoseSequence['frames'] = [];
  for (let f = range.startFrame; f <= range.endFrame; f++) {
    const pose = evaluateCharacterPose(skeleton, motion, f);
    const rotations: Record<string, [number, number, number, number]> = {};
    for (const joint of skeleton.joints) {
      const q = pose.rotations[joint.id] ?? [0, 0, 0, 1];
      rotations[joint.id] = [round(q[0]), round(q[1]), round(q[2]), round(q[3])];
    }
    const t = pose.rootTranslation;
    frames.push({ rotations, rootTranslation: [round(t[0]), round(t[1]), round(t[2])] });
  }
  return {
    format: POSE_SEQUENCE_FORMAT,
    version: POSE_SEQUENCE_VERSION,
    fps: options.fps,
    startFrame: range.startFrame,
    skeleton: {
      joints: skeleton.joints.map((j) => ({
        id: j.id,
        name: j.name,
        parent: j.parentId,
        restPosition: [...j.restPosition] as [number, number, number],
      })),
    },
    frames,
  };
}

export class PoseSequenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoseSequenceError';
  }
}

/**
 * A pose sequence (JSON text) as a clip to import. Without a skeleton in the file, `fallback`
 * (the character's) is the source skeleton, so the poses apply as they are.
 */
export function readPoseSequence(
  text: string,
  name: string,
  fallback: Skeleton,
): SourceMotion & { readonly fps: number } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PoseSequenceError(
      `${name} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = poseSequenceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PoseSequenceError(
      `${name}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
    );
  }
  const seq = parsed.data;
  let skeleton: Skeleton = fallback;
  if (seq.skeleton) {
    const ids = new Set(seq.skeleton.joints.map((j) => j.id));
    const roots = seq.skeleton.joints.filter((j) => j.parent === null);
    if (roots.length !== 1)
      throw new PoseSequenceError(
        `${name}: the skeleton needs exactly one root joint, found ${roots.length}`,
      );
    const seen = new Set<string>();
    for (const joint of seq.skeleton.joints) {
      if (joint.parent !== null && !ids.has(joint.parent)) {
        throw new PoseSequenceError(`${name}: joint "${joint.id}" has an unknown parent "${joint.parent}"`);
      }
      if (joint.parent !== null && !seen.has(joint.parent)) {
        throw new PoseSequenceError(
          `${name}: joint "${joint.id}" comes before its parent "${joint.parent}" (list parents first)`,
        );
      }
      seen.add(joint.id);
    }
    skeleton = {
      joints: seq.skeleton.joints.map((j) => ({
        id: jointId(j.id),
        name: j.name ?? j.id,
        parentId: j.parent === null ? null : jointId(j.parent),
        restPosition: j.restPosition as Vec3,
      })),
    };
  }
  const jointIds = skeleton.joints.map((j) => j.id as string);
  const known = new Set(jointIds);
  const warnings: string[] = [];
  const unknown = new Set<string>();
  const clip = createClip(jointIds, seq.frames.length, seq.fps);
  seq.frames.forEach((frame, f) => {
    for (const [id, q] of Object.entries(frame.rotations)) {
      if (!known.has(id)) {
        unknown.add(id);
        continue;
      }
      const len = Math.hypot(...q);
      setClipRotation(clip, f, jointIds.indexOf(id), [
        q[0] / len,
        q[1] / len,
        q[2] / len,
        q[3] / len,
      ] as Quat);
    }
    clip.rootTranslation.set(frame.rootTranslation, f * 3);
  });
  makeContinuous(clip);
  if (unknown.size > 0)
    warnings.push(
      `ignored rotations of joints the skeleton does not have: ${[...unknown].slice(0, 6).join(', ')}`,
    );
  return { name, skeleton, endSites: {}, clip, warnings, fps: seq.fps };
}
