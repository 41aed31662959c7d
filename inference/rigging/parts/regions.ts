import type { PartAxis } from './axes.js';

/**
 * A part's full region: the pixels it owns in the picture plus the pieces of it other parts hide
 * there (the torso's side under a hanging arm, the belly under a hand), found by continuing the
 * part's contour under the parts in front of it.
 *
 * The part is read in rows across its axis (one per pixel of t). In each row its own pixels span
 * [lMin, lMax]; a side of the row is an "edge" where the part meets the background or a part
 * behind it, and "occluded" where it meets a part in front (larger bias). Occluded sides are
 * continued from the nearest edge rows above and below (linearly), never further out than
 * EXTEND_OF_WIDTH of the part's typical width, and the pixels of the parts in front that fall
 * inside the continued rows become the part's hidden pixels, with fractional coverage where the
 * continued contour cuts through them (an anti-aliased edge).
 */
export interface PartRegion {
  /** Own pixels (indices into the picture). */
  readonly own: Int32Array;
  /** Hidden pixels and their coverage (0..1]. */
  readonly hidden: Int32Array;
  readonly hiddenCoverage: Float32Array;
}

/** How far an occluded side may be continued, as a fraction of the part's median row width. */
export const EXTEND_OF_WIDTH = 0.6;
/** Pixels looked at beyond a row's end to tell an edge from an occluded side. */
const SIDE_PROBE_PX = 3;

interface Rows {
  readonly tStart: number;
  readonly lMin: Float64Array;
  readonly lMax: Float64Array;
}

export interface RegionInput {
  readonly width: number;
  readonly height: number;
  /** Per pixel: the owning part's index, or -1 outside the figure. */
  readonly labels: Int16Array;
  readonly axes: readonly PartAxis[];
  /** Per part: depth tie-break (larger = in front). */
  readonly biases: readonly number[];
  /** Per pixel, the art's alpha: a hidden piece lies only under opaque pixels (see partRegions). */
  readonly alpha: Uint8Array;
}

export function partRegions(input: RegionInput): PartRegion[] {
  const { width: W, height: H, labels, axes, biases, alpha } = input;
  const P = axes.length;
  const ownLists: number[][] = Array.from({ length: P }, () => []);
  for (let i = 0; i < W * H; i++) {
    const k = labels[i]!;
    if (k >= 0) ownLists[k]!.push(i);
  }
  const labelAt = (u: number, v: number): number => {
    const x = Math.floor(u);
    const y = Math.floor(v);
    if (x < 0 || y < 0 || x >= W || y >= H) return -1;
    return labels[y * W + x]!;
  };
  return axes.map((axis, k) => {
    const own = Int32Array.from(ownLists[k]!);
    if (own.length === 0) return { own, hidden: new Int32Array(0), hiddenCoverage: new Float32Array(0) };
    const local = (i: number): [number, number] => {
      const du = (i % W) + 0.5 - axis.originU;
      const dv = Math.floor(i / W) + 0.5 - axis.originV;
      return [du * axis.axisU + dv * axis.axisV, -du * axis.axisV + dv * axis.axisU];
    };
    const rows = ownRows(own, local);
    const n = rows.lMin.length;
    // Classify each side of each row by probing beyond its extreme pixel along the lateral.
    const occludedMin = new Uint8Array(n);
    const occludedMax = new Uint8Array(n);
    const isOccluder = (j: number) => j >= 0 && j !== k && biases[j]! > biases[k]!;
    const probe = (row: number, l: number, sign: number): boolean => {
      const t = rows.tStart + row;
      for (let s = 1; s <= SIDE_PROBE_PX; s++) {
        const ll = l + sign * s;
        const u = axis.originU + t * axis.axisU - ll * axis.axisV;
        const v = axis.originV + t * axis.axisV + ll * axis.axisU;
        const j = labelAt(u, v);
        if (j === k) continue;
        return isOccluder(j);
      }
      return false;
    };
    const widths: number[] = [];
    for (let r = 0; r < n; r++) {
      if (!Number.isFinite(rows.lMin[r]!)) {
        occludedMin[r] = 1;
        occludedMax[r] = 1;
        continue;
      }
      widths.push(rows.lMax[r]! - rows.lMin[r]! + 1);
      occludedMin[r] = probe(r, rows.lMin[r]!, -1) ? 1 : 0;
      occludedMax[r] = probe(r, rows.lMax[r]!, 1) ? 1 : 0;
    }
    widths.sort((a, b) => a - b);
    const cap = Math.max(2, EXTEND_OF_WIDTH * (widths[Math.floor(widths.length / 2)] ?? 0));
    const extMin = continueSide(rows.lMin, occludedMin, -1, cap);
    const extMax = continueSide(rows.lMax, occludedMax, 1, cap);
    // Hidden pixels: occluders' pixels inside the continued rows.
    const hidden: number[] = [];
    const coverage: number[] = [];
    const box = rowsBox(rows.tStart, extMin, extMax, axis, W, H);
    for (let y = box[1]; y < box[3]; y++) {
      for (let x = box[0]; x < box[2]; x++) {
        const i = y * W + x;
        // Where the art is see-through, the picture shows what is behind the occluder: the
        // background, not a hidden piece of this part.
        if (!isOccluder(labels[i]!) || alpha[i]! < 255) continue;
        const [t, l] = local(i);
        const r = Math.floor(t - rows.tStart + 0.5);
        if (r < 0 || r >= n) continue;
        const lo = extMin[r]!;
        const hi = extMax[r]!;
        if (!Number.isFinite(lo) || !Number.isFinite(hi)) continue;
        const c = Math.min(1, Math.max(0, hi + 1 - l)) * Math.min(1, Math.max(0, l - lo + 1));
        if (c <= 0) continue;
        hidden.push(i);
        coverage.push(Math.min(1, c));
      }
    }
    return { own, hidden: Int32Array.from(hidden), hiddenCoverage: Float32Array.from(coverage) };
  });
}

