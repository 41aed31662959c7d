import type { JointId } from '../../core/ids.js';
import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { type Mask, RiggingError, throwIfAborted } from './types.js';

/**
 * Automatic skin weights by geodesic distance inside the mask.
 *
 * Each joint owns the bone(s) from it to its children (a leaf owns a short extension of its
 * parent's bone). A pixel's distance to a bone is measured along paths that stay inside the mask,
 * so two legs drawn 3 px apart are far from each other (the path goes round through the crotch)
 * even though they are close on the page. Distances become weights by an inverse power,
 * w_k ~ (d_k + eps)^-power, normalised to sum 1 inside the mask, 0 outside. At each branch of
 * the skeleton (hips, chest) the branches compete: a whole branch (a leg with its knee, foot and
 * toes) fades out, continuously, where another branch is clearly nearer, so even next to the
 * crotch, where the path round is short, one leg does not pull the other.
 *
 * Speed: distances are computed on a coarse graph, not per pixel. The picture is cut into cells
 * of `cellPx` pixels; each 4-connected piece of the mask inside a cell is one graph node (so a
 * cell straddling a 3 px gap gives two nodes, one per leg, and the gap survives the
 * downsampling); nodes are linked only where their pixels touch. Per-pixel weights are then
 * interpolated bilinearly from the four surrounding cells, using in each cell the node connected
 * to the pixel's own node (never a node across a gap), and renormalised.
 */

export interface PartHints {
  /** Per pixel of the picture (row-major, y down): index into `parts`, or -1 for no hint. */
  readonly owner: Int16Array;
  readonly parts: readonly {
    readonly name: string;
    /** The joints allowed to own the part's pixels; the first is the part's main joint. */
    readonly jointIds: readonly JointId[];
  }[];
}

export interface SkinWeightOptions {
  /** Longest side of the coarse grid in cells (default 160); the cell size follows from it. */
  readonly gridMaxCells?: number;
  /** Exponent of the inverse-distance weights (default 4): higher = sharper joints. */
  readonly power?: number;
  /** Softness of the blend at joints, as a fraction of the median bone length (default 0.1). */
  readonly blendFraction?: number;
  /** Most bones that influence one cell (default 4). */
  readonly maxInfluences?: number;
}

export interface SkinWeightInput {
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly skeleton: Skeleton;
  readonly partHints?: PartHints;
  readonly options?: SkinWeightOptions;
  /** A graph from prepareWeightGrid for this same mask, reused when only the joints moved. */
  readonly grid?: WeightGrid;
  readonly signal?: AbortSignal;
  /** Called with 0..1 as the bones' distances are computed. */
  readonly onProgress?: (fraction: number) => void;
}

/** The coarse graph of the mask; depends on the mask only, so joint drags can reuse it. */
export interface WeightGrid {
  readonly width: number;
  readonly height: number;
  readonly cellPx: number;
  readonly cellsX: number;
  readonly cellsY: number;
  /** Per pixel: its node, or -1 outside the mask. */
  readonly nodeOf: Int32Array;
  readonly nodeCount: number;
  /** Node centroids in image pixels. */
  readonly nodeX: Float64Array;
  readonly nodeY: Float64Array;
  readonly nodeCell: Int32Array;
  /** CSR adjacency with edge lengths in pixels. */
  readonly adjStart: Int32Array;
  readonly adjNode: Int32Array;
  readonly adjLength: Float64Array;
  /** Per node and quadrant (4), the neighbouring nodes in the x, y and diagonal cells, or -1. */
  readonly corners: Int32Array;
}

