import { drawFace } from '../../core/render/face/drawFace.js';
import { faceAtFrame, faceFrameKey } from '../../core/render/face/faceAtFrame.js';
import type { RgbaImage } from '../../core/render/types.js';
import type { MouthDrawings } from './mouthDrawings.js';
import type { RenderContext } from './renderTypes.js';

/**
 * The face pass in the render path (docs/face.md): after the frame engine and the placement, the
 * character's face (mouth shapes, blinks, brows, gaze) is drawn over the frame, and the frame's
 * cache key carries the face so a held pose with a talking mouth is not served from the cache.
 * Two calls in renderService.ts: facePassKey in plan() (the plan's key; the worker's request keeps
 * the engine's key, so a held pose still renders once), withFace where the final frame is made,
 * with the character's swapped mouth drawings decoded beforehand (host/render/mouthDrawings.ts).
 */
function faceFor(ctx: RenderContext, frameIndex: number) {
  const { character } = ctx.prepared;
  if (!character.face) return null;
  return faceAtFrame(character, frameIndex, ctx.prepared, ctx.output);
}

export function facePassKey(ctx: RenderContext, frameIndex: number, key: string): string {
  return faceFrameKey(key, faceFor(ctx, frameIndex));
}

export function withFace(
  ctx: RenderContext,
  frameIndex: number,
  image: RgbaImage,
  drawings: MouthDrawings,
): RgbaImage {
  const face = faceFor(ctx, frameIndex);
  if (!face) return image;
  // A drawing that could not be decoded: the warped mouth (drawFace swaps only with a drawing).
  const mouthDrawing = face.mouthArtId ? drawings.get(face.mouthArtId) : undefined;
  return drawFace(image, mouthDrawing ? { ...face, mouthDrawing } : face);
}
