import { TILE_PX, type TilePlan } from './tiles.js';

/**
 * The frame engine's per-tile depth resolve works on each tile's own slot list: the entry rows
 * (one per (tile, part) pair of the plan, rows of TILE_PX^2 pixels) that can touch that tile, so
 * it costs the pairs there are, not pixels x parts (a scatter over a frame-sized buffer per pass,
 * as the resolve did before, cost the frame's pixels and a slow per-element scatter each time).
 *
 * The graph takes tiles in SLOT_BUCKETS buckets, each a dense [tiles, width] table of entry rows
 * (width = the most slots of a tile in the bucket; shorter lists are padded with the inert row,
 * which holds no texel), and reduces each bucket over its width. Bucket 0 holds the tiles with a
 * single slot (the inside of a part), whose entry is its front with nothing behind, bucket 1 those
 * with two (a seam), resolved by a comparison; the others are chosen per frame to waste the fewest
 * padded slots.
 *
 * Rows are numbered as the graph concatenates the stages' entries: flat, tilted, spheres, each
 * list at least one row long (tileParams.ts pads an empty list with one inert row); the inert row
 * the padding points at is one past the last. A tile's slots keep that order: where two entries
 * tie on depth the later one wins, as in the all-parts resolve it replaces.
 */
export const SLOT_BUCKETS = 4;
/** Buckets of one exact width each: 1 and 2 slots. */
export const FIXED_BUCKETS = 2;

export interface SlotBucket {
  /** Entry rows, tiles x width (row-major). */
  readonly rows: Int32Array;
  readonly width: number;
  /** Per tile, its top-left pixel in the padded frame (the spare tile row for an inert tile). */
  readonly base: Int32Array;
  readonly tiles: number;
}

export interface TileSlots {
  readonly buckets: readonly SlotBucket[];
  /** The inert row: one past the stages' rows. */
  readonly inertRow: number;
  /** Tiles with at least one slot. */
  readonly touched: number;
}

/**
 * Per touched tile its slot list, bucketed. An empty bucket holds one inert tile whose pixels go
 * to the spare tile row below the padded frame (the graph's output buffer has one), so every
 * graph input keeps a non-empty shape without writing over a real pixel.
 */
