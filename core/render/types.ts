import type { JointId } from '../ids.js';

/**
 * Per-joint skin weights over the character's picture: joint j's weight map says how much of each
 * pixel follows joint j's transform (the bone from j to its children). Inside the mask the K
 * weights of a pixel sum to 1; outside the mask they are all 0.
 *
 * Produced by the rigging algorithms (inference/rigging), consumed by the frame engine.
 */
export interface SkinWeights {
  /** Picture size in pixels (the art's size). */
  readonly width: number;
  readonly height: number;
  /** The joints that own a weight map, in the order of `data`'s first axis. */
  readonly jointIds: readonly JointId[];
  /** K x height x width, row-major (y down, image pixel order). */
  readonly data: Float32Array;
}

/** A straight (not premultiplied) RGBA8 picture, row-major, y down. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A picture's size in pixels. */
export interface PictureSize {
  readonly width: number;
  readonly height: number;
}
