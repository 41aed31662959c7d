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

/**
 * A clip layer (an imported mocap clip, a library motion) under the keys: evaluated like keys,
 * blended over the layers before it by `weight`. The motion's own keys are added on top of the
 * layers (docs/motion.md, "Layers"), so an animator can fix a mocap arm without losing the clip.
 */
export interface MotionLayer {
  readonly id: string;
  /** Shown in the timeline ("walk.bvh"). */
  readonly name: string;
  /** 0..1: how much of the layer replaces what is under it. */
  readonly weight: number;
  readonly muted?: boolean;
  readonly rotations: Readonly<Record<string, Track<Quat>>>;
  readonly rootTranslation: Track<Vec3>;
}

/**
 * An IK limb: the effector joint (the key of `Motion.ik`) is pulled towards `target` by the
 * chain of `chainLength` joints above it, blended with the FK rotations by `blend` (0 = FK, 1 = IK).
 * Every channel is keyable. Evaluated with the skeleton (motion/characterPose.ts).
 */
export interface IkChannel {
  /** Effector position in character space (pixels). */
  readonly target: Track<Vec3>;
  /** 0 = the FK keys, 1 = the IK solution; an empty track is 0. */
  readonly blend: Track<number>;
  /** Where the elbow/knee points (a point in character space); without it, the FK bend plane. */
  readonly pole?: Track<Vec3>;
  /** Joints rotated by the solver (2 = two-bone IK; more = CCD). Default 2. */
  readonly chainLength?: number;
}

export interface Motion {
  /** Local rotation of each keyed joint relative to its rest (T-pose) frame. */
  readonly rotations: Readonly<Record<string, Track<Quat>>>;
  /** Translation of the root joint from its rest position, in character-space pixels. */
  readonly rootTranslation: Track<Vec3>;
  /** Clip layers under the keys, bottom first (optional; absent = none). */
  readonly layers?: readonly MotionLayer[];
  /** IK limbs by effector joint id (optional; absent = pure FK). */
  readonly ik?: Readonly<Record<string, IkChannel>>;
}

/** A pose: what a motion evaluates to at one instant. Unkeyed joints are at rest (identity). */
export interface Pose {
  readonly rotations: Readonly<Record<string, Quat>>;
  readonly rootTranslation: Vec3;
}

export type { JointId };
