import type { JointId } from '../../core/ids.js';
import { HEAT_OVERLAY_ALPHA, heatColour } from '../../core/render/heatRamp.js';
import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { MinHeap } from './minHeap.js';
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
 * toes) keeps its weight only where it is nearer than every other branch, fading out,
 * continuously, towards a tie; what it loses goes to the branch point's own bone (the pelvis
 * takes the crotch). So even next to the crotch, where the path round is short, one leg carries
 * nothing on the other leg's side.
 *
 * Speed: distances are computed on a coarse graph, not per pixel. The picture is cut into cells
 * of `cellPx` pixels; each 4-connected piece of the mask inside a cell is one graph node (so a
 * cell straddling a 3 px gap gives two nodes, one per leg, and the gap survives the
 * downsampling); nodes are linked only where their pixels touch. Per-pixel weights are then
 * interpolated bilinearly from the four surrounding cells, using in each cell the node connected
 * to the pixel's own node (never a node across a gap), and renormalised. Right below a crotch
 * both legs' tops share cells, so there (wherever two branches are close to a tie) the branches'
 * distances are measured again per pixel in a small window (pixelBranchGates).
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
export interface BoneSegments {
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

/**
 * Width of the fade between two branches, in grid cells: a branch's gate grows from 0 where
 * another branch is as near to 1 where it is this much nearer than every other.
 */
const BRANCH_FADE_CELLS = 2;
/** ... and at least this fraction of the median bone length. */
const BRANCH_FADE_OF_BONE = 0.35;

/**
 * Gate of subtree s at one place: 0 where a rival subtree of its branch is at least as near,
 * rising to 1 where s is nearer than all of them by fadePx. `reach[base + j]` is subtree j's
 * distance there; rivals are the other subtrees' indices.
 */
function branchGate(
  reach: ArrayLike<number>,
  base: number,
  s: number,
  rivals: readonly number[],
  fadePx: number,
): number {
  let nearestOther = Number.POSITIVE_INFINITY;
  for (const j of rivals) nearestOther = Math.min(nearestOther, reach[base + j]!);
  if (!Number.isFinite(nearestOther)) return 1;
  const own = reach[base + s]!;
  if (!Number.isFinite(own)) return 0;
  const t = Math.min(1, Math.max(0, (nearestOther - own) / fadePx));
  // Smoothstep: no kink where the fade starts, so the hand-over to the branch point's own bone
  // (which takes a tie) does not jump when the gated bones are much nearer than it.
  return t * t * (3 - 2 * t);
}

interface PixelGates {
  /** Per pixel of the picture: its index in the window (the pixels some branch refines), or -1. */
  readonly windowOf: Int32Array;
  /** Per window pixel and subtree (all branches, in order): the gate, NaN where not refined. */
  readonly gate: Float32Array;
}

/**
 * Branch gates per pixel where the coarse graph is too coarse to decide them: for each branch,
 * the window is every pixel of a node that needs it (contested, or interpolating from a contested
 * node). Inside it each subtree's reach is measured by Dijkstra over the mask's pixels
 * (8-neighbours), seeded on the bones' own pixels with their exact distance and on the window's
 * border with the coarse graph's distance, so two legs 3 px apart are told apart right below the
 * crotch, where they share cells.
 */
function pixelBranchGates(args: {
  grid: WeightGrid;
  branches: readonly (readonly (readonly number[])[])[];
  needs: Uint8Array;
  nodeReach: Float32Array;
  segments: readonly BoneSegments[];
  fadePx: number;
  rivals: readonly (readonly number[])[];
}): PixelGates {
  const { grid, branches, needs, nodeReach, segments, fadePx, rivals } = args;
  const { width, height, nodeOf, nodeX, nodeY } = grid;
  const plane = width * height;
  const branchCount = branches.length;
  const subtreeCount = branches.reduce((n, b) => n + b.length, 0);
  const windowOf = new Int32Array(plane).fill(-1);
  const pixelList: number[] = [];
  for (let p = 0; p < plane; p++) {
    const n = nodeOf[p]!;
    if (n < 0) continue;
    for (let b = 0; b < branchCount; b++) {
      if (needs[n * branchCount + b]) {
        windowOf[p] = pixelList.length;
        pixelList.push(p);
        break;
      }
    }
  }
  const count = pixelList.length;
  const gate = new Float32Array(count * subtreeCount).fill(Number.NaN);
  if (count === 0) return { windowOf, gate };
  const pixels = Int32Array.from(pixelList);
  const column = new Float64Array(count);
  const heap = new MinHeap(count * 2);
  const SQRT2 = Math.SQRT2;
  for (let b = 0, first = 0; b < branchCount; first += branches[b]!.length, b++) {
    const subtrees = branches[b]!;
    /** Window index of pixel q if q is in this branch's window, else -1. */
    const inBranch = (q: number): number => {
      const u = windowOf[q]!;
      return u >= 0 && needs[nodeOf[q]! * branchCount + b] ? u : -1;
    };
    // The branch window's border: pixels with an outside mask pixel among their 8 neighbours.
    // They take the coarse graph's distance from their own node or the outside neighbour's node,
    // plus the way from that node's centre.
    const borderPixel: number[] = [];
    const borderStart: number[] = [0];
    const borderNode: number[] = [];
    const borderOffset: number[] = [];
    let members = 0;
    for (let u = 0; u < count; u++) {
      const p = pixels[u]!;
      if (inBranch(p) < 0) continue;
      members++;
      const x = p % width;
      const y = (p - x) / width;
      const before = borderNode.length;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const qx = x + dx;
          const qy = y + dy;
          if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
          const q = qy * width + qx;
          const m = nodeOf[q]!;
          if (m < 0 || inBranch(q) >= 0) continue;
          borderNode.push(m);
          borderOffset.push(Math.sqrt((x - nodeX[m]!) ** 2 + (y - nodeY[m]!) ** 2));
        }
      }
      if (borderNode.length === before) continue;
      const n = nodeOf[p]!;
      borderNode.push(n);
      borderOffset.push(Math.sqrt((x - nodeX[n]!) ** 2 + (y - nodeY[n]!) ** 2));
      borderPixel.push(u);
      borderStart.push(borderNode.length);
    }
    if (members === 0) continue;
    for (let i = 0; i < subtrees.length; i++) {
      const s = first + i;
      column.fill(Number.POSITIVE_INFINITY);
      heap.size = 0;
      const seed = (u: number, d: number) => {
        if (d < column[u]!) {
          column[u] = d;
          heap.push(d, u);
        }
      };
      for (let k = 0; k < borderPixel.length; k++) {
        let d = Number.POSITIVE_INFINITY;
        for (let c = borderStart[k]!; c < borderStart[k + 1]!; c++) {
          d = Math.min(d, nodeReach[borderNode[c]! * subtreeCount + s]! + borderOffset[c]!);
        }
        if (Number.isFinite(d)) seed(borderPixel[k]!, d);
      }
      // The subtree's bones: the pixels they pass over, at their exact distance.
      for (const k of subtrees[i]!) {
        const seg = segments[k]!;
        for (let j = 0; j < seg.ax.length; j++) {
          const ax = seg.ax[j]!;
          const ay = seg.ay[j]!;
          const steps = Math.max(1, Math.ceil(2 * Math.hypot(seg.bx[j]! - ax, seg.by[j]! - ay)));
          for (let t = 0; t <= steps; t++) {
            const sx = Math.floor(ax + ((seg.bx[j]! - ax) * t) / steps);
            const sy = Math.floor(ay + ((seg.by[j]! - ay) * t) / steps);
            for (let dy = 0; dy <= 1; dy++) {
              for (let dx = 0; dx <= 1; dx++) {
                const qx = sx + dx;
                const qy = sy + dy;
                if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
                const u = inBranch(qy * width + qx);
                if (u >= 0) seed(u, distanceToSegments(seg, qx, qy));
              }
            }
          }
        }
      }
      while (heap.size > 0) {
        const u = heap.pop();
        const d = heap.lastKey;
        if (d > column[u]!) continue;
        const p = pixels[u]!;
        const x = p % width;
        const y = (p - x) / width;
        for (let dy = -1; dy <= 1; dy++) {
          const qy = y + dy;
          if (qy < 0 || qy >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const qx = x + dx;
            if ((dx === 0 && dy === 0) || qx < 0 || qx >= width) continue;
            const uq = inBranch(qy * width + qx);
            if (uq < 0) continue;
            // A diagonal step needs an inside pixel beside it: no slipping through a corner.
            if (dx !== 0 && dy !== 0 && nodeOf[y * width + qx]! < 0 && nodeOf[qy * width + x]! < 0) continue;
            const nd = d + (dx !== 0 && dy !== 0 ? SQRT2 : 1);
            if (nd < column[uq]!) {
              column[uq] = nd;
              heap.push(nd, uq);
            }
          }
        }
      }
      // Reach per window pixel and subtree, kept in `gate` until the gates replace it below.
      for (let u = 0; u < count; u++) gate[u * subtreeCount + s] = column[u]!;
    }
    const reach = new Float64Array(subtrees.length);
    const localRivals = subtrees.map((_, i) => rivals[first + i]!.map((j) => j - first));
    for (let u = 0; u < count; u++) {
      if (inBranch(pixels[u]!) < 0) {
        for (let i = 0; i < subtrees.length; i++) gate[u * subtreeCount + first + i] = Number.NaN;
        continue;
      }
      let known = false;
      for (let i = 0; i < subtrees.length; i++) {
        reach[i] = gate[u * subtreeCount + first + i]!;
        if (Number.isFinite(reach[i]!)) known = true;
      }
      for (let i = 0; i < subtrees.length; i++) {
        gate[u * subtreeCount + first + i] = known
          ? branchGate(reach, 0, i, localRivals[i]!, fadePx)
          : Number.NaN;
      }
    }
  }
  return { windowOf, gate };
}

