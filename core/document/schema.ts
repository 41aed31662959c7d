import { z } from 'zod';
import { faceMotionSchema, faceRigSchema } from '../face/schema.js';
import type { AssetId, CharacterId, JointId, ProjectId } from '../ids.js';
import {
  MAX_ASSET_BASE64_CHARS,
  MAX_ASSET_PIXELS,
  MAX_ASSET_SIDE,
  MAX_ASSETS,
  MAX_AUDIO_BASE64_CHARS,
  MAX_CHARACTERS,
  MAX_DURATION_FRAMES,
  MAX_ID_CHARS,
  MAX_JOINTS,
  MAX_KEYS_PER_TRACK,
  MAX_NAME_CHARS,
  MAX_REFERENCE_VIDEO_BASE64_CHARS,
  MAX_RESOLUTION_SIDE,
} from './limits.js';

/**
 * The project document (a `.keypose` file): plain JSON, validated with zod on every load and on
 * every message that carries it. The art is stored inside the document (base64, keyed by content
 * hash) so a project is one self-contained file that can be moved, mailed and saved atomically.
 *
 * Bump CURRENT_VERSION whenever the shape changes and add a migration in migrations.ts.
 *
 * Every size has an upper bound (limits.ts) and a skeleton must be a tree with unique joint ids:
 * these are validation only (every file that loaded before and is within them still loads as
 * version 2), so they need no version bump.
 */
export const CURRENT_VERSION = 2;
export const FORMAT_TAG = 'keypose-project';

const finite = z.number().finite();
export const vec3Schema = z.tuple([finite, finite, finite]);
export const quatSchema = z.tuple([finite, finite, finite, finite]);

const idText = z.string().min(1).max(MAX_ID_CHARS, `an id has at most ${MAX_ID_CHARS} characters`);
const nameText = z.string().max(MAX_NAME_CHARS, `a name has at most ${MAX_NAME_CHARS} characters`);
const jointIdSchema = idText.transform((s) => s as JointId);
const characterIdSchema = idText.transform((s) => s as CharacterId);
const assetIdSchema = idText.transform((s) => s as AssetId);
/** A frame number: 0 .. MAX_DURATION_FRAMES - 1. */
const frameNumber = z
  .number()
  .int()
  .min(0)
  .max(MAX_DURATION_FRAMES - 1, `a frame number is at most ${MAX_DURATION_FRAMES - 1}`);

export const bezierEaseSchema = z.object({ x1: finite, y1: finite, x2: finite, y2: finite });
export const interpolationSchema = z.enum(['step', 'linear', 'bezier']);

const keyframeSchema = <T extends z.ZodType>(value: T) =>
  z.object({
    frame: frameNumber,
    value,
    interpolation: interpolationSchema,
    ease: bezierEaseSchema.optional(),
  });

export const jointSchema = z.object({
  id: jointIdSchema,
  name: nameText.min(1),
  parentId: jointIdSchema.nullable(),
  restPosition: vec3Schema,
});

/**
 * The joint graph must be a tree: unique ids, exactly one root, every parent known, no cycle.
 * Anything else has no defined pose (a cycle made the renderer walk parents until memory ran out,
 * duplicate ids crashed the frame worker). Checked here, on the skeleton itself, so every schema
 * that embeds one (the document, the worker's messages) refuses a bad graph the same way.
 */
function checkJointTree(joints: readonly z.output<typeof jointSchema>[], ctx: z.RefinementCtx): void {
  const byId = new Map<string, z.output<typeof jointSchema>>();
  for (const [ji, joint] of joints.entries()) {
    if (byId.has(joint.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['joints', ji, 'id'],
        message: `two joints have the id "${joint.id}"; joint ids must be unique`,
      });
    } else byId.set(joint.id, joint);
  }
  const roots = joints.filter((j) => j.parentId === null);
  if (roots.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `a skeleton needs exactly one root joint, found ${roots.length}`,
    });
  }
  for (const [ji, joint] of joints.entries()) {
    if (joint.parentId !== null && !byId.has(joint.parentId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['joints', ji, 'parentId'],
        message: `joint "${joint.name}" has an unknown parent "${joint.parentId}"`,
      });
    }
  }
  // Walks up from every joint; a walk longer than the joint count has gone round a cycle.
  const reported = new Set<string>();
  for (const [ji, joint] of joints.entries()) {
    let current: z.output<typeof jointSchema> | undefined = joint;
    let steps = 0;
    while (current && current.parentId !== null && steps <= joints.length) {
      current = byId.get(current.parentId);
      steps++;
    }
    if (steps > joints.length && !reported.has(joint.id)) {
      reported.add(joint.id);
      ctx.addIssue({
        code: 'custom',
        path: ['joints', ji, 'parentId'],
        message: `joint "${joint.name}" is its own ancestor (the parents form a cycle); a skeleton must be a tree`,
      });
      if (reported.size >= 4) return;
    }
  }
}

