import { distanceToBackground } from './distance.js';
import { thin } from './thin.js';

/**
 * The figure's medial axis as a graph: its centre line (thinning) cut at the ends and forks into
 * branches, each branch carrying its centre-line points and the figure's half-width (inscribed
 * radius) along them. Short side branches that only trace bumps of the outline are pruned, so a
 * humanoid becomes five limbs and a spine, a dog four legs, a head, a tail and a back.
 */

export type Pt = [number, number];

export interface MedialNode {
  readonly id: number;
  x: number;
  y: number;
  /** Inscribed radius at the node (pixels). */
  radius: number;
}

export interface MedialEdge {
  readonly id: number;
  a: number;
  b: number;
  /** Centre-line points from node a to node b, both ends included. */
  points: Pt[];
  /** Inscribed radius at each point. */
  radii: number[];
  length: number;
}

export interface MedialGraph {
  readonly width: number;
  readonly height: number;
  readonly nodes: Map<number, MedialNode>;
  readonly edges: Map<number, MedialEdge>;
  /** Distance of each figure pixel to the background (the inscribed radius field). */
  readonly distance: Float32Array;
  readonly figure: Uint8Array;
}

const N8: readonly Pt[] = [
  [-1, -1],
  [0, -1],
  [1, -1],
  [-1, 0],
  [1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
];

export function polylineLength(points: readonly Pt[]): number {
  let length = 0;
  for (let i = 1; i < points.length; i++)
    length += Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1]);
  return length;
}

/** The medial graph of a binary figure (1 = figure), pruned. */
export function medialGraph(width: number, height: number, figure: Uint8Array): MedialGraph {
  const distance = distanceToBackground(width, height, figure);
  const skel = thin(width, height, figure);
  const graph = traceGraph(width, height, skel, distance, figure);
  prune(graph);
  return graph;
}

function traceGraph(
  width: number,
  height: number,
  skel: Uint8Array,
  distance: Float32Array,
  figure: Uint8Array,
): MedialGraph {
  const n = width * height;
  const degree = new Uint8Array(n);
  const pixels: number[] = [];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      if (!skel[p]) continue;
      pixels.push(p);
      let d = 0;
      for (const [dx, dy] of N8) d += skel[p + dy * width + dx]!;
      degree[p] = d;
    }
  }
  // Node pixels: ends (degree 1) and forks (3+); 8-connected fork pixels form one node.
  const nodeOf = new Int32Array(n).fill(-1);
  const nodes = new Map<number, MedialNode>();
  let nextNode = 0;
  for (const p of pixels) {
    if (degree[p] === 2 || nodeOf[p]! >= 0) continue;
    const id = nextNode++;
    const cluster = [p];
    nodeOf[p] = id;
    if (degree[p]! >= 3) {
      for (let i = 0; i < cluster.length; i++) {
        const q = cluster[i]!;
        for (const [dx, dy] of N8) {
          const r = q + dy * width + dx;
          if (skel[r] && degree[r]! >= 3 && nodeOf[r]! < 0) {
            nodeOf[r] = id;
            cluster.push(r);
          }
        }
      }
    }
    let sx = 0;
    let sy = 0;
    let radius = 0;
    for (const q of cluster) {
      sx += q % width;
      sy += Math.floor(q / width);
      radius = Math.max(radius, distance[q]!);
    }
    nodes.set(id, { id, x: sx / cluster.length, y: sy / cluster.length, radius });
  }
  const edges = new Map<number, MedialEdge>();
  let nextEdge = 0;
  const visited = new Uint8Array(n);
  const linked = new Set<string>();
  const addEdge = (a: number, b: number, path: number[]) => {
    const na = nodes.get(a)!;
    const nb = nodes.get(b)!;
    const points: Pt[] = [[na.x, na.y]];
    const radii: number[] = [na.radius];
    for (const q of path) {
      points.push([q % width, Math.floor(q / width)]);
      radii.push(distance[q]!);
    }
    points.push([nb.x, nb.y]);
    radii.push(nb.radius);
    const id = nextEdge++;
    edges.set(id, { id, a, b, points, radii, length: polylineLength(points) });
  };
  for (const p of pixels) {
    const from = nodeOf[p]!;
    if (from < 0) continue;
    for (const [dx, dy] of N8) {
      const q = p + dy * width + dx;
      if (!skel[q]) continue;
      const to = nodeOf[q]!;
      if (to === from) continue;
      if (to >= 0) {
        const key = from < to ? `${from}-${to}` : `${to}-${from}`;
        if (!linked.has(key)) {
          linked.add(key);
          addEdge(from, to, []);
        }
        continue;
      }
      if (visited[q]) continue;
      // Walk along degree-2 pixels to the next node.
      const path: number[] = [];
      let prev = p;
      let cur = q;
      let end = -1;
      for (;;) {
        visited[cur] = 1;
        path.push(cur);
        let next = -1;
        for (const [ex, ey] of N8) {
          const r = cur + ey * width + ex;
          if (!skel[r] || r === prev) continue;
          if (nodeOf[r]! >= 0) {
            // Reaching a node pixel ends the branch (not the one we just left, unless a loop).
            if (!(nodeOf[r] === from && path.length === 1)) {
              end = nodeOf[r]!;
              break;
            }
            continue;
          }
          if (!visited[r]) next = r;
        }
        if (end >= 0 || next < 0) break;
        prev = cur;
        cur = next;
      }
      if (end >= 0) addEdge(from, end, path);
    }
  }
  return { width, height, nodes, edges, distance, figure };
}

