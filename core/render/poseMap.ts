import type { Pose } from '../motion/types.js';
import { computeWorldTransforms } from '../skeleton/kinematics.js';
import type { Skeleton } from '../skeleton/types.js';
import type { PictureSize, RgbaImage } from './types.js';

/**
 * The pose map a pose-guided generator expects (OpenPose style): on black, each limb a thick line
 * in its own saturated colour (the 18-colour OpenPose palette, at 60% like its renderer), each
 * joint a filled dot. Pure, so the same pose always gives the same map.
 */
export interface PoseJoint2D {
  readonly id: string;
  readonly parentId: string | null;
  /** Posed position in imagePx. */
  readonly u: number;
  readonly v: number;
}

const PALETTE: readonly (readonly [number, number, number])[] = [
  [255, 0, 0],
  [255, 85, 0],
  [255, 170, 0],
  [255, 255, 0],
  [170, 255, 0],
  [85, 255, 0],
  [0, 255, 0],
  [0, 255, 85],
  [0, 255, 170],
  [0, 255, 255],
  [0, 170, 255],
  [0, 85, 255],
  [0, 0, 255],
  [85, 0, 255],
  [170, 0, 255],
  [255, 0, 255],
  [255, 0, 170],
  [255, 0, 85],
];

/** Posed joint positions in imagePx (orthographic camera framing the picture). */
export function poseJoints2D(sk: Skeleton, pose: Pose, size: PictureSize): PoseJoint2D[] {
  const world = computeWorldTransforms(sk, pose);
  return sk.joints.map((j) => {
    const p = world.get(j.id)!.position;
    return { id: j.id, parentId: j.parentId, u: p[0] + size.width / 2, v: size.height / 2 - p[1] };
  });
}

export function drawPoseMap(joints: readonly PoseJoint2D[], size: PictureSize): RgbaImage {
  const { width, height } = size;
  const data = new Uint8Array(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  const byId = new Map(joints.map((j) => [j.id, j]));
  const thickness = Math.max(2, Math.round(Math.min(width, height) / 96));
  const dot = thickness + 1;
  const blend = (x: number, y: number, c: readonly number[], a: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = (y * width + x) * 4;
    for (let k = 0; k < 3; k++) data[o + k] = Math.round(data[o + k]! * (1 - a) + c[k]! * a);
  };
  const segment = (
    ax: number,
    ay: number,
    bx: number,
    by: number,
    r: number,
    c: readonly number[],
    a: number,
  ) => {
    const x0 = Math.floor(Math.min(ax, bx) - r);
    const x1 = Math.ceil(Math.max(ax, bx) + r);
    const y0 = Math.floor(Math.min(ay, by) - r);
    const y1 = Math.ceil(Math.max(ay, by) + r);
    const ex = bx - ax;
    const ey = by - ay;
    const len2 = ex * ex + ey * ey;
    for (let y = Math.max(0, y0); y <= Math.min(height - 1, y1); y++) {
      for (let x = Math.max(0, x0); x <= Math.min(width - 1, x1); x++) {
        const u = x + 0.5;
        const v = y + 0.5;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((u - ax) * ex + (v - ay) * ey) / len2)) : 0;
        if (Math.hypot(u - ax - t * ex, v - ay - t * ey) <= r) blend(x, y, c, a);
      }
    }
  };
  let limb = 0;
  for (const j of joints) {
    const parent = j.parentId === null ? undefined : byId.get(j.parentId);
    if (!parent) continue;
    segment(parent.u, parent.v, j.u, j.v, thickness, PALETTE[limb % PALETTE.length]!, 0.6);
    limb++;
  }
  joints.forEach((j, i) => {
    segment(j.u, j.v, j.u, j.v, dot, PALETTE[i % PALETTE.length]!, 1);
  });
  return { width, height, data };
}
