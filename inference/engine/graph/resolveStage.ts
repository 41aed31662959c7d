import type { GraphBuilder } from '../../onnx/builder.js';
import type { Entries } from './common.js';

/**
 * Depth resolve of all entries: per output pixel, the front-most covered entry (largest key) and
 * a second behind it (the front-most opaque one, else the front-most: as
 * core/render/parts/reference.ts), by scatter-max passes over a per-pixel key buffer and gathers
 * back. Yields two frames of packed texels, front and second, each [N + 1] (N padded pixels;
 * the last slot collects the entries that lose).
 */
export interface Resolved {
  readonly front: string;
  readonly second: string;
}

/** Key of "nothing here": below any real depth. */
export const NO_KEY = -1e30;

export function resolveStage(g: GraphBuilder, all: Entries, frameSlots: string): Resolved {
  const { texel, key, pixel } = all;
  const covered = g.op('Not', [g.op('Equal', [texel, g.constI32(0)])]);
  const none = g.scalarF(NO_KEY);
  const emptyKeys = g.op('ConstantOfShape', [frameSlots], { value: tensorAttr('float', NO_KEY) });
  const keyed = g.where(covered, key, none);
  const best1 = g.op('ScatterElements', [emptyKeys, pixel, keyed], { axis: 0, reduction: 'max' });
  const isFront = g.op('And', [
    covered,
    g.op('Equal', [keyed, g.op('GatherElements', [best1, pixel], { axis: 0 })]),
  ]);
  // The second: the front-most opaque entry behind the front where the pixel has one, else the
  // front-most entry behind it (reference.ts says why an opaque layer goes first).
  const behind = g.op('And', [covered, g.op('Not', [isFront])]);
  const opaque = g.op('And', [
    g.op('GreaterOrEqual', [texel, g.constI32(-16777216)]),
    g.op('Less', [texel, g.constI32(0)]),
  ]);
  const opaqueBehind = g.op('And', [behind, opaque]);
  const bestOpaque = g.op('ScatterElements', [emptyKeys, pixel, g.where(opaqueBehind, key, none)], {
    axis: 0,
    reduction: 'max',
  });
  const pixelHasOpaque = g.op('Greater', [
    g.op('GatherElements', [bestOpaque, pixel], { axis: 0 }),
    g.scalarF(NO_KEY),
  ]);
  // behind, and opaque where the pixel has an opaque entry behind (Where has no bool kernel).
  const candidate = g.op('And', [behind, g.op('Or', [opaque, g.op('Not', [pixelHasOpaque])])]);
  const rest = g.where(candidate, key, none);
  const best2 = g.op('ScatterElements', [emptyKeys, pixel, rest], { axis: 0, reduction: 'max' });
  const isSecond = g.op('And', [
    candidate,
    g.op('Equal', [rest, g.op('GatherElements', [best2, pixel], { axis: 0 })]),
  ]);
  // Losers write into the spare last slot.
  const spare = g.op('Sub', [g.op('Cast', [frameSlots], { to: 6 }), g.constI32(1)]);
  const spareScalar = g.op('Squeeze', [spare, g.constI([0])]);
  const emptyTexels = g.op('ConstantOfShape', [frameSlots], { value: tensorAttr('int32', 0) });
  const front = g.op('ScatterElements', [emptyTexels, g.where(isFront, pixel, spareScalar), texel], {
    axis: 0,
  });
  const second = g.op('ScatterElements', [emptyTexels, g.where(isSecond, pixel, spareScalar), texel], {
    axis: 0,
  });
  return { front, second };
}

/** A one-element tensor attribute value (ConstantOfShape's `value`). */
export function tensorAttr(
  type: 'float' | 'int32',
  v: number,
): { tensor: { type: 'float' | 'int32'; value: number } } {
  return { tensor: { type, value: v } };
}