export function prepareWeightGrid(mask: Mask, options: SkinWeightOptions = {}): WeightGrid {
  const { width, height, data } = mask;
  const maxCells = options.gridMaxCells ?? 160;
  const cellPx = Math.max(1, Math.ceil(Math.max(width, height) / maxCells));
  const cellsX = Math.ceil(width / cellPx);
  const cellsY = Math.ceil(height / cellPx);
  const nodeOf = new Int32Array(width * height).fill(-1);
  const queue = new Int32Array(cellPx * cellPx);
  const sumX: number[] = [];
  const sumY: number[] = [];
  const count: number[] = [];
  const cellOfNode: number[] = [];
  // Label the 4-connected pieces of the mask inside each cell.
  for (let cy = 0; cy < cellsY; cy++) {
    const y0 = cy * cellPx;
    const y1 = Math.min(height, y0 + cellPx);
    for (let cx = 0; cx < cellsX; cx++) {
      const x0 = cx * cellPx;
      const x1 = Math.min(width, x0 + cellPx);
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const start = y * width + x;
          if (!data[start] || nodeOf[start]! >= 0) continue;
          const node = count.length;
          let head = 0;
          let tail = 0;
          let sx = 0;
          let sy = 0;
          queue[tail++] = start;
          nodeOf[start] = node;
          while (head < tail) {
            const p = queue[head++]!;
            const px = p % width;
            const py = (p - px) / width;
            sx += px;
            sy += py;
            if (px > x0 && data[p - 1] && nodeOf[p - 1]! < 0) {
              nodeOf[p - 1] = node;
              queue[tail++] = p - 1;
            }
            if (px < x1 - 1 && data[p + 1] && nodeOf[p + 1]! < 0) {
              nodeOf[p + 1] = node;
              queue[tail++] = p + 1;
            }
            if (py > y0 && data[p - width] && nodeOf[p - width]! < 0) {
              nodeOf[p - width] = node;
              queue[tail++] = p - width;
            }
            if (py < y1 - 1 && data[p + width] && nodeOf[p + width]! < 0) {
              nodeOf[p + width] = node;
              queue[tail++] = p + width;
            }
          }
          sumX.push(sx);
          sumY.push(sy);
          count.push(tail);
          cellOfNode.push(cy * cellsX + cx);
        }
      }
    }
  }
  const nodeCount = count.length;
  const nodeX = new Float64Array(nodeCount);
  const nodeY = new Float64Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    nodeX[i] = sumX[i]! / count[i]!;
    nodeY[i] = sumY[i]! / count[i]!;
  }
  // Edges: wherever two 4-adjacent mask pixels belong to different nodes.
  const neighbours: number[][] = Array.from({ length: nodeCount }, () => []);
  const link = (a: number, b: number) => {
    const list = neighbours[a]!;
    if (!list.includes(b)) {
      list.push(b);
      neighbours[b]!.push(a);
    }
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const a = nodeOf[row + x]!;
      if (a < 0) continue;
      // Only cell boundaries can separate nodes that touch.
      if (x < width - 1 && (x + 1) % cellPx === 0) {
        const b = nodeOf[row + x + 1]!;
        if (b >= 0 && b !== a) link(a, b);
      }
      if (y < height - 1 && (y + 1) % cellPx === 0) {
        const b = nodeOf[row + width + x]!;
        if (b >= 0 && b !== a) link(a, b);
      }
    }
  }
  const adjStart = new Int32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i++) adjStart[i + 1] = adjStart[i]! + neighbours[i]!.length;
  const adjNode = new Int32Array(adjStart[nodeCount]!);
  const adjLength = new Float64Array(adjStart[nodeCount]!);
  for (let i = 0; i < nodeCount; i++) {
    let k = adjStart[i]!;
    for (const j of neighbours[i]!) {
      adjNode[k] = j;
      adjLength[k] = Math.hypot(nodeX[i]! - nodeX[j]!, nodeY[i]! - nodeY[j]!);
      k++;
    }
  }
  const nodeCell = Int32Array.from(cellOfNode);
  // Interpolation corners: for quadrant q (bit 0: +x side, bit 1: +y side) the node in the
  // horizontal, vertical and diagonal neighbour cell that is linked to this node.
  const corners = new Int32Array(nodeCount * 12).fill(-1);
  const neighbourInCell = (node: number, cell: number): number => {
    for (let k = adjStart[node]!; k < adjStart[node + 1]!; k++)
      if (nodeCell[adjNode[k]!] === cell) return adjNode[k]!;
    return -1;
  };
  for (let i = 0; i < nodeCount; i++) {
    const cell = nodeCell[i]!;
    const cx = cell % cellsX;
    const cy = (cell - cx) / cellsX;
    for (let q = 0; q < 4; q++) {
      const nx = cx + (q & 1 ? 1 : -1);
      const ny = cy + (q & 2 ? 1 : -1);
      const okX = nx >= 0 && nx < cellsX;
      const okY = ny >= 0 && ny < cellsY;
      const h = okX ? neighbourInCell(i, cy * cellsX + nx) : -1;
      const v = okY ? neighbourInCell(i, ny * cellsX + cx) : -1;
      let d = -1;
      if (okX && okY) {
        const diagonal = ny * cellsX + nx;
        if (h >= 0) d = neighbourInCell(h, diagonal);
        if (d < 0 && v >= 0) d = neighbourInCell(v, diagonal);
      }
      corners[i * 12 + q * 3] = h;
      corners[i * 12 + q * 3 + 1] = v;
      corners[i * 12 + q * 3 + 2] = d;
    }
  }
  return {
    width,
    height,
    cellPx,
    cellsX,
    cellsY,
    nodeOf,
    nodeCount,
    nodeX,
    nodeY,
    nodeCell,
    adjStart,
    adjNode,
    adjLength,
    corners,
  };
}

