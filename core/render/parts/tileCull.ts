import type { Atlas } from './atlas.js';
import { GRAZE_PX2, type ProfileTable, TILT_MIN_Q } from './hit.js';
import type { PosedFrame, PosedPart, PosedSphere } from './posed.js';
import { type RowRanges, rangeOver, rowRanges } from './rowRanges.js';
import { TILE_PX, type TilePlan } from './tiles.js';

/**
 * Drops the (tile, part) pairs of a tile plan whose pixels cannot fetch a single non-transparent
 * texel, so the engine's per-frame cost follows the pixels a part's art covers rather than the
 * box around it (thin strokes, a layer's empty corners, a joint sphere's corners).
 *
 * Per pair the atlas texels its pixels can fetch are bounded (below) and looked up in a
 * summed-area table of the atlas's occupied cells (CELL_TEXELS squared texels holding any texel
 * that is not 0: the engine's "no hit"). A pair with no occupied cell in its box yields texel 0 at
 * every pixel whatever the float rounding, so dropping it changes no byte of the frame; the
 * bounds carry margins of whole texels and pixels for float32 (the engine) against float64 (here).
 *
 * - Flat parts: the texel is an affine map of the pixel: the tile's corner pixels bound it.
 * - Spheres: affine in the pixel and the depth, which lies in [cz, cz + radius / scale]; a tile
 *   entirely outside the circle is dropped too.
 * - Tilted parts (hit.ts hitTiltedPart): a hit lies on the ellipse of the row its last step
 *   read, so its (t, l, d) lies in the part's box: t among the rows, |l - centre| and
 *   |d / depthRatio - depthCentre r| at most sqrt(r^2 + q GRAZE_PX2) (a grazing miss still hits).
 *   Along each pixel's ray t, l and d are affine in the ray parameter z, so each of them bounds z
 *   over the tile; the z range bounds (t, l), which bounds the texel. A second pass narrows the
 *   box's l and d to the rows the first pass's t range allows (rowRanges.ts).
 */
export const CELL_TEXELS = 4;
/** Float32 headroom, texels (fetch positions) and art pixels (local coordinates). */
const TEXEL_MARGIN = 2;
const LOCAL_MARGIN = 2;

export interface AtlasOccupancy {
  readonly cellsX: number;
  readonly cellsY: number;
  /** (cellsX + 1) x (cellsY + 1) summed-area table of occupied cells. */
  readonly sat: Int32Array;
}

export function atlasOccupancy(atlas: Atlas): AtlasOccupancy {
  const cellsX = Math.ceil(atlas.width / CELL_TEXELS);
  const cellsY = Math.ceil(atlas.height / CELL_TEXELS);
  const occupied = new Uint8Array(cellsX * cellsY);
  const { texels, width } = atlas;
  for (let y = 0; y < atlas.height; y++) {
    const row = Math.floor(y / CELL_TEXELS) * cellsX;
    for (let x = 0; x < width; x++)
      if (texels[y * width + x] !== 0) occupied[row + Math.floor(x / CELL_TEXELS)] = 1;
  }
  const W = cellsX + 1;
  const sat = new Int32Array(W * (cellsY + 1));
  for (let y = 0; y < cellsY; y++) {
    let run = 0;
    for (let x = 0; x < cellsX; x++) {
      run += occupied[y * cellsX + x]!;
      sat[(y + 1) * W + x + 1] = sat[y * W + x + 1]! + run;
    }
  }
  return { cellsX, cellsY, sat };
}

