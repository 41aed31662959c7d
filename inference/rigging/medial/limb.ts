import type { MedialGraph, Pt } from './graph.js';

/**
 * A limb: the medial-axis path from where it joins the body (its fork) out to its tip on the
 * outline, with the inscribed radius along it and arc lengths, and the joint placements an
 * animator uses on it (root where it leaves the body, the bend, the joint before the hand/foot).
 */
export interface Limb {
  /** Leaf node id in the medial graph. */
  readonly leaf: number;
  /** Fork node id it hangs from. */
  readonly fork: number;
  readonly points: Pt[];
  readonly radii: number[];
  /** Arc length at each point from the fork. */
  readonly arc: number[];
  readonly length: number;
  /** The limb's typical half-width (median radius over its middle). */
  readonly radius: number;
}

export function makeLimb(
  graph: MedialGraph,
  leaf: number,
  fork: number,
  points: Pt[],
  radii: number[],
): Limb {
  const pts = [...points];
  const rad = [...radii];
  extendToOutline(graph, pts, rad);
  const arc = [0];
  for (let i = 1; i < pts.length; i++)
    arc.push(arc[i - 1]! + Math.hypot(pts[i]![0] - pts[i - 1]![0], pts[i]![1] - pts[i - 1]![1]));
  const length = arc.at(-1)!;
  const middle: number[] = [];
  for (let i = 0; i < pts.length; i++)
    if (arc[i]! >= 0.35 * length && arc[i]! <= 0.8 * length) middle.push(rad[i]!);
  const radius = median(middle.length > 0 ? middle : rad);
  return { leaf, fork, points: pts, radii: rad, arc, length, radius };
}

/**
 * The thinned centre line stops about a radius short of the tip: continue it along its last
 * direction until it leaves the figure, so the limb's length is the drawn one.
 */
function extendToOutline(graph: MedialGraph, pts: Pt[], rad: number[]): void {
  const end = pts.at(-1)!;
  const back = Math.max(3, 2 * (rad.at(-1) ?? 1));
  let from = pts[0]!;
  let travelled = 0;
  for (let i = pts.length - 2; i >= 0; i--) {
    travelled += Math.hypot(pts[i + 1]![0] - pts[i]![0], pts[i + 1]![1] - pts[i]![1]);
    from = pts[i]!;
    if (travelled >= back) break;
  }
  let dx = end[0] - from[0];
  let dy = end[1] - from[1];
  const d = Math.hypot(dx, dy);
  if (d < 1e-6) return;
  dx /= d;
  dy /= d;
  const { width, height, figure, distance } = graph;
  for (let t = 1; t < Math.max(width, height); t += 1) {
    const x = Math.round(end[0] + dx * t);
    const y = Math.round(end[1] + dy * t);
    if (x < 0 || y < 0 || x >= width || y >= height || !figure[y * width + x]) {
      pts.push([end[0] + dx * (t - 0.5), end[1] + dy * (t - 0.5)]);
      rad.push(0.5);
      return;
    }
    if (t % 2 === 0) {
      pts.push([end[0] + dx * t, end[1] + dy * t]);
      rad.push(distance[y * width + x]!);
    }
  }
}

