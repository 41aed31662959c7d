import {
  FIELD_CHANNELS,
  WARP_DUPLICATE_PX,
  WARP_ITERATIONS,
  WARP_MIN_ALPHA,
  WARP_MIN_WEIGHT,
  WARP_TIE_BREAK,
  WARP_TOLERANCE_PX,
} from '../../core/render/reference.js';
import { GraphBuilder } from '../onnx/builder.js';

/**
 * The frame warp of core/render/reference.ts as an ONNX graph (same maths, float32).
 *
 * Per-pixel tables cover the character's crop (weights' bounding box + 1 px) with a one-pixel
 * zero border (P = (cropH + 2) x (cropW + 2)), so a bilinear fetch is one Gather of four rows with
 * clamped indices and no bounds logic, matching the reference's zero padding outside the art.
 * Inputs:
 *  - weights   float [Pw, K]   skin weights, padded crop, pixel-major, each row only over its
 *                              weighted range plus a zero cell at each end (rowBase/Lo/Hi)
 *  - rowBase, rowLo, rowHi float [cropH + 2]  per padded row, its range [lo, hi] and where it
 *                              starts in weights (cell x at base + x)
 *  - support   uint8 [P * K]   1 where bone k has weight within one pixel (dilated support)
 *  - rigid     int32 [P]       bone k where the pixel and its 8 neighbours are weighted 1 to k
 *                              alone, else -1 (candidates starting there need no iterations)
 *  - art       float [T, 16]   premultiplied colour in [0, 1] as 2x2 footprints (artTaps): row
 *                              (y + 1) (PW + 1) + x + 1 holds the four padded pixels (y, x),
 *                              (y, x + 1), (y + 1, x), (y + 1, x + 1), channel-major, zero
 *                              outside the table (x, y from -1)
 *  - boneRows  float [10, K]   per bone [a, b, c, d, tx, ty, du, dv, d0, 1] (transposed, rows
 *                              in FIELD_ORDER)
 *  - invT      float [3, 2K]   per bone A_k^-1: [u, v, 1] @ invT = every bone's start at once
 *  - grid      float [N, 3]    solve points [u, v, 1] of this frame's region (regionGrid)
 *  - region    int64 [4]       [x0, y0, width, height] of the region in the frame
 *  - gridShape int64 [2]       [rows, cols] of the grid
 *  - candPoint, candBone int32 [C]  candidate (grid point, bone) pairs (see RegionGrid)
 *  - cellBones float [Q], cellMask int32 [Q]  (step > 1; the mask only for K <= MASK_BONES) per
 *                              cell of the grid, the bones that may start a candidate at one of
 *                              its pixels, counted and as bits (engine.ts coverageCells)
 * Outputs: rgba8 uint8 [R, 4] for the work pixels (row-major), and optionally rgba float: at
 * step 1 the region; at step s > 1 the region grown by s / 2 before (width and height
 * (cols - 1) s and (rows - 1) s; see workSize).
 *
 * Cost structure (FINDINGS: GridSample is slow on CPU, so there is none):
 *  - the blended field is one MatMul [P, K] x [K, 10] (weights pre-blended into 10 channels,
 *    exact because bilinear sampling is linear), over the crop only;
 *  - only the frame region the bones can reach is solved (the engine computes it per frame);
 *  - candidates whose start is outside their bone's dilated support are dropped with NonZero
 *    before iterating (the reference applies the same rule);
 *  - the inverse map is solved on a grid `gridStep` times coarser than the frame; pixels of
 *    cells whose four corners agree on the front/back bones interpolate the corners' maps
 *    bilinearly (exact where one bone drives the picture; cells touching a joint blend get two
 *    more fixed-point steps per pixel), cells whose corners disagree (silhouettes, occlusion
 *    edges) are solved exactly per pixel, and so are cells where the engine's forward splat of
 *    the bones' supports (cellBones) finds bones that the corners do not all see (thin lines,
 *    antennas, strands between grid points); exact pixels try only the bones their cell's
 *    mask lists; the remaining empty cells are skipped: full-resolution work is proportional
 *    to the character's pixels, not the frame's;
 *  - candidates starting where one bone alone drives the picture (rigid) skip the iterations;
 *  - every field fetch is one Gather of 4 channel-last rows per point (block copies; the
 *    fixed-point steps read a 7-channel copy of the field, sliced once per frame); colour is one
 *    16-float row of the art's 2x2 footprint table per pixel, fetched once per pixel, the layer
 *    behind only where the front one is not opaque;
 *  - interior cells interpolate with one MatMul of the corners' maps by a constant [4, step^2]
 *    weight matrix (every cell's pixels sit at the same fractions);
 *  - picks from 1-D tensors use GatherElements (measured ~3x cheaper than Gather there);
 *  - per-point values are 1-D or broadcast along the contiguous axis (onnxruntime's other
 *    broadcasting paths are several times slower); int32 indices. Node count matters less than
 *    it seems: profiled at 1080x1080, kernels are ~95% of a run's time.
 */
/**
 * Row c of the graph's boneRows (and field) holds channel FIELD_ORDER[c] of the reference's
 * [a, b, c, d, tx, ty, du, dv, d0, 1]: the seven channels the iterations read come first.
 */
export const FIELD_ORDER: readonly number[] = [0, 1, 2, 3, 4, 5, 9, 6, 7, 8];

export interface WarpGraphOptions {
  readonly width: number;
  readonly height: number;
  readonly bones: number;
  /** 1 = solve at every pixel (exact); 2 (or another even step) = solve on a coarser grid. */
  readonly gridStep: number;
  /**
   * The rest-space rectangle the per-pixel tables cover (the weights' bounding box plus one
   * pixel): outside it everything is zero, so the per-frame field costs its area, not the
   * picture's. Default: the whole picture.
   */
  readonly crop?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** Also output the unquantised float frame 'rgba' (tests); costs a little. */
  readonly floatOutput?: boolean;
}