/** Whether any texel in the inclusive texel box (after the layer's clamp) is occupied. */
function anyTexel(
  occ: AtlasOccupancy,
  clampU: readonly [number, number],
  clampV: readonly [number, number],
  u0: number,
  u1: number,
  v0: number,
  v1: number,
): boolean {
  if (!(u0 <= u1 && v0 <= v1)) return false;
  const cu0 = Math.floor(Math.floor(clamp(u0 - TEXEL_MARGIN, clampU[0], clampU[1])) / CELL_TEXELS);
  const cu1 = Math.floor(Math.floor(clamp(u1 + TEXEL_MARGIN, clampU[0], clampU[1])) / CELL_TEXELS);
  const cv0 = Math.floor(Math.floor(clamp(v0 - TEXEL_MARGIN, clampV[0], clampV[1])) / CELL_TEXELS);
  const cv1 = Math.floor(Math.floor(clamp(v1 + TEXEL_MARGIN, clampV[0], clampV[1])) / CELL_TEXELS);
  const x0 = Math.max(0, cu0);
  const y0 = Math.max(0, cv0);
  const x1 = Math.min(occ.cellsX - 1, cu1);
  const y1 = Math.min(occ.cellsY - 1, cv1);
  if (x1 < x0 || y1 < y0) return false;
  const W = occ.cellsX + 1;
  const s = occ.sat;
  return s[(y1 + 1) * W + x1 + 1]! - s[y0 * W + x1 + 1]! - s[(y1 + 1) * W + x0]! + s[y0 * W + x0]! > 0;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const SPAN = TILE_PX - 1;

/** Least and largest value of an affine map c0 + cx x + cy y over the tile's pixel centres. */
function affineLo(cx: number, cy: number, c0: number, x0: number, y0: number): number {
  return c0 + cx * (x0 + 0.5) + cy * (y0 + 0.5) + Math.min(0, cx * SPAN) + Math.min(0, cy * SPAN);
}
function affineHi(cx: number, cy: number, c0: number, x0: number, y0: number): number {
  return c0 + cx * (x0 + 0.5) + cy * (y0 + 0.5) + Math.max(0, cx * SPAN) + Math.max(0, cy * SPAN);
}

function flatReaches(p: PosedPart, occ: AtlasOccupancy, x0: number, y0: number): boolean {
  const u = p.flatU;
  const v = p.flatV;
  return anyTexel(
    occ,
    p.clampU,
    p.clampV,
    affineLo(u[0], u[1], u[2], x0, y0),
    affineHi(u[0], u[1], u[2], x0, y0),
    affineLo(v[0], v[1], v[2], x0, y0),
    affineHi(v[0], v[1], v[2], x0, y0),
  );
}

function sphereReaches(s: PosedSphere, occ: AtlasOccupancy, x0: number, y0: number): boolean {
  // Nearest pixel centre of the tile to the centre: outside the circle (with headroom), no hit.
  const nx = Math.min(x0 + TILE_PX - 0.5, Math.max(x0 + 0.5, s.cx)) - s.cx;
  const ny = Math.min(y0 + TILE_PX - 0.5, Math.max(y0 + 0.5, s.cy)) - s.cy;
  const r2 = s.radius * s.radius;
  if (nx * nx + ny * ny > r2 * (1 + 1e-4) + 1) return false;
  const zFar = s.cz;
  const zNear = s.cz + s.radius * s.depthPerPx;
  const { u, v } = s;
  return anyTexel(
    occ,
    s.clampU,
    s.clampV,
    affineLo(u[0], u[1], u[3], x0, y0) + Math.min(u[2] * zFar, u[2] * zNear),
    affineHi(u[0], u[1], u[3], x0, y0) + Math.max(u[2] * zFar, u[2] * zNear),
    affineLo(v[0], v[1], v[3], x0, y0) + Math.min(v[2] * zFar, v[2] * zNear),
    affineHi(v[0], v[1], v[3], x0, y0) + Math.max(v[2] * zFar, v[2] * zNear),
  );
}

/** A tilted part's local box of possible hits (see above), per frame; null: do not cull it. */
interface TiltBox {
  readonly t: [number, number];
  readonly l: [number, number];
  readonly d: [number, number];
  /** For the second pass: the part's row extents, its first row, depth ratio, and the headroom. */
  readonly ranges: RowRanges;
  readonly tMin: number;
  readonly rho: number;
  readonly extra: number;
}

function tiltBox(p: PosedPart, prof: ProfileTable, ranges: RowRanges): TiltBox | null {
  const rho = prof.depthRatio;
  const a = p.l[3];
  const b = p.d[3] / rho;
  const q = a * a + b * b;
  // The engine clamps q there; the ellipse bound above does not hold for the clamped maths.
  if (q < TILT_MIN_Q * 10 || prof.radius.length === 0) return null;
  let lLo = Number.POSITIVE_INFINITY;
  let lHi = Number.NEGATIVE_INFINITY;
  let dLo = Number.POSITIVE_INFINITY;
  let dHi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < prof.radius.length; i++) {
    const r = prof.radius[i]!;
    const m = prof.centre[i]!;
    const R = Math.sqrt(r * r + q * GRAZE_PX2) + LOCAL_MARGIN;
    lLo = Math.min(lLo, m - R);
    lHi = Math.max(lHi, m + R);
    dLo = Math.min(dLo, rho * (prof.depthCentre * r - R));
    dHi = Math.max(dHi, rho * (prof.depthCentre * r + R));
  }
  const tLo = prof.tMin - 0.5 - LOCAL_MARGIN;
  const tHi = prof.tMin - 0.5 + prof.radius.length + LOCAL_MARGIN;
  // sqrt(r^2 + q g) <= r + sqrt(q g): the headroom over a run of rows' extents.
  const extra = Math.sqrt(q * GRAZE_PX2) + LOCAL_MARGIN;
  return { t: [tLo, tHi], l: [lLo, lHi], d: [dLo, dHi], ranges, tMin: prof.tMin, rho, extra };
}

