import { quatNormalize } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { RIGID_POINTS } from './facemeshPoints.js';

/**
 * The head's rotation from face-mesh landmarks: the rigid fit (rotation, scale, translation) that
 * best maps the rest frame's landmarks onto this frame's, over the points that move with the skull
 * only (facemeshPoints.ts RIGID_POINTS). Closed form (Horn 1987, "Closed-form solution of absolute
 * orientation using unit quaternions"): the rotation is the eigenvector of the largest eigenvalue
 * of a 4×4 symmetric matrix built from the points' cross-covariance; a 4×4 Jacobi sweep finds it.
 * Pure; no dependency: the whole solve is ~60 lines and runs per frame in microseconds.
 *
 * Coordinates: landmarks come as the model gives them (image pixels x right, y down, z away from
 * the camera, in the same pixel scale); results are in character space (x right, y up, z towards
 * the camera: core/skeleton/humanoid.ts), i.e. the landmarks with y and z negated (a half turn about
 * x, so handedness is kept).
 */

export type MeshPoint = readonly [number, number, number];
export type Mesh = readonly MeshPoint[];

/** A landmark in character-space axes. */
export function toCharacterAxes(p: MeshPoint): Vec3 {
  return [p[0], -p[1], -p[2]];
}

function centroid(points: readonly Vec3[]): Vec3 {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
    z += p[2];
  }
  const n = Math.max(1, points.length);
  return [x / n, y / n, z / n];
}

/** Eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (cyclic Jacobi rotations). */
function dominantEigenvector(m: number[][]): number[] {
  const a = m.map((row) => [...row]);
  const v = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  for (let sweep = 0; sweep < 30; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += a[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < 4; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 4; i++) if (a[i]![i]! > a[best]![best]!) best = i;
  return v.map((row) => row[best]!);
}

export interface RigidFit {
  /** Rotation taking the rest face's orientation to this frame's (character space). */
  readonly rotation: Quat;
  /** This frame's size relative to the rest frame's. */
  readonly scale: number;
  /** Centroids of the fitted points (character space, pixels). */
  readonly restCentre: Vec3;
  readonly centre: Vec3;
  /** Root-mean-square distance left after the fit, as a fraction of the face's size. */
  readonly residual: number;
}

/**
 * The similarity transform `frame ≈ centre + scale · R · (rest − restCentre)` over `indices`
 * (default: the rigid points). Both meshes in the model's coordinates (see the file comment).
 */
export function fitRigid(rest: Mesh, frame: Mesh, indices: readonly number[] = RIGID_POINTS): RigidFit {
  const a = indices.map((i) => toCharacterAxes(rest[i]!));
  const b = indices.map((i) => toCharacterAxes(frame[i]!));
  const ca = centroid(a);
  const cb = centroid(b);
  let sxx = 0;
  let sxy = 0;
  let sxz = 0;
  let syx = 0;
  let syy = 0;
  let syz = 0;
  let szx = 0;
  let szy = 0;
  let szz = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const ax = a[i]![0] - ca[0];
    const ay = a[i]![1] - ca[1];
    const az = a[i]![2] - ca[2];
    const bx = b[i]![0] - cb[0];
    const by = b[i]![1] - cb[1];
    const bz = b[i]![2] - cb[2];
    sxx += ax * bx;
    sxy += ax * by;
    sxz += ax * bz;
    syx += ay * bx;
    syy += ay * by;
    syz += ay * bz;
    szx += az * bx;
    szy += az * by;
    szz += az * bz;
    na += ax * ax + ay * ay + az * az;
    nb += bx * bx + by * by + bz * bz;
  }
  const n = [
    [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
    [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
    [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
    [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
  ];
  const [w, x, y, z] = dominantEigenvector(n) as [number, number, number, number];
  const rotation = quatNormalize(w < 0 ? [-x, -y, -z, -w] : [x, y, z, w]);
  // Symmetric scale (Horn's): independent of which set is called the source.
  const scale = na > 0 ? Math.sqrt(nb / na) : 1;
  // Residual of the fit: |b| ² + s² |a|² − 2 s Σ b·Ra, where Σ b·Ra is the largest eigenvalue.
  const lambda = (() => {
    const q = [w, x, y, z];
    let s = 0;
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) s += q[r]! * n[r]![c]! * q[c]!;
    return s;
  })();
  const rss = Math.max(0, nb + scale * scale * na - 2 * scale * lambda);
  const size = Math.sqrt(nb / Math.max(1, a.length));
  return {
    rotation,
    scale,
    restCentre: ca,
    centre: cb,
    residual: size > 0 ? Math.sqrt(rss / Math.max(1, a.length)) / size : 0,
  };
}