export interface RegionGrid {
  /** Region of the frame in pixels: [x0, y0, width, height]; x0, y0 multiples of the step. */
  readonly region: readonly [number, number, number, number];
  readonly rows: number;
  readonly cols: number;
  /** Solve points, rows [u, v, 1]: point (x, y) sits at (originU + x spacing, originV + y spacing). */
  readonly points: Float32Array;
  readonly originU: number;
  readonly originV: number;
  readonly spacing: number;
}

/**
 * The solve grid for the frame region [minU, maxU) x [minV, maxV) (imagePx, clamped to the frame).
 * Step 1: every pixel centre. Step s: grid point X (frame-global, one ring outside the frame)
 * sits at imagePx (X - 0.5) * s; the region starts at a multiple of s, so region pixel x reads
 * grid coordinate (x + 0.5) / s + 0.5. Grid points do not depend
 * on the region, so a frame's result does not either.
 */
export function regionGrid(
  width: number,
  height: number,
  step: number,
  bounds: { minU: number; minV: number; maxU: number; maxV: number },
): RegionGrid | null {
  const minU = Math.max(0, bounds.minU);
  const minV = Math.max(0, bounds.minV);
  const maxU = Math.min(width, bounds.maxU);
  const maxV = Math.min(height, bounds.maxV);
  if (!(maxU > minU && maxV > minV)) return null;
  const x0c = Math.floor(minU / step);
  const y0c = Math.floor(minV / step);
  const x1c = Math.ceil(maxU / step);
  const y1c = Math.ceil(maxV / step);
  const x0 = x0c * step;
  const y0 = y0c * step;
  const w = Math.min(width, x1c * step) - x0;
  const h = Math.min(height, y1c * step) - y0;
  if (step === 1) {
    const points = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        points[o] = x0 + x + 0.5;
        points[o + 1] = y0 + y + 0.5;
        points[o + 2] = 1;
      }
    }
    return {
      region: [x0, y0, w, h],
      rows: h,
      cols: w,
      points,
      originU: x0 + 0.5,
      originV: y0 + 0.5,
      spacing: 1,
    };
  }
  const cols = x1c - x0c + 2;
  const rows = y1c - y0c + 2;
  const points = new Float32Array(cols * rows * 3);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const o = (y * cols + x) * 3;
      points[o] = (x0c + x - 0.5) * step;
      points[o + 1] = (y0c + y - 0.5) * step;
      points[o + 2] = 1;
    }
  }
  return {
    region: [x0, y0, w, h],
    rows,
    cols,
    points,
    originU: (x0c - 0.5) * step,
    originV: (y0c - 0.5) * step,
    spacing: step,
  };
}

/**
 * Candidate (grid point, bone) pairs: bone k at the points inside `boxes[k]` (imagePx
 * [minU, minV, maxU, maxV], null = nowhere). A start A_k^-1 q can only be in bone k's support if
 * q is in A_k(support), so boxes that bound A_k(support) drop no candidate the reference keeps.
 */
export function gridCandidates(
  grid: RegionGrid,
  boxes: readonly (readonly [number, number, number, number] | null)[],
): { point: Int32Array; bone: Int32Array } {
  const ranges = boxes.map((b) => {
    if (!b) return null;
    const x0 = Math.max(0, Math.ceil((b[0] - grid.originU) / grid.spacing));
    const y0 = Math.max(0, Math.ceil((b[1] - grid.originV) / grid.spacing));
    const x1 = Math.min(grid.cols - 1, Math.floor((b[2] - grid.originU) / grid.spacing));
    const y1 = Math.min(grid.rows - 1, Math.floor((b[3] - grid.originV) / grid.spacing));
    return x1 >= x0 && y1 >= y0 ? ([x0, y0, x1, y1] as const) : null;
  });
  let count = 0;
  for (const r of ranges) if (r) count += (r[2] - r[0] + 1) * (r[3] - r[1] + 1);
  const point = new Int32Array(count);
  const bone = new Int32Array(count);
  let i = 0;
  ranges.forEach((r, k) => {
    if (!r) return;
    for (let y = r[1]; y <= r[3]; y++) {
      for (let x = r[0]; x <= r[2]; x++) {
        point[i] = y * grid.cols + x;
        bone[i] = k;
        i++;
      }
    }
  });
  return { point, bone };
}

/**
 * The pixels the graph outputs for a grid: width, height and where the region's first pixel sits
 * in them (step s > 1: every pixel of every cell, so the region's pixel (0, 0) is at (s/2, s/2)).
 */
export function workSize(grid: RegionGrid): { width: number; height: number; offset: number } {
  const s = grid.spacing;
  if (s === 1) return { width: grid.region[2], height: grid.region[3], offset: 0 };
  return { width: (grid.cols - 1) * s, height: (grid.rows - 1) * s, offset: s / 2 };
}

