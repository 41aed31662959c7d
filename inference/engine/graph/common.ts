import { TILE_PX } from '../../../core/render/parts/tiles.js';
import type { GraphBuilder } from '../../onnx/builder.js';

/**
 * What every stage of the parts graph shares: the pixel pattern of a tile and the atlas.
 *
 * A stage's tile list is a [T, C] float input of per-tile constants (core/render/parts/
 * tileParams.ts names the columns); which output pixels a row's entries are is the resolve's
 * business (tileSlots.ts).
 * Per tile the stage evaluates TILE_PX x TILE_PX pixels at offsets (OX, OY), tensors [T, P]
 * with P = TILE_PX^2, per-tile constants broadcasting as [T, 1]: each op runs over every entry.
 */
export const PATTERN = TILE_PX * TILE_PX;

export interface GraphContext {
  readonly g: GraphBuilder;
  /** [1, P] float offsets of a tile's pixels. */
  readonly ox: string;
  readonly oy: string;
  /** Straight RGBA8 texels, packed int32 [N]. */
  readonly atlas: string;
  /** Atlas width in texels, int32 scalar. */
  readonly atlasWidth: string;
  /** [R] float profile planes (centre, radius) of every part, concatenated. */
  readonly profileCentre: string;
  readonly profileRadius: string;
}

/** What a stage yields per entry, both [L] (L = T * P, row-major by tile row). */
export interface Entries {
  /** Packed straight RGBA8 texel, 0 = no hit. */
  readonly texel: string;
  /** Depth key (larger = nearer). */
  readonly key: string;
}

/** Splits a [T, C] constants input into named [T, 1] columns. */
export function columns<N extends string>(
  g: GraphBuilder,
  params: string,
  names: readonly N[],
): Record<N, string> {
  const outs = g.opN('Split', [params, g.constI(names.map(() => 1))], names.length, { axis: 1 });
  return Object.fromEntries(names.map((n, i) => [n, outs[i]!])) as Record<N, string>;
}

/** Affine in the tile's pixel offsets: cx * OX + cy * OY + c0, [T, P]. */
export function affine(ctx: GraphContext, cx: string, cy: string, c0: string): string {
  const { g } = ctx;
  return g.add(g.add(g.mul(cx, ctx.ox), g.mul(cy, ctx.oy)), c0);
}

/**
 * Atlas fetch at float texel coordinates: clamped into the layer's texel rectangle (its
 * transparent border included), truncated, one GatherElements of the packed texel.
 */
export function fetchTexel(
  ctx: GraphContext,
  u: string,
  v: string,
  clamp: { uLo: string; uHi: string; vLo: string; vHi: string },
): string {
  const { g } = ctx;
  const ui = g.op('Cast', [g.op('Min', [g.op('Max', [u, clamp.uLo]), clamp.uHi])], { to: INT32 });
  const vi = g.op('Cast', [g.op('Min', [g.op('Max', [v, clamp.vLo]), clamp.vHi])], { to: INT32 });
  const index = flatten(g, g.add(g.mul(vi, ctx.atlasWidth), ui));
  return g.op('GatherElements', [ctx.atlas, index], { axis: 0 });
}

/** [T, P] -> [T * P]. */
export function flatten(g: GraphBuilder, value: string): string {
  return g.op('Reshape', [value, g.constI([-1])]);
}

/** A per-tile constant [T, 1] broadcast to every entry, flattened. */
export function perEntry(ctx: GraphContext, value: string, like: string): string {
  const { g } = ctx;
  return flatten(g, g.op('Expand', [value, g.op('Shape', [like])]));
}

export const INT32 = 6;
export const INT64 = 7;
export const UINT32 = 12;
export const FLOAT = 1;
