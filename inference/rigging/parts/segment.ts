import type { RgbaImage } from '../../../core/render/types.js';
import type { Skeleton } from '../../../core/skeleton/types.js';
import { boneSegments } from '../bones.js';
import { MinHeap } from '../minHeap.js';
import type { PartHints } from '../partHints.js';
import { throwIfAborted } from '../types.js';

/**
 * Which joint owns each pixel of the figure: an edge-aware geodesic partition. Every bone seeds
 * its own pixels along the middle of its segment (not near its joints, which are for the
 * flooding to decide); the seeds flood the figure by Dijkstra over 8-connected pixels, a step
 * costing its length times (1 + EDGE_COST * local colour gradient), and each pixel goes to the
 * bone that reaches it cheapest. Paths stay inside the mask, so legs drawn close together stay
 * apart (the geodesic weights' property), and crossing a drawn outline is expensive, so the cut
 * between a sleeve and the torso follows the sleeve's outline rather than the line halfway
 * between the bones: the upper arm takes the sleeve, not a strip of the torso's side.
 *
 * PSD part hints restrict a hinted pixel to the hint's joints (a layer named "left arm" is only
 * ever the left arm's). Pieces no seed reaches (a detached accessory) go to the nearest bone.
 * Big pictures are partitioned at a reduced size (the skeleton scaled with them) and the labels
 * scaled back up.
 */
export interface SegmentInput {
  readonly art: RgbaImage;
  /** 1 = figure; row-major, the art's size. */
  readonly mask: Uint8Array;
  readonly skeleton: Skeleton;
  readonly partHints?: PartHints | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Cost multiplier of a full-contrast edge (gradient 255) over flat colour. */
export const EDGE_COST = 12;
/** Fraction of a bone left unseeded at each joint end. */
export const SEED_TRIM = 0.3;
/** Largest picture partitioned at full size (pixels). */
const MAX_PIXELS = 2_500_000;

/** Per pixel, the index into skeleton.joints of its owner, or -1 outside the figure. */
export function segmentParts(input: SegmentInput): Int16Array {
  const { art, mask } = input;
  const n = art.width * art.height;
  if (mask.length !== n) throw new Error(`mask has ${mask.length} pixels, expected ${n}`);
  const factor = Math.max(1, Math.ceil(Math.sqrt(n / MAX_PIXELS)));
  if (factor === 1) return segmentAtSize(input);
  const small = downscale(input, factor);
  const labels = segmentAtSize({ ...input, ...small });
  return upscaleLabels(labels, small.art.width, small.art.height, factor, art.width, art.height, mask);
}

function gradient(art: RgbaImage): Float32Array {
  const { width: W, height: H, data } = art;
  const g = new Float32Array(W * H);
  const at = (x: number, y: number, c: number) => {
    const i = (Math.min(H - 1, Math.max(0, y)) * W + Math.min(W - 1, Math.max(0, x))) * 4;
    return c === 3 ? data[i + 3]! : (data[i + c]! * data[i + 3]!) / 255;
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let best = 0;
      for (let c = 0; c < 4; c++) {
        const gx = at(x + 1, y, c) - at(x - 1, y, c);
        const gy = at(x, y + 1, c) - at(x, y - 1, c);
        best = Math.max(best, (Math.abs(gx) + Math.abs(gy)) / 2);
      }
      g[y * W + x] = best;
    }
  }
  return g;
}

