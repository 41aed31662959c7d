import * as ort from 'onnxruntime-node';
import { defaultGridStep, WARP_ENGINE_VERSION } from '../../core/render/frameKey.js';
import type { BoneProjection } from '../../core/render/project.js';
import { invertAffine2 } from '../../core/render/project.js';
import {
  boneFieldRows,
  bonesInWeightOrder,
  dilatedSupport,
  FIELD_CHANNELS,
  premultiply,
} from '../../core/render/reference.js';
import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import { createSessionWithFallback, type ProviderChoice } from './providers.js';
import {
  buildWarpGraph,
  FIELD_ORDER,
  gridCandidates,
  MASK_BONES,
  type RegionGrid,
  regionGrid,
  workSize,
} from './warpGraph.js';

/** The warp maths version (part of every frame key, with the grid step: engineVersionTag). */
export const ENGINE_VERSION = WARP_ENGINE_VERSION;
export { defaultGridStep };

/** Per-character tensors, built once and reused for every frame of that character. */
export interface PreparedCharacter {
  readonly width: number;
  readonly height: number;
  readonly weights: SkinWeights;
  /**
   * Per bone, the imagePx rectangle [minU, minV, maxU, maxV] any start in its dilated support
   * lies in (null: the bone has no weights).
   */
  readonly supportBoxes: readonly (readonly [number, number, number, number] | null)[];
  /**
   * Per bone, the rest imagePx rectangles [u0, v0, u1, v1, ...] of the SPLAT_BLOCK_PX blocks that
   * hold any of its dilated support: forward-mapped each frame, they mark every cell where the
   * bone can start a candidate at some pixel (see coverageCells).
   */
  readonly supportBlocks: readonly Float32Array[];
  /** Rest-space rectangle the tables cover (weights' bounding box + 1 px). */
  readonly crop: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly tensors: {
    /** Weights [Pw, K] over each padded row's weighted range (see rowRanges). */
    readonly weights: ort.Tensor;
    readonly rowBase: ort.Tensor;
    readonly rowLo: ort.Tensor;
    readonly rowHi: ort.Tensor;
    readonly support: ort.Tensor;
    /** Per padded pixel, the bone driving its whole 3x3 neighbourhood alone, or -1. */
    readonly rigid: ort.Tensor;
    /** Premultiplied colour as 2x2 footprints [(PH + 1) (PW + 1), 16] of the padded art (artTaps). */
    readonly art: ort.Tensor;
  };
}

export interface RenderOptions {
  /** 1 = solve the inverse map at every pixel; 2 or 4 = on a coarser grid (faster). */
  readonly gridStep?: number;
  /** Also return the unquantised float frame (for comparisons with the reference). */
  readonly float?: boolean;
}

export interface RenderedFrame {
  readonly image: RgbaImage;
  /** Straight RGBA in [0, 1], only when RenderOptions.float. */
  readonly rgba?: Float32Array;
}

export interface FrameEngineOptions {
  /** Execution provider override ('cpu', 'cuda', 'dml', 'coreml'); default: env KEYPOSE_EP, then the platform list. */
  readonly provider?: string;
  readonly threads?: number;
}

export class FrameEngine {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  private providerInfo: ProviderChoice | null = null;

  constructor(private readonly options: FrameEngineOptions = {}) {}

  /** The execution provider the last session was created with (null before the first frame). */
  get provider(): ProviderChoice | null {
    return this.providerInfo;
  }

