import {
  CAP_INSET_PX,
  GRAZE_PX2,
  TILT_EDGE_PX,
  TILT_ITERATIONS,
  TILT_MIN_WT,
} from '../../../core/render/parts/hit.js';
import { TILT_COLUMNS } from '../../../core/render/parts/tileParams.js';
import { affine, columns, type Entries, fetchTexel, flatten, type GraphContext, INT32 } from './common.js';

/**
 * Tilted parts: the view ray against the part's 2.5D shape (hit.ts hitTiltedPart): start where
 * the ray passes closest to the axis, then TILT_ITERATIONS times look up the cross-section at the
 * ray's t (the nearer end's while past one) and take the front of its ellipse; a front past an
 * end is that end's cap where the ray crosses the end plane inside it; a ray missing an ellipse is
 * no hit.
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
  /** The profile row of t, clamped to the part's rows: its index into the concatenated tables. */
  const row = (t: string) => {
    const r = g.sub(t, c.rowShift);
    const clamped = g.op('Min', [g.op('Max', [r, zero]), g.sub(c.rowCount, g.scalarF(1))]);
    // r >= 0 after the clamp, so truncation is floor.
    return flatten(g, g.op('Cast', [g.add(clamped, c.rowOffset)], { to: INT32 }));
  };
  const shape = g.op('Shape', [t0]);
  // The last cross-section looked at (centre m, radius r) and the ray's discriminant there.
  let m = '';
  let r = '';
  let disc = '';
  for (let k = 0; k < TILT_ITERATIONS; k++) {
    const index = row(g.add(t0, g.mul(c.wt, z)));
    const gather = (plane: string) =>
      g.op('Reshape', [g.op('GatherElements', [plane, index], { axis: 0 }), shape]);
    m = gather(ctx.profileCentre);
    r = gather(ctx.profileRadius);
    const A = g.sub(l0, m);
    const Bc = g.sub(B, g.mul(c.depthCentre, r));
    const P = g.mul(g.add(g.mul(A, c.a), g.mul(Bc, c.b)), c.invQ);
    const C = g.mul(g.sub(g.add(g.mul(A, A), g.mul(Bc, Bc)), g.mul(r, r)), c.invQ);
    disc = g.sub(g.mul(P, P), C);
    and(g.op('GreaterOrEqual', [disc, g.scalarF(-GRAZE_PX2)]));
    z = g.sub(g.op('Sqrt', [g.op('Max', [disc, zero])]), P);
  }
  // More than TILT_EDGE_PX inside the silhouette seen now (hit.ts).
  const edge = g.mul(g.mul(g.sub(g.add(r, r), g.scalarF(TILT_EDGE_PX)), g.scalarF(TILT_EDGE_PX)), c.invQ);
  const insideSurface = g.op('Greater', [disc, edge]);
  // A front past an end: the end's cap, where the ray crosses the end plane inside the last
  // section looked at (hit.ts).
  const tFront = g.add(t0, g.mul(c.wt, z));
  const last = g.sub(g.add(c.rowShift, c.rowCount), g.scalarF(CAP_INSET_PX));
  const t = g.op('Min', [g.op('Max', [tFront, c.rowShift]), last]);
  const onSurface = g.op('Equal', [t, tFront]);
  const crosses = g.op('GreaterOrEqual', [g.op('Abs', [c.wt]), g.scalarF(TILT_MIN_WT)]);
  const wtSafe = g.where(crosses, c.wt, g.scalarF(1));
  z = g.where(onSurface, z, g.op('Div', [g.sub(t, t0), wtSafe]));
  const along = g.add(l0, g.mul(c.a, z));
  const Ac = g.sub(along, m);
  const Bcap = g.sub(g.add(B, g.mul(c.b, z)), g.mul(c.depthCentre, r));
  const inCap = g.op('LessOrEqual', [g.add(g.mul(Ac, Ac), g.mul(Bcap, Bcap)), g.mul(r, r)]);
  and(g.op('Or', [onSurface, g.op('And', [crosses, inCap])]));
  // Across the part, away from the silhouette seen now, the texel is read off the layer's fringe
  // (hit.ts, TILT_EDGE_PX); caps count as away.
  const inside = g.op('Or', [insideSurface, g.op('Not', [onSurface])]);
  const inner = g.where(inside, g.op('Max', [g.sub(r, g.scalarF(TILT_EDGE_PX)), zero]), g.scalarF(1e30));
  const l = g.op('Min', [g.op('Max', [along, g.sub(m, inner)]), g.add(m, inner)]);
  const u = g.add(g.add(g.mul(c.ut, t), g.mul(c.ul, l)), c.u0);
  const v = g.add(g.add(g.mul(c.vt, t), g.mul(c.vl, l)), c.v0);
  const fetched = fetchTexel(ctx, u, v, c);
  const texel = g.where(flatten(g, valid!), fetched, g.constI32(0));
  const key = flatten(g, g.add(c.keyBase, g.mul(c.keySlope, t)));
  return { texel, key };
}
