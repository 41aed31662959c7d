import type { Skeleton } from '../../../../core/skeleton/types.js';
import type { Mask } from '../../../../inference/rigging/types.js';
import type { Pt } from './drawings.js';

export interface JointError {
  readonly joint: string;
  /** Distance from the truth in % of the figure's size. */
  readonly errorPct: number;
}

export interface FitScore {
  readonly medianPct: number;
  readonly worst: JointError;
  readonly joints: readonly JointError[];
  /** Truth joints the skeleton does not have. */
  readonly missing: readonly string[];
}

/** The figure's size: the longer side of its mask's bounding box (pixels). */
export function figureSizePx(mask: Mask): number {
  let x0 = mask.width;
  let y0 = mask.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (!mask.data[y * mask.width + x]) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return Math.max(1, x1 - x0 + 1, y1 - y0 + 1);
}

/** Picture pixels (y down) of each joint of a skeleton fitted on a width x height picture. */
export function jointPixels(skeleton: Skeleton, width: number, height: number): Record<string, Pt> {
  const out: Record<string, Pt> = {};
  for (const j of skeleton.joints)
    out[j.name] = [j.restPosition[0] + width / 2, height / 2 - j.restPosition[1]];
  return out;
}

/** Per-joint error of a fit against the truth, in % of the figure's size. */
export function scoreFit(
  truth: Readonly<Record<string, Pt>>,
  fitted: Readonly<Record<string, Pt>>,
  sizePx: number,
): FitScore {
  const joints: JointError[] = [];
  const missing: string[] = [];
  for (const [name, t] of Object.entries(truth)) {
    const f = fitted[name];
    if (!f) {
      missing.push(name);
      continue;
    }
    joints.push({ joint: name, errorPct: (100 * Math.hypot(f[0] - t[0], f[1] - t[1])) / sizePx });
  }
  const sorted = joints.map((j) => j.errorPct).sort((a, b) => a - b);
  const worst = joints.reduce<JointError>((w, j) => (j.errorPct > w.errorPct ? j : w), {
    joint: '',
    errorPct: 0,
  });
  return { medianPct: sorted[Math.floor(sorted.length / 2)] ?? 0, worst, joints, missing };
}