/** A local coordinate's range over the tile's rays: [lo, hi] at the tile's pixel centres, slope along z. */
interface Along {
  lo: number;
  hi: number;
  w: number;
}

function along(c: readonly number[], x0: number, y0: number, out: Along): Along {
  out.lo = affineLo(c[0]!, c[1]!, c[2]!, x0, y0);
  out.hi = affineHi(c[0]!, c[1]!, c[2]!, x0, y0);
  out.w = c[3]!;
  return out;
}

const scratch: Along[] = [
  { lo: 0, hi: 0, w: 0 },
  { lo: 0, hi: 0, w: 0 },
  { lo: 0, hi: 0, w: 0 },
];

/** The z range of tiltReaches, narrowed by bound (module state: no closure per pair). */
let zLo = 0;
let zHi = 0;

/** Narrows [zLo, zHi] to where a's coordinate, c0 + w z with c0 over the tile, is in range. */
function bound(a: Along, range: readonly [number, number]): void {
  if (Math.abs(a.w) < 1e-3) return;
  const e0 = (range[0] - a.hi) / a.w;
  const e1 = (range[1] - a.lo) / a.w;
  zLo = Math.max(zLo, Math.min(e0, e1));
  zHi = Math.min(zHi, Math.max(e0, e1));
}

function tiltReaches(p: PosedPart, box: TiltBox, occ: AtlasOccupancy, x0: number, y0: number): boolean {
  const T = along(p.t, x0, y0, scratch[0]!);
  const L = along(p.l, x0, y0, scratch[1]!);
  const D = along(p.d, x0, y0, scratch[2]!);
  // The ray parameter z: within the box along every axis it moves on.
  zLo = Number.NEGATIVE_INFINITY;
  zHi = Number.POSITIVE_INFINITY;
  bound(T, box.t);
  bound(L, box.l);
  bound(D, box.d);
  if (!(zLo <= zHi)) return false;
  // t and l over the tile's rays at those z, within the box.
  const t0 = Math.max(box.t[0], T.lo + Math.min(T.w * zLo, T.w * zHi));
  const t1 = Math.min(box.t[1], T.hi + Math.max(T.w * zLo, T.w * zHi));
  const l0 = Math.max(box.l[0], L.lo + Math.min(L.w * zLo, L.w * zHi));
  const l1 = Math.min(box.l[1], L.hi + Math.max(L.w * zLo, L.w * zHi));
  if (!(t0 <= t1 && l0 <= l1)) return false;
  // Second pass. The row the last step read is where the ray was after the step before, a
  // point on a cross-section's ellipse (so in the box) at a valid row: within [t0, t1]. The hit
  // lies on that row's ellipse: only those rows bound its l and d.
  const i0 = Math.max(0, Math.floor(t0 - box.tMin + 0.5) - 1);
  const i1 = Math.min(box.ranges.rows - 1, Math.floor(t1 - box.tMin + 0.5) + 1);
  if (i0 > i1) return false;
  const e = rangeOver(box.ranges, i0, i1, extent);
  lRange[0] = e[0]! - box.extra;
  lRange[1] = e[1]! + box.extra;
  dRange[0] = box.rho * (e[2]! - box.extra);
  dRange[1] = box.rho * (e[3]! + box.extra);
  bound(L, lRange);
  bound(D, dRange);
  if (!(zLo <= zHi)) return false;
  const t2 = Math.max(box.t[0], T.lo + Math.min(T.w * zLo, T.w * zHi));
  const t3 = Math.min(box.t[1], T.hi + Math.max(T.w * zLo, T.w * zHi));
  const l2 = Math.max(lRange[0], L.lo + Math.min(L.w * zLo, L.w * zHi));
  const l3 = Math.min(lRange[1], L.hi + Math.max(L.w * zLo, L.w * zHi));
  if (!(t2 <= t3 && l2 <= l3)) return false;
  return texelReaches(p, occ, t2, t3, l2, l3);
}