/** The point at arc length s (clamped to the limb). */
export function pointAtArc(limb: { points: Pt[]; arc: number[] }, s: number): Pt {
  const { points, arc } = limb;
  if (s <= 0) return points[0]!;
  const total = arc.at(-1)!;
  if (s >= total) return points.at(-1)!;
  let i = 1;
  while (arc[i]! < s) i++;
  const t = (s - arc[i - 1]!) / Math.max(1e-9, arc[i]! - arc[i - 1]!);
  const a = points[i - 1]!;
  const b = points[i]!;
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

export function radiusAtArc(limb: { radii: number[]; arc: number[] }, s: number): number {
  const { radii, arc } = limb;
  let best = 0;
  for (let i = 0; i < arc.length; i++) if (Math.abs(arc[i]! - s) < Math.abs(arc[best]! - s)) best = i;
  return radii[best]!;
}

/**
 * Arc length where the limb leaves the body: walking out from the fork, the first point whose
 * inscribed radius is down to the limb's own (the body is thicker). A stick figure's limb leaves
 * at its fork.
 */
export function rootArc(limb: Limb, factor = 1.3): number {
  const limit = factor * limb.radius;
  for (let i = 0; i < limb.points.length; i++) {
    if (limb.arc[i]! > 0.6 * limb.length) break;
    if (limb.radii[i]! <= limit) return limb.arc[i]!;
  }
  return 0;
}

export interface EndJoint {
  /** Arc length of the wrist/ankle. */
  readonly arc: number;
  /** How it was found: a blob (fist, foot) after a narrowing, a sharp turn (a foot), or proportion. */
  readonly how: 'blob' | 'turn' | 'proportion';
}

/**
 * The joint before the hand or foot: where a fist or foot blob begins (the narrowest point before
 * it), else at a sharp turn near the end (a foot drawn sideways), else a fraction of the limb
 * back from the tip.
 */
export function endJoint(limb: Limb, fromArc: number, fraction: number, allowTurn: boolean): EndJoint {
  const span = limb.length - fromArc;
  const startTail = limb.length - 0.4 * span;
  // Blob: the tail's widest point clearly wider than the limb.
  let maxI = -1;
  for (let i = 0; i < limb.points.length; i++) {
    if (limb.arc[i]! < startTail) continue;
    if (maxI < 0 || limb.radii[i]! > limb.radii[maxI]!) maxI = i;
  }
  if (maxI >= 0 && limb.radii[maxI]! > 1.3 * limb.radius) {
    const blobR = limb.radii[maxI]!;
    // Walk back towards the root to the blob's start: the narrowest point before it.
    let minI = maxI;
    for (let i = maxI; i >= 0 && limb.arc[i]! >= fromArc + 0.3 * span; i--) {
      if (limb.radii[i]! < limb.radii[minI]!) minI = i;
      if (limb.arc[maxI]! - limb.arc[i]! > 2.5 * blobR) break;
    }
    if (minI !== maxI) return { arc: Math.max(limb.arc[minI]!, limb.arc[maxI]! - 1.05 * blobR), how: 'blob' };
  }
  if (allowTurn) {
    const w = Math.max(3, 1.5 * limb.radius, 0.08 * span);
    let best = { angle: 0, arc: 0 };
    for (let s = startTail; s <= limb.length - 0.5 * w; s += 1) {
      const a = pointAtArc(limb, s - w);
      const m = pointAtArc(limb, s);
      const b = pointAtArc(limb, Math.min(limb.length, s + w));
      const angle = turnAngle(a, m, b);
      if (angle > best.angle) best = { angle, arc: s };
    }
    if (best.angle > 0.6) return { arc: best.arc, how: 'turn' };
  }
  return { arc: limb.length - fraction * span, how: 'proportion' };
}

/** The bend between two arc lengths (elbow, knee): the point farthest from the chord, if bent. */
export function bendArc(limb: Limb, a: number, b: number, fraction: number): { arc: number; bent: boolean } {
  const pa = pointAtArc(limb, a);
  const pb = pointAtArc(limb, b);
  const chord = Math.hypot(pb[0] - pa[0], pb[1] - pa[1]);
  let best = { d: 0, arc: a + fraction * (b - a) };
  if (chord > 1) {
    for (let s = a; s <= b; s += 0.5) {
      const p = pointAtArc(limb, s);
      const d = Math.abs((pb[0] - pa[0]) * (pa[1] - p[1]) - (pa[0] - p[0]) * (pb[1] - pa[1])) / chord;
      if (d > best.d) best = { d, arc: s };
    }
  }
  // A bend counts only in the limb's middle: near its ends the centre line curves into the body
  // or the hand, which is no elbow.
  const inMiddle = best.arc > a + 0.25 * (b - a) && best.arc < a + 0.8 * (b - a);
  if (best.d > 0.08 * chord && inMiddle) return { arc: best.arc, bent: true };
  return { arc: a + fraction * (b - a), bent: false };
}

function turnAngle(a: Pt, m: Pt, b: Pt): number {
  const ux = m[0] - a[0];
  const uy = m[1] - a[1];
  const vx = b[0] - m[0];
  const vy = b[1] - m[1];
  const nu = Math.hypot(ux, uy);
  const nv = Math.hypot(vx, vy);
  if (nu < 1e-6 || nv < 1e-6) return 0;
  return Math.acos(Math.max(-1, Math.min(1, (ux * vx + uy * vy) / (nu * nv))));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A straight line through part of a limb (arc range as fractions of its length): point, unit direction. */
export function limbLine(limb: Limb, from: number, to: number): { p: Pt; d: Pt } {
  const a = pointAtArc(limb, from * limb.length);
  const b = pointAtArc(limb, to * limb.length);
  const n = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  return { p: a, d: [(b[0] - a[0]) / n, (b[1] - a[1]) / n] };
}

export function intersectLines(l1: { p: Pt; d: Pt }, l2: { p: Pt; d: Pt }): Pt | null {
  const det = l1.d[0] * l2.d[1] - l1.d[1] * l2.d[0];
  if (Math.abs(det) < 0.05) return null;
  const t = ((l2.p[0] - l1.p[0]) * l2.d[1] - (l2.p[1] - l1.p[1]) * l2.d[0]) / det;
  return [l1.p[0] + l1.d[0] * t, l1.p[1] + l1.d[1] * t];
}

/**
 * Strokes meeting at a narrow angle (a stick figure's legs, an arm hanging beside the body) merge
 * into a wedge, and the centre line forks only where the wedge ends, below the real joint: the
 * joint is where the strokes' own lines cross. Returns the limb starting at that apex, or the limb
 * itself when the apex is not just behind its fork.
 */
export function withApex(limb: Limb, other: { p: Pt; d: Pt }): Limb {
  const own = limbLine(limb, 0.15, 0.45);
  const apex = intersectLines(own, other);
  if (!apex) return limb;
  const fork = limb.points[0]!;
  const back = [apex[0] - fork[0], apex[1] - fork[1]];
  const dist = Math.hypot(back[0]!, back[1]!);
  if (dist > 0.25 * limb.length || dist < 1) return limb;
  // The apex must lie behind the fork (towards the body), not out along the limb.
  if (back[0]! * own.d[0] + back[1]! * own.d[1] > 0) return limb;
  const points = [apex, ...limb.points];
  const radii = [limb.radius, ...limb.radii];
  const arc = [0, ...limb.arc.map((a) => a + dist)];
  return { ...limb, points, radii, arc, length: arc.at(-1)! };
}

/** The sharpest turn of the centre line between two arc lengths (angle in radians, where). */
export function sharpestTurn(limb: Limb, from: number, to: number): { angle: number; arc: number } {
  const w = Math.max(3, 1.5 * limb.radius);
  let best = { angle: 0, arc: from };
  for (let s = from + w; s <= Math.min(to, limb.length - w); s += 1) {
    const angle = turnAngle(pointAtArc(limb, s - w), pointAtArc(limb, s), pointAtArc(limb, s + w));
    if (angle > best.angle) best = { angle, arc: s };
  }
  return best;
}

/**
 * The limb re-rooted at `root`: the point, then the limb's own centre line from arc `fromArc` on
 * (the part of the centre line before it ran through the body, not along the limb).
 */
export function rootedAt(limb: Limb, root: Pt, fromArc: number): Limb {
  let i = 0;
  while (i < limb.points.length - 1 && limb.arc[i]! < fromArc) i++;
  const points = [root, ...limb.points.slice(i)];
  const radii = [limb.radius, ...limb.radii.slice(i)];
  const arc = [0];
  for (let k = 1; k < points.length; k++)
    arc.push(arc[k - 1]! + Math.hypot(points[k]![0] - points[k - 1]![0], points[k]![1] - points[k - 1]![1]));
  return { ...limb, points, radii, arc, length: arc.at(-1)! };
}

/**
 * Where the limb's own line (its centre line between `fromArc`, where it leaves the body, and
 * `toArc`, its first bend), extended back into the body, crosses `other`: null when the lines
 * are nearly parallel, or the crossing is not behind the limb's root or farther back than
 * `maxBack` of the limb's length.
 */
export function crossingBehind(
  limb: Limb,
  fromArc: number,
  toArc: number,
  other: { p: Pt; d: Pt },
  maxBack: number,
): Pt | null {
  const span = toArc - fromArc;
  // The line through most of the upper limb, clear of the root's and the bend's curvature.
  const a = pointAtArc(limb, fromArc + 0.1 * span);
  const b = pointAtArc(limb, fromArc + 0.9 * span);
  const n = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (n < 1) return null;
  const own = { p: a, d: [(b[0] - a[0]) / n, (b[1] - a[1]) / n] as Pt };
  // Crossing at under 25 degrees: the point is ill-defined.
  if (Math.abs(own.d[0] * other.d[1] - own.d[1] * other.d[0]) < Math.sin((25 * Math.PI) / 180)) return null;
  const p = intersectLines(own, other);
  if (!p) return null;
  const root = pointAtArc(limb, fromArc);
  const back: Pt = [p[0] - root[0], p[1] - root[1]];
  if (back[0] * own.d[0] + back[1] * own.d[1] > 0) return null;
  if (Math.hypot(back[0], back[1]) > maxBack * limb.length) return null;
  return p;
}
