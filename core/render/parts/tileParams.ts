import { type ProfileTable, TILT_MIN_Q } from './hit.js';
import type { PosedFrame } from './posed.js';
import { TILE_PX, type TilePlan } from './tiles.js';

/**
 * The frame engine's per-tile inputs: one row of constants per (tile, part) pair, laid out as the
 * graph's stages read them (inference/engine/graph/), with the tile's origin folded in so each
 * stage evaluates its maths at pixel offsets (ox, oy) in 0..TILE_PX-1 within the tile:
 * x = x0 + ox + 0.5. The column orders below are the contract between this packer and the graph.
 */
export const FLAT_COLUMNS = ['ux', 'uy', 'u0', 'vx', 'vy', 'v0', 'uLo', 'uHi', 'vLo', 'vHi', 'key'] as const;
export const TILT_COLUMNS = [
  'tx',
  'ty',
  't0',
  'wt',
  'lx',
  'ly',
  'l0',
  'a',
  'dx',
  'dy',
  'd0',
  'invRho',
  'b',
  'invQ',
  'depthCentre',
  'rowShift',
  'rowCount',
  'rowOffset',
  'keyBase',
  'keySlope',
  'ut',
  'ul',
  'u0',
  'vt',
  'vl',
  'v0',
  'uLo',
  'uHi',
  'vLo',
  'vHi',
] as const;
export const SPHERE_COLUMNS = [
  'cx',
  'cy',
  'r2',
  'depthPerPx',
  'cz',
  'key',
  'ux',
  'uy',
  'uz',
  'u0',
  'vx',
  'vy',
  'vz',
  'v0',
  'uLo',
  'uHi',
  'vLo',
  'vHi',
] as const;

export interface TileList {
  /** rows x columns float32 constants. */
  readonly params: Float32Array;
  /** Per row, the output pixel index of the tile's top-left pixel in the padded frame. */
  readonly base: Int32Array;
  readonly rows: number;
}

export interface PackedTiles {
  /** Padded frame size (whole tiles). */
  readonly paddedWidth: number;
  readonly paddedHeight: number;
  readonly flat: TileList;
  readonly tilted: TileList;
  readonly spheres: TileList;
}

/** Where each part's profile rows start in the concatenated profile tables (see profileRows). */
export function profileOffsets(profiles: readonly ProfileTable[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const p of profiles) {
    out.push(at);
    at += p.radius.length;
  }
  return out;
}

/** The concatenated profile tables: centre and radius planes. */
export function profileRows(profiles: readonly ProfileTable[]): {
  centre: Float32Array;
  radius: Float32Array;
} {
  const n = profiles.reduce((s, p) => s + p.radius.length, 0);
  const centre = new Float32Array(Math.max(1, n));
  const radius = new Float32Array(Math.max(1, n));
  let at = 0;
  for (const p of profiles) {
    centre.set(p.centre, at);
    radius.set(p.radius, at);
    at += p.radius.length;
  }
  return { centre, radius };
}

export function packTiles(
  frame: PosedFrame,
  plan: TilePlan,
  profiles: readonly ProfileTable[],
  offsets: readonly number[],
): PackedTiles {
  const paddedWidth = plan.tilesX * TILE_PX;
  const paddedHeight = plan.tilesY * TILE_PX;
  const origin = (tile: number): [number, number] => [
    (tile % plan.tilesX) * TILE_PX + 0.5,
    Math.floor(tile / plan.tilesX) * TILE_PX + 0.5,
  ];
  const baseOf = (tile: number) =>
    Math.floor(tile / plan.tilesX) * TILE_PX * paddedWidth + (tile % plan.tilesX) * TILE_PX;

  const pack = (
    pairs: Int32Array,
    columns: number,
    fill: (row: Float32Array, tile: number, index: number) => void,
  ): TileList => {
    // An empty list still gets one inert row (transparent texel 0, pixel 0), so every graph input
    // has a non-empty shape.
    const rows = Math.max(1, pairs.length / 2);
    const params = new Float32Array(rows * columns);
    const base = new Int32Array(rows);
    for (let r = 0; r < pairs.length / 2; r++) {
      const tile = pairs[2 * r]!;
      fill(params.subarray(r * columns, (r + 1) * columns), tile, pairs[2 * r + 1]!);
      base[r] = baseOf(tile);
    }
    return { params, base, rows };
  };

  const flat = pack(plan.flat, FLAT_COLUMNS.length, (row, tile, index) => {
    const p = frame.parts[index]!;
    const [x0, y0] = origin(tile);
    row[0] = p.flatU[0];
    row[1] = p.flatU[1];
    row[2] = p.flatU[0] * x0 + p.flatU[1] * y0 + p.flatU[2];
    row[3] = p.flatV[0];
    row[4] = p.flatV[1];
    row[5] = p.flatV[0] * x0 + p.flatV[1] * y0 + p.flatV[2];
    row[6] = p.clampU[0];
    row[7] = p.clampU[1];
    row[8] = p.clampV[0];
    row[9] = p.clampV[1];
    row[10] = p.keyBase;
  });

  const tilted = pack(plan.tilted, TILT_COLUMNS.length, (row, tile, index) => {
    const p = frame.parts[index]!;
    const prof = profiles[index]!;
    const [x0, y0] = origin(tile);
    const a = p.l[3];
    const b = p.d[3] / prof.depthRatio;
    row.set([
      p.t[0],
      p.t[1],
      p.t[0] * x0 + p.t[1] * y0 + p.t[2],
      p.t[3],
      p.l[0],
      p.l[1],
      p.l[0] * x0 + p.l[1] * y0 + p.l[2],
      a,
      p.d[0],
      p.d[1],
      p.d[0] * x0 + p.d[1] * y0 + p.d[2],
      1 / prof.depthRatio,
      b,
      1 / Math.max(TILT_MIN_Q, a * a + b * b),
      prof.depthCentre,
      prof.tMin - 0.5,
      prof.radius.length,
      offsets[index]!,
      p.keyBase,
      p.keySlope,
      p.u[0],
      p.u[1],
      p.u[2],
      p.v[0],
      p.v[1],
      p.v[2],
      p.clampU[0],
      p.clampU[1],
      p.clampV[0],
      p.clampV[1],
    ]);
  });

  const spheres = pack(plan.spheres, SPHERE_COLUMNS.length, (row, tile, index) => {
    const s = frame.spheres[index - frame.parts.length]!;
    const [x0, y0] = origin(tile);
    row.set([
      s.cx - x0,
      s.cy - y0,
      s.radius * s.radius,
      s.depthPerPx,
      s.cz,
      s.key,
      s.u[0],
      s.u[1],
      s.u[2],
      s.u[0] * x0 + s.u[1] * y0 + s.u[3],
      s.v[0],
      s.v[1],
      s.v[2],
      s.v[0] * x0 + s.v[1] * y0 + s.v[3],
      s.clampU[0],
      s.clampU[1],
      s.clampV[0],
      s.clampV[1],
    ]);
  });
  return { paddedWidth, paddedHeight, flat, tilted, spheres };
}
