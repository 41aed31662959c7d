import { z } from 'zod';
import { skeletonSchema } from '../document/schema.js';
import { TEMPLATE_KINDS } from '../skeleton/templates.js';

/**
 * Messages between the host (host/worker/supervisor.ts) and the frame worker
 * (inference/worker/main.ts). Plain data, validated with zod where received. Pixel data travels
 * as Uint8Array (structured clone: Node's 'advanced' IPC serialization, Electron's postMessage)
 * or as a file in a shared folder, whichever the job asks for.
 */

/**
 * A character as the worker builds its parts rig (inference/worker/characters.ts): the art as raw
 * RGBA8 in a file, optionally an explicit figure mask (1 byte per pixel, non-zero = figure) and PSD
 * part hints (1 byte per pixel, v > 0 = the pixel belongs to hintParts[v - 1]), and the rest
 * skeleton. `id` is the rig key (host/render/rigInputs.ts): a hash of exactly these inputs and the
 * rig algorithm, so the same id always means the same rig. The worker caches the built rig in
 * `rigFile` when given (the host's rig cache folder), and reads it from there next time.
 */
export const characterFilesSchema = z.object({
  id: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  artFile: z.string(),
  maskFile: z.string().optional(),
  hintsFile: z.string().optional(),
  hintParts: z
    .array(z.object({ name: z.string(), jointIds: z.array(z.string()) }))
    .max(255)
    .optional(),
  skeleton: skeletonSchema,
  rigFile: z.string().optional(),
});
export type CharacterFiles = z.input<typeof characterFilesSchema>;

const finite = z.number().finite();
export const poseWireSchema = z.object({
  rotations: z.record(z.string(), z.tuple([finite, finite, finite, finite])),
  rootTranslation: z.tuple([finite, finite, finite]),
});

export const frameRequestSchema = z.object({
  frameIndex: z.number().int().nonnegative(),
  /** Content address of the frame (core/render/frameKey.ts); echoed back for the cache. */
  key: z.string(),
  /** The character's pose at this frame (core/motion/characterPose.ts, IK solved). */
  pose: poseWireSchema,
});
export type FrameRequest = z.input<typeof frameRequestSchema>;

/** Where the frame's pixels go (core/render/parts/posed.ts OutputFrame). */
export const outputFrameSchema = z.object({
  width: z.number().int().positive().max(16384),
  height: z.number().int().positive().max(16384),
  scale: z.number().positive().max(64),
  offsetX: finite,
  offsetY: finite,
});

export const frameTransferSchema = z.enum(['inline', 'file']);
export type FrameTransfer = z.infer<typeof frameTransferSchema>;

export const renderJobSchema = z.object({
  jobId: z.string().min(1),
  characterId: z.string().min(1),
  output: outputFrameSchema,
  frames: z.array(frameRequestSchema),
  transfer: frameTransferSchema.default('inline'),
  /** Folder for 'file' transfer. */
  frameDir: z.string().optional(),
  /** Model-pack folder whose refine stage runs after the frame engine (inference/packs). */
  packDir: z.string().optional(),
  /**
   * 'reference': the plain-TypeScript reference renderer (core/render/parts/reference.ts) draws
   * the frames instead of the ONNX engine, from the same prepared rig (for checking the engine).
   */
  renderer: z.enum(['engine', 'reference']).default('engine'),
});
export type RenderJob = z.input<typeof renderJobSchema>;

const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected pixel bytes (Uint8Array)');

/**
 * Part hints on the wire: owner is 1 byte per pixel of the art, v > 0 = the pixel belongs to
 * parts[v - 1], 0 = no hint (the document stores the same map as a PNG: schema.ts partHintsSchema).
 */
export const partHintsWireSchema = z.object({
  owner: bytes,
  parts: z.array(z.object({ name: z.string(), jointIds: z.array(z.string()) })).max(255),
});

/** A picture crossing to the worker: straight RGBA8, row-major, y down. */
const rgbaImageSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  rgba: bytes,
});

/**
 * Rig a character (inference/worker/rig.ts): mask -> skeleton fit (the parts rig is built when the character is loaded). The art goes
 * inline; a skeleton the source already placed (Animated Drawings) skips the fit; named layers
 * (PSD) are part hints. Answered by rigProgress*, then one of rigDone / rigFailed; 'cancel' with
 * the job id stops it.
 */
export const rigJobSchema = z.object({
  jobId: z.string().min(1),
  image: rgbaImageSchema,
  hasAlpha: z.boolean(),
  layers: z
    .array(
      z.object({ name: z.string(), left: z.number().int(), top: z.number().int(), image: rgbaImageSchema }),
    )
    .default([]),
  skeleton: skeletonSchema.optional(),
  /** Try the pose model before the silhouette fit. */
  usePoseModel: z.boolean().default(true),
  /**
   * The skeleton template to fit (rigCharacter's options.template); absent: chosen from the
   * figure. Optional: a worker that does not know it fits 'auto'.
   */
  template: z.enum([...TEMPLATE_KINDS, 'auto']).optional(),
});
export type RigJob = z.input<typeof rigJobSchema>;

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('loadCharacter'), character: characterFilesSchema }),
  /** Frees a character the host no longer renders (e.g. superseded by a re-fitted skeleton). */
  z.object({ type: z.literal('unloadCharacter'), characterId: z.string() }),
  z.object({ type: z.literal('render'), job: renderJobSchema }),
  z.object({ type: z.literal('rig'), job: rigJobSchema }),
  z.object({ type: z.literal('cancel'), jobId: z.string() }),
  z.object({ type: z.literal('shutdown') }),
  /** The layers of a loaded character's parts rig (for the viewport's live preview). */
  z.object({ type: z.literal('getPartLayers'), requestId: z.string().min(1), characterId: z.string() }),
  /** Loads a model pack as a render would (manifest, files, ONNX inputs/outputs), then frees it. */
  z.object({ type: z.literal('validatePack'), requestId: z.string().min(1), packDir: z.string().min(1) }),
]);
export type ToWorker = z.input<typeof toWorkerSchema>;

