import { z } from 'zod';
import { skeletonSchema } from '../document/schema.js';

/**
 * Messages between the host (host/worker/supervisor.ts) and the frame worker
 * (inference/worker/main.ts). Plain data, validated with zod where received. Pixel data travels
 * as Uint8Array (structured clone: Node's 'advanced' IPC serialization, Electron's postMessage)
 * or as a file in a shared folder, whichever the job asks for.
 */

const affine = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]);
export const boneProjectionSchema = z.object({
  jointId: z.string(),
  affine,
  depth: z.tuple([z.number(), z.number(), z.number()]),
});

/** A character as files the worker reads once: raw RGBA8 art and raw float32 weights (K x H x W). */
export const characterFilesSchema = z.object({
  id: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  jointIds: z.array(z.string()).min(1),
  artFile: z.string(),
  weightsFile: z.string(),
});
export type CharacterFiles = z.infer<typeof characterFilesSchema>;

export const frameRequestSchema = z.object({
  frameIndex: z.number().int().nonnegative(),
  /** Content address of the frame (core/render/frameKey.ts); echoed back for the cache. */
  key: z.string(),
  bones: z.array(boneProjectionSchema),
  /** Posed joints in imagePx, for the pose map a model pack's refine stage receives. */
  poseJoints: z
    .array(z.object({ id: z.string(), parentId: z.string().nullable(), u: z.number(), v: z.number() }))
    .optional(),
});
export type FrameRequest = z.infer<typeof frameRequestSchema>;

export const frameTransferSchema = z.enum(['inline', 'file']);
export type FrameTransfer = z.infer<typeof frameTransferSchema>;

export const renderJobSchema = z.object({
  jobId: z.string().min(1),
  characterId: z.string().min(1),
  frames: z.array(frameRequestSchema),
  /** 1 = exact solve at every pixel; 2/4 = coarse grid (default: by frame size). */
  gridStep: z.number().int().min(1).max(8).optional(),
  transfer: frameTransferSchema.default('inline'),
  /** Folder for 'file' transfer. */
  frameDir: z.string().optional(),
  /** Model-pack folder whose refine stage runs after the warp (inference/packs). */
  packDir: z.string().optional(),
});
export type RenderJob = z.input<typeof renderJobSchema>;

const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected pixel bytes (Uint8Array)');

/**
 * Skin weights computed in the worker (inference/worker/weights.ts): the art as straight RGBA8,
 * optionally an explicit figure mask (1 byte per pixel, non-zero = figure); otherwise the mask
 * comes from the art (its alpha, or its plain background when fully opaque).
 */
/**
 * Part hints on the wire: owner is 1 byte per pixel of the art, v > 0 = the pixel belongs to
 * parts[v - 1], 0 = no hint (the document stores the same map as a PNG: schema.ts partHintsSchema).
 */
export const partHintsWireSchema = z.object({
  owner: bytes,
  parts: z.array(z.object({ name: z.string(), jointIds: z.array(z.string()) })).max(255),
});

export const computeWeightsSchema = z.object({
  type: z.literal('computeWeights'),
  requestId: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  rgba: bytes,
  mask: bytes.optional(),
  skeleton: skeletonSchema,
  /** PSD part hints: they override the automatic weights on the pixels they cover. */
  partHints: partHintsWireSchema.optional(),
});
export type ComputeWeights = z.input<typeof computeWeightsSchema>;

/** A picture crossing to the worker: straight RGBA8, row-major, y down. */
const rgbaImageSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  rgba: bytes,
});

/**
 * Rig a character (inference/worker/rig.ts): mask -> skeleton fit -> skin weights. The art goes
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
});
export type RigJob = z.input<typeof rigJobSchema>;

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('loadCharacter'), character: characterFilesSchema }),
  /** Frees a character the host no longer renders (e.g. superseded by re-computed weights). */
  z.object({ type: z.literal('unloadCharacter'), characterId: z.string() }),
  z.object({ type: z.literal('render'), job: renderJobSchema }),
  z.object({ type: z.literal('rig'), job: rigJobSchema }),
  z.object({ type: z.literal('cancel'), jobId: z.string() }),
  z.object({ type: z.literal('shutdown') }),
  computeWeightsSchema,
  /** Loads a model pack as a render would (manifest, files, ONNX inputs/outputs), then frees it. */
  z.object({ type: z.literal('validatePack'), requestId: z.string().min(1), packDir: z.string().min(1) }),
]);
export type ToWorker = z.input<typeof toWorkerSchema>;

export const workerErrorCodeSchema = z.enum([
  'invalid-message',
  'unknown-character',
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
  z.object({ type: z.literal('characterLoaded'), characterId: z.string() }),
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
  /** Reply to computeWeights: float32 K x H x W as bytes (little-endian), joints in skeleton order. */
  z.object({
    type: z.literal('weights'),
    requestId: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    jointIds: z.array(z.string()),
    data: bytes,
    computeMs: z.number(),
  }),
  z.object({ type: z.literal('weightsFailed'), requestId: z.string(), message: z.string() }),
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
    /** Part hints from named layers (PSD), for the document to keep: the render's weights use them. */
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
