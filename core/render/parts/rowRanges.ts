import type { ProfileTable } from './hit.js';

/**
 * Per part, the extent of its cross-sections over any run of profile rows in O(1): the least
 * lateral edge (centre - radius), the largest (centre + radius), and the same for depth in units
 * of the depth semi-axis (depthCentre r -+ r). Sparse tables, built once per rig (the engine's
 * prepare); the tile culling (tileCull.ts) asks them for the rows a tile's rays can reach.
 */
export interface RowRanges {
  readonly rows: number;
  /** levels[k][i]: over rows [i, i + 2^k); four planes: lLo, lHi, dLo, dHi. */
  readonly levels: readonly (readonly [Float64Array, Float64Array, Float64Array, Float64Array])[];
}

export function rowRanges(p: ProfileTable): RowRanges {
  const n = p.radius.length;
  const base: [Float64Array, Float64Array, Float64Array, Float64Array] = [
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
  ];
  for (let i = 0; i < n; i++) {
    const r = p.radius[i]!;
    const m = p.centre[i]!;
    base[0][i] = m - r;
    base[1][i] = m + r;
    base[2][i] = p.depthCentre * r - r;
    base[3][i] = p.depthCentre * r + r;
  }
  const levels = [base];
  for (let span = 1; 2 * span <= n; span *= 2) {
    const prev = levels[levels.length - 1]!;
    const size = n - 2 * span + 1;
    const next: [Float64Array, Float64Array, Float64Array, Float64Array] = [
      new Float64Array(size),
      new Float64Array(size),
      new Float64Array(size),
      new Float64Array(size),
    ];
    for (let i = 0; i < size; i++) {
      next[0][i] = Math.min(prev[0][i]!, prev[0][i + span]!);
      next[1][i] = Math.max(prev[1][i]!, prev[1][i + span]!);
      next[2][i] = Math.min(prev[2][i]!, prev[2][i + span]!);
      next[3][i] = Math.max(prev[3][i]!, prev[3][i + span]!);
    }
    levels.push(next);
  }
  return { rows: n, levels };
}

/** The extent over rows i0..i1 (inclusive, 0 <= i0 <= i1 < rows) into out: [lLo, lHi, dLo, dHi]. */
export function rangeOver(rr: RowRanges, i0: number, i1: number, out: Float64Array): Float64Array {
  const k = 31 - Math.clz32(i1 - i0 + 1);
  const level = rr.levels[k]!;
  const j = i1 - (1 << k) + 1;
  out[0] = Math.min(level[0][i0]!, level[0][j]!);
  out[1] = Math.max(level[1][i0]!, level[1][j]!);
  out[2] = Math.min(level[2][i0]!, level[2][j]!);
  out[3] = Math.max(level[3][i0]!, level[3][j]!);
  return out;
}