/** A bone as line segments in image pixels (x right, y down). */
interface BoneSegments {
  readonly ax: number[];
  readonly ay: number[];
  readonly bx: number[];
  readonly by: number[];
}

/**
 * The segments each joint owns, in image pixels: from the joint to each child. A leaf (head,
 * hand, toe) owns an extension of its parent's bone that runs on through the figure to the edge
 * of the mask (the top of the head, the finger tips), between half and three times the parent
 * bone's length; without a mask, half its length. A lone root is a point.
 */
export function boneSegments(
  skeleton: Skeleton,
  width: number,
  height: number,
  mask?: Uint8Array,
): BoneSegments[] {
  const toImage = (p: readonly number[]): [number, number] => [p[0]! + width / 2, height / 2 - p[1]!];
  const byId = new Map(skeleton.joints.map((j) => [j.id as string, j]));
  const inside = (x: number, y: number): boolean => {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    return xi >= 0 && yi >= 0 && xi < width && yi < height && mask![yi * width + xi] !== 0;
  };
  return skeleton.joints.map((joint) => {
    const seg: BoneSegments = { ax: [], ay: [], bx: [], by: [] };
    const [jx, jy] = toImage(joint.restPosition);
    const children = skeleton.joints.filter((c) => c.parentId === joint.id);
    for (const child of children) {
      const [cx, cy] = toImage(child.restPosition);
      seg.ax.push(jx);
      seg.ay.push(jy);
      seg.bx.push(cx);
      seg.by.push(cy);
    }
    if (children.length === 0) {
      const parent = joint.parentId === null ? undefined : byId.get(joint.parentId);
      let ex = jx;
      let ey = jy;
      if (parent) {
        const [px, py] = toImage(parent.restPosition);
        const parentLength = Math.hypot(jx - px, jy - py);
        let extension = 0.5 * parentLength;
        if (mask && parentLength > 0 && inside(jx, jy)) {
          const ux = (jx - px) / parentLength;
          const uy = (jy - py) / parentLength;
          let t = 0;
          while (t < 3 * parentLength && inside(jx + ux * (t + 1), jy + uy * (t + 1))) t++;
          extension = Math.max(extension, t);
        }
        ex = jx + ((jx - px) / (parentLength || 1)) * extension;
        ey = jy + ((jy - py) / (parentLength || 1)) * extension;
      }
      seg.ax.push(jx);
      seg.ay.push(jy);
      seg.bx.push(ex);
      seg.by.push(ey);
    }
    return seg;
  });
}

