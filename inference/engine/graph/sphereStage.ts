import { SPHERE_COLUMNS } from '../../../core/render/parts/tileParams.js';
import { columns, type Entries, fetchTexel, flatten, type GraphContext, perEntry } from './common.js';

/**
 * Joint spheres: the front of the sphere under each pixel, textured through the joint's inverse
 * transform (hit.ts hitSphere). Pixels outside the circle read no texel.
 */
export function sphereStage(ctx: GraphContext, params: string): Entries {
  const { g } = ctx;
  const c = columns(g, params, SPHERE_COLUMNS);
  const dx = g.sub(ctx.ox, c.cx);
  const dy = g.sub(ctx.oy, c.cy);
  const h2 = g.sub(g.sub(c.r2, g.mul(dx, dx)), g.mul(dy, dy));
  const inside = g.op('GreaterOrEqual', [h2, g.scalarF(0)]);
  const z = g.add(c.cz, g.mul(g.op('Sqrt', [g.op('Max', [h2, g.scalarF(0)])]), c.depthPerPx));
  const u = g.add(g.add(g.add(g.mul(c.ux, ctx.ox), g.mul(c.uy, ctx.oy)), g.mul(c.uz, z)), c.u0);
  const v = g.add(g.add(g.add(g.mul(c.vx, ctx.ox), g.mul(c.vy, ctx.oy)), g.mul(c.vz, z)), c.v0);
  const fetched = fetchTexel(ctx, u, v, c);
  const texel = g.where(flatten(g, inside), fetched, g.constI32(0));
  return { texel, key: perEntry(ctx, c.key, u) };
}