  prepare(art: RgbaImage, weights: SkinWeights): PreparedCharacter {
    const { width: W, height: H } = art;
    if (weights.width !== W || weights.height !== H) {
      throw new Error(`skin weights are ${weights.width}x${weights.height} but the art is ${W}x${H}`);
    }
    const K = weights.jointIds.length;
    const n = W * H;
    // The weights' bounding box plus one pixel (a bilinear footprint that touches a weighted
    // pixel stays inside it): per-pixel tables only cover this crop.
    let x0 = W;
    let y0 = H;
    let x1 = -1;
    let y1 = -1;
    for (let j = 0; j < K; j++) {
      for (let y = 0; y < H; y++) {
        const row = j * n + y * W;
        for (let x = 0; x < W; x++) {
          if (weights.data[row + x]! > 0) {
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
          }
        }
      }
    }
    if (x1 < 0) {
      x0 = 0;
      y0 = 0;
      x1 = 0;
      y1 = 0;
    }
    x0 = Math.max(0, x0 - 1);
    y0 = Math.max(0, y0 - 1);
    x1 = Math.min(W - 1, x1 + 1);
    y1 = Math.min(H - 1, y1 + 1);
    const crop = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
    // Per bone, pixels with weight; a start passes the dilated-support test only within one pixel
    // of them, i.e. inside [x - 1, x + 2) in imagePx; one more pixel of margin for safety.
    const supportBoxes = weights.jointIds.map((_, j) => {
      let bx0 = W;
      let by0 = H;
      let bx1 = -1;
      let by1 = -1;
      for (let y = 0; y < H; y++) {
        const row = j * n + y * W;
        for (let x = 0; x < W; x++) {
          if (weights.data[row + x]! > 0) {
            if (x < bx0) bx0 = x;
            if (x > bx1) bx1 = x;
            if (y < by0) by0 = y;
            if (y > by1) by1 = y;
          }
        }
      }
      return bx1 < 0 ? null : ([bx0 - 2, by0 - 2, bx1 + 3, by1 + 3] as const);
    });
    const CW = crop.width;
    const CH = crop.height;
    const PW = CW + 2;
    const P = PW * (CH + 2);
    // Weights [P, K] and premultiplied art [P, 4], pixel-major (the graph gathers whole rows),
    // cropped, with a one-pixel zero border (see warpGraph.ts).
    const wP = new Float32Array(P * K);
    for (let j = 0; j < K; j++) {
      for (let y = 0; y < CH; y++) {
        const src = j * n + (y + y0) * W + x0;
        const dst = ((y + 1) * PW + 1) * K + j;
        for (let x = 0; x < CW; x++) wP[dst + x * K] = weights.data[src + x]!;
      }
    }
    const pm = premultiply(art);
    const artP = new Float32Array(P * 4);
    for (let y = 0; y < CH; y++) {
      const i = ((y + y0) * W + x0) * 4;
      artP.set(pm.subarray(i, i + CW * 4), ((y + 1) * PW + 1) * 4);
    }
    // The reference's dilated support table, cropped the same way (its border is all zero: the
    // crop is one pixel larger than the weights, the dilation one pixel).
    const full = dilatedSupport(weights);
    const support = new Uint8Array(P * K);
    for (let y = 0; y < CH + 2; y++) {
      const src = ((y + y0) * (W + 2) + x0) * K;
      support.set(full.subarray(src, src + PW * K), y * PW * K);
    }
    return {
      width: W,
      height: H,
      weights,
      crop,
      supportBoxes,
      supportBlocks: supportBlocks(full, W, H, K),
      tensors: {
        ...rowRanges(wP, PW, P / PW, K),
        support: new ort.Tensor('uint8', support, [support.length]),
        rigid: new ort.Tensor('int32', rigidPixels(wP, PW, P / PW, K), [P]),
        art: artTaps(artP, PW, P / PW),
      },
    };
  }

  private session(
    ch: PreparedCharacter,
    K: number,
    step: number,
    floatOutput: boolean,
  ): Promise<ort.InferenceSession> {
    const { width: W, height: H, crop } = ch;
    const key = `${W}x${H}x${K}/${step}/${crop.x},${crop.y},${crop.width},${crop.height}/${floatOutput}`;
    let s = this.sessions.get(key);
    if (!s) {
      const model = buildWarpGraph({ width: W, height: H, bones: K, gridStep: step, crop, floatOutput });
      s = createSessionWithFallback(model, {
        ...(this.options.provider ? { override: this.options.provider } : {}),
        ...(this.options.threads ? { threads: this.options.threads } : {}),
      }).then(({ session, choice }) => {
        this.providerInfo = choice;
        return session;
      });
      s.catch(() => this.sessions.delete(key));
      this.sessions.set(key, s);
    }
    return s;
  }