function distanceToSegments(seg: BoneSegments, x: number, y: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < seg.ax.length; i++) {
    const ax = seg.ax[i]!;
    const ay = seg.ay[i]!;
    const dx = seg.bx[i]! - ax;
    const dy = seg.by[i]! - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
    const d = Math.hypot(x - ax - t * dx, y - ay - t * dy);
    if (d < best) best = d;
  }
  return best;
}

function medianBoneLength(segments: readonly BoneSegments[]): number {
  const lengths: number[] = [];
  for (const seg of segments) {
    for (let i = 0; i < seg.ax.length; i++) {
      const length = Math.hypot(seg.bx[i]! - seg.ax[i]!, seg.by[i]! - seg.ay[i]!);
      if (length > 0) lengths.push(length);
    }
  }
  lengths.sort((a, b) => a - b);
  return lengths[Math.floor(lengths.length / 2)] ?? 0;
}

/** Most weight values we allocate (2 GB of float32). */
const MAX_WEIGHT_VALUES = 2 ** 29;

/** Width of the fade between two branches, in grid cells. */
const BRANCH_FADE_CELLS = 1;

/**
 * For every joint with two or more children (a branch point), the bone indices of each child's
 * subtree. The branch point's own bone belongs to none of them and is never gated.
 */
function branchSubtrees(skeleton: Skeleton): number[][][] {
  const index = new Map(skeleton.joints.map((j, i) => [j.id as string, i]));
  const parents = skeleton.joints.map((j) => (j.parentId === null ? -1 : (index.get(j.parentId) ?? -1)));
  const children = skeleton.joints.map((_, i) => parents.flatMap((p, j) => (p === i ? [j] : [])));
  const subtree = (root: number): number[] => {
    const out = [root];
    for (let i = 0; i < out.length; i++) out.push(...children[out[i]!]!);
    return out;
  };
  return children.filter((c) => c.length >= 2).map((c) => c.map(subtree));
}

/** A binary min-heap of (key, node) for Dijkstra. */
class MinHeap {
  private keys: Float64Array;
  private nodes: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.nodes = new Int32Array(Math.max(16, capacity));
  }
  push(key: number, node: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      const nodes = new Int32Array(this.size * 2);
      nodes.set(this.nodes);
      this.keys = keys;
      this.nodes = nodes;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.keys[i] = this.keys[parent]!;
      this.nodes[i] = this.nodes[parent]!;
      i = parent;
    }
    this.keys[i] = key;
    this.nodes[i] = node;
  }
  /** Removes the minimum; returns its node (its key is in `lastKey`). */
  pop(): number {
    const node = this.nodes[0]!;
    this.lastKey = this.keys[0]!;
    const key = this.keys[--this.size]!;
    const last = this.nodes[this.size]!;
    let i = 0;
    const half = this.size >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      if (child + 1 < this.size && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.keys[i] = this.keys[child]!;
      this.nodes[i] = this.nodes[child]!;
      i = child;
    }
    this.keys[i] = key;
    this.nodes[i] = last;
    return node;
  }
  lastKey = 0;
}

