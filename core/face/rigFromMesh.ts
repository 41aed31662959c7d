import { BROW, CHIN, EYE, MOUTH, NOSE_TIP } from './facemeshPoints.js';
import type { EyeRig, FaceRig, Point } from './schema.js';

/**
 * A face rig from the landmark model's mesh on a still (a photo, a realistic render): every point
 * of the rig read off MediaPipe's 468-point topology (core/face/facemeshPoints.ts), in the
 * picture's pixels. Pure; the host runs the model (host/face/stillFace.ts).
 */

/**
 * The face's silhouette in the mesh, clockwise from the top of the forehead (MediaPipe's
 * FACE_OVAL ring): the outline the face pass stays inside.
 */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149,
  150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;

type MeshPoint = readonly [number, number, number?];

function mean(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}

function eyeOf(at: (i: number) => Point, eye: (typeof EYE)['left' | 'right'], angleRad: number): EyeRig {
  const outer = at(eye.outer);
  const inner = at(eye.inner);
  const upper = mean(eye.upper.map(at));
  const lower = mean(eye.lower.map(at));
  const [a, b] = outer[0] <= inner[0] ? [outer, inner] : [inner, outer];
  const halfWidth = Math.hypot(b[0] - a[0], b[1] - a[1]) / 2;
  // The opening's height, at least a sliver (a closed eye on the still still has a lid line).
  const halfHeight = Math.max(0.08 * halfWidth, Math.hypot(upper[0] - lower[0], upper[1] - lower[1]) / 2);
  const corners = mean([outer, inner]);
  const lids = mean([upper, lower]);
  return {
    center: [(corners[0] + lids[0]) / 2, (corners[1] + lids[1]) / 2],
    halfWidth: Math.max(0.5, halfWidth),
    halfHeight: Math.max(0.5, halfHeight),
    angleRad,
  };
}

export function faceRigFromMesh(mesh: readonly MeshPoint[], headJointId: string): FaceRig {
  if (mesh.length < 468) throw new Error(`a face mesh has 468 points, this one ${mesh.length}`);
  const at = (i: number): Point => [mesh[i]![0], mesh[i]![1]];
  const brow = (ids: readonly number[]): [Point, Point, Point] => [
    at(ids[0]!),
    at(ids[2]!),
    at(ids[ids.length - 1]!),
  ];
  // The eyes' tilt is the line through both eyes (the head's roll): the mesh's corner points come
  // from the iris model's eye contour, whose corners sit level whatever the head does.
  const outerRight = at(EYE.right.outer);
  const outerLeft = at(EYE.left.outer);
  const tilt = Math.atan2(outerLeft[1] - outerRight[1], outerLeft[0] - outerRight[0]);
  return {
    source: 'facemesh',
    headJointId,
    eyes: { left: eyeOf(at, EYE.left, tilt), right: eyeOf(at, EYE.right, tilt) },
    brows: { left: brow(BROW.left), right: brow(BROW.right) },
    nose: at(NOSE_TIP),
    mouth: {
      left: at(MOUTH.left),
      right: at(MOUTH.right),
      upper: at(MOUTH.upperOuter),
      lower: at(MOUTH.lowerOuter),
    },
    chin: at(CHIN),
    outline: FACE_OVAL.map(at),
    mouthStyle: 'warp',
  };
}