const extent = new Float64Array(4);
const lRange: [number, number] = [0, 0];
const dRange: [number, number] = [0, 0];

/** Whether a tilted part's texels at local (t, l) in the box reach art. */
function texelReaches(
  p: PosedPart,
  occ: AtlasOccupancy,
  t0: number,
  t1: number,
  l0: number,
  l1: number,
): boolean {
  const u = p.u;
  const v = p.v;
  const u0 = u[2] + Math.min(u[0] * t0, u[0] * t1) + Math.min(u[1] * l0, u[1] * l1);
  const u1 = u[2] + Math.max(u[0] * t0, u[0] * t1) + Math.max(u[1] * l0, u[1] * l1);
  const v0 = v[2] + Math.min(v[0] * t0, v[0] * t1) + Math.min(v[1] * l0, v[1] * l1);
  const v1 = v[2] + Math.max(v[0] * t0, v[0] * t1) + Math.max(v[1] * l0, v[1] * l1);
  return anyTexel(occ, p.clampU, p.clampV, u0, u1, v0, v1);
}

/** The plan without the pairs that reach no texel; the order of the others is kept. */
export function cullTiles(
  frame: PosedFrame,
  plan: TilePlan,
  occ: AtlasOccupancy,
  profiles: readonly ProfileTable[],
  ranges: readonly RowRanges[] = profiles.map(rowRanges),
): TilePlan {
  const keep = (pairs: Int32Array, reaches: (x0: number, y0: number, index: number) => boolean) => {
    const out = new Int32Array(pairs.length);
    let n = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      const tile = pairs[i]!;
      const ty = Math.floor(tile / plan.tilesX);
      if (!reaches((tile - ty * plan.tilesX) * TILE_PX, ty * TILE_PX, pairs[i + 1]!)) continue;
      out[n++] = tile;
      out[n++] = pairs[i + 1]!;
    }
    return out.slice(0, n);
  };
  const boxes = frame.parts.map((p) => (p.flat ? null : tiltBox(p, profiles[p.index]!, ranges[p.index]!)));
  return {
    tilesX: plan.tilesX,
    tilesY: plan.tilesY,
    flat: keep(plan.flat, (x0, y0, index) => flatReaches(frame.parts[index]!, occ, x0, y0)),
    tilted: keep(plan.tilted, (x0, y0, index) => {
      const box = boxes[index];
      return !box || tiltReaches(frame.parts[index]!, box, occ, x0, y0);
    }),
    spheres: keep(plan.spheres, (x0, y0, index) =>
      sphereReaches(frame.spheres[index - frame.parts.length]!, occ, x0, y0),
    ),
  };
}