export const skeletonSchema = z
  .object({
    joints: z.array(jointSchema).min(1).max(MAX_JOINTS, `a skeleton has at most ${MAX_JOINTS} joints`),
  })
  .superRefine((skeleton, ctx) => checkJointTree(skeleton.joints, ctx));

const keysMax = `a track has at most ${MAX_KEYS_PER_TRACK} keys`;
const trackOf = <T extends z.ZodTypeAny>(value: T) =>
  z.array(keyframeSchema(value)).max(MAX_KEYS_PER_TRACK, keysMax);

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
  rotations: z.record(idText, trackOf(quatSchema)),
  rootTranslation: trackOf(vec3Schema),
});

/**
 * An IK limb (core/motion/types.ts IkChannel; docs/motion.md "IK limbs"), keyed by its effector
 * joint: a keyable target, FK/IK blend and pole. Optional and new, no version bump.
 */
export const ikChannelSchema = z.object({
  target: trackOf(vec3Schema),
  blend: trackOf(finite.min(0).max(1)),
  pole: trackOf(vec3Schema).optional(),
  chainLength: z.number().int().min(2).max(32).optional(),
});

export const motionSchema = z.object({
  rotations: z.record(idText, trackOf(quatSchema)),
  rootTranslation: trackOf(vec3Schema),
  layers: z.array(motionLayerSchema).max(64).optional(),
  ik: z.record(idText, ikChannelSchema).optional(),
});

const assetSide = z
  .number()
  .int()
  .positive()
  .max(MAX_ASSET_SIDE, `a picture is at most ${MAX_ASSET_SIDE} px a side`);