export function edgesAt(graph: MedialGraph, node: number): MedialEdge[] {
  const out: MedialEdge[] = [];
  for (const e of graph.edges.values()) if (e.a === node || e.b === node) out.push(e);
  return out;
}

export function otherEnd(edge: MedialEdge, node: number): number {
  return edge.a === node ? edge.b : edge.a;
}

/** Points of an edge ordered from `node` to the other end. */
export function pointsFrom(edge: MedialEdge, node: number): { points: Pt[]; radii: number[] } {
  if (edge.a === node) return { points: edge.points, radii: edge.radii };
  return { points: [...edge.points].reverse(), radii: [...edge.radii].reverse() };
}

/** Joins the two edges of a node of degree 2 into one edge (the node disappears). */
function mergeThrough(graph: MedialGraph, node: number): boolean {
  const at = edgesAt(graph, node);
  if (at.length !== 2 || at[0] === at[1]) return false;
  const [e1, e2] = at as [MedialEdge, MedialEdge];
  const a = otherEnd(e1, node);
  const b = otherEnd(e2, node);
  if (a === node || b === node) return false;
  const first = pointsFrom(e1, a);
  const second = pointsFrom(e2, node);
  e1.a = a;
  e1.b = b;
  e1.points = [...first.points, ...second.points.slice(1)];
  e1.radii = [...first.radii, ...second.radii.slice(1)];
  e1.length = polylineLength(e1.points);
  graph.edges.delete(e2.id);
  graph.nodes.delete(node);
  return true;
}

function degreeOf(graph: MedialGraph, node: number): number {
  let d = 0;
  for (const e of graph.edges.values()) {
    if (e.a === node) d++;
    if (e.b === node) d++;
  }
  return d;
}

/**
 * Removes side branches that only trace a bump of the outline: a branch from a fork to a free end
 * is a bump when it is hardly longer than the fork's inscribed radius and ends thin (a real limb
 * reaches well beyond the body; a head, fist or foot ends in a blob). Shortest first, merging
 * nodes left with two branches, until nothing changes. Cycles (a hole the fill did not close) are
 * cut at their thinnest edge.
 */
function prune(graph: MedialGraph): void {
  breakCycles(graph);
  for (const node of [...graph.nodes.keys()]) if (graph.nodes.has(node)) mergeThrough(graph, node);
  for (;;) {
    let best: { edge: MedialEdge; leaf: number; score: number } | null = null;
    if (graph.edges.size <= 1) break;
    for (const edge of graph.edges.values()) {
      for (const [leaf, fork] of [
        [edge.a, edge.b],
        [edge.b, edge.a],
      ] as const) {
        if (degreeOf(graph, leaf) !== 1 || degreeOf(graph, fork) < 3) continue;
        const forkRadius = graph.nodes.get(fork)!.radius;
        const { radii } = pointsFrom(edge, fork);
        const outer = radii.slice(Math.floor(radii.length / 2));
        const endRadius = Math.max(0, ...outer);
        const score = edge.length / Math.max(1, forkRadius);
        // A bump: short and thin at its end; or a branch that never leaves the fork's own disc.
        const bump =
          (edge.length < 1.6 * forkRadius + 3 && endRadius < 0.5 * forkRadius) ||
          edge.length < 0.9 * forkRadius;
        if (bump && (!best || score < best.score)) best = { edge, leaf, score };
      }
    }
    if (!best) break;
    const fork = otherEnd(best.edge, best.leaf);
    graph.edges.delete(best.edge.id);
    graph.nodes.delete(best.leaf);
    mergeThrough(graph, fork);
  }
  // Drop what is left unconnected (isolated nodes).
  for (const node of [...graph.nodes.keys()])
    if (degreeOf(graph, node) === 0 && graph.nodes.size > 1) graph.nodes.delete(node);
}

function breakCycles(graph: MedialGraph): void {
  // Union-find over nodes: an edge whose ends are already joined closes a cycle; the thinnest
  // such edge is cut (edges sorted thickest first, so thin ones are the ones left over).
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const id of graph.nodes.keys()) parent.set(id, id);
  const sorted = [...graph.edges.values()].sort((e1, e2) => meanRadius(e2) - meanRadius(e1));
  for (const e of sorted) {
    const ra = find(e.a);
    const rb = find(e.b);
    if (ra === rb) graph.edges.delete(e.id);
    else parent.set(ra, rb);
  }
}

function meanRadius(e: MedialEdge): number {
  let s = 0;
  for (const r of e.radii) s += r;
  return s / Math.max(1, e.radii.length);
}
