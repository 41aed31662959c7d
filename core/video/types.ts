/**
 * Plain data of motion from video (issue 11), as it crosses from the pose worker to the host and
 * from the host to the editor. Image pixels: x right, y down, of the decoded frames.
 */

export type ImagePoint = readonly [number, number];

export interface JointSample {
  readonly imagePx: ImagePoint;
  /** The model's confidence 0..1. */
  readonly score: number;
}

/** One person seen in one frame. */
export interface TrackedPerson {
  /** Stable over the video: the same person keeps the id through occlusions and crossings. */
  readonly trackId: number;
  /** Keypose humanoid joint names (Hips, LeftArm, …) plus Nose, LeftEar, RightEar, LeftEye, RightEye. */
  readonly joints: Readonly<Record<string, JointSample>>;
  readonly score: number;
}

export interface VideoFramePeople {
  readonly frameIndex: number;
  readonly people: readonly TrackedPerson[];
}