  async render(
    ch: PreparedCharacter,
    bones: readonly BoneProjection[],
    opts: RenderOptions = {},
  ): Promise<RenderedFrame> {
    const { width: W, height: H } = ch;
    const step = opts.gridStep ?? defaultGridStep(W, H);
    const ordered = bonesInWeightOrder(ch.weights, bones);
    const K = ordered.length;
    // Field rows transposed to [10, K] (channel-major field, see warpGraph.ts).
    const rowsKC = boneFieldRows(ordered);
    const rows = new Float32Array(FIELD_CHANNELS * K);
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < FIELD_CHANNELS; c++)
        rows[c * K + k] = rowsKC[k * FIELD_CHANNELS + FIELD_ORDER[c]!]!;
    }
    const invT = new Float32Array(3 * 2 * K);
    ordered.forEach((b, k) => {
      // A bone seen exactly edge-on has no inverse: its starts go far outside (no candidates).
      const inv = invertAffine2(b.affine) ?? [0, 0, 0, 0, -1e6, -1e6];
      // Column 2k gives u, column 2k + 1 gives v of the start, from the row vector [qu, qv, 1].
      invT[2 * k] = inv[0];
      invT[2 * K + 2 * k] = inv[2];
      invT[4 * K + 2 * k] = inv[4];
      invT[2 * k + 1] = inv[1];
      invT[2 * K + 2 * k + 1] = inv[3];
      invT[4 * K + 2 * k + 1] = inv[5];
    });
    // Every drawn pixel is a blend of the bones' images of a rest point inside the crop, so it
    // lies in the union of the bones' images of the crop rectangle: only that region is solved.
    let minU = Number.POSITIVE_INFINITY;
    let minV = Number.POSITIVE_INFINITY;
    let maxU = Number.NEGATIVE_INFINITY;
    let maxV = Number.NEGATIVE_INFINITY;
    const { crop } = ch;
    for (const b of ordered) {
      const [a, bb, c, d, tx, ty] = b.affine;
      for (const [u, v] of [
        [crop.x, crop.y],
        [crop.x + crop.width, crop.y],
        [crop.x, crop.y + crop.height],
        [crop.x + crop.width, crop.y + crop.height],
      ] as const) {
        const pu = a * u + c * v + tx;
        const pv = bb * u + d * v + ty;
        minU = Math.min(minU, pu);
        maxU = Math.max(maxU, pu);
        minV = Math.min(minV, pv);
        maxV = Math.max(maxV, pv);
      }
    }
    const full = new Uint8Array(W * H * 4);
    const fullFloat = opts.float ? new Float32Array(W * H * 4) : undefined;
    const rg = regionGrid(W, H, step, { minU: minU - 1, minV: minV - 1, maxU: maxU + 1, maxV: maxV + 1 });
    if (!rg) return { image: { width: W, height: H, data: full }, ...(fullFloat ? { rgba: fullFloat } : {}) };
    // Each bone's posed support box: where its candidates can be valid.
    const boxes = ordered.map((b, k) => {
      const box = ch.supportBoxes[k];
      if (!box) return null;
      const [a, bb, c, d, tx, ty] = b.affine;
      const us: number[] = [];
      const vs: number[] = [];
      for (const [u, v] of [
        [box[0], box[1]],
        [box[2], box[1]],
        [box[0], box[3]],
        [box[2], box[3]],
      ] as const) {
        us.push(a * u + c * v + tx);
        vs.push(bb * u + d * v + ty);
      }
      return [Math.min(...us), Math.min(...vs), Math.max(...us), Math.max(...vs)] as const;
    });
    const candidates = gridCandidates(rg, boxes);
    const cells = step > 1 ? coverageCells(rg, ordered, ch.supportBlocks) : null;
    const session = await this.session(ch, K, step, !!opts.float);
    const feeds = {
      weights: ch.tensors.weights,
      rowBase: ch.tensors.rowBase,
      rowLo: ch.tensors.rowLo,
      rowHi: ch.tensors.rowHi,
      support: ch.tensors.support,
      rigid: ch.tensors.rigid,
      art: ch.tensors.art,
      boneRows: new ort.Tensor('float32', rows, [FIELD_CHANNELS, K]),
      invT: new ort.Tensor('float32', invT, [3, 2 * K]),
      grid: new ort.Tensor('float32', rg.points, [rg.points.length / 3, 3]),
      region: new ort.Tensor('int64', BigInt64Array.from(rg.region.map((v) => BigInt(v))), [4]),
      gridShape: new ort.Tensor('int64', BigInt64Array.of(BigInt(rg.rows), BigInt(rg.cols)), [2]),
      candPoint: new ort.Tensor('int32', candidates.point, [candidates.point.length]),
      candBone: new ort.Tensor('int32', candidates.bone, [candidates.bone.length]),
      ...(cells ? { cellBones: new ort.Tensor('float32', cells.counts, [cells.counts.length]) } : {}),
      ...(cells && K <= MASK_BONES
        ? { cellMask: new ort.Tensor('int32', cells.masks, [cells.masks.length]) }
        : {}),
    };
    const out = await session.run(feeds, opts.float ? ['rgba8', 'rgba'] : ['rgba8']);
    const [x0, y0, rw, rh] = rg.region;
    const work = workSize(rg);
    const bytes = out.rgba8!.data as Uint8Array;
    const floats = fullFloat ? (out.rgba!.data as Float32Array) : null;
    if (work.offset === 0 && x0 === 0 && y0 === 0 && rw === W && rh === H) {
      full.set(bytes);
      if (floats) fullFloat?.set(floats);
    } else {
      // Place the region's rows into the (transparent) frame.
      for (let y = 0; y < rh; y++) {
        const src = ((y + work.offset) * work.width + work.offset) * 4;
        full.set(bytes.subarray(src, src + rw * 4), ((y0 + y) * W + x0) * 4);
        if (floats) fullFloat?.set(floats.subarray(src, src + rw * 4), ((y0 + y) * W + x0) * 4);
      }
    }
    const image: RgbaImage = { width: W, height: H, data: full };
    return fullFloat ? { image, rgba: fullFloat } : { image };
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) {
      try {
        await (await s).release();
      } catch {
        // A session that failed to create has nothing to release.
      }
    }
  }
}

