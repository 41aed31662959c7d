import type { Quat, Vec3 } from '../math/types.js';
import type { PoseClip } from '../motion/clip.js';
import type { Rig } from './rig.js';

/** Source forward kinematics of one frame into flat arrays (world rotation, world position). */
export function sourceFk(
  rig: Rig,
  clip: PoseClip,
  frame: number,
  rot: Float64Array,
  pos: Float64Array,
): void {
  const n = rig.ids.length;
  const r = clip.rotations;
  const base = frame * n * 4;
  for (let j = 0; j < n; j++) {
    const lo = base + j * 4;
    const lx = r[lo]!;
    const ly = r[lo + 1]!;
    const lz = r[lo + 2]!;
    const lw = r[lo + 3]!;
    const p = rig.parent[j]!;
    const rest = rig.rest[j]!;
    if (p < 0) {
      rot[j * 4] = lx;
      rot[j * 4 + 1] = ly;
      rot[j * 4 + 2] = lz;
      rot[j * 4 + 3] = lw;
      pos[j * 3] = rest[0] + clip.rootTranslation[frame * 3]!;
      pos[j * 3 + 1] = rest[1] + clip.rootTranslation[frame * 3 + 1]!;
      pos[j * 3 + 2] = rest[2] + clip.rootTranslation[frame * 3 + 2]!;
      continue;
    }
    const px = rot[p * 4]!;
    const py = rot[p * 4 + 1]!;
    const pz = rot[p * 4 + 2]!;
    const pw = rot[p * 4 + 3]!;
    rot[j * 4] = pw * lx + px * lw + py * lz - pz * ly;
    rot[j * 4 + 1] = pw * ly - px * lz + py * lw + pz * lx;
    rot[j * 4 + 2] = pw * lz + px * ly - py * lx + pz * lw;
    rot[j * 4 + 3] = pw * lw - px * lx - py * ly - pz * lz;
    const parentRest = rig.rest[p]!;
    const vx = rest[0] - parentRest[0];
    const vy = rest[1] - parentRest[1];
    const vz = rest[2] - parentRest[2];
    const tx = 2 * (py * vz - pz * vy);
    const ty = 2 * (pz * vx - px * vz);
    const tz = 2 * (px * vy - py * vx);
    pos[j * 3] = pos[p * 3]! + vx + pw * tx + (py * tz - pz * ty);
    pos[j * 3 + 1] = pos[p * 3 + 1]! + vy + pw * ty + (pz * tx - px * tz);
    pos[j * 3 + 2] = pos[p * 3 + 2]! + vz + pw * tz + (px * ty - py * tx);
  }
}

export const at3 = (a: Float64Array, i: number): Vec3 => [a[i * 3]!, a[i * 3 + 1]!, a[i * 3 + 2]!];
export const at4 = (a: Float64Array, i: number): Quat => [
  a[i * 4]!,
  a[i * 4 + 1]!,
  a[i * 4 + 2]!,
  a[i * 4 + 3]!,
];
