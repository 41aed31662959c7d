import { z } from 'zod';
import type { AssetId, CharacterId, JointId, ProjectId } from '../ids.js';

/**
 * The project document (a `.keypose` file): plain JSON, validated with zod on every load and on
 * every message that carries it. The art is stored inside the document (base64, keyed by content
 * hash) so a project is one self-contained file that can be moved, mailed and saved atomically.
 *
 * Bump CURRENT_VERSION whenever the shape changes and add a migration in migrations.ts.
 */
export const CURRENT_VERSION = 2;
export const FORMAT_TAG = 'keypose-project';

const finite = z.number().finite();
export const vec3Schema = z.tuple([finite, finite, finite]);
export const quatSchema = z.tuple([finite, finite, finite, finite]);

const jointIdSchema = z
  .string()
  .min(1)
  .transform((s) => s as JointId);
const characterIdSchema = z
  .string()
  .min(1)
  .transform((s) => s as CharacterId);
const assetIdSchema = z
  .string()
  .min(1)
  .transform((s) => s as AssetId);

export const bezierEaseSchema = z.object({ x1: finite, y1: finite, x2: finite, y2: finite });
export const interpolationSchema = z.enum(['step', 'linear', 'bezier']);

const keyframeSchema = <T extends z.ZodType>(value: T) =>
  z.object({
    frame: z.number().int().min(0),
    value,
    interpolation: interpolationSchema,
    ease: bezierEaseSchema.optional(),
  });

export const jointSchema = z.object({
  id: jointIdSchema,
  name: z.string().min(1),
  parentId: jointIdSchema.nullable(),
  restPosition: vec3Schema,
});

export const skeletonSchema = z.object({ joints: z.array(jointSchema).min(1) });

/**
 * A clip layer under the keys (core/motion/types.ts MotionLayer; docs/motion.md "Layers"): an
 * imported mocap or library clip the keys are added on top of. Optional and new: files without
 * it still validate as version 2, so it needs no version bump.
 */
export const motionLayerSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  weight: finite.min(0).max(1),
  muted: z.boolean().optional(),
  rotations: z.record(z.string(), z.array(keyframeSchema(quatSchema))),
  rootTranslation: z.array(keyframeSchema(vec3Schema)),
});

/**
 * An IK limb (core/motion/types.ts IkChannel; docs/motion.md "IK limbs"), keyed by its effector
 * joint: a keyable target, FK/IK blend and pole. Optional and new, no version bump.
 */
export const ikChannelSchema = z.object({
  target: z.array(keyframeSchema(vec3Schema)),
  blend: z.array(keyframeSchema(finite.min(0).max(1))),
  pole: z.array(keyframeSchema(vec3Schema)).optional(),
  chainLength: z.number().int().min(2).max(32).optional(),
});

export const motionSchema = z.object({
  rotations: z.record(z.string(), z.array(keyframeSchema(quatSchema))),
  rootTranslation: z.array(keyframeSchema(vec3Schema)),
  layers: z.array(motionLayerSchema).optional(),
  ik: z.record(z.string(), ikChannelSchema).optional(),
});

