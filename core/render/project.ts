import type { JointId } from '../ids.js';
import { quatRotateVec3 } from '../math/quat.js';
import type { Affine2, Vec3 } from '../math/types.js';
import type { Pose } from '../motion/types.js';
import { computeWorldTransforms, type WorldTransform } from '../skeleton/kinematics.js';
import type { Skeleton } from '../skeleton/types.js';

/**
 * One joint's skinning transform seen through the orthographic camera.
 *
 * The art is a flat picture lying in the plane z = 0 of character space. Joint j moves a rest
 * point p to pos_j + R_j (p - rest_j) (rest frames carry no rotation). Restricted to the picture
 * plane and written in image pixels this is:
 *  - `affine`: rest imagePx -> posed imagePx (the upper 2x2 of R_j with y flipped, so a rotation
 *    out of the picture plane foreshortens), column-major [a, b, c, d, tx, ty];
 *  - `depth`: posed z (character pixels, larger = nearer the camera) as an affine function of the
 *    rest imagePx: z = du * u + dv * v + d0.
 */
export interface BoneProjection {
  readonly jointId: JointId;
  readonly affine: Affine2;
  readonly depth: readonly [number, number, number];
}

export interface PictureSize {
  readonly width: number;
  readonly height: number;
}

/** Projects every joint's skinning transform, given world transforms from forward kinematics. */
export function projectWorldTransforms(
  sk: Skeleton,
  world: ReadonlyMap<JointId, WorldTransform>,
  size: PictureSize,
): BoneProjection[] {
  const cx = size.width / 2;
  const cy = size.height / 2;
  const out: BoneProjection[] = [];
  for (const joint of sk.joints) {
    const wt = world.get(joint.id);
    if (!wt) continue;
    // Columns of R_j: the images of the character-space axes.
    const ex = quatRotateVec3(wt.rotation, [1, 0, 0]);
    const ey = quatRotateVec3(wt.rotation, [0, 1, 0]);
    const ez = quatRotateVec3(wt.rotation, [0, 0, 1]);
    const [rx, ry, rz] = joint.restPosition;
    const pos: Vec3 = wt.position;
    // Rest point in character space from imagePx (u, v): x = u - cx, y = cy - v, z = 0.
    // Posed x' = pos.x + ex.x (x - rx) + ey.x (y - ry) - ez.x rz; u' = x' + cx; v' = cy - y'.
    const a = ex[0];
    const c = -ey[0];
    const tx = cx + pos[0] - ex[0] * (cx + rx) + ey[0] * (cy - ry) - ez[0] * rz;
    const b = -ex[1];
    const d = ey[1];
    const ty = cy - pos[1] + ex[1] * (cx + rx) - ey[1] * (cy - ry) + ez[1] * rz;
    const du = ex[2];
    const dv = -ey[2];
    const d0 = pos[2] - ex[2] * (cx + rx) + ey[2] * (cy - ry) - ez[2] * rz;
    out.push({ jointId: joint.id, affine: [a, b, c, d, tx, ty], depth: [du, dv, d0] });
  }
  return out;
}

/** Forward kinematics + projection: per joint, its skinning transform in image pixels. */
export function projectPose(sk: Skeleton, pose: Pose, size: PictureSize): BoneProjection[] {
  return projectWorldTransforms(sk, computeWorldTransforms(sk, pose), size);
}

/** Applies a column-major 2x3 affine to an imagePx point. */
export function applyAffine2(m: Affine2, u: number, v: number): [number, number] {
  return [m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5]];
}

/** Inverse of a 2x3 affine; null when its 2x2 part is singular (a bone seen exactly edge-on). */
export function invertAffine2(m: Affine2): Affine2 | null {
  const [a, b, c, d, tx, ty] = m;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) return null;
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, ic, id, -(ia * tx + ic * ty), -(ib * tx + id * ty)];
}

/** The identity projection of a joint: rest picture unchanged, depth 0. */
export function identityBone(jointId: JointId): BoneProjection {
  return { jointId, affine: [1, 0, 0, 1, 0, 0], depth: [0, 0, 0] };
}