/** Geodesic distance (pixels) from every node to one bone, by multi-source Dijkstra. */
function geodesicToBone(grid: WeightGrid, seg: BoneSegments, out: Float64Array, heap: MinHeap): void {
  const { nodeCount, nodeOf, width, height, cellPx, nodeX, nodeY, adjStart, adjNode, adjLength } = grid;
  out.fill(Number.POSITIVE_INFINITY);
  heap.size = 0;
  let seeded = false;
  const seedNode = (node: number) => {
    const d = distanceToSegments(seg, nodeX[node]!, nodeY[node]!);
    if (d < out[node]!) {
      out[node] = d;
      heap.push(d, node);
      seeded = true;
    }
  };
  // Seeds: the nodes under the bone, sampled every half cell along each segment.
  for (let i = 0; i < seg.ax.length; i++) {
    const ax = seg.ax[i]!;
    const ay = seg.ay[i]!;
    const length = Math.hypot(seg.bx[i]! - ax, seg.by[i]! - ay);
    const steps = Math.max(1, Math.ceil(length / Math.max(0.5, cellPx / 2)));
    for (let s = 0; s <= steps; s++) {
      const x = Math.floor(ax + ((seg.bx[i]! - ax) * s) / steps);
      const y = Math.floor(ay + ((seg.by[i]! - ay) * s) / steps);
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const node = nodeOf[y * width + x]!;
      if (node >= 0) seedNode(node);
    }
  }
  if (!seeded) {
    // The bone lies outside the mask (a rough fit): start from the nodes nearest to it.
    let nearest = Number.POSITIVE_INFINITY;
    const euclid = new Float64Array(nodeCount);
    for (let n = 0; n < nodeCount; n++) {
      euclid[n] = distanceToSegments(seg, nodeX[n]!, nodeY[n]!);
      if (euclid[n]! < nearest) nearest = euclid[n]!;
    }
    for (let n = 0; n < nodeCount; n++) {
      if (euclid[n]! <= nearest + 2 * cellPx) {
        out[n] = euclid[n]!;
        heap.push(euclid[n]!, n);
      }
    }
  }
  while (heap.size > 0) {
    const node = heap.pop();
    const d = heap.lastKey;
    if (d > out[node]!) continue;
    for (let k = adjStart[node]!; k < adjStart[node + 1]!; k++) {
      const next = adjNode[k]!;
      const nd = d + adjLength[k]!;
      if (nd < out[next]!) {
        out[next] = nd;
        heap.push(nd, next);
      }
    }
  }
}

/**
 * Per-joint weight maps over the mask (see the file comment). Inside the mask a pixel's weights
 * sum to 1; outside they are 0. PSD part hints restrict a hinted pixel to its part's joints.
 */