function ownRows(own: Int32Array, local: (i: number) => [number, number]): Rows {
  let tLo = Number.POSITIVE_INFINITY;
  let tHi = Number.NEGATIVE_INFINITY;
  const ts = new Float64Array(own.length);
  const ls = new Float64Array(own.length);
  own.forEach((i, k) => {
    const [t, l] = local(i);
    ts[k] = t;
    ls[k] = l;
    tLo = Math.min(tLo, t);
    tHi = Math.max(tHi, t);
  });
  const tStart = Math.round(tLo);
  const n = Math.round(tHi) - tStart + 1;
  const lMin = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const lMax = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  for (let k = 0; k < own.length; k++) {
    const r = Math.floor(ts[k]! - tStart + 0.5);
    if (r < 0 || r >= n) continue;
    lMin[r] = Math.min(lMin[r]!, ls[k]!);
    lMax[r] = Math.max(lMax[r]!, ls[k]!);
  }
  return { tStart, lMin, lMax };
}

/**
 * One side of the rows with its occluded stretches continued linearly between the nearest edge
 * rows (held constant past the last one), moved outwards only, at most `cap` beyond the row's own
 * extent (or the continued value itself for rows without own pixels).
 */
export function continueSide(
  own: Float64Array,
  occluded: Uint8Array,
  sign: number,
  cap: number,
): Float64Array {
  const n = own.length;
  const out = Float64Array.from(own);
  const known: number[] = [];
  for (let r = 0; r < n; r++) if (!occluded[r] && Number.isFinite(own[r]!)) known.push(r);
  if (known.length === 0) return out;
  let next = 0;
  for (let r = 0; r < n; r++) {
    if (!occluded[r]) continue;
    while (next < known.length && known[next]! < r) next++;
    const below = next > 0 ? known[next - 1]! : -1;
    const above = next < known.length ? known[next]! : -1;
    let v: number;
    if (below >= 0 && above >= 0) {
      const f = (r - below) / (above - below);
      v = own[below]! * (1 - f) + own[above]! * f;
    } else v = own[below >= 0 ? below : above]!;
    const base = own[r]!;
    if (!Number.isFinite(base)) {
      out[r] = v;
      continue;
    }
    const moved = sign * (v - base);
    if (moved > 0) out[r] = base + sign * Math.min(moved, cap);
  }
  return out;
}

/** Pixel box around continued rows (their four corners per row). */
function rowsBox(
  tStart: number,
  lo: Float64Array,
  hi: Float64Array,
  axis: PartAxis,
  W: number,
  H: number,
): [number, number, number, number] {
  let x0 = W;
  let y0 = H;
  let x1 = 0;
  let y1 = 0;
  for (let r = 0; r < lo.length; r++) {
    if (!Number.isFinite(lo[r]!) || !Number.isFinite(hi[r]!)) continue;
    const t = tStart + r;
    for (const l of [lo[r]! - 1, hi[r]! + 1]) {
      for (const dt of [-1, 1]) {
        const u = axis.originU + (t + dt) * axis.axisU - l * axis.axisV;
        const v = axis.originV + (t + dt) * axis.axisV + l * axis.axisU;
        x0 = Math.min(x0, Math.floor(u));
        y0 = Math.min(y0, Math.floor(v));
        x1 = Math.max(x1, Math.ceil(u) + 1);
        y1 = Math.max(y1, Math.ceil(v) + 1);
      }
    }
  }
  return [Math.max(0, x0), Math.max(0, y0), Math.min(W, x1), Math.min(H, y1)];
}