export const assetSchema = z
  .object({
    mime: z.enum(['image/png', 'image/jpeg', 'image/webp']),
    width: assetSide,
    height: assetSide,
    /** Base64 of the file's bytes. */
    dataBase64: z
      .string()
      .max(
        MAX_ASSET_BASE64_CHARS,
        `a picture's data is at most ${MAX_ASSET_BASE64_CHARS / 2 ** 20} Mi base64 characters`,
      ),
    /** Where the art was imported from (informational; the data above is authoritative). */
    sourceName: nameText.optional(),
  })
  .refine((asset) => asset.width * asset.height <= MAX_ASSET_PIXELS, {
    message: `a picture has at most ${MAX_ASSET_PIXELS / 1e6} megapixels`,
    path: ['width'],
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
 * pixels; the parts rig keeps a hinted pixel in one of them (inference/rigging/parts/segment.ts). The map
 * is an 8-bit greyscale PNG asset the art's size: a pixel of value v > 0 belongs to parts[v - 1],
 * 0 = no hint. Optional and new: files without it (every older one) still validate as version 2,
 * so it needs no version bump.
 */
export const partHintsSchema = z.object({
  ownerAssetId: assetIdSchema,
  parts: z
    .array(z.object({ name: nameText, jointIds: z.array(jointIdSchema).min(1).max(MAX_JOINTS) }))
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
  fileName: nameText.min(1),
  mime: z.enum(AUDIO_MIMES, {
    error: (issue) =>
      `audio type ${JSON.stringify(issue.input)} is not supported (one of ${AUDIO_MIMES.join(', ')})`,
  }),
  /** Base64 of the file's bytes. */
  dataBase64: z
    .string()
    .min(1)
    .max(
      MAX_AUDIO_BASE64_CHARS,
      `the sound's data is at most ${MAX_AUDIO_BASE64_CHARS / 2 ** 20} Mi base64 characters`,
    ),
  /** The project frame at which the sound's first sample plays. */
  startFrame: frameNumber.default(0),
});

/**
 * The video a motion was taken from, shown faintly behind the viewport and scrubbed with the
 * playhead so the animator can compare and fix keys (docs/motion.md). Never rendered or exported.
 * The bytes are stored in the document like the audio's, so the reference survives a save and a
 * reload. Optional and new: no version bump.
 */
export const REFERENCE_VIDEO_MIMES = [
  'video/mp4',
  'video/webm',
  'video/ogg',
  'video/quicktime',
  'video/x-matroska',
] as const;
export const referenceVideoSchema = z.object({
  fileName: nameText.min(1),
  mime: z.enum(REFERENCE_VIDEO_MIMES, {
    error: (issue) =>
      `video type ${JSON.stringify(issue.input)} is not supported (one of ${REFERENCE_VIDEO_MIMES.join(', ')})`,
  }),
  /** Base64 of the file's bytes. */
  dataBase64: z
    .string()
    .min(1)
    .max(
      MAX_REFERENCE_VIDEO_BASE64_CHARS,
      `the reference video's data is at most ${MAX_REFERENCE_VIDEO_BASE64_CHARS / 2 ** 20} Mi base64 characters`,
    ),
  /** The project frame at which the video's first frame shows. */
  startFrame: frameNumber.default(0),
});

export const characterSchema = z.object({
  id: characterIdSchema,
  name: nameText.min(1),
  /** The character's picture (straight RGBA or opaque). */
  artAssetId: assetIdSchema,
  /** Optional explicit mask (white = figure); otherwise the art's alpha is the mask. */
  maskAssetId: assetIdSchema.optional(),
  partHints: partHintsSchema.optional(),
  skeleton: skeletonSchema,
  motion: motionSchema,
  placement: placementSchema,
  /**
   * The face rig (core/face/schema.ts, docs/face.md) and the face animation: mouth shapes, face
   * keys, generated layers. Kept beside `motion`, not in it, so replacing the body motion (a clip
   * import) never loses a lip-sync track. Optional and new: no version bump.
   */
  face: faceRigSchema.optional(),
  faceMotion: faceMotionSchema.optional(),
});

const resolutionSide = z
  .number()
  .int()
  .positive()
  .max(MAX_RESOLUTION_SIDE, `the output frame is at most ${MAX_RESOLUTION_SIDE} px a side`);

export const projectDocumentSchema = z
  .object({
    format: z.literal(FORMAT_TAG),
    version: z.literal(CURRENT_VERSION),
    id: idText.transform((s) => s as ProjectId),
    name: nameText.min(1),
    fps: z.number().positive().max(240),
    /** Length of the animation in frames; frames are numbered 0 .. durationFrames - 1. */
    durationFrames: z
      .number()
      .int()
      .positive()
      .max(MAX_DURATION_FRAMES, `a project has at most ${MAX_DURATION_FRAMES} frames`),
    /** Output size in pixels of a rendered frame. */
    resolution: z.object({ width: resolutionSide, height: resolutionSide }),
    characters: z
      .array(characterSchema)
      .min(1)
      .max(MAX_CHARACTERS, `a scene has at most ${MAX_CHARACTERS} characters`),
    assets: z.record(idText, assetSchema),
    audio: audioSchema.optional(),
    referenceVideo: referenceVideoSchema.optional(),
  })
  .superRefine((doc, ctx) => {
    if (Object.keys(doc.assets).length > MAX_ASSETS) {
      ctx.addIssue({
        code: 'custom',
        path: ['assets'],
        message: `a project has at most ${MAX_ASSETS} assets, found ${Object.keys(doc.assets).length}`,
      });
    }
    const characterIds = new Set<string>();
    for (const [ci, character] of doc.characters.entries()) {
      if (characterIds.has(character.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['characters', ci, 'id'],
          message: `two characters have the id "${character.id}"; character ids must be unique`,
        });
      }
      characterIds.add(character.id);
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
      // The joint tree itself is checked by skeletonSchema.
      const ids = new Set(character.skeleton.joints.map((j) => j.id as string));
      if (character.face && !ids.has(character.face.headJointId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['characters', ci, 'face', 'headJointId'],
          message: `the face rides on an unknown joint "${character.face.headJointId}"`,
        });
      }
      for (const [shape, assetId] of Object.entries(character.face?.mouthArt ?? {})) {
        if (assetId && !(assetId in doc.assets)) {
          ctx.addIssue({
            code: 'custom',
            path: ['characters', ci, 'face', 'mouthArt', shape],
            message: `the drawing of mouth shape ${shape} ("${assetId}") is not in the project's assets`,
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
export type ReferenceVideo = z.output<typeof referenceVideoSchema>;
export type ReferenceVideoMime = (typeof REFERENCE_VIDEO_MIMES)[number];
export type AudioMime = ProjectAudio['mime'];
