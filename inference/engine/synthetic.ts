import { type JointId, jointId } from '../../core/ids.js';
import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import type { Skeleton } from '../../core/skeleton/types.js';

/**
 * A synthetic character for tests and benchmarks: the default humanoid drawn as textured capsules
 * (anti-aliased silhouette), with weights from the distance to each bone's segment, softened so
 * joints blend over a few pixels like real skinning weights. Sixteen joints own weights.
 */
export interface SyntheticCharacter {
  readonly skeleton: Skeleton;
  readonly art: RgbaImage;
  readonly weights: SkinWeights;
}

/** Weight-owning joint -> the segment it drives (from joint to `to`, or along `dir` for leaves). */
const SEGMENTS: readonly { joint: string; to?: string; tip?: readonly [number, number]; radius: number }[] = [
  { joint: 'Hips', to: 'Spine', radius: 0.085 },
  { joint: 'Spine', to: 'Chest', radius: 0.08 },
  { joint: 'Chest', to: 'Neck', radius: 0.085 },
  { joint: 'Head', tip: [0, 0.09], radius: 0.055 },
  { joint: 'LeftArm', to: 'LeftForeArm', radius: 0.03 },
  { joint: 'LeftForeArm', to: 'LeftHand', radius: 0.026 },
  { joint: 'LeftHand', tip: [0.05, 0], radius: 0.025 },
  { joint: 'RightArm', to: 'RightForeArm', radius: 0.03 },
  { joint: 'RightForeArm', to: 'RightHand', radius: 0.026 },
  { joint: 'RightHand', tip: [-0.05, 0], radius: 0.025 },
  { joint: 'LeftUpLeg', to: 'LeftLeg', radius: 0.045 },
  { joint: 'LeftLeg', to: 'LeftFoot', radius: 0.036 },
  { joint: 'LeftFoot', tip: [0.04, -0.03], radius: 0.022 },
  { joint: 'RightUpLeg', to: 'RightLeg', radius: 0.045 },
  { joint: 'RightLeg', to: 'RightFoot', radius: 0.036 },
  { joint: 'RightFoot', tip: [-0.04, -0.03], radius: 0.022 },
];

export const SYNTHETIC_BONES: readonly JointId[] = SEGMENTS.map((s) => jointId(s.joint));

export function createSyntheticCharacter(opts: { width: number; height: number }): SyntheticCharacter {
  const { width, height } = opts;
  const heightPx = Math.min(height * 0.9, width * 1.1);
  const skeleton = createDefaultHumanoid({ heightPx });
  const rest = new Map(skeleton.joints.map((j) => [j.id as string, j.restPosition]));
  const cx = width / 2;
  const cy = height / 2;
  // Segments in imagePx.
  const segs = SEGMENTS.map((s) => {
    const a = rest.get(s.joint)!;
    const b = s.to ? rest.get(s.to)! : [a[0] + s.tip![0] * heightPx, a[1] + s.tip![1] * heightPx, 0];
    return {
      ax: a[0] + cx,
      ay: cy - a[1],
      bx: b[0]! + cx,
      by: cy - b[1]!,
      r: s.radius * heightPx,
    };
  });
  const k = segs.length;
  const n = width * height;
  const art = new Uint8Array(n * 4);
  const weights = new Float32Array(k * n);
  const dist = new Float64Array(k);
  const softPx = Math.max(1.5, heightPx * 0.012);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x + 0.5;
      const v = y + 0.5;
      let coverage = 0;
      let nearest = 0;
      let best = Number.POSITIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        const s = segs[j]!;
        const ex = s.bx - s.ax;
        const ey = s.by - s.ay;
        const len2 = ex * ex + ey * ey;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((u - s.ax) * ex + (v - s.ay) * ey) / len2)) : 0;
        const d = Math.hypot(u - (s.ax + t * ex), v - (s.ay + t * ey));
        dist[j] = d - s.r;
        coverage = Math.max(coverage, Math.min(1, Math.max(0, s.r - d + 0.5)));
        if (dist[j]! < best) {
          best = dist[j]!;
          nearest = j;
        }
      }
      if (coverage <= 0) continue;
      const i = y * width + x;
      // Texture: per-part hue, stripes and a gradient, so misplaced fetches show up as errors.
      const stripe = (Math.sin(u * 0.35) * Math.cos(v * 0.23) + 1) / 2;
      art[i * 4] = Math.round(60 + 150 * stripe);
      art[i * 4 + 1] = Math.round(40 + ((nearest * 37) % 160) + 40 * (v / height));
      art[i * 4 + 2] = Math.round(80 + 120 * (u / width));
      art[i * 4 + 3] = Math.round(coverage * 255);
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const w = Math.exp(-(dist[j]! - best) / softPx);
        dist[j] = w < 0.02 ? 0 : w;
        sum += dist[j]!;
      }
      for (let j = 0; j < k; j++) weights[j * n + i] = dist[j]! / sum;
    }
  }
  return {
    skeleton,
    art: { width, height, data: art },
    weights: { width, height, jointIds: SYNTHETIC_BONES, data: weights },
  };
}
