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
  /** rows x columns float32 constants (where each row's tile lies is tileSlots.ts's business). */
  readonly params: Float32Array;
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
  const pack = (
    pairs: Int32Array,
    columns: number,
    fill: (row: Float32Array, o: number, tile: number, index: number) => void,
  ): TileList => {
    // An empty list still gets one inert row (transparent texel 0), so every graph input has a
    // non-empty shape.
    const rows = Math.max(1, pairs.length / 2);
    const params = new Float32Array(rows * columns);
    for (let r = 0; r < pairs.length / 2; r++) {
      const tile = pairs[2 * r]!;
      // The row's columns at params[r * columns...]: no view per row (rows are many).
      fill(params, r * columns, tile, pairs[2 * r + 1]!);
    }
    return { params, rows };
  };

  const flat = pack(plan.flat, FLAT_COLUMNS.length, (row, o, tile, index) => {
    const p = frame.parts[index]!;
    const [x0, y0] = origin(tile);
    row[o + 0] = p.flatU[0];
    row[o + 1] = p.flatU[1];
    row[o + 2] = p.flatU[0] * x0 + p.flatU[1] * y0 + p.flatU[2];
    row[o + 3] = p.flatV[0];
    row[o + 4] = p.flatV[1];
    row[o + 5] = p.flatV[0] * x0 + p.flatV[1] * y0 + p.flatV[2];
    row[o + 6] = p.clampU[0];
    row[o + 7] = p.clampU[1];
    row[o + 8] = p.clampV[0];
    row[o + 9] = p.clampV[1];
    row[o + 10] = p.keyBase;
  });

  const tilted = pack(plan.tilted, TILT_COLUMNS.length, (row, o, tile, index) => {
    const p = frame.parts[index]!;
    const prof = profiles[index]!;
    const [x0, y0] = origin(tile);
    const a = p.l[3];
    const b = p.d[3] / prof.depthRatio;
    // Element by element: an array literal per row cost more than the maths (rows are many).
    row[o + 0] = p.t[0];
    row[o + 1] = p.t[1];
    row[o + 2] = p.t[0] * x0 + p.t[1] * y0 + p.t[2];
    row[o + 3] = p.t[3];
    row[o + 4] = p.l[0];
    row[o + 5] = p.l[1];
    row[o + 6] = p.l[0] * x0 + p.l[1] * y0 + p.l[2];
    row[o + 7] = a;
    row[o + 8] = p.d[0];
    row[o + 9] = p.d[1];
    row[o + 10] = p.d[0] * x0 + p.d[1] * y0 + p.d[2];
    row[o + 11] = 1 / prof.depthRatio;
    row[o + 12] = b;
    row[o + 13] = 1 / Math.max(TILT_MIN_Q, a * a + b * b);
    row[o + 14] = prof.depthCentre;
    row[o + 15] = prof.tMin - 0.5;
    row[o + 16] = prof.radius.length;
    row[o + 17] = offsets[index]!;
    row[o + 18] = p.keyBase;
    row[o + 19] = p.keySlope;
    row[o + 20] = p.u[0];
    row[o + 21] = p.u[1];
    row[o + 22] = p.u[2];
    row[o + 23] = p.v[0];
    row[o + 24] = p.v[1];
    row[o + 25] = p.v[2];
    row[o + 26] = p.clampU[0];
    row[o + 27] = p.clampU[1];
    row[o + 28] = p.clampV[0];
    row[o + 29] = p.clampV[1];
  });

  const spheres = pack(plan.spheres, SPHERE_COLUMNS.length, (row, o, tile, index) => {
    const s = frame.spheres[index - frame.parts.length]!;
    const [x0, y0] = origin(tile);
    row[o + 0] = s.cx - x0;
    row[o + 1] = s.cy - y0;
    row[o + 2] = s.radius * s.radius;
    row[o + 3] = s.depthPerPx;
    row[o + 4] = s.cz;
    row[o + 5] = s.key;
    row[o + 6] = s.u[0];
    row[o + 7] = s.u[1];
    row[o + 8] = s.u[2];
    row[o + 9] = s.u[0] * x0 + s.u[1] * y0 + s.u[3];
    row[o + 10] = s.v[0];
    row[o + 11] = s.v[1];
    row[o + 12] = s.v[2];
    row[o + 13] = s.v[0] * x0 + s.v[1] * y0 + s.v[3];
    row[o + 14] = s.clampU[0];
    row[o + 15] = s.clampU[1];
    row[o + 16] = s.clampV[0];
    row[o + 17] = s.clampV[1];
  });
  return { paddedWidth, paddedHeight, flat, tilted, spheres };
}
