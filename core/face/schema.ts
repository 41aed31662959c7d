import { z } from 'zod';
import { MAX_DURATION_FRAMES, MAX_ID_CHARS, MAX_KEYS_PER_TRACK, MAX_NAME_CHARS } from '../document/limits.js';
import { MOUTH_SHAPES } from './mouthShapes.js';
import { FACE_CHANNELS, type FaceChannel } from './params.js';

/**
 * The document's face fields (docs/face.md): a character's face rig (`character.face`) and its face
 * animation (`character.motion.face`). Both optional and new: files without them (every older one)
 * still validate as version 2, so they need no version bump.
 *
 * Points are in the character's ART pixels (x right, y down), like the skeleton's rest positions:
 * the face rides on the head joint's transform, so the rig never has to be redone for a pose.
 */

const finite = z.number().finite();
export const pointSchema = z.tuple([finite, finite]);
const positive = z.number().finite().positive();
const idText = z.string().min(1).max(MAX_ID_CHARS);
const frameNumber = z
  .number()
  .int()
  .min(0)
  .max(MAX_DURATION_FRAMES - 1, `a frame number is at most ${MAX_DURATION_FRAMES - 1}`);

export const eyeRigSchema = z.object({
  /** Centre of the eye opening. */
  center: pointSchema,
  /** Half the eye's width (corner to corner) and half its open height, art pixels. */
  halfWidth: positive,
  halfHeight: positive,
  /** Tilt of the corner-to-corner line, radians, y down (0 = level). */
  angleRad: finite.default(0),
});

/** Inner end, middle, outer end. */
export const browRigSchema = z.tuple([pointSchema, pointSchema, pointSchema]);

export const mouthRigSchema = z.object({
  /** The character's left and right corners (picture right and left for a facing figure). */
  left: pointSchema,
  right: pointSchema,
  /** Top edge of the upper lip and bottom edge of the lower lip, at the middle. */
  upper: pointSchema,
  lower: pointSchema,
});

export const FACE_RIG_SOURCES = ['facemesh', 'estimate', 'manual', 'psd'] as const;
export const MOUTH_STYLES = ['warp', 'swap'] as const;

export const faceRigSchema = z.object({
  /** Where the points came from; 'manual' once the user moved one. */
  source: z.enum(FACE_RIG_SOURCES),
  /** The joint the face rides on (its world transform moves the face). */
  headJointId: idText,
  eyes: z.object({ left: eyeRigSchema, right: eyeRigSchema }),
  brows: z.object({ left: browRigSchema, right: browRigSchema }),
  /** Tip of the nose. */
  nose: pointSchema,
  mouth: mouthRigSchema,
  /** Bottom of the chin. */
  chin: pointSchema,
  /** The head's outline, clockwise or not, 3..128 points; the face pass never draws outside it. */
  outline: z.array(pointSchema).min(3).max(128),
  /**
   * 'warp': the picture's own mouth is bent into each shape, with a mouth interior drawn under lips
   * that open. 'swap': the user's mouth drawings (`mouthArt`) are placed by the rig.
   */
  mouthStyle: z.enum(MOUTH_STYLES).default('warp'),
  /** Mouth drawings by shape (asset ids of the project's pictures), for mouthStyle 'swap'. */
  mouthArt: z.partialRecord(z.enum(MOUTH_SHAPES), idText).optional(),
});

const channelKeySchema = z.object({
  frame: frameNumber,
  value: finite,
  interpolation: z.enum(['step', 'linear', 'bezier']),
  ease: z.object({ x1: finite, y1: finite, x2: finite, y2: finite }).optional(),
});
const channelTrackSchema = z
  .array(channelKeySchema)
  .max(MAX_KEYS_PER_TRACK, `a track has at most ${MAX_KEYS_PER_TRACK} keys`);
const channelsSchema = z.partialRecord(
  z.enum(FACE_CHANNELS as [FaceChannel, ...FaceChannel[]]),
  channelTrackSchema,
);

/** A mouth-shape key: the shape that starts at `frame` and holds until the next key. */
export const mouthKeySchema = z.object({ frame: frameNumber, shape: z.enum(MOUTH_SHAPES) });

/**
 * A generated or imported face layer (speech motion from the voice, an expression from text, a
 * face-video track): channel tracks added to the keys, scaled by `weight` ("tone down"), `muted`
 * turns it off. Kept apart from the user's keys so it can be redone without losing them.
 */
export const faceLayerSchema = z.object({
  id: idText,
  name: z.string().min(1).max(MAX_NAME_CHARS),
  weight: finite.min(0).max(2),
  muted: z.boolean().optional(),
  channels: channelsSchema,
});

export const faceMotionSchema = z.object({
  /** The mouth-shape track (lip sync writes it; the user moves, changes, deletes, adds keys). */
  mouth: z.array(mouthKeySchema).max(MAX_KEYS_PER_TRACK, `a track has at most ${MAX_KEYS_PER_TRACK} keys`),
  /**
   * Frames over which the mouth moves from one shape to the next (0 = pops). Default 2: at 24 fps
   * ~80 ms, about how long lips take between visemes (Rhubarb's own tweening is of that order).
   */
  mouthBlendFrames: finite.min(0).max(12).optional(),
  /** Keyed channels (the user's face keys), added on top of the mouth shapes and layers. */
  channels: channelsSchema,
  layers: z.array(faceLayerSchema).max(32).optional(),
});

export type FaceRig = z.output<typeof faceRigSchema>;
export type FaceRigInput = z.input<typeof faceRigSchema>;
export type EyeRig = z.output<typeof eyeRigSchema>;
export type MouthRig = z.output<typeof mouthRigSchema>;
export type FaceMotion = z.output<typeof faceMotionSchema>;
export type FaceLayer = z.output<typeof faceLayerSchema>;
export type MouthKey = z.output<typeof mouthKeySchema>;
export type FaceChannelTracks = z.output<typeof channelsSchema>;
export type Point = z.output<typeof pointSchema>;
