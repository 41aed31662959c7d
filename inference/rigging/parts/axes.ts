import type { Skeleton } from '../../../core/skeleton/types.js';

/**
 * Each part's rest frame in the picture: its joint as the origin and the direction the part runs
 * in as its axis, the axis its 2.5D cross-sections are taken across.
 *
 * A joint with one child runs towards it; a joint with several (the hips, the chest) towards the
 * child that continues the chain it came from (the neck after the spine) or, at the root, the
 * child with the largest subtree (the spine); a leaf (hand, head, toe) continues its parent's
 * bone. A zero-length bone falls back to its parent's direction, then to "up".
 */
export interface PartAxis {
  readonly originU: number;
  readonly originV: number;
  readonly axisU: number;
  readonly axisV: number;
}

export function partAxes(skeleton: Skeleton, width: number, height: number): PartAxis[] {
  const joints = skeleton.joints;
  const index = new Map(joints.map((j, i) => [j.id as string, i]));
  const children: number[][] = joints.map(() => []);
  joints.forEach((j, i) => {
    if (j.parentId !== null) children[index.get(j.parentId)!]!.push(i);
  });
  const subtree = new Array<number>(joints.length).fill(1);
  for (let i = joints.length - 1; i >= 0; i--) {
    for (const c of children[i]!) subtree[i]! += subtree[c]!;
  }
  const image = (i: number): [number, number] => {
    const p = joints[i]!.restPosition;
    return [p[0] + width / 2, height / 2 - p[1]];
  };
  const direction = (from: number, to: number): [number, number] | null => {
    const [au, av] = image(from);
    const [bu, bv] = image(to);
    const len = Math.hypot(bu - au, bv - av);
    return len > 1e-6 ? [(bu - au) / len, (bv - av) / len] : null;
  };
  const axes: PartAxis[] = [];
  const dirs: ([number, number] | null)[] = [];
  joints.forEach((joint, i) => {
    const parent = joint.parentId === null ? -1 : index.get(joint.parentId)!;
    const incoming = parent >= 0 ? direction(parent, i) : null;
    const kids = children[i]!;
    let dir: [number, number] | null = null;
    if (kids.length === 1) dir = direction(i, kids[0]!);
    else if (kids.length > 1) {
      let best = -1;
      let score = Number.NEGATIVE_INFINITY;
      for (const c of kids) {
        const d = direction(i, c);
        if (!d) continue;
        const s = incoming ? d[0] * incoming[0] + d[1] * incoming[1] : subtree[c]!;
        if (s > score) {
          score = s;
          best = c;
        }
      }
      if (best >= 0) dir = direction(i, best);
    }
    dir ??= incoming ?? (parent >= 0 ? dirs[parent]! : null) ?? [0, -1];
    dirs.push(dir);
    const [u, v] = image(i);
    axes.push({ originU: u, originV: v, axisU: dir[0], axisV: dir[1] });
  });
  return axes;
}

/** Depth in the joint hierarchy (root 0), per joint. */
export function hierarchyLevels(skeleton: Skeleton): number[] {
  const level = new Map<string, number>();
  return skeleton.joints.map((j) => {
    const l = j.parentId === null ? 0 : (level.get(j.parentId) ?? 0) + 1;
    level.set(j.id, l);
    return l;
  });
}