export const assetSchema = z.object({
  mime: z.enum(['image/png', 'image/jpeg', 'image/webp']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Base64 of the file's bytes. */
  dataBase64: z.string(),
  /** Where the art was imported from (informational; the data above is authoritative). */
  sourceName: z.string().optional(),
});

/**
 * Where a character stands in the scene: the offset of its picture centre from the output frame's
 * centre in output pixels (x right, y up; z is kept for the 3D view but does not order anything)
 * and a uniform scale.
 *
 * Depth order of a scene: the list order of `characters`, first = furthest back, last = in front
 * (the viewport draws them so, the Characters panel's Forward / Back edit it, and scene frames are
 * composed so: host/render/scene.ts, straight-alpha 'over', back to front). One order, one place
 * to edit it: a z that disagreed with the list could not be fixed from the panel.
 */
export const placementSchema = z.object({
  offset: vec3Schema,
  scale: z.number().positive(),
});

/**
 * Part hints of a layered PSD (its named layers: "left arm", "head"...): which joints may own which
 * pixels; they override the automatic skin weights there (inference/rigging/weights.ts). The map
 * is an 8-bit greyscale PNG asset the art's size: a pixel of value v > 0 belongs to parts[v - 1],
 * 0 = no hint. Optional and new: files without it (every older one) still validate as version 2,
 * so it needs no version bump.
 */
export const partHintsSchema = z.object({
  ownerAssetId: assetIdSchema,
  parts: z
    .array(z.object({ name: z.string(), jointIds: z.array(jointIdSchema).min(1) }))
    .min(1)
    .max(255),
});

/**
 * The project's sound track (dialogue, music) that the animation is timed to: played in sync in
 * the editor and muxed into video exports that carry audio. The file's bytes are stored in the
 * document (base64), like the art, so a project stays one self-contained file.
 * Optional and new: files without it (every older one) still validate as version 2, so it needs no
 * version bump.
 */
export const AUDIO_MIMES = [
  'audio/wav',
  'audio/mpeg',
  'audio/ogg',
  'audio/flac',
  'audio/aac',
  'audio/mp4',
] as const;
export const audioSchema = z.object({
  /** The name of the file it was attached from (shown in the timeline). */
  fileName: z.string().min(1),
  mime: z.enum(AUDIO_MIMES, {
    error: (issue) =>
      `audio type ${JSON.stringify(issue.input)} is not supported (one of ${AUDIO_MIMES.join(', ')})`,
  }),
  /** Base64 of the file's bytes. */
  dataBase64: z.string().min(1),
  /** The project frame at which the sound's first sample plays. */
  startFrame: z.number().int().min(0).default(0),
});

export const characterSchema = z.object({
  id: characterIdSchema,
  name: z.string().min(1),
  /** The character's picture (straight RGBA or opaque). */
  artAssetId: assetIdSchema,
  /** Optional explicit mask (white = figure); otherwise the art's alpha is the mask. */
  maskAssetId: assetIdSchema.optional(),
  partHints: partHintsSchema.optional(),
  skeleton: skeletonSchema,
  motion: motionSchema,
  placement: placementSchema,
});

export const projectDocumentSchema = z
  .object({
    format: z.literal(FORMAT_TAG),
    version: z.literal(CURRENT_VERSION),
    id: z
      .string()
      .min(1)
      .transform((s) => s as ProjectId),
    name: z.string().min(1),
    fps: z.number().positive().max(240),
    /** Length of the animation in frames; frames are numbered 0 .. durationFrames - 1. */
    durationFrames: z.number().int().positive(),
    /** Output size in pixels of a rendered frame. */
    resolution: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
    characters: z.array(characterSchema).min(1),
    assets: z.record(z.string(), assetSchema),
    audio: audioSchema.optional(),
  })
  .superRefine((doc, ctx) => {
    for (const [ci, character] of doc.characters.entries()) {
      if (!(character.artAssetId in doc.assets)) {
        ctx.addIssue({
          code: 'custom',
          path: ['characters', ci, 'artAssetId'],
          message: `art asset "${character.artAssetId}" is not in the project's assets`,
        });
      }
      if (character.partHints && !(character.partHints.ownerAssetId in doc.assets)) {
        ctx.addIssue({
          code: 'custom',
          path: ['characters', ci, 'partHints', 'ownerAssetId'],
          message: `part hint asset "${character.partHints.ownerAssetId}" is not in the project's assets`,
        });
      }
      const ids = new Set(character.skeleton.joints.map((j) => j.id as string));
      const roots = character.skeleton.joints.filter((j) => j.parentId === null);
      if (roots.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['characters', ci, 'skeleton'],
          message: `a skeleton needs exactly one root joint, found ${roots.length}`,
        });
      }
      for (const [ji, joint] of character.skeleton.joints.entries()) {
        if (joint.parentId !== null && !ids.has(joint.parentId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['characters', ci, 'skeleton', 'joints', ji, 'parentId'],
            message: `joint "${joint.name}" has an unknown parent "${joint.parentId}"`,
          });
        }
      }
      for (const trackJoint of Object.keys(character.motion.rotations)) {
        if (!ids.has(trackJoint)) {
          ctx.addIssue({
            code: 'custom',
            path: ['characters', ci, 'motion', 'rotations', trackJoint],
            message: `the motion animates an unknown joint "${trackJoint}"`,
          });
        }
      }
      for (const [li, layer] of (character.motion.layers ?? []).entries()) {
        for (const trackJoint of Object.keys(layer.rotations)) {
          if (!ids.has(trackJoint)) {
            ctx.addIssue({
              code: 'custom',
              path: ['characters', ci, 'motion', 'layers', li, 'rotations', trackJoint],
              message: `clip layer "${layer.name}" animates an unknown joint "${trackJoint}"`,
            });
          }
        }
      }
      for (const effector of Object.keys(character.motion.ik ?? {})) {
        if (!ids.has(effector)) {
          ctx.addIssue({
            code: 'custom',
            path: ['characters', ci, 'motion', 'ik', effector],
            message: `an IK limb ends at an unknown joint "${effector}"`,
          });
        }
      }
    }
  });

export type ProjectDocument = z.output<typeof projectDocumentSchema>;
export type Character = ProjectDocument['characters'][number];
export type Asset = ProjectDocument['assets'][string];
export type Placement = z.output<typeof placementSchema>;
export type ProjectAudio = z.output<typeof audioSchema>;
export type AudioMime = ProjectAudio['mime'];