export function tileSlots(plan: TilePlan, buckets = SLOT_BUCKETS): TileSlots {
  const tileCount = plan.tilesX * plan.tilesY;
  const lists = [plan.flat, plan.tilted, plan.spheres];
  // Counting sort of the slots by tile, stable in row order.
  const count = new Int32Array(tileCount + 1);
  for (const pairs of lists) for (let i = 0; i < pairs.length; i += 2) count[pairs[i]! + 1]!++;
  const start = new Int32Array(tileCount + 1);
  for (let t = 0; t < tileCount; t++) start[t + 1] = start[t]! + count[t + 1]!;
  const slots = new Int32Array(start[tileCount]!);
  const fill = start.slice(0, tileCount);
  let offset = 0;
  for (const pairs of lists) {
    for (let i = 0; i < pairs.length; i += 2) slots[fill[pairs[i]!]!++] = offset + i / 2;
    offset += Math.max(1, pairs.length / 2);
  }
  const inertRow = offset;
  const paddedWidth = plan.tilesX * TILE_PX;
  const spareBase = plan.tilesY * TILE_PX * paddedWidth;

  // Tiles by slot count (a counting sort), then the count ranges of the buckets.
  let most = 0;
  for (let t = 0; t < tileCount; t++) most = Math.max(most, count[t + 1]!);
  const ofCount = new Int32Array(most + 2);
  for (let t = 0; t < tileCount; t++) ofCount[count[t + 1]! + 1]!++;
  for (let k = 0; k <= most; k++) ofCount[k + 1]! += ofCount[k]!;
  const byCount = new Int32Array(ofCount[most + 1]!);
  const next = ofCount.slice(0, most + 1);
  for (let t = 0; t < tileCount; t++) byCount[next[count[t + 1]!]!++] = t;
  const widths: number[] = [];
  for (let k = 1; k <= most; k++) if (ofCount[k + 1]! > ofCount[k]!) widths.push(k);
  const tilesWith = (k: number) => ofCount[k + 1]! - ofCount[k]!;
  // Buckets 0 and 1: the tiles with one and with two slots, each an exact width (the graph has a
  // cheaper resolve for each); the rest: ranges of widths.
  const at1 = widths.indexOf(1);
  const at2 = widths.indexOf(2);
  const rest = widths.filter((k) => k > 2);
  const skip = widths.length - rest.length;
  const ranges: ([number, number] | undefined)[] = [
    at1 >= 0 ? [at1, at1] : undefined,
    at2 >= 0 ? [at2, at2] : undefined,
    ...bucketRanges(rest, rest.map(tilesWith), buckets - FIXED_BUCKETS).map(([i, j]): [number, number] => [
      i + skip,
      j + skip,
    ]),
  ];
  const out: SlotBucket[] = [];
  let touched = 0;
  for (let b = 0; b < buckets; b++) {
    const range = ranges[b];
    if (!range) {
      // Bucket 1's resolve reads two slots.
      const width = b === 1 ? 2 : 1;
      out.push({
        rows: new Int32Array(width).fill(inertRow),
        width,
        base: Int32Array.of(spareBase),
        tiles: 1,
      });
      continue;
    }
    const width = widths[range[1]]!;
    // Tiles of counts widths[range[0]..range[1]]: consecutive in byCount.
    const first = ofCount[widths[range[0]]!]!;
    const last = ofCount[width + 1]!;
    const n = last - first;
    const rows = new Int32Array(n * width).fill(inertRow);
    const base = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const t = byCount[first + i]!;
      for (let s = start[t]!, o = i * width; s < start[t + 1]!; s++, o++) rows[o] = slots[s]!;
      base[i] = Math.floor(t / plan.tilesX) * TILE_PX * paddedWidth + (t % plan.tilesX) * TILE_PX;
    }
    touched += n;
    out.push({ rows, width, base, tiles: n });
  }
  return { buckets: out, inertRow, touched };
}

/**
 * Splits the sorted distinct slot counts `widths` (with `tiles[i]` tiles of count widths[i]) into
 * at most `buckets` consecutive ranges [first, last] minimising the padded slots, the sum over
 * ranges of (tiles in range) x (largest count in range): a small dynamic programme.
 */
export function bucketRanges(
  widths: readonly number[],
  tiles: readonly number[],
  buckets: number,
): [number, number][] {
  const n = widths.length;
  if (n === 0) return [];
  const prefix = [0];
  for (const c of tiles) prefix.push(prefix[prefix.length - 1]! + c);
  const cost = (i: number, j: number) => (prefix[j + 1]! - prefix[i]!) * widths[j]!;
  // best[b][j]: the least cost of covering widths[0..j] with b + 1 ranges; from[b][j]: where the last starts.
  const best: number[][] = [];
  const from: number[][] = [];
  for (let b = 0; b < Math.min(buckets, n); b++) {
    best.push([]);
    from.push([]);
    for (let j = 0; j < n; j++) {
      if (b === 0) {
        best[b]![j] = cost(0, j);
        from[b]![j] = 0;
        continue;
      }
      let m = Number.POSITIVE_INFINITY;
      let at = j;
      for (let i = b; i <= j; i++) {
        const c = best[b - 1]![i - 1]! + cost(i, j);
        if (c < m) {
          m = c;
          at = i;
        }
      }
      best[b]![j] = j >= b ? m : Number.POSITIVE_INFINITY;
      from[b]![j] = at;
    }
  }
  const ranges: [number, number][] = [];
  let b = Math.min(buckets, n) - 1;
  let j = n - 1;
  while (j >= 0) {
    const i = from[b]![j]!;
    ranges.unshift([i, j]);
    j = i - 1;
    b--;
  }
  return ranges;
}
