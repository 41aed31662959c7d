import { type Mask, RiggingError } from '../types.js';
import { type MedialGraph, medialGraph, otherEnd, type Pt, pointsFrom } from './graph.js';
import { type Limb, makeLimb, rootArc } from './limb.js';

/**
 * The figure as the medial-axis fit sees it (fitFigure.ts): a work copy of the mask at WORK_SIDE
 * pixels on its long side with its medial graph, the graph's limbs (the structure), and the
 * geometry the classification and the placements share (paths with arc lengths, inscribed radius,
 * which way a limb points).
 */

/** Long side of the work copy (the medial axis needs no more). */
export const WORK_SIDE = 320;

export interface Work {
  readonly graph: MedialGraph;
  /** Picture pixel of a work pixel. */
  readonly toPicture: (p: Pt) => Pt;
  readonly scale: number;
}

export function workCopy(mask: Mask): Work {
  const { width, height, data } = mask;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!data[row + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) throw new RiggingError('no-figure', 'the mask is empty: there is no figure to fit');
  const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const scale = Math.max(1, side / WORK_SIDE);
  const margin = 2;
  const w = Math.ceil((x1 - x0 + 1) / scale) + 2 * margin;
  const h = Math.ceil((y1 - y0 + 1) / scale) + 2 * margin;
  const figure = new Uint8Array(w * h);
  if (scale === 1) {
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++)
        figure[(y - y0 + margin) * w + (x - x0 + margin)] = data[y * width + x]! ? 1 : 0;
  } else {
    // Box coverage: the share of the picture pixels falling in each cell that are figure; a third
    // is enough, so thin strokes survive the scaling.
    const inside = new Float32Array(w * h);
    const total = new Float32Array(w * h);
    for (let y = y0; y <= y1; y++) {
      const row = Math.min(h - 1, Math.floor((y - y0) / scale) + margin) * w;
      for (let x = x0; x <= x1; x++) {
        const cell = row + Math.min(w - 1, Math.floor((x - x0) / scale) + margin);
        total[cell]! += 1;
        if (data[y * width + x]) inside[cell]! += 1;
      }
    }
    for (let p = 0; p < figure.length; p++)
      figure[p] = total[p]! > 0 && inside[p]! >= 0.34 * total[p]! ? 1 : 0;
  }
  const graph = medialGraph(w, h, figure);
  return {
    graph,
    scale,
    toPicture: ([x, y]) => [x0 + (x - margin + 0.5) * scale - 0.5, y0 + (y - margin + 0.5) * scale - 0.5],
  };
}

export interface Structure {
  readonly limbs: Limb[];
  /** Tree path (points) between two nodes. */
  readonly pathBetween: (a: number, b: number) => Pt[];
}

export function structure(graph: MedialGraph): Structure {
  const adjacency = new Map<number, { edge: number; to: number }[]>();
  for (const id of graph.nodes.keys()) adjacency.set(id, []);
  for (const e of graph.edges.values()) {
    adjacency.get(e.a)?.push({ edge: e.id, to: e.b });
    adjacency.get(e.b)?.push({ edge: e.id, to: e.a });
  }
  const limbs: Limb[] = [];
  for (const [id, links] of adjacency) {
    if (links.length !== 1) continue;
    const edge = graph.edges.get(links[0]!.edge)!;
    const fork = otherEnd(edge, id);
    const { points, radii } = pointsFrom(edge, fork);
    limbs.push(makeLimb(graph, id, fork, points, radii));
  }
  const pathBetween = (a: number, b: number): Pt[] => {
    // Breadth-first over the tree from a; then walk back from b.
    const via = new Map<number, { from: number; edge: number }>();
    const queue = [a];
    via.set(a, { from: -1, edge: -1 });
    while (queue.length > 0) {
      const n = queue.shift()!;
      if (n === b) break;
      for (const l of adjacency.get(n) ?? []) {
        if (via.has(l.to)) continue;
        via.set(l.to, { from: n, edge: l.edge });
        queue.push(l.to);
      }
    }
    if (!via.has(b)) return [];
    const chain: { from: number; edge: number }[] = [];
    for (let n = b; n !== a; n = via.get(n)!.from)
      chain.push({ from: via.get(n)!.from, edge: via.get(n)!.edge });
    chain.reverse();
    const points: Pt[] = [];
    for (const step of chain) {
      const p = pointsFrom(graph.edges.get(step.edge)!, step.from).points;
      points.push(...(points.length > 0 ? p.slice(1) : p));
    }
    if (points.length === 0) {
      const node = graph.nodes.get(a)!;
      points.push([node.x, node.y]);
    }
    return points;
  };
  return { limbs, pathBetween };
}

/** A polyline with arc lengths, for placing joints along the torso. */
export interface Path {
  points: Pt[];
  arc: number[];
}

export function asPath(points: Pt[]): Path {
  const arc = [0];
  for (let i = 1; i < points.length; i++)
    arc.push(arc[i - 1]! + Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1]));
  return { points, arc };
}

export function projectArc(path: Path, p: Pt): number {
  let best = { d: Number.POSITIVE_INFINITY, arc: 0 };
  for (let i = 1; i < path.points.length; i++) {
    const a = path.points[i - 1]!;
    const b = path.points[i]!;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
    const d = Math.hypot(a[0] + dx * t - p[0], a[1] + dy * t - p[1]);
    if (d < best.d) best = { d, arc: path.arc[i - 1]! + t * (path.arc[i]! - path.arc[i - 1]!) };
  }
  return best.arc;
}

/** The figure's inscribed radius at a work pixel (0 outside the figure). */
export function radiusAt(graph: MedialGraph, [x, y]: Pt): number {
  const xi = Math.max(0, Math.min(graph.width - 1, Math.round(x)));
  const yi = Math.max(0, Math.min(graph.height - 1, Math.round(y)));
  return graph.distance[yi * graph.width + xi]!;
}

/** A limb that leaves a thin body at its fork (a stroke of a stick figure). */
export const thinRoot = (l: Limb) => rootArc(l) < 2.5 * l.radius && l.radii[0]! < 2.2 * l.radius;
export const tipOf = (l: Limb): Pt => l.points.at(-1)!;
export const baseOf = (l: Limb): Pt => l.points[0]!;

/** How far down a limb points: 1 straight down (image y grows downwards), -1 straight up. */
export function downness(l: Limb): number {
  const a = baseOf(l);
  const b = tipOf(l);
  return (b[1] - a[1]) / Math.max(1e-6, Math.hypot(b[0] - a[0], b[1] - a[1]));
}

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}