export function computeSkinWeights(input: SkinWeightInput): SkinWeights {
  const { width, height, skeleton, partHints, signal } = input;
  const options = input.options ?? {};
  if (input.mask.length !== width * height) {
    throw new RiggingError(
      'invalid-input',
      `mask has ${input.mask.length} pixels, expected ${width}x${height}`,
    );
  }
  if (skeleton.joints.length === 0) throw new RiggingError('invalid-input', 'the skeleton has no joints');
  // Dense maps cost 4 bytes per joint and pixel (21 joints at 4096 x 4096: 1.4 GB).
  if (skeleton.joints.length * width * height > MAX_WEIGHT_VALUES) {
    throw new RiggingError(
      'invalid-input',
      `weights for ${skeleton.joints.length} joints over ${width}x${height} px would need ${Math.round((skeleton.joints.length * width * height * 4) / 2 ** 20)} MB; scale the picture down`,
    );
  }
  const grid =
    input.grid && input.grid.width === width && input.grid.height === height
      ? input.grid
      : prepareWeightGrid({ width, height, data: input.mask }, options);
  throwIfAborted(signal);
  const power = options.power ?? 4;
  const maxInfluences = Math.max(1, options.maxInfluences ?? 4);
  const boneCount = skeleton.joints.length;
  const { nodeCount, nodeX, nodeY, cellPx } = grid;
  const segments = boneSegments(skeleton, width, height, input.mask);

  // Geodesic distances, node-major: dist[n * K + k].
  const dist = new Float32Array(nodeCount * boneCount);
  const column = new Float64Array(nodeCount);
  const heap = new MinHeap(nodeCount * 4);
  for (let k = 0; k < boneCount; k++) {
    throwIfAborted(signal);
    input.onProgress?.((0.9 * k) / boneCount);
    geodesicToBone(grid, segments[k]!, column, heap);
    for (let n = 0; n < nodeCount; n++) dist[n * boneCount + k] = column[n]!;
  }
  // A piece of the figure no bone reaches (a detached accessory) follows the nearest bones on
  // the page instead.
  for (let n = 0; n < nodeCount; n++) {
    let reached = false;
    for (let k = 0; k < boneCount; k++) if (Number.isFinite(dist[n * boneCount + k]!)) reached = true;
    if (!reached) {
      for (let k = 0; k < boneCount; k++) {
        dist[n * boneCount + k] = distanceToSegments(segments[k]!, nodeX[n]!, nodeY[n]!);
      }
    }
  }

  // Node weights: inverse distance power, gated at every branch of the skeleton (the hips, the
  // chest): the branches compete, and a branch fades out where another one is clearly nearer.
  // That is what keeps a leg's weights off the other leg next to the crotch, where the path round
  // is short; the fade is continuous, so the hand-over between branches stays smooth.
  // The blend width at a joint grows with epsilon: a fraction of the typical bone length, so a
  // bent elbow folds over a band of the arm instead of a crease one cell wide.
  const epsilonPx = Math.max(2, cellPx, (options.blendFraction ?? 0.1) * medianBoneLength(segments));
  const nodeBone = new Int16Array(nodeCount * maxInfluences).fill(-1);
  const nodeWeight = new Float32Array(nodeCount * maxInfluences);
  const raw = new Float64Array(boneCount);
  const branches = branchSubtrees(skeleton);
  const branchFadePx = BRANCH_FADE_CELLS * Math.max(2, cellPx);
  const gate = new Float64Array(boneCount);
  for (let n = 0; n < nodeCount; n++) {
    const row = n * boneCount;
    gate.fill(1);
    for (const subtrees of branches) {
      const reach = subtrees.map((bones) => {
        let d = Number.POSITIVE_INFINITY;
        for (const k of bones) d = Math.min(d, dist[row + k]!);
        return d;
      });
      subtrees.forEach((bones, i) => {
        let nearestOther = Number.POSITIVE_INFINITY;
        reach.forEach((d, j) => {
          if (j !== i) nearestOther = Math.min(nearestOther, d);
        });
        if (!Number.isFinite(nearestOther)) return;
        const fade = Math.min(1, Math.max(0, 0.5 + (nearestOther - reach[i]!) / (2 * branchFadePx)));
        for (const k of bones) gate[k]! *= fade;
      });
    }
    for (let k = 0; k < boneCount; k++) {
      const d = dist[row + k]!;
      raw[k] = Number.isFinite(d) ? gate[k]! * (d + epsilonPx) ** -power : 0;
    }
    let total = 0;
    for (let slot = 0; slot < maxInfluences; slot++) {
      let best = -1;
      for (let k = 0; k < boneCount; k++) if (raw[k]! > 0 && (best < 0 || raw[k]! > raw[best]!)) best = k;
      if (best < 0) break;
      nodeBone[n * maxInfluences + slot] = best;
      nodeWeight[n * maxInfluences + slot] = raw[best]!;
      total += raw[best]!;
      raw[best] = 0;
    }
    for (let slot = 0; slot < maxInfluences; slot++) {
      const i = n * maxInfluences + slot;
      nodeWeight[i] = total > 0 ? nodeWeight[i]! / total : 0;
    }
  }
  throwIfAborted(signal);

  const jointIndex = new Map(skeleton.joints.map((j, i) => [j.id as string, i]));
  const hintSets = (partHints?.parts ?? []).map((part) =>
    part.jointIds.map((id) => jointIndex.get(id)).filter((i): i is number => i !== undefined),
  );
  if (partHints && partHints.owner.length !== width * height) {
    throw new RiggingError('invalid-input', 'part hints do not match the picture size');
  }

  const plane = width * height;
  const data = new Float32Array(boneCount * plane);
  const { nodeOf, corners } = grid;
  const accBone = new Int32Array(4 * maxInfluences);
  const accWeight = new Float64Array(4 * maxInfluences);
  const cornerNode = new Int32Array(4);
  const cornerCoeff = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    if ((y & 63) === 0) throwIfAborted(signal);
    const cy = Math.floor(y / cellPx);
    const centreY = (cy + 0.5) * cellPx - 0.5;
    const qy = y >= centreY ? 1 : 0;
    const fy = Math.min(1, Math.abs(y - centreY) / cellPx);
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const node = nodeOf[p]!;
      if (node < 0) continue;
      const cx = Math.floor(x / cellPx);
      const centreX = (cx + 0.5) * cellPx - 0.5;
      const qx = x >= centreX ? 1 : 0;
      const fx = Math.min(1, Math.abs(x - centreX) / cellPx);
      const base = node * 12 + (qx | (qy << 1)) * 3;
      cornerNode[0] = node;
      cornerNode[1] = corners[base]!;
      cornerNode[2] = corners[base + 1]!;
      cornerNode[3] = corners[base + 2]!;
      cornerCoeff[0] = (1 - fx) * (1 - fy);
      cornerCoeff[1] = fx * (1 - fy);
      cornerCoeff[2] = (1 - fx) * fy;
      cornerCoeff[3] = fx * fy;
      const hint = partHints ? partHints.owner[p]! : -1;
      const allowed = hint >= 0 ? hintSets[hint] : undefined;
      let used = 0;
      let total = 0;
      if (allowed && allowed.length > 0) {
        // Hinted pixel: only the part's joints, weighted by their own distances.
        for (const k of allowed) {
          let w = 0;
          for (let c = 0; c < 4; c++) {
            const n = cornerNode[c]!;
            if (n < 0) continue;
            const d = dist[n * boneCount + k]!;
            if (Number.isFinite(d)) w += cornerCoeff[c]! * (d + epsilonPx) ** -power;
          }
          accBone[used] = k;
          accWeight[used++] = w;
          total += w;
        }
        if (!(total > 0)) {
          accWeight.fill(0, 0, used);
          accWeight[0] = 1;
          total = 1;
        }
      } else {
        for (let c = 0; c < 4; c++) {
          const n = cornerNode[c]!;
          if (n < 0) continue;
          const coeff = cornerCoeff[c]!;
          if (coeff === 0) continue;
          for (let slot = 0; slot < maxInfluences; slot++) {
            const k = nodeBone[n * maxInfluences + slot]!;
            if (k < 0) break;
            const w = coeff * nodeWeight[n * maxInfluences + slot]!;
            let i = 0;
            while (i < used && accBone[i] !== k) i++;
            if (i === used) {
              accBone[used] = k;
              accWeight[used++] = 0;
            }
            accWeight[i]! += w;
            total += w;
          }
        }
      }
      if (total > 0) {
        for (let i = 0; i < used; i++) data[accBone[i]! * plane + p] = accWeight[i]! / total;
      } else {
        data[p] = 1;
      }
    }
  }
  input.onProgress?.(1);
  return { width, height, jointIds: skeleton.joints.map((j) => j.id), data };
}

