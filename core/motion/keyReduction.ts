import type { Quat, Vec3 } from '../math/types.js';
import type { PoseClip } from './clip.js';
import type { Keyframe, Track } from './types.js';

/**
 * Key reduction: the fewest linear keys whose interpolation stays within a tolerance of every
 * sampled frame (a Douglas–Peucker split on the error of slerp / lerp between kept keys). Mocap
 * arrives with a key per frame per joint; animators want keys they can move.
 *
 * Tolerances: rotations in degrees (the angle between the sampled and the interpolated rotation),
 * root translation in character pixels (Euclidean distance).
 */
export interface ReductionTolerance {
  /** Largest rotation error allowed, degrees (0 keeps every frame that differs at all). */
  readonly rotationDeg: number;
  /** Largest root position error allowed, pixels. */
  readonly translationPx: number;
}

export const DEFAULT_REDUCTION: ReductionTolerance = { rotationDeg: 0.5, translationPx: 0.5 };

/**
 * Indices to keep of `count` samples, given the error of interpolating sample k between kept
 * samples a and b. Always keeps the first and last. Iterative, so long clips do not overflow the
 * stack.
 */
export function reduceIndices(
  count: number,
  errorAt: (a: number, b: number, k: number) => number,
  tolerance: number,
): number[] {
  if (count <= 2) return count === 2 ? [0, 1] : count === 1 ? [0] : [];
  const keep = new Uint8Array(count);
  keep[0] = 1;
  keep[count - 1] = 1;
  const stack: [number, number][] = [[0, count - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    if (b - a < 2) continue;
    let worst = -1;
    let worstAt = -1;
    for (let k = a + 1; k < b; k++) {
      const e = errorAt(a, b, k);
      if (e > worst) {
        worst = e;
        worstAt = k;
      }
    }
    if (worst > tolerance) {
      keep[worstAt] = 1;
      stack.push([a, worstAt], [worstAt, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (keep[i]) out.push(i);
  return out;
}

/**
 * Angle in degrees between unit quaternions a and b (any hemisphere), from the relative rotation
 * a⁻¹b: atan2 keeps full precision for small angles, where acos(a·b) of float32 samples would
 * read 0.05° of noise.
 */
function angleDeg(
  ax: number,
  ay: number,
  az: number,
  aw: number,
  bx: number,
  by: number,
  bz: number,
  bw: number,
): number {
  const x = aw * bx - ax * bw - ay * bz + az * by;
  const y = aw * by + ax * bz - ay * bw - az * bx;
  const z = aw * bz - ax * by + ay * bx - az * bw;
  const w = aw * bw + ax * bx + ay * by + az * bz;
  return (2 * Math.atan2(Math.hypot(x, y, z), Math.abs(w)) * 180) / Math.PI;
}

/**
 * Error of slerping between samples a and b at sample k, for one joint of a clip: computed
 * without allocation (this is the inner loop of importing long mocap files).
 */
function rotationError(
  r: Float32Array,
  stride: number,
  offset: number,
  a: number,
  b: number,
  k: number,
): number {
  const oa = a * stride + offset;
  const ob = b * stride + offset;
  const ok = k * stride + offset;
  const t = (k - a) / (b - a);
  let bx = r[ob]!;
  let by = r[ob + 1]!;
  let bz = r[ob + 2]!;
  let bw = r[ob + 3]!;
  const ax = r[oa]!;
  const ay = r[oa + 1]!;
  const az = r[oa + 2]!;
  const aw = r[oa + 3]!;
  let cos = ax * bx + ay * by + az * bz + aw * bw;
  if (cos < 0) {
    cos = -cos;
    bx = -bx;
    by = -by;
    bz = -bz;
    bw = -bw;
  }
  let wa: number;
  let wb: number;
  if (cos > 0.9995) {
    wa = 1 - t;
    wb = t;
  } else {
    const theta = Math.acos(Math.min(1, cos));
    const sin = Math.sin(theta);
    wa = Math.sin((1 - t) * theta) / sin;
    wb = Math.sin(t * theta) / sin;
  }
  let x = ax * wa + bx * wb;
  let y = ay * wa + by * wb;
  let z = az * wa + bz * wb;
  let w = aw * wa + bw * wb;
  const len = Math.hypot(x, y, z, w) || 1;
  x /= len;
  y /= len;
  z /= len;
  w /= len;
  return angleDeg(x, y, z, w, r[ok]!, r[ok + 1]!, r[ok + 2]!, r[ok + 3]!);
}

function translationError(v: Float64Array, a: number, b: number, k: number): number {
  const t = (k - a) / (b - a);
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    const va = v[a * 3 + c]!;
    const e = va + (v[b * 3 + c]! - va) * t - v[k * 3 + c]!;
    sum += e * e;
  }
  return Math.sqrt(sum);
}

/** True when every frame of joint `j` is within `toleranceDeg` of the identity (rest). */
function staysAtRest(clip: PoseClip, j: number, toleranceDeg: number): boolean {
  const stride = clip.jointIds.length * 4;
  const r = clip.rotations;
  for (let f = 0; f < clip.frameCount; f++) {
    const o = f * stride + j * 4;
    if (angleDeg(r[o]!, r[o + 1]!, r[o + 2]!, r[o + 3]!, 0, 0, 0, 1) > toleranceDeg) return false;
  }
  return true;
}

export interface ReducedTracks {
  readonly rotations: Record<string, Track<Quat>>;
  readonly rootTranslation: Track<Vec3>;
  /** Keys kept / frames sampled (for the import summary). */
  readonly keyCount: number;
  readonly sampleCount: number;
}

/**
 * A clip as linear key tracks, reduced to `tolerance`, with clip frame 0 at `startFrame`. Joints
 * that never leave rest (within the tolerance) get no track; the root track is left out when the
 * root never moves.
 */
export function clipToTracks(
  clip: PoseClip,
  tolerance: ReductionTolerance = DEFAULT_REDUCTION,
  startFrame = 0,
): ReducedTracks {
  const stride = clip.jointIds.length * 4;
  const rotations: Record<string, Track<Quat>> = {};
  let keyCount = 0;
  const r = clip.rotations;
  clip.jointIds.forEach((jointId, j) => {
    if (staysAtRest(clip, j, Math.max(tolerance.rotationDeg, 1e-4))) return;
    const kept = reduceIndices(
      clip.frameCount,
      (a, b, k) => rotationError(r, stride, j * 4, a, b, k),
      Math.max(0, tolerance.rotationDeg),
    );
    const track: Keyframe<Quat>[] = kept.map((f) => {
      const o = f * stride + j * 4;
      return {
        frame: startFrame + f,
        value: [r[o]!, r[o + 1]!, r[o + 2]!, r[o + 3]!],
        interpolation: 'linear',
      };
    });
    keyCount += track.length;
    rotations[jointId] = track;
  });
  const t = clip.rootTranslation;
  let moves = false;
  for (let i = 0; i < t.length && !moves; i++) if (Math.abs(t[i]!) > 1e-9) moves = true;
  const rootTranslation: Keyframe<Vec3>[] = moves
    ? reduceIndices(
        clip.frameCount,
        (a, b, k) => translationError(t, a, b, k),
        Math.max(0, tolerance.translationPx),
      ).map((f) => ({
        frame: startFrame + f,
        value: [t[f * 3]!, t[f * 3 + 1]!, t[f * 3 + 2]!],
        interpolation: 'linear',
      }))
    : [];
  keyCount += rootTranslation.length;
  return {
    rotations,
    rootTranslation,
    keyCount,
    sampleCount: clip.frameCount * (clip.jointIds.length + 1),
  };
}