/**
 * The padded weights [P, K] stored row by row over each row's weighted range only (the crop of
 * a posed figure is mostly empty: this makes the per-frame field MatMul and the table the
 * iterations fetch from a fraction of the crop's size). Row y keeps cells lo..hi: its weighted
 * pixels plus one zero cell at each end (the padded border guarantees they exist), so a fetch
 * clamped into [lo, hi] reads zero wherever the full table would; an empty row keeps only its
 * zero border cell 0. Cell (y, x) is row base[y] + x of the compact table.
 */
function rowRanges(
  wP: Float32Array,
  PW: number,
  PH: number,
  K: number,
): { weights: ort.Tensor; rowBase: ort.Tensor; rowLo: ort.Tensor; rowHi: ort.Tensor } {
  const lo = new Float32Array(PH);
  const hi = new Float32Array(PH);
  const base = new Float32Array(PH);
  let total = 0;
  for (let y = 0; y < PH; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < PW; x++) {
      const o = (y * PW + x) * K;
      let any = false;
      for (let k = 0; k < K; k++) {
        if (wP[o + k] !== 0) {
          any = true;
          break;
        }
      }
      if (!any) continue;
      if (first < 0) first = x;
      last = x;
    }
    lo[y] = first < 0 ? 0 : first - 1;
    hi[y] = first < 0 ? 0 : last + 1;
    base[y] = total - lo[y]!;
    total += hi[y]! - lo[y]! + 1;
  }
  const compact = new Float32Array(total * K);
  for (let y = 0; y < PH; y++) {
    const from = (y * PW + lo[y]!) * K;
    compact.set(wP.subarray(from, (y * PW + hi[y]! + 1) * K), (base[y]! + lo[y]!) * K);
  }
  return {
    weights: new ort.Tensor('float32', compact, [total, K]),
    rowBase: new ort.Tensor('float32', base, [PH]),
    rowLo: new ort.Tensor('float32', lo, [PH]),
    rowHi: new ort.Tensor('float32', hi, [PH]),
  };
}

