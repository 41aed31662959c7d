import { FLAT_COLUMNS } from '../../../core/render/parts/tileParams.js';
import { affine, columns, type Entries, fetchTexel, type GraphContext, perEntry } from './common.js';

/**
 * Flat parts (rotated only in the picture plane): each pixel's texel by the part's 2D rigid map,
 * the depth key the part's own. core/render/parts/hit.ts hitFlatPart is the same maths.
 */
export function flatStage(ctx: GraphContext, params: string): Entries {
  const c = columns(ctx.g, params, FLAT_COLUMNS);
  const u = affine(ctx, c.ux, c.uy, c.u0);
  const v = affine(ctx, c.vx, c.vy, c.v0);
  const texel = fetchTexel(ctx, u, v, c);
  return { texel, key: perEntry(ctx, c.key, u) };
}