export function buildWarpGraph(opts: WarpGraphOptions): Uint8Array {
  const { width: W, height: H, bones: K, gridStep: step } = opts;
  if (step > 1 && step % 2 !== 0) throw new Error(`gridStep must be 1 or even, got ${step}`);
  const crop = opts.crop ?? { x: 0, y: 0, width: W, height: H };
  const g = new GraphBuilder('keypose_warp');
  // Tables are the crop with a one-pixel zero border: crop pixel (0, 0) sits at table (1, 1).
  const PW = crop.width + 2;
  const weights = g.input('weights', 'float32', ['Pw', K]);
  // Per padded row y, where its weighted range [lo, hi] (end cells included, both zero) starts
  // in `weights`: cell (y, x) of the range is row base[y] + x (floats, exact below 2^24).
  const rowBase = g.input('rowBase', 'float32', [crop.height + 2]);
  const rowLo = g.input('rowLo', 'float32', [crop.height + 2]);
  const rowHi = g.input('rowHi', 'float32', [crop.height + 2]);
  const support = g.input('support', 'uint8', ['PK']);
  const art = g.input('art', 'float32', ['T', 16]);
  const boneRows = g.input('boneRows', 'float32', [10, K]);
  const invT = g.input('invT', 'float32', [3, 2 * K]);
  const grid = g.input('grid', 'float32', ['N', 3]);
  // The frame region that can hold any pixel of the character this frame (computed per frame by
  // the engine from the bones): [x0, y0, width, height] in pixels, x0/y0 multiples of gridStep;
  // the grid covers it (plus a ring of points for step > 1) as gridShape [rows, cols].
  const region = g.input('region', 'int64', [4]);
  const gridShape = g.input('gridShape', 'int64', [2]);
  // The grid's candidates (point index, bone index): the engine lists bone k only at points its
  // posed support's bounding box covers, so most of the N x K pairs are never looked at.
  const candPoint = g.input('candPoint', 'int32', ['C']);
  const candBone = g.input('candBone', 'int32', ['C']);
  // Per cell of the coarse grid ([rows - 1, cols - 1] flattened), an upper bound on the bones
  // that start a candidate at any of its pixels (engine.ts coverageCells); step > 1 only.
  const cellBones = step > 1 ? g.input('cellBones', 'float32', ['Q']) : '';
  // Per padded rest pixel, the bone k when it and its 8 neighbours are weighted 1 to k alone
  // (any bilinear footprint of a point in it sees M = A_k), else -1.
  const rigid = g.input('rigid', 'int32', ['P']);
  // The same cells' bones as bits (bone k = bit k), when K <= MASK_BONES.
  const cellMask = step > 1 && K <= MASK_BONES ? g.input('cellMask', 'int32', ['Q']) : '';
  // Per-bone inverse affines as two [3, K] matrices: [u, v, 1] @ invU = the starts' u, one per bone.
  const [invU, invV] = g
    .opN('Split', [g.op('Reshape', [invT, g.constI([3, K, 2])]), g.constI([1, 1])], 2, { axis: 2 })
    .map((t) => g.op('Reshape', [t, g.constI([3, K])])) as [string, string];
  // The same as [K, 3] rows, for per-candidate gathers.
  const invUrows = g.op('Transpose', [invU], { perm: [1, 0] });
  const invVrows = g.op('Transpose', [invV], { perm: [1, 0] });
  const boneRange = g.tensor('int32', new Uint8Array(Int32Array.from({ length: K }, (_, k) => k).buffer), [
    1,
    K,
  ]);

  const f0 = g.scalarF(0);
  const f1 = g.scalarF(1);
  const half = g.scalarF(0.5);
  const iK = g.scalarI(K);
  const neg = g.scalarF(-1e30);
  const fPW = g.scalarF(PW);
  const fMaxX = g.scalarF(crop.width + 1);
  const fMaxY = g.scalarF(crop.height + 1);
  const fM1 = g.scalarF(-1);
  // Footprint (y, x) of the padded table -> row of the art's footprint table (artTaps).
  const fPW1 = g.scalarF(PW + 1);
  const fPW2 = g.scalarF(PW + 2);
  // imagePx -> table coordinate of the bilinear footprint's top-left: u - 0.5 - crop.x + 1.
  const offX = g.scalarF(0.5 - crop.x);
  const offY = g.scalarF(0.5 - crop.y);
  // imagePx -> table column of the pixel containing u: floor(u) - crop.x + 1.
  const nearX = g.scalarF(1 - crop.x);
  const nearY = g.scalarF(1 - crop.y);
  const flat = (t: string) => g.op('Reshape', [t, g.constI([-1])]);

  const rowsOf = (t: string, n: number): string[] =>
    g.opN('Split', [t, g.constI(new Array(n).fill(1))], n, { axis: 0 });
  /**
   * The n rows of an [n, M] tensor as n 1-D tensors [M]. (Split's num_outputs would save the
   * flattening nodes but fails on M = 0, which empty selections produce.)
   */
  const channels = (t: string, n: number): string[] => rowsOf(t, n).map(flat);
  // Per padded rest pixel, the pre-blended field [P, 10], channel-last (channels in FIELD_ORDER:
  // the seven the iterations read first).
  const field = g.op('MatMul', [weights, g.op('Transpose', [boneRows], { perm: [1, 0] })]); // [P, 10]
  // The seven channels the fixed-point steps read, as their own table: sliced once per frame
  // instead of after every step's gather (each step then also copies 28 bytes a tap, not 40).
  const field7 = g.op('Slice', [field, g.constI([0]), g.constI([7]), g.constI([1])]); // [P, 7]
  // Per bone, whether its own 2x2 map is invertible (the reference's |det| >= 1e-6 test).
  const [ra, rb, rc, rd] = channels(g.op('Slice', [boneRows, g.constI([0]), g.constI([4])]), 4) as Ten;
  const regularBone = g.op('GreaterOrEqual', [
    g.op('Abs', [g.sub(g.mul(ra, rd), g.mul(rb, rc))]),
    g.scalarF(1e-6),
  ]);

  const cat = (ts: string[]) => g.op('Concat', ts, { axis: 0 });
  /**
   * sum over the four taps of w * table[idx]: `idx` and `w` are [4M] (the four corners' rows
   * and weights of M points, corner-major), `table` is channel-last [rows, C] (the field or
   * its 7-channel copy); gives [C, M]. One Gather of whole rows (a C-float block copy per row, far
   * cheaper than per-element GatherElements), transposed so the per-point weights broadcast
   * along the contiguous axis (onnxruntime's fast path), then the four corners summed.
   */
  const fourTaps = (table: string, C: number, idx: string, w: string): string => {
    const taps = g.op('Transpose', [g.op('Gather', [table, idx], { axis: 0 })], { perm: [1, 0] }); // [C, 4M]
    const weighted = g.op('Reshape', [g.mul(taps, w), g.constI([C, 4, -1])]);
    return g.op('ReduceSum', [weighted, g.constI([1])], { keepdims: 0 });
  };

  /**
   * Bilinear fetch of the first C channels of the field or the art's footprint table at points
   * (u, v) ([M] each): C tensors [M].
   */
  const fetch = (table: string, C: number, u: string, v: string): string[] => {
    const x = g.add(u, offX);
    const y = g.add(v, offY);
    const xf = g.op('Floor', [x]);
    const yf = g.op('Floor', [y]);
    const fx = g.sub(x, xf);
    const fy = g.sub(y, yf);
    const gx = g.sub(f1, fx);
    const gy = g.sub(f1, fy);
    if (table === art) {
      // One row of the 2x2 footprint table per point (a 64-byte copy instead of four 16-byte
      // ones, and one index instead of four). Clamping the footprint's corner to [-1, max]
      // reads the same zeros as clamping each tap, since the table's border is zero.
      const xc = g.op('Clip', [xf, fM1, fMaxX]);
      const yc = g.op('Clip', [yf, fM1, fMaxY]);
      const idx = g.op('Cast', [g.add(g.mul(yc, fPW1), g.add(xc, fPW2))], { to: 6 });
      // [16, M] rows channel-major then tap: as [4, 4M] it lines up with the corner-major weights.
      const taps = g.op('Reshape', [
        g.op('Transpose', [g.op('Gather', [table, idx], { axis: 0 })], { perm: [1, 0] }),
        g.constI([4, -1]),
      ]);
      const w = cat([g.mul(gy, gx), g.mul(gy, fx), g.mul(fy, gx), g.mul(fy, fx)]); // [4M]
      const weighted = g.op('Reshape', [g.mul(taps, w), g.constI([4, 4, -1])]);
      return channels(g.op('ReduceSum', [weighted, g.constI([1])], { keepdims: 0 }), 4);
    }
    const y0 = g.op('Clip', [yf, f0, fMaxY]);
    const y1 = g.op('Clip', [g.add(yf, f1), f0, fMaxY]);
    // The field is stored row by row over each row's weighted range (see rowRanges): both
    // footprint rows at once ([2M]: row y0 then row y1), columns clamped into the row's range,
    // whose two end cells are zero like everything outside it.
    const rows = g.op('Cast', [cat([y0, y1])], { to: 6 });
    const [base, lo, hi] = [rowBase, rowLo, rowHi].map((t) =>
      g.op('GatherElements', [t, rows], { axis: 0 }),
    ) as [string, string, string];
    const xx = cat([xf, xf]);
    const clampRow = (t: string) => g.op('Min', [g.op('Max', [t, lo]), hi]);
    const idx = g.op('Cast', [cat([g.add(base, clampRow(xx)), g.add(base, clampRow(g.add(xx, f1)))])], {
      to: 6,
    });
    // Taps in idx order: (y0, x0), (y1, x0), (y0, x1), (y1, x1).
    const w = cat([g.mul(gy, gx), g.mul(fy, gx), g.mul(gy, fx), g.mul(fy, fx)]); // [4M]
    return channels(fourTaps(table, C, idx, w), C);
  };

  const minW = g.scalarF(WARP_MIN_WEIGHT);
  /** One fixed-point step p <- L(p)^-1 (q - t(p)); `ok` is false where S(p) = 0 or L is singular. */
  const solveStep = (u0: string, v0: string, qu0: string, qv0: string) => {
    const [fa, fb, fc, fd, ftx, fty, fs] = fetch(field7, 7, u0, v0) as Ten;
    const inside = g.op('GreaterOrEqual', [fs, minW]);
    const s = g.op('Max', [fs, minW]);
    const a = g.div(fa, s);
    const b = g.div(fb, s);
    const c = g.div(fc, s);
    const d = g.div(fd, s);
    const ru = g.sub(qu0, g.div(ftx, s));
    const rv = g.sub(qv0, g.div(fty, s));
    const det = g.sub(g.mul(a, d), g.mul(b, c));
    const regular = g.op('GreaterOrEqual', [g.op('Abs', [det]), g.scalarF(1e-6)]);
    const safeDet = g.where(regular, det, f1);
    // Iterates that leave the picture by more than a pixel have S = 0 next step (invalid in the
    // reference too); clipping keeps them finite for the index maths.
    return {
      u: g.op('Clip', [g.div(g.sub(g.mul(d, ru), g.mul(c, rv)), safeDet), g.scalarF(-2), g.scalarF(W + 2)]),
      v: g.op('Clip', [g.div(g.sub(g.mul(a, rv), g.mul(b, ru)), safeDet), g.scalarF(-2), g.scalarF(H + 2)]),
      ok: g.op('And', [inside, regular]),
    };
  };

  /**
   * Solves the inverse map at a list of points ([N, 3] rows [u, v, 1]): per point the front
   * layer's rest point, whether there is one, the layer behind it, whether the front one comes
   * from a joint blend, and the signature (front and second bone + 1, 0 = none) that tells where
   * interpolating between points is safe. Each result is [N, 1].
   */
  const solvePoints = (grid: string, list?: { point: string; bone: string }) => {
    // Dilated-support test at the start's nearest pixel (padded index; int32 indices take
    // onnxruntime's fast GatherElements path).
    const nearest = (p: string, off: string, max: string) =>
      g.op('Clip', [g.op('Floor', [g.add(p, off)]), f0, max]);
    const supportPixel = (su: string, sv: string) =>
      g.op('Cast', [g.add(g.mul(nearest(sv, nearY, fMaxY), fPW), nearest(su, nearX, fMaxX))], { to: 6 });
    let su: string;
    let sv: string;
    let kept: string;
    let keptBone: string;
    let pt: string; // [M] grid point of each kept candidate
    if (list) {
      // Candidates listed by the engine (each bone only where its posed support can reach).
      const q = g.op('Gather', [grid, list.point], { axis: 0 }); // [C, 3]
      const start = (invRows: string) =>
        g.op('ReduceSum', [g.mul(q, g.op('Gather', [invRows, list.bone], { axis: 0 })), g.constI([1])], {
          keepdims: 0,
        });
      su = start(invUrows);
      sv = start(invVrows);
      const supIdx = g.add(g.mul(supportPixel(su, sv), g.constI32(K)), g.op('Cast', [list.bone], { to: 6 }));
      const inSupport = g.op('Cast', [g.op('GatherElements', [support, supIdx], { axis: 0 })], { to: 9 });
      kept = flat(g.op('NonZero', [inSupport])); // [M]
      keptBone = g.op('GatherElements', [list.bone, kept], { axis: 0 });
      pt = g.op('GatherElements', [list.point, kept], { axis: 0 });
    } else {
      // Every (point, bone): [N, K] starts from two MatMuls; flattened, candidate c belongs to
      // point c / K and bone c % K.
      const su2d = g.op('MatMul', [grid, invU]);
      const sv2d = g.op('MatMul', [grid, invV]);
      su = flat(su2d);
      sv = flat(sv2d);
      const supIdx = flat(g.add(g.mul(supportPixel(su2d, sv2d), g.constI32(K)), boneRange));
      const inSupport = g.op('Cast', [g.op('GatherElements', [support, supIdx], { axis: 0 })], { to: 9 });
      kept = flat(g.op('NonZero', [inSupport])); // [M]
      keptBone = g.op('Mod', [kept, iK]);
      pt = g.op('Div', [kept, iK]);
    }
    let u = g.op('GatherElements', [su, kept], { axis: 0 }); // [M]
    let v = g.op('GatherElements', [sv, kept], { axis: 0 });
    const [qu, qv] = channels(
      g.op('Transpose', [g.op('Gather', [grid, pt], { axis: 0 })], { perm: [1, 0] }),
      3,
    ) as [string, string];

    const u0 = u;
    const v0 = v;
    // A start whose bilinear footprint only holds pixels weighted 1 to its own bone sees
    // M = A_k, so every fixed-point step gives the start back (up to float rounding) and is
    // valid when A_k is regular: only the other candidates are iterated.
    const bone32 = g.op('Cast', [keptBone], { to: 6 });
    const rigidHere = g.op('Equal', [
      g.op('GatherElements', [rigid, supportPixel(u, v)], { axis: 0 }),
      bone32,
    ]);
    const skip = g.op('And', [rigidHere, g.op('GatherElements', [regularBone, bone32], { axis: 0 })]);
    const flex = flat(g.op('NonZero', [g.op('Not', [skip])])); // [M']
    const sub = (t: string) => g.op('GatherElements', [t, flex], { axis: 0 });
    let fu0 = sub(u);
    let fv0 = sub(v);
    const fqu = sub(qu);
    const fqv = sub(qv);
    let fvalid = g.op('Equal', [fqu, fqu]); // [M'], all true (q is finite)
    for (let it = 0; it < WARP_ITERATIONS; it++) {
      const next = solveStep(fu0, fv0, fqu, fqv);
      fvalid = g.op('And', [fvalid, next.ok]);
      fu0 = next.u;
      fv0 = next.v;
    }
    u = g.op('ScatterElements', [u, flex, fu0], { axis: 0 });
    v = g.op('ScatterElements', [v, flex, fv0], { axis: 0 });
    let valid = g.op('Greater', [
      g.op(
        'ScatterElements',
        [g.op('Expand', [f1, g.op('Shape', [u])]), flex, g.op('Cast', [fvalid], { to: 1 })],
        {
          axis: 0,
        },
      ),
      half,
    ]);
    // A candidate that never moved from its bone's rigid inverse lies where that bone alone drives
    // the picture: there the inverse map is affine and upsampling it is exact. The others (joint
    // blends) get a full-resolution touch-up below.
    const moved = g.op(
      'Cast',
      [g.op('Greater', [g.add(g.op('Abs', [g.sub(u, u0)]), g.op('Abs', [g.sub(v, v0)])), g.scalarF(1e-3)])],
      { to: 1 },
    );
    const [fa, fb, fc, fd, ftx, fty, fs, fdu, fdv, fd0] = fetch(field, FIELD_CHANNELS, u, v) as Ten;

    const s = g.op('Max', [fs, minW]);
    const eu = g.sub(g.div(g.add(g.add(g.mul(fa, u), g.mul(fc, v)), ftx), s), qu);
    const ev = g.sub(g.div(g.add(g.add(g.mul(fb, u), g.mul(fd, v)), fty), s), qv);
    const err2 = g.add(g.mul(eu, eu), g.mul(ev, ev));
    const ok = [
      g.op('GreaterOrEqual', [fs, minW]),
      g.op('Less', [err2, g.scalarF(WARP_TOLERANCE_PX * WARP_TOLERANCE_PX)]),
      g.op('GreaterOrEqual', [u, f0]),
      g.op('LessOrEqual', [u, g.scalarF(W)]),
      g.op('GreaterOrEqual', [v, f0]),
      g.op('LessOrEqual', [v, g.scalarF(H)]),
    ];
    for (const cond of ok) valid = g.op('And', [valid, cond]);
    const z = g.div(g.add(g.add(g.mul(fdu, u), g.mul(fdv, v)), fd0), s);
    const tie = g.mul(g.op('Cast', [keptBone], { to: 1 }), g.scalarF(WARP_TIE_BREAK));
    const key = g.where(valid, g.add(z, tie), neg); // [M]

    // Per grid point, the front-most candidate and the next one at a different rest point. Only
    // the kept candidates (a few percent of N x K) are touched: per-point maxima by
    // ScatterElements(reduction = max), then each candidate compares itself with its point's max.
    const nPts = g.op('Shape', [grid], { start: 0, end: 1 }); // [1] = N
    const threshold = g.scalarF(-1e29);
    const perPointMax = (values: string) =>
      g.op('ScatterElements', [g.op('Expand', [neg, nPts]), pt, values], { axis: 0, reduction: 'max' });
    const atPoint = (t: string) => g.op('GatherElements', [t, pt], { axis: 0 }); // [N] -> [M]
    const winners = (k: string, best: string) =>
      flat(
        g.op('NonZero', [g.op('And', [g.op('Equal', [k, atPoint(best)]), g.op('Greater', [k, threshold])])]),
      );
    const boneLabel = g.add(g.op('Cast', [keptBone], { to: 1 }), f1); // bone + 1
    /** [N] with `values` of the selected candidates at their points, 0 elsewhere. */
    const put = (sel: string, values: string) =>
      g.op(
        'ScatterElements',
        [
          g.op('Expand', [f0, nPts]),
          g.op('GatherElements', [pt, sel], { axis: 0 }),
          g.op('GatherElements', [values, sel], { axis: 0 }),
        ],
        { axis: 0 },
      );
    const frontKey = perPointMax(key);
    const fSel = winners(key, frontKey);
    const fu = put(fSel, u);
    const fv = put(fSel, v);
    const du = g.sub(u, atPoint(fu));
    const dv = g.sub(v, atPoint(fv));
    const far = g.op('Greater', [
      g.add(g.mul(du, du), g.mul(dv, dv)),
      g.scalarF(WARP_DUPLICATE_PX * WARP_DUPLICATE_PX),
    ]);
    const key2 = g.where(far, key, neg);
    const secondKey = perPointMax(key2);
    const sSel = winners(key2, secondKey);
    const hf = g.op('Cast', [g.op('Greater', [frontKey, threshold])], { to: 1 });
    // Per point, the candidates whose start passed the support test and, of those, the ones that
    // did not converge to a drawn point (built on demand).
    const perPointSum = (values: string) =>
      g.op('ScatterElements', [g.op('Expand', [f0, nPts]), pt, values], { axis: 0, reduction: 'add' });
    const keptCounts = () => ({
      kept: perPointSum(g.op('Expand', [f1, g.op('Shape', [pt])])),
      failed: perPointSum(g.op('Cast', [g.op('Not', [valid])], { to: 1 })),
    });
    const hs = g.op('Cast', [g.op('Greater', [secondKey, threshold])], { to: 1 });
    return {
      fu,
      fv,
      hf,
      su2: put(sSel, u),
      sv2: put(sSel, v),
      hs,
      keptCounts,
      blended: put(fSel, moved),
      frontId: put(fSel, boneLabel),
      secondId: put(sSel, boneLabel),
    };
  };
  const coarse = solvePoints(grid, { point: candPoint, bone: candBone });
  const regionPart = (i: number) => g.op('Slice', [region, g.constI([i]), g.constI([i + 1])]); // [1]
  const scalar = (t: string) => g.op('Squeeze', [t, g.constI([0])]);
  // The pixels the graph works on and outputs: at step 1 the region; at step s every pixel of
  // every cell, i.e. the region grown by s / 2 before and up to s after (pixels the engine drops
  // when it places the region in the frame): cells never need clipping to the region.
  const margin = step === 1 ? 0 : step / 2;
  const gridPart = (i: number) => g.op('Slice', [gridShape, g.constI([i]), g.constI([i + 1])]);
  const cellsTimesStep = (i: number) => scalar(g.mul(g.sub(gridPart(i), g.constI([1])), g.constI([step])));
  const iW = step === 1 ? scalar(regionPart(2)) : cellsTimesStep(1); // work width (scalar)
  const iH = step === 1 ? scalar(regionPart(3)) : cellsTimesStep(0);
  const origin = (i: number) =>
    g.add(g.op('Cast', [scalar(regionPart(i))], { to: 1 }), g.scalarF(0.5 - margin));
  const ox = origin(0);
  const oy = origin(1);
  const unsqueeze1 = (t: string) => g.op('Unsqueeze', [t, g.constI([1])]);
  /** Work pixel indices [R] (int64) -> their centres in imagePx as [R] floats. */
  const centres = (idx: string) => ({
    u: g.add(g.op('Cast', [g.op('Mod', [idx, iW])], { to: 1 }), ox),
    v: g.add(g.op('Cast', [g.op('Div', [idx, iW])], { to: 1 }), oy),
  });

  /**
   * The foreground: every region pixel with a front layer, as parallel 1-D tensors (pixel index
   * in the region, front rest point, whether there is a layer behind and its rest point).
   */
  let fgIdx: string;
  let fu: string;
  let fv: string;
  let fu2: string;
  let fv2: string;
  let fhs: string;
  if (step === 1) {
    // Grid points are the region's pixels.
    fgIdx = flat(g.op('NonZero', [flat(g.op('Greater', [coarse.hf, f0]))]));
    const onFg = (t: string) => g.op('GatherElements', [flat(t), fgIdx], { axis: 0 });
    [fu, fv, fu2, fv2, fhs] = [coarse.fu, coarse.fv, coarse.su2, coarse.sv2, coarse.hs].map(onFg) as [
      string,
      string,
      string,
      string,
      string,
    ];
  } else {
    // Per cell of four neighbouring grid points: do their front and second bones agree? Where
    // they do not (silhouettes, occlusion edges) interpolating the map is meaningless and the
    // cell's pixels are solved exactly like grid points. Where they agree and there is a front
    // layer, the cell's pixels interpolate the corners' maps bilinearly (exact where one bone
    // drives the picture: the map is affine there), and cells with a corner in a joint blend (a
    // curved map) get REFINE_STEPS more fixed-point steps per pixel. Cells with no front layer are
    // empty. Only foreground and edge pixels are ever touched at full resolution.
    const grid2 = (t: string) => g.op('Reshape', [t, gridShape]);
    const corner = (t: string, dy: number, dx: number) =>
      g.op('Slice', [
        grid2(t),
        g.constI([dy, dx]),
        g.add(gridShape, g.constI([dy - 1, dx - 1])),
        g.constI([0, 1]),
      ]);
    const differs = (t: string) => {
      const c00 = corner(t, 0, 0);
      const ne = (o: string) => g.op('Not', [g.op('Equal', [c00, o])]);
      return g.op('Or', [g.op('Or', [ne(corner(t, 0, 1)), ne(corner(t, 1, 0))]), ne(corner(t, 1, 1))]);
    };
    // A cell may hold a part no corner sees (a line thinner than the grid spacing, an antenna, a
    // strand of hair) when some bone starts a candidate at one of its pixels (cellBones, an upper
    // bound) but at no corner, or not at every corner while a corner dropped a candidate (a thin
    // part's start can pass the support test and still miss it): those cells are solved per
    // pixel too. This keeps such lines in cells whose corners are all empty, while joint blends,
    // where a bone's candidates start at some corners and merge with the front, stay interpolated.
    const counts = coarse.keptCounts();
    const corners4 = (t: string) => [corner(t, 0, 0), corner(t, 0, 1), corner(t, 1, 0), corner(t, 1, 1)];
    const cellShape = g.sub(gridShape, g.constI([1, 1]));
    const cellCount = g.op('Reshape', [cellBones, cellShape]);
    const unseen = g.op('Or', [
      g.op('Greater', [cellCount, g.op('Max', corners4(counts.kept))]),
      g.op('And', [
        g.op('Greater', [cellCount, g.op('Min', corners4(counts.kept))]),
        g.op('Greater', [g.op('Max', corners4(counts.failed)), f0]),
      ]),
    ]);
    const unsafe = g.op('Or', [g.op('Or', [differs(coarse.frontId), differs(coarse.secondId)]), unseen]);
    const anyBlend = g.op('Max', [
      corner(coarse.blended, 0, 0),
      corner(coarse.blended, 0, 1),
      corner(coarse.blended, 1, 0),
      corner(coarse.blended, 1, 1),
    ]);
    const fgCells = g.op('And', [g.op('Not', [unsafe]), g.op('Greater', [corner(coarse.frontId, 0, 0), f0])]);

    // Pixel offsets inside a cell: cell (cy, cx) covers work pixels cy*step + oy, cx*step + ox
    // (region pixels cy*step + oy - step / 2, ...), whose position between the corners is
    // (i + 0.5) / step (see regionGrid).
    const offsets: number[] = [];
    const fractions: number[] = [];
    for (let i = 0; i < step; i++) {
      offsets.push(i);
      fractions.push((i + 0.5) / step);
    }
    const perPixel = (values: (i: number, j: number) => number) => {
      const out: number[] = [];
      for (let i = 0; i < step; i++) for (let j = 0; j < step; j++) out.push(values(i, j));
      return out;
    };
    const oy = g.constI(
      perPixel((i) => offsets[i]!),
      [1, step * step],
    );
    const ox = g.constI(
      perPixel((_, j) => offsets[j]!),
      [1, step * step],
    );
    const iStep = g.scalarI(step);
    const iCols = g.op('Squeeze', [g.op('Slice', [gridShape, g.constI([1]), g.constI([2])]), g.constI([0])]);

    /**
     * The pixels of the flagged cells: work pixel index and cell index ([R'], cell-major, the
     * step^2 pixels of a cell in row order) and grid index of each cell's top-left corner ([C]).
     */
    const cellPixels = (flags: string) => {
      const nz = g.op('NonZero', [flags]); // [2, C]
      const [cy, cx] = rowsOf(nz, 2).map((t) => g.op('Transpose', [t], { perm: [1, 0] })) as [string, string];
      const py = flat(g.add(g.mul(cy, iStep), oy)); // [C * step^2]
      const px = flat(g.add(g.mul(cx, iStep), ox));
      const zeroI = g.op('Mul', [oy, g.scalarI(0)]); // [1, step^2] zeros, for shapes
      const cellIdx = flat(g.add(g.mul(cy, g.sub(iCols, g.scalarI(1))), g.add(cx, zeroI)));
      return {
        idx: g.add(g.mul(py, iW), px),
        cell: cellIdx,
        corner: flat(g.add(g.mul(cy, iCols), cx)),
      };
    };

    // Interior: bilinear between the four corners (grid index c, c + 1, c + cols, c + cols + 1).
    // Every cell's pixels sit at the same fractions, so the weights are one constant [4, step^2]
    // matrix: the corners' maps are gathered once per cell and interpolated by a MatMul.
    const inner = cellPixels(fgCells);
    const c01 = g.add(inner.corner, g.scalarI(1));
    const c10 = g.add(inner.corner, iCols);
    const c11 = g.add(c10, g.scalarI(1));
    // The corners' maps packed as rows [fu, fv, su2, sv2, hs] and interpolated in one pass.
    const column = (t: string) => g.op('Reshape', [t, g.constI([-1, 1])]);
    const cornerTable = g.op(
      'Concat',
      [coarse.fu, coarse.fv, coarse.su2, coarse.sv2, coarse.hs].map(column),
      {
        axis: 1,
      },
    );
    const lerpWeights = g.constF(
      [
        ...perPixel((i, j) => (1 - fractions[i]!) * (1 - fractions[j]!)),
        ...perPixel((i, j) => (1 - fractions[i]!) * fractions[j]!),
        ...perPixel((i, j) => fractions[i]! * (1 - fractions[j]!)),
        ...perPixel((i, j) => fractions[i]! * fractions[j]!),
      ],
      [4, step * step],
    );
    const cornerMaps = g.op('Reshape', [
      g.op(
        'Transpose',
        [
          g.op('Reshape', [
            g.op('Gather', [cornerTable, cat([inner.corner, c01, c10, c11])], { axis: 0 }),
            g.constI([4, -1, 5]),
          ]),
        ],
        { perm: [2, 1, 0] },
      ),
      g.constI([-1, 4]),
    ]); // [5 C, 4]: channel, cell, corner
    const lerped = channels(
      g.op('Reshape', [g.op('MatMul', [cornerMaps, lerpWeights]), g.constI([5, -1])]),
      5,
    );
    let iu = lerped[0]!;
    let iv = lerped[1]!;
    // Joint blends: a few more fixed-point steps from the interpolated map.
    const blend = flat(
      g.op('NonZero', [
        g.op('Greater', [g.op('GatherElements', [flat(anyBlend), inner.cell], { axis: 0 }), f0]),
      ]),
    );
    const rq = centres(g.op('GatherElements', [inner.idx, blend], { axis: 0 }));
    let ru = g.op('GatherElements', [iu, blend], { axis: 0 });
    let rv = g.op('GatherElements', [iv, blend], { axis: 0 });
    for (let it = 0; it < REFINE_STEPS; it++) {
      const next = solveStep(ru, rv, rq.u, rq.v);
      ru = next.u;
      rv = next.v;
    }
    iu = g.op('ScatterElements', [iu, blend, ru], { axis: 0 });
    iv = g.op('ScatterElements', [iv, blend, rv], { axis: 0 });

    // Edges: solved exactly, kept where they have a front layer.
    const band = cellPixels(unsafe);
    const bq = centres(band.idx);
    const ones = g.op('Expand', [f1, g.op('Shape', [bq.u])]);
    const bandPoints = g.op('Concat', [bq.u, bq.v, ones].map(unsqueeze1), { axis: 1 });
    let exact: ReturnType<typeof solvePoints>;
    if (cellMask) {
      // Candidates: per pixel only the bones the splat marks for its cell (a superset of those
      // whose start passes the support test), instead of all K.
      const bits = g.tensor(
        'int32',
        new Uint8Array(Int32Array.from({ length: K }, (_, k) => 1 << k).buffer),
        [1, K],
      );
      const masks = unsqueeze1(g.op('GatherElements', [cellMask, band.cell], { axis: 0 })); // [Nb, 1]
      const pairs = g.op('NonZero', [g.op('Cast', [g.op('BitwiseAnd', [masks, bits])], { to: 9 })]); // [2, C]
      const [point, bone] = channels(pairs, 2) as [string, string];
      exact = solvePoints(bandPoints, { point, bone });
    } else {
      exact = solvePoints(bandPoints);
    }
    const drawn = flat(g.op('NonZero', [flat(g.op('Greater', [exact.hf, f0]))]));
    const onDrawn = (t: string) => g.op('GatherElements', [flat(t), drawn], { axis: 0 });
    const both = (a: string, b: string) => g.op('Concat', [a, b], { axis: 0 });
    fgIdx = both(inner.idx, onDrawn(band.idx));
    fu = both(iu, onDrawn(exact.fu));
    fv = both(iv, onDrawn(exact.fv));
    fu2 = both(lerped[2]!, onDrawn(exact.su2));
    fv2 = both(lerped[3]!, onDrawn(exact.sv2));
    fhs = both(lerped[4]!, onDrawn(exact.hs));
  }

  // Colour at the foreground pixels; the rest of the region stays transparent black. The layer
  // behind is fetched only where the front one is not opaque and there is one (silhouettes over
  // other parts): a sparse second fetch.
  const colF = fetch(art, 4, fu, fv);
  const aF = colF[3]!;
  const behind = flat(
    g.op('NonZero', [g.op('And', [g.op('Greater', [fhs, f0]), g.op('Less', [aF, g.scalarF(1)])])]),
  );
  const at = (t: string) => g.op('GatherElements', [t, behind], { axis: 0 });
  const shade = g.sub(f1, at(aF));
  const colS = fetch(art, 4, at(fu2), at(fv2)).map((c) => g.mul(g.mul(c, at(fhs)), shade));
  const col = colF.map((c, i) => g.op('ScatterElements', [c, behind, g.add(at(c), colS[i]!)], { axis: 0 }));
  const ca = col[3]!;
  const has = g.op('GreaterOrEqual', [ca, g.scalarF(WARP_MIN_ALPHA)]);
  const safeA = g.where(has, ca, f1);
  const regionPixels = g.op('Unsqueeze', [g.op('Mul', [iW, iH]), g.constI([0])]); // [1] work pixels
  const regionShape4 = g.op('Concat', [regionPixels, g.constI([4])], { axis: 0 }); // [R, 4]
  const fgAt = unsqueeze1(fgIdx); // [F, 1]
  if (opts.floatOutput) {
    const straight = [0, 1, 2].map((i) => g.where(has, g.div(col[i]!, safeA), f0));
    const alpha = g.where(has, ca, f0);
    const values = g.op('Concat', [...straight, alpha].map(unsqueeze1), { axis: 1 });
    const frame = g.op('ScatterND', [g.op('Expand', [f0, regionShape4]), fgAt, values]);
    g.output(frame, 'rgba', 'float32', ['R', 4]);
  }
  // RGBA8, round to nearest: straight colour = premultiplied * (255 / alpha); +0.5 then a
  // truncating cast (values are clipped to [0, 255.5) first).
  const scale = g.where(has, g.div(g.scalarF(255), safeA), f0);
  const toByte = (t: string) =>
    g.op('Cast', [g.op('Clip', [g.add(t, half), f0, g.scalarF(255.49)])], { to: 2 });
  const bytes = [
    ...[0, 1, 2].map((i) => toByte(g.mul(col[i]!, scale))),
    toByte(g.mul(g.where(has, ca, f0), g.scalarF(255))),
  ];
  const zero8 = g.tensor('uint8', new Uint8Array(1), []);
  const frame8 = g.op('ScatterND', [
    g.op('Expand', [zero8, regionShape4]),
    fgAt,
    g.op('Concat', bytes.map(unsqueeze1), { axis: 1 }),
  ]);
  g.output(frame8, 'rgba8', 'uint8', ['R', 4]);
  return g.toBytes();
}

/** Most bones the per-cell bit masks (int32 cellMask) describe; beyond, band pixels try every bone. */
export const MASK_BONES = 32;

/** Fixed-point steps of the full-resolution touch-up of coarse-grid maps in joint blends. */
const REFINE_STEPS = 2;

type Ten = [string, string, string, string, string, string, string, string, string, string];
