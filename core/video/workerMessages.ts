import { z } from 'zod';

/**
 * Messages between the host and the pose worker process (inference/pose/videoWorker.ts), plain
 * data validated where received. Frames travel as Uint8Array ('advanced' serialization).
 */

export const toPoseWorkerSchema = z.discriminatedUnion('type', [
  /** A new video: forget the tracks of the last one. */
  z.object({ type: z.literal('start'), maxPeople: z.number().int().min(1).max(20).optional() }),
  z.object({
    type: z.literal('frame'),
    frameIndex: z.number().int().min(0),
    width: z.number().int().min(1),
    height: z.number().int().min(1),
    data: z.instanceof(Uint8Array),
  }),
]);
export type ToPoseWorker = z.infer<typeof toPoseWorkerSchema>;

const jointSampleSchema = z.object({ imagePx: z.tuple([z.number(), z.number()]), score: z.number() });

/** One frame's people (core/video/types.ts VideoFramePeople), as the worker sends them and the analysis cache keeps them. */
export const videoFramePeopleSchema = z.object({
  frameIndex: z.number().int(),
  people: z.array(
    z.object({
      trackId: z.number().int(),
      score: z.number(),
      joints: z.record(z.string(), jointSampleSchema),
    }),
  ),
});

export const fromPoseWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  videoFramePeopleSchema.extend({ type: z.literal('people') }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type FromPoseWorker = z.infer<typeof fromPoseWorkerSchema>;
