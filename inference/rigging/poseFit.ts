import type { Skeleton } from '../../core/skeleton/types.js';
import type { BodyPoseResult } from '../pose/detectBodyPose.js';
import { type FitResult, type JointSource, templatedJointsOf } from './fit.js';
import type { Mask } from './types.js';

/**
 * The pose-model fit: a body pose detected in the picture (MoveNet, inference/pose) placed on the
 * mask. The model knows where elbows, knees and hips are even where the outline shows nothing
 * (a hip joint inside the pelvis, a knee along a straight leg), which the silhouette fit can only
 * guess from proportions; the outline knows what the model does not report (the toes) and where
 * the limb's middle is across its width. So:
 * - the model's joints are used where it is confident and they lie on the figure;
 * - elbows, wrists, knees and ankles are centred across their limb on the mask (the model places
 *   a keypoint within a few pixels of the limb; the mask's run across the limb is exact);
 * - joints the model lacks (the toes; a limb it did not see) come from the silhouette fit;
 * - joints between keypoints at template proportions (spine, chest, neck, head, clavicles) stay
 *   marked 'template'.
 * The detection is used only when it looks like this figure: confident, upright, spanning most of
 * the figure's height, and its keypoints on the mask; otherwise the caller keeps the silhouette fit.
 */

/** Figure confidence (mean of the 12 limb and torso keypoints) below which the pose is not used. */
export const MIN_POSE_FIGURE_SCORE = 0.5;
/** A keypoint below this confidence is replaced by the silhouette's joint. */
const MIN_JOINT_SCORE = 0.3;
/** Share of the model's keypoints that must lie on the figure (a little outside counts, see below). */
const MIN_INSIDE_SHARE = 0.9;
/** Keypoints may lie this far outside the mask (fraction of figure height) and still count as on it. */
const INSIDE_TOLERANCE = 0.02;
/** Shoulders to ankles must span at least this fraction of the figure's height. */
const MIN_SPAN = 0.5;
/** A run across a limb wider than this (fraction of height) is not a limb (the torso, a dress). */
const MAX_LIMB_WIDTH = 0.15;

type P = [number, number];

/** Keypoint joints and the joint each is centred against (the limb's direction from it). */
const LIMB_CENTRED: readonly [string, string][] = [
  ['LeftForeArm', 'LeftArm'],
  ['LeftHand', 'LeftForeArm'],
  ['RightForeArm', 'RightArm'],
  ['RightHand', 'RightForeArm'],
  ['LeftLeg', 'LeftUpLeg'],
  ['LeftFoot', 'LeftLeg'],
  ['RightLeg', 'RightUpLeg'],
  ['RightFoot', 'RightLeg'],
];

const TEMPLATE_DERIVED = new Set(['Spine', 'Chest', 'Neck', 'Head', 'LeftShoulder', 'RightShoulder']);

export type PoseFitOutcome =
  | { readonly fit: FitResult; readonly rejected?: undefined }
  | { readonly fit?: undefined; readonly rejected: string };

/**
 * Combines a detected body pose with the silhouette fit of the same mask. Returns the pose-model
 * fit, or why the detection was not used.
 */
