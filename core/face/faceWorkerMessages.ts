import { z } from 'zod';

/**
 * Messages between the host and the face worker process (inference/face/faceWorker.ts), plain
 * data validated where received. Frames travel as Uint8Array ('advanced' serialization).
 */

export const toFaceWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), maxFaces: z.number().int().min(1).max(8).optional() }),
  z.object({
    type: z.literal('frame'),
    frameIndex: z.number().int().min(0),
    width: z.number().int().min(1),
    height: z.number().int().min(1),
    data: z.instanceof(Uint8Array),
  }),
]);
export type ToFaceWorker = z.infer<typeof toFaceWorkerSchema>;

const faceSchema = z.object({
  score: z.number(),
  boxPx: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  mesh: z.array(z.tuple([z.number(), z.number(), z.number()])).min(468),
});

export const fromFaceWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('faces'), frameIndex: z.number().int(), faces: z.array(faceSchema) }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type FromFaceWorker = z.infer<typeof fromFaceWorkerSchema>;