/**
 * The padded premultiplied art [PH, PW, 4] as one row per bilinear footprint: row
 * (y + 1) (PW + 1) + x + 1, for footprint corners x in [-1, PW - 1], y in [-1, PH - 1], holds the
 * pixels (y, x), (y, x + 1), (y + 1, x), (y + 1, x + 1) (zero outside the art), channel-major
 * (channel c, tap t at 4c + t), so the graph's colour fetch is one 16-float row per point.
 */
function artTaps(artP: Float32Array, PW: number, PH: number): ort.Tensor {
  const TW = PW + 1;
  const rows = (PH + 1) * TW;
  const out = new Float32Array(rows * 16);
  for (let Y = -1; Y < PH; Y++) {
    for (let X = -1; X < PW; X++) {
      const o = ((Y + 1) * TW + X + 1) * 16;
      for (let t = 0; t < 4; t++) {
        const y = Y + (t >> 1);
        const x = X + (t & 1);
        if (y < 0 || y >= PH || x < 0 || x >= PW) continue;
        const i = (y * PW + x) * 4;
        for (let c = 0; c < 4; c++) out[o + 4 * c + t] = artP[i + c]!;
      }
    }
  }
  return new ort.Tensor('float32', out, [rows, 16]);
}

/**
 * Per padded pixel (weights [P, K] pixel-major, rows of PW), the bone k when every pixel of its
 * 3x3 neighbourhood has weight exactly 1 for k and 0 for the others (there the blended map is
 * exactly bone k's), else -1. The border (zero weights) is never rigid.
 */
function rigidPixels(wP: Float32Array, PW: number, PH: number, K: number): Int32Array {
  const P = PW * PH;
  const owner = new Int32Array(P).fill(-1);
  for (let p = 0; p < P; p++) {
    let k1 = -1;
    let ok = true;
    for (let k = 0; k < K && ok; k++) {
      const w = wP[p * K + k]!;
      if (w === 0) continue;
      if (w === 1 && k1 < 0) k1 = k;
      else ok = false;
    }
    if (ok) owner[p] = k1;
  }
  const out = new Int32Array(P).fill(-1);
  for (let y = 1; y < PH - 1; y++) {
    for (let x = 1; x < PW - 1; x++) {
      const k = owner[y * PW + x]!;
      if (k < 0) continue;
      let all = true;
      for (let dy = -1; dy <= 1 && all; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (owner[(y + dy) * PW + x + dx] !== k) {
            all = false;
            break;
          }
        }
      }
      if (all) out[y * PW + x] = k;
    }
  }
  return out;
}

/** Side of the rest-space blocks the support is forward-splatted by (smaller: tighter, slower). */
const SPLAT_BLOCK_PX = 2;

/**
 * Per bone, the rest imagePx rectangles of the SPLAT_BLOCK_PX blocks holding any of its dilated
 * support (the reference's candidate test: a start at u passes when padded pixel floor(u) + 1 is
 * marked, so padded pixel x covers u in [x - 1, x)).
 */
function supportBlocks(table: Uint8Array, W: number, H: number, K: number): Float32Array[] {
  const B = SPLAT_BLOCK_PX;
  const PW = W + 2;
  const bw = Math.ceil(PW / B);
  const bh = Math.ceil((H + 2) / B);
  const out: Float32Array[] = [];
  const seen = new Uint8Array(bw * bh);
  for (let k = 0; k < K; k++) {
    seen.fill(0);
    const rects: number[] = [];
    for (let y = 0; y < H + 2; y++) {
      const row = y * PW;
      const by = Math.floor(y / B);
      for (let x = 0; x < PW; x++) {
        if (table[(row + x) * K + k] === 0) continue;
        const b = by * bw + Math.floor(x / B);
        if (seen[b]) continue;
        seen[b] = 1;
        const u0 = Math.floor(x / B) * B - 1;
        const v0 = by * B - 1;
        rects.push(u0, v0, u0 + B, v0 + B);
      }
    }
    out.push(Float32Array.from(rects));
  }
  return out;
}