export const workerErrorCodeSchema = z.enum([
  'invalid-message',
  'unknown-character',
  'rig-failed',
  'render-failed',
  'pack-invalid',
]);

export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    pid: z.number().int(),
    /** Execution provider in use once known (after the first session), else null. */
    provider: z.string().nullable(),
  }),
  /**
   * The character's parts rig is ready (built, or read from its rig file): the joints that became
   * parts, and per art pixel the part owning it (int16 little-endian, -1 = none) for the part overlay.
   */
  z.object({
    type: z.literal('characterLoaded'),
    characterId: z.string(),
    partJointIds: z.array(z.string()),
    labels: bytes,
    buildMs: z.number(),
    fromCache: z.boolean(),
  }),
  /**
   * Reply to getPartLayers: per part, its joint, where its layer lies in the art and its straight
   * RGBA pixels (own and completed hidden pieces); or why not.
   */
  z.object({
    type: z.literal('partLayers'),
    requestId: z.string(),
    layers: z.array(
      z.object({
        jointId: z.string(),
        x: z.number().int(),
        y: z.number().int(),
        width: z.number().int().nonnegative(),
        height: z.number().int().nonnegative(),
        depthBias: z.number(),
        rgba: bytes,
      }),
    ),
  }),
  z.object({ type: z.literal('partLayersFailed'), requestId: z.string(), message: z.string() }),
  /** The character's parts rig could not be built (unreadable files, no figure, ...). */
  z.object({ type: z.literal('characterFailed'), characterId: z.string(), message: z.string() }),
  /** The execution provider the engine runs on, and why preferred ones were skipped. */
  z.object({ type: z.literal('provider'), name: z.string(), messages: z.array(z.string()) }),
  z.object({
    type: z.literal('frame'),
    jobId: z.string(),
    frameIndex: z.number().int(),
    key: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    /** Inline RGBA8, or the path of a raw RGBA8 file in the job's frameDir. */
    rgba: bytes.optional(),
    file: z.string().optional(),
    renderMs: z.number(),
    provider: z.string(),
  }),
  z.object({
    type: z.literal('progress'),
    jobId: z.string(),
    done: z.number().int(),
    total: z.number().int(),
  }),
  z.object({ type: z.literal('done'), jobId: z.string() }),
  z.object({ type: z.literal('cancelled'), jobId: z.string() }),
  z.object({
    type: z.literal('error'),
    jobId: z.string().nullable(),
    code: workerErrorCodeSchema,
    message: z.string(),
  }),
  z.object({ type: z.literal('log'), message: z.string() }),
  z.object({
    type: z.literal('rigProgress'),
    jobId: z.string(),
    /** 0..1 over the whole rig. */
    fraction: z.number(),
    stage: z.string(),
  }),
  z.object({
    type: z.literal('rigDone'),
    jobId: z.string(),
    skeleton: skeletonSchema,
    fitMethod: z.enum(['pose-model', 'silhouette', 'file']),
    /** Joint names placed by template proportions rather than found in the picture. */
    templatedJoints: z.array(z.string()),
    maskSource: z.enum(['alpha', 'background', 'given']),
    /** The figure mask (1 byte per pixel, 1 = figure) when it was separated from a background. */
    mask: bytes.optional(),
    /** Part hints from named layers (PSD), for the document to keep: the parts rig uses them. */
    partHints: partHintsWireSchema.optional(),
    warnings: z.array(z.string()),
    timingsMs: z.record(z.string(), z.number()),
  }),
  /** Reply to validatePack: the pack's first error (a PackError's message) when it is not usable. */
  z.object({
    type: z.literal('packValidated'),
    requestId: z.string(),
    ok: z.boolean(),
    message: z.string().optional(),
  }),
  z.object({
    type: z.literal('rigFailed'),
    jobId: z.string(),
    code: z.enum(['no-figure', 'invalid-input', 'cancelled', 'failed']),
    message: z.string(),
  }),
]);
export type FromWorker = z.output<typeof fromWorkerSchema>;

/** Events a render job emits to its caller (host side), in order: progress/frame*, then one end. */
export type RenderJobEvent =
  | {
      type: 'frame';
      frameIndex: number;
      key: string;
      width: number;
      height: number;
      rgba: Uint8Array;
      renderMs: number;
    }
  | { type: 'progress'; done: number; total: number }
  | { type: 'retry'; reason: string }
  | { type: 'warning'; message: string }
  | { type: 'done' }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };
