import type { GraphBuilder } from '../../onnx/builder.js';
import { PATTERN } from './common.js';

/**
 * Depth resolve per tile (core/render/parts/tileSlots.ts): per output pixel, the front-most
 * covered entry (largest key) and a second behind it (the front-most opaque one, else the
 * front-most: as core/render/parts/reference.ts). Each bucket of tiles gathers its slot rows of
 * the stages' entries into a dense [tiles, width, P] block and reduces over the width, so the
 * cost is the slots there are (a scatter-max over a frame-sized buffer per pass, as before, cost
 * the frame's pixels every pass and most of a frame's time).
 *
 * Bucket 0 holds the tiles with one slot: its entry is the front, and there is no second.
 * Ties: the all-parts resolve scattered its winners in entry order, so of equal keys the last
 * entry won; ArgMax with select_last_index picks the same one, the slots being in entry order.
 * Yields per touched tile its front and second packed texels, [U, P], and the tiles' bases [U, 1].
 */
export interface Resolved {
  readonly front: string;
  readonly second: string;
  readonly base: string;
}

/** Key of "nothing here": below any real depth. */
export const NO_KEY = -1e30;

/** The stages' entries, [R, P] each: packed straight RGBA8 texel (0 = no hit) and depth key. */
export interface EntryRows {
  readonly texel: string;
  readonly key: string;
}

export interface SlotInputs {
  /** [U_b, width_b] int32 entry rows (the inert row pads). */
  readonly rows: string;
  /** [U_b, 1] int32 tile bases. */
  readonly base: string;
}

export function resolveStage(g: GraphBuilder, entries: EntryRows, buckets: readonly SlotInputs[]): Resolved {
  // The inert row: no texel, no key.
  const inertTexel = g.op('ConstantOfShape', [g.constI([1, PATTERN])], { value: tensorAttr('int32', 0) });
  const texels = g.op('Concat', [entries.texel, inertTexel], { axis: 0 });
  const keys = g.op('Concat', [entries.key, g.constF(new Array(PATTERN).fill(NO_KEY), [1, PATTERN])], {
    axis: 0,
  });
  const none = g.scalarF(NO_KEY);
  const fronts: string[] = [];
  const seconds: string[] = [];
  buckets.forEach((b, i) => {
    if (i === 0) {
      // One slot per tile: its texel is the front, nothing is behind it.
      const texel = g.op('Gather', [texels, g.op('Reshape', [b.rows, g.constI([-1])])], { axis: 0 });
      fronts.push(texel);
      seconds.push(g.op('ConstantOfShape', [g.op('Shape', [texel])], { value: tensorAttr('int32', 0) }));
      return;
    }
    if (i === 1) {
      const pair = resolvePair(g, texels, keys, b.rows);
      fronts.push(pair.front);
      seconds.push(pair.second);
      return;
    }
    const shape = g.op('Concat', [g.op('Shape', [b.rows]), g.constI([PATTERN])], { axis: 0 });
    const flatRows = g.op('Reshape', [b.rows, g.constI([-1])]);
    const dense = (rows: string) => g.op('Reshape', [g.op('Gather', [rows, flatRows], { axis: 0 }), shape]);
    const texel = dense(texels);
    const key = dense(keys);
    const covered = g.op('Not', [g.op('Equal', [texel, g.constI32(0)])]);
    const keyed = g.where(covered, key, none);
    // The last of the largest: the front (none covered: the max is NO_KEY, the texel 0).
    const pick = (values: string) => {
      const at = g.op('ArgMax', [values], { axis: 1, keepdims: 1, select_last_index: 1 });
      return {
        best: g.op('GatherElements', [values, at], { axis: 1 }),
        texel: g.op('GatherElements', [texel, at], { axis: 1 }),
      };
    };
    const front = pick(keyed);
    const isFront = g.op('And', [covered, g.op('Equal', [keyed, front.best])]);
    // The second: the front-most opaque entry behind the front where the pixel has one, else the
    // front-most entry behind it (reference.ts says why an opaque layer goes first).
    const behind = g.op('And', [covered, g.op('Not', [isFront])]);
    const opaque = g.op('And', [
      g.op('GreaterOrEqual', [texel, g.constI32(-16777216)]),
      g.op('Less', [texel, g.constI32(0)]),
    ]);
    const bestOpaque = g.op('ReduceMax', [g.where(g.op('And', [behind, opaque]), key, none), g.constI([1])], {
      keepdims: 1,
    });
    const pixelHasOpaque = g.op('Greater', [bestOpaque, none]);
    // behind, and opaque where the pixel has an opaque entry behind (Where has no bool kernel).
    const candidate = g.op('And', [behind, g.op('Or', [opaque, g.op('Not', [pixelHasOpaque])])]);
    const second = pick(g.where(candidate, key, none));
    const flat = (v: string) => g.op('Reshape', [v, g.constI([-1, PATTERN])]);
    fronts.push(flat(front.texel));
    // No candidate: the max is NO_KEY and the pick an entry that is not one.
    seconds.push(flat(g.where(g.op('Greater', [second.best, none]), second.texel, g.constI32(0))));
  });
  const cat = (xs: string[]) => g.op('Concat', xs, { axis: 0 });
  return { front: cat(fronts), second: cat(seconds), base: cat(buckets.map((b) => b.base)) };
}

/**
 * Tiles with two slots, a before b in entry order. The front: b where its key is at least a's (of
 * equal keys the later), else a (neither covered: a texel 0 either way). The second: the other
 * one, where it is covered and its key differs from the front's (of equal keys both count as
 * front, as in the general resolve, and nothing is behind); alone behind the front, it is the
 * second whether opaque or not.
 */
function resolvePair(
  g: GraphBuilder,
  texels: string,
  keys: string,
  rows: string,
): { front: string; second: string } {
  const none = g.scalarF(NO_KEY);
  const column = (k: number) =>
    g.op('Squeeze', [g.op('Slice', [rows, g.constI([k]), g.constI([k + 1]), g.constI([1])]), g.constI([1])]);
  const entry = (k: number) => {
    const at = column(k);
    const texel = g.op('Gather', [texels, at], { axis: 0 });
    const covered = g.op('Not', [g.op('Equal', [texel, g.constI32(0)])]);
    return { texel, key: g.where(covered, g.op('Gather', [keys, at], { axis: 0 }), none) };
  };
  const a = entry(0);
  const b = entry(1);
  const bFront = g.op('GreaterOrEqual', [b.key, a.key]);
  const front = g.where(bFront, b.texel, a.texel);
  const other = g.where(bFront, a.texel, b.texel);
  const otherCovered = g.op('Not', [g.op('Equal', [other, g.constI32(0)])]);
  const behind = g.op('And', [otherCovered, g.op('Not', [g.op('Equal', [a.key, b.key])])]);
  return { front, second: g.where(behind, other, g.constI32(0)) };
}

/** A one-element tensor attribute value (ConstantOfShape's `value`). */
export function tensorAttr(
  type: 'float' | 'int32',
  v: number,
): { tensor: { type: 'float' | 'int32'; value: number } } {
  return { tensor: { type, value: v } };
}
