import type { JointId } from '../ids.js';
import type { Quat, Vec3 } from '../math/types.js';

export type Interpolation = 'step' | 'linear' | 'bezier';

/**
 * Cubic-bezier easing of the segment that starts at a key, in normalised segment time/value
 * (like CSS cubic-bezier(x1, y1, x2, y2)); x1 and x2 are clamped to [0, 1].
 */
export interface BezierEase {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** The default ease-in-out used for new bezier keys. */
export const DEFAULT_EASE: BezierEase = { x1: 0.42, y1: 0, x2: 0.58, y2: 1 };

/**
 * A key at an integer frame. `interpolation` (and `ease`) describe the segment from this key to
 * the next one.
 */
export interface Keyframe<T> {
  readonly frame: number;
  readonly value: T;
  readonly interpolation: Interpolation;
  readonly ease?: BezierEase;
}

/** Keys sorted by frame, at most one per frame. */
export type Track<T> = readonly Keyframe<T>[];

export interface Motion {
  /** Local rotation of each keyed joint relative to its rest (T-pose) frame. */
  readonly rotations: Readonly<Record<string, Track<Quat>>>;
  /** Translation of the root joint from its rest position, in character-space pixels. */
  readonly rootTranslation: Track<Vec3>;
}

/** A pose: what a motion evaluates to at one instant. Unkeyed joints are at rest (identity). */
export interface Pose {
  readonly rotations: Readonly<Record<string, Quat>>;
  readonly rootTranslation: Vec3;
}

export type { JointId };
