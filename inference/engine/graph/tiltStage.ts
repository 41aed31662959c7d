import { GRAZE_PX2, TILT_ITERATIONS } from '../../../core/render/parts/hit.js';
import { TILT_COLUMNS } from '../../../core/render/parts/tileParams.js';
import { affine, columns, type Entries, fetchTexel, flatten, type GraphContext, INT32 } from './common.js';

/**
 * Tilted parts: the view ray against the part's 2.5D shape (hit.ts hitTiltedPart): start where
 * the ray passes closest to the axis, then TILT_ITERATIONS times look up the cross-section at the
 * ray's t and take the front of its ellipse; a ray leaving the part's rows, or missing an ellipse,
 * is no hit.
 */
export function tiltStage(ctx: GraphContext, params: string): Entries {
  const { g } = ctx;
  const c = columns(g, params, TILT_COLUMNS);
  const zero = g.scalarF(0);
  const t0 = affine(ctx, c.tx, c.ty, c.t0);
  const l0 = affine(ctx, c.lx, c.ly, c.l0);
  const B = g.mul(affine(ctx, c.dx, c.dy, c.d0), c.invRho);
  let z = g.op('Neg', [g.mul(g.add(g.mul(l0, c.a), g.mul(B, c.b)), c.invQ)]);
  let valid: string | null = null;
  const and = (x: string) => {
    valid = valid === null ? x : g.op('And', [valid, x]);
  };
  /** The profile row of t: validity, and the clamped index into the concatenated tables. */
  const inRows = (t: string) => {
    const r = g.sub(t, c.rowShift);
    and(g.op('GreaterOrEqual', [r, zero]));
    and(g.op('Less', [r, c.rowCount]));
    return r;
  };
  const row = (t: string) => {
    const r = inRows(t);
    const clamped = g.op('Min', [g.op('Max', [r, zero]), g.sub(c.rowCount, g.scalarF(1))]);
    // r >= 0 after the clamp, so truncation is floor.
    return flatten(g, g.op('Cast', [g.add(clamped, c.rowOffset)], { to: INT32 }));
  };
  const shape = g.op('Shape', [t0]);
  for (let k = 0; k < TILT_ITERATIONS; k++) {
    const index = row(g.add(t0, g.mul(c.wt, z)));
    const gather = (plane: string) =>
      g.op('Reshape', [g.op('GatherElements', [plane, index], { axis: 0 }), shape]);
    const m = gather(ctx.profileCentre);
    const r = gather(ctx.profileRadius);
    const A = g.sub(l0, m);
    const Bc = g.sub(B, g.mul(c.depthCentre, r));
    const P = g.mul(g.add(g.mul(A, c.a), g.mul(Bc, c.b)), c.invQ);
    const C = g.mul(g.sub(g.add(g.mul(A, A), g.mul(Bc, Bc)), g.mul(r, r)), c.invQ);
    const disc = g.sub(g.mul(P, P), C);
    and(g.op('GreaterOrEqual', [disc, g.scalarF(-GRAZE_PX2)]));
    z = g.sub(g.op('Sqrt', [g.op('Max', [disc, zero])]), P);
  }
  const t = g.add(t0, g.mul(c.wt, z));
  inRows(t);
  const l = g.add(l0, g.mul(c.a, z));
  const u = g.add(g.add(g.mul(c.ut, t), g.mul(c.ul, l)), c.u0);
  const v = g.add(g.add(g.mul(c.vt, t), g.mul(c.vl, l)), c.v0);
  const fetched = fetchTexel(ctx, u, v, c);
  const texel = g.where(flatten(g, valid!), fetched, g.constI32(0));
  const key = flatten(g, g.add(c.keyBase, g.mul(c.keySlope, t)));
  return { texel, key };
}