function segmentAtSize(input: SegmentInput): Int16Array {
  const { art, mask, skeleton, partHints, signal } = input;
  const { width: W, height: H } = art;
  const n = W * H;
  const K = skeleton.joints.length;
  const jointIndex = new Map(skeleton.joints.map((j, i) => [j.id as string, i]));
  const allowed = (partHints?.parts ?? []).map(
    (p) => new Set(p.jointIds.map((id) => jointIndex.get(id)).filter((i): i is number => i !== undefined)),
  );
  const may = (p: number, k: number): boolean => {
    if (!partHints) return true;
    const h = partHints.owner[p]!;
    return h < 0 || !allowed[h] || allowed[h]!.size === 0 || allowed[h]!.has(k);
  };
  const grad = gradient(art);
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const labels = new Int16Array(n).fill(-1);
  const heap = new MinHeap(1 << 16);
  const segments = boneSegments(skeleton, W, H, mask);
  const childCount = new Int32Array(K);
  for (const j of skeleton.joints) if (j.parentId !== null) childCount[jointIndex.get(j.parentId)!]!++;
  segments.forEach((seg, k) => {
    const leaf = childCount[k] === 0;
    for (let s = 0; s < seg.ax.length; s++) {
      const ax = seg.ax[s]!;
      const ay = seg.ay[s]!;
      const dx = seg.bx[s]! - ax;
      const dy = seg.by[s]! - ay;
      const len = Math.hypot(dx, dy);
      const steps = Math.max(1, Math.ceil(len * 2));
      const trim0 = Math.max(1.5, SEED_TRIM * len);
      const trim1 = leaf ? 0 : trim0;
      for (let i = 0; i <= steps; i++) {
        const f = i / steps;
        const along = f * len;
        if (len > 0 && (along < trim0 || along > len - trim1)) continue;
        const x = Math.floor(ax + f * dx);
        const y = Math.floor(ay + f * dy);
        if (x < 0 || y < 0 || x >= W || y >= H) continue;
        const p = y * W + x;
        if (!mask[p] || !may(p, k) || dist[p] === 0) continue;
        dist[p] = 0;
        labels[p] = k;
        heap.push(0, p);
      }
    }
  });
  const DX = [1, -1, 0, 0, 1, 1, -1, -1];
  const DY = [0, 0, 1, -1, 1, -1, 1, -1];
  let popped = 0;
  while (heap.size > 0) {
    const p = heap.pop();
    const d = heap.lastKey;
    if (d > dist[p]!) continue;
    if ((++popped & 0xffff) === 0) throwIfAborted(signal);
    const k = labels[p]!;
    const x = p % W;
    const y = (p - x) / W;
    for (let e = 0; e < 8; e++) {
      const xx = x + DX[e]!;
      const yy = y + DY[e]!;
      if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
      const q = yy * W + xx;
      if (!mask[q] || !may(q, k)) continue;
      const step = (e < 4 ? 1 : Math.SQRT2) * (1 + (EDGE_COST * Math.max(grad[p]!, grad[q]!)) / 255);
      const nd = d + step;
      if (nd < dist[q]!) {
        dist[q] = nd;
        labels[q] = k;
        heap.push(nd, q);
      }
    }
  }
  // Pieces no seed reached: the nearest bone on the page.
  for (let p = 0; p < n; p++) {
    if (!mask[p] || labels[p]! >= 0) continue;
    const x = (p % W) + 0.5;
    const y = Math.floor(p / W) + 0.5;
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    segments.forEach((seg, k) => {
      for (let s = 0; s < seg.ax.length; s++) {
        const ax = seg.ax[s]!;
        const ay = seg.ay[s]!;
        const dx = seg.bx[s]! - ax;
        const dy = seg.by[s]! - ay;
        const l2 = dx * dx + dy * dy;
        const t = l2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / l2)) : 0;
        const dd = Math.hypot(x - ax - t * dx, y - ay - t * dy);
        if (dd < bestD && may(p, k)) {
          bestD = dd;
          best = k;
        }
      }
    });
    labels[p] = best;
  }
  return labels;
}

function downscale(
  input: SegmentInput,
  f: number,
): { art: RgbaImage; mask: Uint8Array; skeleton: Skeleton; partHints?: PartHints } {
  const { art, mask, partHints } = input;
  const w = Math.ceil(art.width / f);
  const h = Math.ceil(art.height / f);
  const data = new Uint8Array(w * h * 4);
  const m = new Uint8Array(w * h);
  const owner = partHints ? new Int16Array(w * h).fill(-1) : null;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const acc = [0, 0, 0, 0];
      let count = 0;
      let inside = 0;
      for (let dy = 0; dy < f; dy++) {
        for (let dx = 0; dx < f; dx++) {
          const sx = x * f + dx;
          const sy = y * f + dy;
          if (sx >= art.width || sy >= art.height) continue;
          const i = sy * art.width + sx;
          for (let c = 0; c < 4; c++) acc[c]! += art.data[i * 4 + c]!;
          inside += mask[i]!;
          count++;
        }
      }
      const o = y * w + x;
      for (let c = 0; c < 4; c++) data[o * 4 + c] = Math.round(acc[c]! / count);
      m[o] = inside * 2 >= count ? 1 : 0;
      if (owner && partHints) {
        const sx = Math.min(art.width - 1, x * f + (f >> 1));
        const sy = Math.min(art.height - 1, y * f + (f >> 1));
        owner[o] = partHints.owner[sy * art.width + sx]!;
      }
    }
  }
  // The skeleton in the small picture's character space (centred on it, y up): imagePx / f.
  const W = art.width;
  const H = art.height;
  const skeleton: Skeleton = {
    ...input.skeleton,
    joints: input.skeleton.joints.map((j) => ({
      ...j,
      restPosition: [
        (j.restPosition[0] + W / 2) / f - w / 2,
        h / 2 - (H / 2 - j.restPosition[1]) / f,
        j.restPosition[2] / f,
      ],
    })),
  };
  const small: { art: RgbaImage; mask: Uint8Array; skeleton: Skeleton; partHints?: PartHints } = {
    art: { width: w, height: h, data },
    mask: m,
    skeleton,
  };
  if (owner && partHints) small.partHints = { owner, parts: partHints.parts };
  return small;
}

function upscaleLabels(
  small: Int16Array,
  w: number,
  h: number,
  f: number,
  W: number,
  H: number,
  mask: Uint8Array,
): Int16Array {
  const out = new Int16Array(W * H).fill(-1);
  const queue: number[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      if (!mask[p]) continue;
      const k = small[Math.min(h - 1, Math.floor(y / f)) * w + Math.min(w - 1, Math.floor(x / f))]!;
      out[p] = k;
      if (k >= 0) queue.push(p);
    }
  }
  // Figure pixels whose small cell fell outside the small mask: breadth-first from labelled ones.
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head]!;
    const x = p % W;
    const y = (p - x) / W;
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
      const q = yy * W + xx;
      if (mask[q] && out[q]! < 0) {
        out[q] = out[p]!;
        queue.push(q);
      }
    }
  }
  return out;
}