/**
 * Per cell of the coarse grid (cells between four neighbouring grid points, row-major, see
 * warpGraph.ts), the bones that may start a candidate at one of its pixels, as a count and as
 * bits (bone k = bit k; bones beyond MASK_BONES only counted), an upper bound: each
 * bone's support blocks mapped forward by its affine, every cell whose pixel centres their
 * bounding box reaches counted once per bone. A cell where this exceeds the candidates found at
 * its corners may hold a part no corner sees (a thin line between grid points): the graph
 * solves it per pixel instead of interpolating or skipping it.
 */
export function coverageCells(
  grid: RegionGrid,
  bones: readonly BoneProjection[],
  blocks: readonly Float32Array[],
): { counts: Float32Array; masks: Int32Array } {
  const step = grid.spacing;
  const cellCols = grid.cols - 1;
  const cellRows = grid.rows - 1;
  const counts = new Float32Array(cellCols * cellRows);
  const stamp = new Int32Array(counts.length);
  const masks = new Int32Array(counts.length);
  const [x0, y0, rw, rh] = grid.region;
  const half = step / 2;
  const eps = 1e-3;
  bones.forEach((bone, k) => {
    const rects = blocks[k];
    if (!rects || rects.length === 0 || !invertAffine2(bone.affine)) return;
    const [a, b, c, d, tx, ty] = bone.affine;
    const mark = k + 1;
    const bit = k < MASK_BONES ? 1 << k : 0;
    for (let r = 0; r < rects.length; r += 4) {
      const u0 = rects[r]!;
      const v0 = rects[r + 1]!;
      const u1 = rects[r + 2]!;
      const v1 = rects[r + 3]!;
      const pu0 = a * u0 + c * v0 + tx;
      const pu1 = a * u1 + c * v0 + tx;
      const pu2 = a * u0 + c * v1 + tx;
      const pu3 = a * u1 + c * v1 + tx;
      const pv0 = b * u0 + d * v0 + ty;
      const pv1 = b * u1 + d * v0 + ty;
      const pv2 = b * u0 + d * v1 + ty;
      const pv3 = b * u1 + d * v1 + ty;
      // Region pixels whose centres (x0 + px + 0.5) fall in the bounding box.
      const px0 = Math.max(0, Math.ceil(Math.min(pu0, pu1, pu2, pu3) - eps - 0.5 - x0));
      const px1 = Math.min(rw - 1, Math.floor(Math.max(pu0, pu1, pu2, pu3) + eps - 0.5 - x0));
      const py0 = Math.max(0, Math.ceil(Math.min(pv0, pv1, pv2, pv3) - eps - 0.5 - y0));
      const py1 = Math.min(rh - 1, Math.floor(Math.max(pv0, pv1, pv2, pv3) + eps - 0.5 - y0));
      if (px1 < px0 || py1 < py0) continue;
      // Region pixel p lies in cell floor((p + step / 2) / step).
      const cx0 = Math.floor((px0 + half) / step);
      const cx1 = Math.min(cellCols - 1, Math.floor((px1 + half) / step));
      const cy0 = Math.floor((py0 + half) / step);
      const cy1 = Math.min(cellRows - 1, Math.floor((py1 + half) / step));
      for (let cy = cy0; cy <= cy1; cy++) {
        const row = cy * cellCols;
        for (let cx = cx0; cx <= cx1; cx++) {
          if (stamp[row + cx] === mark) continue;
          stamp[row + cx] = mark;
          counts[row + cx]! += 1;
          masks[row + cx]! |= bit;
        }
      }
    }
  });
  return { counts, masks };
}
