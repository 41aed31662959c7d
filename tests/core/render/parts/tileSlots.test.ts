import { describe, expect, it } from 'vitest';
import { bucketRanges, SLOT_BUCKETS, tileSlots } from '../../../../core/render/parts/tileSlots.js';
import { TILE_PX, type TilePlan } from '../../../../core/render/parts/tiles.js';
import { random } from '../../../inference/engine/propertyHelpers.js';

/**
 * The per-tile slot lists the engine's resolve reads (tileSlots.ts): each touched tile appears
 * once, with the rows of exactly its pairs in entry order (the resolve's tie rule depends on it),
 * buckets 0 and 1 hold the one- and two-slot tiles, padding is the inert row, empty buckets point
 * at the spare tile row; and the bucket split is the least padding (against every split).
 */
function randomPlan(seed: number, tilesX: number, tilesY: number, parts: readonly number[]): TilePlan {
  const rnd = random(seed);
  const list = (n: number) => {
    const out: number[] = [];
    for (let p = 0; p < n; p++) for (let t = 0; t < tilesX * tilesY; t++) if (rnd() < 0.3) out.push(t, p);
    return Int32Array.from(out);
  };
  return { tilesX, tilesY, flat: list(parts[0]!), tilted: list(parts[1]!), spheres: list(parts[2]!) };
}

describe('tile slots', () => {
  it.each([
    [1, [4, 3, 5]],
    [2, [0, 6, 2]],
    [3, [1, 0, 0]],
    [4, [9, 9, 9]],
  ])('lists each tile its own entry rows in order (seed %i, parts %j)', (seed, parts) => {
    const plan = randomPlan(seed, 5, 4, parts);
    const slots = tileSlots(plan);
    expect(slots.buckets).toHaveLength(SLOT_BUCKETS);
    // What each tile should list: the rows of its pairs, flat then tilted then spheres.
    const want = new Map<number, number[]>();
    let row = 0;
    for (const pairs of [plan.flat, plan.tilted, plan.spheres]) {
      for (let i = 0; i < pairs.length; i += 2) {
        const list = want.get(pairs[i]!) ?? [];
        list.push(row + i / 2);
        want.set(pairs[i]!, list);
      }
      row += Math.max(1, pairs.length / 2);
    }
    expect(slots.inertRow).toBe(row);
    const width = plan.tilesX * TILE_PX;
    const spare = plan.tilesY * TILE_PX * width;
    const got = new Map<number, number[]>();
    slots.buckets.forEach((b, k) => {
      expect(b.rows.length).toBe(b.tiles * b.width);
      for (let i = 0; i < b.tiles; i++) {
        const rows = Array.from(b.rows.subarray(i * b.width, (i + 1) * b.width));
        if (b.base[i] === spare) {
          expect(rows.every((r) => r === slots.inertRow)).toBe(true);
          continue;
        }
        const tile =
          Math.floor(b.base[i]! / (TILE_PX * width)) * plan.tilesX + (b.base[i]! % width) / TILE_PX;
        const real = rows.filter((r) => r !== slots.inertRow);
        // Padding only after the tile's own rows.
        expect(rows.slice(0, real.length)).toEqual(real);
        if (k < 2) expect(real.length).toBe(k + 1);
        expect(got.has(tile)).toBe(false);
        got.set(tile, real);
      }
    });
    expect(new Map([...got].sort((a, b) => a[0] - b[0]))).toEqual(
      new Map([...want].sort((a, b) => a[0] - b[0])),
    );
    expect(slots.touched).toBe(want.size);
  });

  it('splits the slot counts into the buckets with the least padding', () => {
    const rnd = random(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 7);
      const widths: number[] = [];
      let w = 0;
      for (let i = 0; i < n; i++) {
        w += 1 + Math.floor(rnd() * 4);
        widths.push(w);
      }
      const tiles = widths.map(() => 1 + Math.floor(rnd() * 50));
      const buckets = 1 + Math.floor(rnd() * 3);
      const cost = (ranges: [number, number][]) =>
        ranges.reduce((s, [i, j]) => s + tiles.slice(i, j + 1).reduce((a, b) => a + b, 0) * widths[j]!, 0);
      const ranges = bucketRanges(widths, tiles, buckets);
      // Consecutive ranges covering every width, at most `buckets` of them.
      expect(ranges.length).toBeLessThanOrEqual(buckets);
      expect(ranges[0]![0]).toBe(0);
      expect(ranges[ranges.length - 1]![1]).toBe(n - 1);
      for (let r = 1; r < ranges.length; r++) expect(ranges[r]![0]).toBe(ranges[r - 1]![1] + 1);
      // The best of every split into at most `buckets` ranges (cut positions as bit masks).
      let best = Number.POSITIVE_INFINITY;
      for (let mask = 0; mask < 1 << (n - 1); mask++) {
        const cuts: [number, number][] = [];
        let start = 0;
        for (let i = 0; i < n - 1; i++) {
          if (mask & (1 << i)) {
            cuts.push([start, i]);
            start = i + 1;
          }
        }
        cuts.push([start, n - 1]);
        if (cuts.length <= buckets) best = Math.min(best, cost(cuts));
      }
      expect(cost(ranges)).toBe(best);
    }
  });
});