/** Contested branch zones are refined per pixel only where the branch's bones are within this
 * factor of the nearest bone's distance (else their weight there is below ~1%). */
const CONTEST_RELEVANCE = 3;
/**
 * A node is contested while its two nearest subtrees differ by less than the fade plus this many
 * cells: the coarse graph's error (a node's pixels lie up to a cell from its centre, and its
 * centre-to-centre paths run a little long).
 */
const CONTEST_SLACK_CELLS = 1.5;

/** Indices of the joints with two or more children, in the order branchSubtrees lists them. */
function branchPoints(skeleton: Skeleton): number[] {
  const index = new Map(skeleton.joints.map((j, i) => [j.id as string, i]));
  const childCount = skeleton.joints.map(() => 0);
  for (const j of skeleton.joints) {
    const parent = j.parentId === null ? undefined : index.get(j.parentId);
    if (parent !== undefined) childCount[parent]!++;
  }
  return childCount.flatMap((c, i) => (c >= 2 ? [i] : []));
}

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
  // chest): the branches compete, and a branch keeps its weight only where it is clearly nearer
  // than every other branch. Where two branches are about as near (the crotch, the middle of the
  // chest) both fade to 0 and the branch point's own bone (Hips, Chest) takes over: that is what
  // keeps a leg's weights off the other leg next to the crotch, where the path round is short;
  // the fade is continuous, so the hand-over between branches stays smooth.
  // The blend width at a joint grows with epsilon: a fraction of the typical bone length, so a
  // bent elbow folds over a band of the arm instead of a crease one cell wide.
  const epsilonPx = Math.max(2, cellPx, (options.blendFraction ?? 0.1) * medianBoneLength(segments));

  const invDist = new Float32Array(nodeCount * boneCount);
  for (let i = 0; i < invDist.length; i++) {
    const d = dist[i]!;
    // power 4 (the default) by multiplication: Math.pow is the slow part of this loop.
    const x = 1 / (d + epsilonPx);
    invDist[i] = !Number.isFinite(d) ? 0 : power === 4 ? x * x * (x * x) : x ** power;
  }
  const branches = branchSubtrees(skeleton);
  const medianBonePx = medianBoneLength(segments);
  const fadePx = Math.max(BRANCH_FADE_CELLS * Math.max(2, cellPx), BRANCH_FADE_OF_BONE * medianBonePx);
  const subtreeBones = branches.flat();
  const subtreeCount = subtreeBones.length;
  /** For each subtree, the other subtrees of its branch. */
  const rivals = branches.flatMap((subtrees, b) => {
    const first = branches.slice(0, b).reduce((n, s) => n + s.length, 0);
    return subtrees.map((_, i) => subtrees.map((__, j) => first + j).filter((j) => j !== first + i));
  });
  const branchJoints = branchPoints(skeleton).flatMap((joint, b) => branches[b]!.map(() => joint));
  /** Per bone, the subtrees it belongs to, outermost branch first. */
  const boneMemberships = skeleton.joints.map((_, k) =>
    subtreeBones.flatMap((bones, sub) => (bones.includes(k) ? [sub] : [])),
  );
  // Node-level reach of each subtree (nearest of its bones) and its gate.
  const nodeReach = new Float32Array(nodeCount * subtreeCount);
  const nodeGate = new Float32Array(nodeCount * subtreeCount);
  for (let n = 0; n < nodeCount; n++) {
    for (let s = 0; s < subtreeCount; s++) {
      let d = Number.POSITIVE_INFINITY;
      for (const k of subtreeBones[s]!) d = Math.min(d, dist[n * boneCount + k]!);
      nodeReach[n * subtreeCount + s] = d;
    }
    for (let s = 0; s < subtreeCount; s++) {
      nodeGate[n * subtreeCount + s] = branchGate(nodeReach, n * subtreeCount, s, rivals[s]!, fadePx);
    }
  }
  // Where two branches are close to a tie, the coarse graph cannot tell which side of a narrow
  // gap a pixel lies on (both legs' tops share the cells at the crotch): there the branches'
  // reach is measured again per pixel (see pixelBranchGates). A node is contested for a branch
  // when its two nearest subtrees differ by less than the fade plus the graph's own error.
  const contestPx = fadePx + CONTEST_SLACK_CELLS * cellPx;
  const contested = new Uint8Array(nodeCount * branches.length);
  for (let n = 0; n < nodeCount; n++) {
    let nearest = Number.POSITIVE_INFINITY;
    for (let k = 0; k < boneCount; k++) nearest = Math.min(nearest, dist[n * boneCount + k]!);
    for (let b = 0, first = 0; b < branches.length; first += branches[b]!.length, b++) {
      let best = Number.POSITIVE_INFINITY;
      let second = Number.POSITIVE_INFINITY;
      for (let i = 0; i < branches[b]!.length; i++) {
        const d = nodeReach[n * subtreeCount + first + i]!;
        if (d < best) {
          second = best;
          best = d;
        } else if (d < second) second = d;
      }
      // Only where the branch's bones carry weight at all: their inverse-distance share is at
      // least 1/RELEVANCE^power of the nearest bone's.
      if (
        Number.isFinite(second) &&
        second - best < contestPx &&
        best + epsilonPx <= CONTEST_RELEVANCE * (nearest + epsilonPx)
      )
        contested[n * branches.length + b] = 1;
    }
  }
  // A node needs per-pixel gates for a branch when it, or a node its pixels interpolate from, is
  // contested.
  const { corners } = grid;
  const needs = new Uint8Array(nodeCount * branches.length);
  for (let n = 0; n < nodeCount; n++) {
    for (let b = 0; b < branches.length; b++) {
      let any = contested[n * branches.length + b]!;
      for (let c = 0; c < 12 && !any; c++) {
        const m = corners[n * 12 + c]!;
        if (m >= 0) any = contested[m * branches.length + b]!;
      }
      needs[n * branches.length + b] = any;
    }
  }
  const nodeBone = new Int16Array(nodeCount * maxInfluences).fill(-1);
  const nodeWeight = new Float32Array(nodeCount * maxInfluences);
  const raw = new Float64Array(boneCount);
  const subtreeGate = new Float64Array(subtreeCount);
  /** Weights of node n under the given subtree gates, normalised, into slots `out*`. */
  const nodeWeights = (
    n: number,
    outBone: Int16Array | Int32Array,
    outWeight: Float32Array | Float64Array,
    at: number,
  ): void => {
    // A gated bone's lost weight goes to its branch point's own bone (the pelvis takes the
    // crotch, the chest the sternum), so the total does not shrink at a tie and the hand-over
    // is as smooth as the gate itself.
    raw.fill(0);
    for (let k = 0; k < boneCount; k++) {
      let r = invDist[n * boneCount + k]!;
      for (const sub of boneMemberships[k]!) {
        const g = subtreeGate[sub]!;
        if (g >= 1) continue;
        raw[branchJoints[sub]!]! += r * (1 - g);
        r *= g;
      }
      raw[k]! += r;
    }
    // The strongest maxInfluences bones, strongest first (ties: the lower index first), in one pass.
    let slot = 0;
    for (let k = 0; k < boneCount; k++) {
      const v = raw[k]!;
      if (!(v > 0)) continue;
      if (slot === maxInfluences && v <= outWeight[at + slot - 1]!) continue;
      let i = slot < maxInfluences ? slot++ : slot - 1;
      while (i > 0 && outWeight[at + i - 1]! < v) {
        outWeight[at + i] = outWeight[at + i - 1]!;
        outBone[at + i] = outBone[at + i - 1]!;
        i--;
      }
      outWeight[at + i] = v;
      outBone[at + i] = k;
    }
    let total = 0;
    for (let i = 0; i < slot; i++) total += outWeight[at + i]!;
    for (let i = 0; i < slot; i++) outWeight[at + i] = total > 0 ? outWeight[at + i]! / total : 0;
    for (let i = slot; i < maxInfluences; i++) {
      outBone[at + i] = -1;
      outWeight[at + i] = 0;
    }
  };
  for (let n = 0; n < nodeCount; n++) {
    for (let s = 0; s < subtreeCount; s++) subtreeGate[s] = nodeGate[n * subtreeCount + s]!;
    nodeWeights(n, nodeBone, nodeWeight, n * maxInfluences);
  }
  throwIfAborted(signal);
  const pixelGates = pixelBranchGates({
    grid,
    branches,
    needs,
    nodeReach,
    segments,
    fadePx,
    rivals,
  });
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
  const { nodeOf } = grid;
  const cornerBone = new Int32Array(maxInfluences);
  const cornerWeight = new Float64Array(maxInfluences);
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
        const u = pixelGates.windowOf[p]!;
        for (let c = 0; c < 4; c++) {
          const n = cornerNode[c]!;
          if (n < 0) continue;
          const coeff = cornerCoeff[c]!;
          if (coeff === 0) continue;
          let bones: Int16Array | Int32Array = nodeBone;
          let weightsOf: Float32Array | Float64Array = nodeWeight;
          let at = n * maxInfluences;
          if (u >= 0) {
            // The corner's weights under this pixel's own branch gates, where it has them; the
            // corner's precomputed weights where those agree with its own gates.
            let differs = false;
            for (let s = 0; s < subtreeCount; s++) {
              const g = pixelGates.gate[u * subtreeCount + s]!;
              const own = nodeGate[n * subtreeCount + s]!;
              subtreeGate[s] = Number.isNaN(g) ? own : g;
              if (subtreeGate[s] !== own) differs = true;
            }
            if (differs) {
              nodeWeights(n, cornerBone, cornerWeight, 0);
              bones = cornerBone;
              weightsOf = cornerWeight;
              at = 0;
            }
          }
          for (let slot = 0; slot < maxInfluences; slot++) {
            const k = bones[at + slot]!;
            if (k < 0) break;
            const w = coeff * weightsOf[at + slot]!;
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
 * given), then the overlays' ramp (core/render/heatRamp.ts). Without a mask, zero weight is
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
    out[p * 4 + 3] = HEAT_OVERLAY_ALPHA;
  }
  return { width: weights.width, height: weights.height, data: out };
}