export function fitFromBodyPose(mask: Mask, pose: BodyPoseResult, silhouette: FitResult): PoseFitOutcome {
  const { width, height, data } = mask;
  if (pose.width !== width || pose.height !== height) {
    return { rejected: 'the detected pose refers to a picture of another size' };
  }
  const H = silhouette.figureHeightPx;
  if (pose.score < MIN_POSE_FIGURE_SCORE) {
    return {
      rejected: `no confident person found by the pose model (confidence ${pose.score.toFixed(2)} < ${MIN_POSE_FIGURE_SCORE})`,
    };
  }
  const insideAt = (p: readonly [number, number], tolerancePx: number): boolean => {
    const r = Math.ceil(tolerancePx);
    const cx = Math.round(p[0]);
    const cy = Math.round(p[1]);
    for (let y = Math.max(0, cy - r); y <= Math.min(height - 1, cy + r); y++) {
      for (let x = Math.max(0, cx - r); x <= Math.min(width - 1, cx + r); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r && data[y * width + x]) return true;
      }
    }
    return false;
  };
  const keypointJoints = Object.entries(pose.joints).filter(([, j]) => j.source === 'keypoint');
  if (keypointJoints.length < 10) {
    return { rejected: `the pose model saw only ${keypointJoints.length} of the 12 limb joints` };
  }
  const inside = keypointJoints.filter(([, j]) => insideAt(j.imagePx, INSIDE_TOLERANCE * H)).length;
  if (inside < MIN_INSIDE_SHARE * keypointJoints.length) {
    return {
      rejected: `the pose model's person is not this figure (${inside} of ${keypointJoints.length} joints on the mask)`,
    };
  }
  const j = pose.joints;
  const ys = (names: string[]) =>
    names.map((n) => j[n]?.imagePx[1]).filter((y): y is number => y !== undefined);
  const shoulderY = Math.min(...ys(['LeftArm', 'RightArm']));
  const hipY = j.Hips?.imagePx[1] ?? Number.NaN;
  const ankleY = Math.max(...ys(['LeftFoot', 'RightFoot', 'LeftLeg', 'RightLeg']));
  if (!(shoulderY < hipY && hipY < ankleY)) {
    return { rejected: 'the pose model found no upright figure (shoulders, hips and feet out of order)' };
  }
  if (ankleY - shoulderY < MIN_SPAN * H) {
    return { rejected: 'the pose model found a person much smaller than the figure' };
  }

  // Start from the silhouette's joints (image pixels) and put the model's over them.
  const joints: Record<string, P> = {};
  const sources: Record<string, JointSource> = { ...silhouette.sources };
  for (const joint of silhouette.skeleton.joints) {
    joints[joint.name] = [joint.restPosition[0] + width / 2, height / 2 - joint.restPosition[1]];
  }
  for (const [name, joint] of Object.entries(j)) {
    if (!(name in joints)) continue;
    if (joint.score < MIN_JOINT_SCORE) continue;
    if (joint.source === 'keypoint' && !insideAt(joint.imagePx, INSIDE_TOLERANCE * H)) continue;
    joints[name] = [joint.imagePx[0], joint.imagePx[1]];
    sources[name] = TEMPLATE_DERIVED.has(name) ? 'template' : 'pose-model';
  }
  for (const [name, towards] of LIMB_CENTRED) {
    if (sources[name] !== 'pose-model') continue;
    const centred = centreAcrossLimb(mask, joints[name]!, joints[towards]!, MAX_LIMB_WIDTH * H);
    if (centred) joints[name] = centred;
  }

  const skeleton: Skeleton = {
    joints: silhouette.skeleton.joints.map((joint) => {
      const p = joints[joint.name]!;
      return { ...joint, restPosition: [p[0] - width / 2, height / 2 - p[1], joint.restPosition[2]] };
    }),
  };
  return {
    fit: {
      skeleton,
      sources,
      figureHeightPx: H,
      method: 'pose-model',
      templatedJoints: templatedJointsOf(skeleton, sources),
      warnings: [],
    },
  };
}

/**
 * The middle of the mask's run through `at`, across the limb running from `from` to `at`; null
 * when `at` is off the mask or the run is wider than maxWidthPx (not a limb there).
 */
function centreAcrossLimb(mask: Mask, at: P, from: P, maxWidthPx: number): P | null {
  const { width, height, data } = mask;
  const dx = at[0] - from[0];
  const dy = at[1] - from[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return null;
  // Unit normal to the limb.
  const nx = -dy / length;
  const ny = dx / length;
  const inside = (t: number): boolean => {
    const x = Math.round(at[0] + nx * t);
    const y = Math.round(at[1] + ny * t);
    return x >= 0 && y >= 0 && x < width && y < height && data[y * width + x] === 1;
  };
  if (!inside(0)) return null;
  const limit = Math.ceil(maxWidthPx);
  let a = 0;
  while (a < limit && inside(-(a + 1))) a++;
  let b = 0;
  while (b < limit && inside(b + 1)) b++;
  if (a >= limit || b >= limit || a + b + 1 > maxWidthPx) return null;
  const t = (b - a) / 2;
  return [at[0] + nx * t, at[1] + ny * t];
}