/**
 * A heat map of one joint's weights for the weight overlay: transparent outside the mask (when
 * given), then a blue (0) -> green -> yellow -> red (1) ramp. Without a mask, zero weight is
 * transparent.
 */
export function weightOverlay(weights: SkinWeights, joint: JointId | number, mask?: Mask): RgbaImage {
  const k = typeof joint === 'number' ? joint : weights.jointIds.indexOf(joint);
  if (k < 0 || k >= weights.jointIds.length) {
    throw new RiggingError('invalid-input', `no weight map for joint ${String(joint)}`);
  }
  const plane = weights.width * weights.height;
  const out = new Uint8Array(plane * 4);
  for (let p = 0; p < plane; p++) {
    const w = weights.data[k * plane + p]!;
    const inside = mask ? mask.data[p] !== 0 : w > 0;
    if (!inside) continue;
    const [r, g, b] = heatColour(w);
    out[p * 4] = r;
    out[p * 4 + 1] = g;
    out[p * 4 + 2] = b;
    out[p * 4 + 3] = 180;
  }
  return { width: weights.width, height: weights.height, data: out };
}

function heatColour(w: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, w));
  // Piecewise-linear ramp through blue, cyan, green, yellow, red.
  const stops: [number, number, number][] = [
    [20, 40, 160],
    [0, 170, 220],
    [40, 200, 80],
    [250, 220, 40],
    [230, 40, 30],
  ];
  const f = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(f));
  const u = f - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [
    Math.round(a[0] + (b[0] - a[0]) * u),
    Math.round(a[1] + (b[1] - a[1]) * u),
    Math.round(a[2] + (b[2] - a[2]) * u),
  ];
}
