import { angleBetweenDeg, rotate } from '../math/align.js';
import type { Quat, Vec3 } from '../math/types.js';
import { dot, length, sub } from '../math/vec3.js';
import { frameRotation, isAncestor, pathBetween, type Rig } from './rig.js';

/**
 * Which joint of the source (a BVH's skeleton) drives which joint of the target (the character's):
 * found automatically, shown in the mapping panel, changed there by the user.
 *
 * The automatic mapping, for any pair of skeletons:
 *  1. the hips (the first branching joint, or the one named so) map to each other;
 *  2. names: joints whose side and role agree (names.ts), if the hierarchy agrees too (a name match
 *     whose nearest mapped ancestors do not correspond is dropped);
 *  3. junctions: the parents where name-matched limbs attach (the chest of "LeftShoulder");
 *  4. shape, where names do not help: the unmapped child branches of each mapped pair are paired
 *     by their rest direction in the common body frame (a four-legged BVH onto a four-legged
 *     character: front legs, hind legs, tail, neck), then mapped along their chains;
 *  5. chains: joints between two mapped ones (spines of 2 vs 3 joints, tails) by their place along
 *     the chain.
 * Target joints left unmapped keep their rest rotation and follow their parent.
 */

export type MatchKind = 'root' | 'name' | 'junction' | 'shape' | 'chain' | 'user';

export interface JointMapping {
  /** Target joint id -> source joint id. */
  readonly pairs: Readonly<Record<string, string>>;
  /** How each pair was found (shown as a hint in the mapping panel). */
  readonly how: Readonly<Record<string, MatchKind>>;
}

const UNIQUE_ROLES = new Set([
  'hips',
  'neck',
  'head',
  'clavicle',
  'upperarm',
  'forearm',
  'hand',
  'thigh',
  'shin',
  'foot',
  'toe',
  'jaw',
  'eye',
]);

/** The key two joints must share to match by name, or null. */
function nameKeys(rig: Rig): (string | null)[] {
  const fingerOrdinal = new Map<string, number>();
  return rig.ids.map((_, i) => {
    const role = rig.roles[i];
    const info = rig.names[i]!;
    if (role === 'finger' && info.finger) {
      const chain = `${info.side}:${info.finger}`;
      const n = (fingerOrdinal.get(chain) ?? 0) + 1;
      fingerOrdinal.set(chain, n);
      return `${chain}:${n}`;
    }
    if (role && UNIQUE_ROLES.has(role)) return `${info.side}:${role}`;
    return null;
  });
}

/** The point a branch leads to: the end of its first chain (a branching joint, a leaf, its tip). */
function branchEnd(rig: Rig, start: number): Vec3 {
  let j = start;
  while (rig.children[j]!.length === 1) j = rig.children[j]![0]!;
  return rig.children[j]!.length === 0 ? (rig.tips[j] ?? rig.rest[j]!) : rig.rest[j]!;
}

/** The chain from `start` down while each joint has one child: start .. its end (inclusive). */
function chainFrom(rig: Rig, start: number): number[] {
  const out = [start];
  let j = start;
  while (rig.children[j]!.length === 1) {
    j = rig.children[j]![0]!;
    out.push(j);
  }
  return out;
}

/** Cumulative rest length along `joints` from `origin`, as fractions 0..1 of the total. */
function fractions(rig: Rig, origin: number, joints: readonly number[], end: Vec3): number[] {
  const points = [rig.rest[origin]!, ...joints.map((j) => rig.rest[j]!), end];
  const cumulative = [0];
  for (let i = 1; i < points.length; i++)
    cumulative.push(cumulative[i - 1]! + length(sub(points[i]!, points[i - 1]!)));
  const total = cumulative[cumulative.length - 1]! || 1;
  return joints.map((_, i) => cumulative[i + 1]! / total);
}

export function autoMapJoints(source: Rig, target: Rig): JointMapping {
  const map = new Map<number, number>();
  const kind = new Map<number, MatchKind>();
  const used = new Set<number>();
  const put = (t: number, s: number, how: MatchKind) => {
    map.set(t, s);
    kind.set(t, how);
    used.add(s);
  };
  const mappedAncestor = (t: number): number => {
    for (let k = target.parent[t]!; k >= 0; k = target.parent[k]!) if (map.has(k)) return k;
    return -1;
  };
  /** A pair keeps the hierarchy: s lies below the source of t's nearest mapped ancestor. */
  const consistent = (t: number, s: number): boolean => {
    const ta = mappedAncestor(t);
    if (ta < 0) return true;
    const sa = map.get(ta)!;
    return sa !== s && isAncestor(source, sa, s);
  };

  // 1. The hips, and the roots when one of them sits above its hips.
  if (target.hips !== 0 && source.hips !== 0) put(0, 0, 'root');
  put(target.hips, source.hips, 'root');

  // 2. Names.
  const sourceKeys = nameKeys(source);
  const byKey = new Map<string, number>();
  sourceKeys.forEach((key, i) => {
    if (key && !byKey.has(key)) byKey.set(key, i);
  });
  nameKeys(target).forEach((key, t) => {
    if (!key || map.has(t)) return;
    const s = byKey.get(key);
    if (s === undefined || used.has(s) || !consistent(t, s)) return;
    put(t, s, 'name');
  });

  // 3. Junctions: where a name-matched limb attaches, if both parents branch.
  for (const [t, s] of [...map]) {
    if (kind.get(t) !== 'name') continue;
    const pt = target.parent[t]!;
    const ps = source.parent[s]!;
    if (pt < 0 || ps < 0 || map.has(pt) || used.has(ps)) continue;
    if (target.children[pt]!.length >= 2 && source.children[ps]!.length >= 2 && consistent(pt, ps))
      put(pt, ps, 'junction');
  }

  // 4. Shape: unmapped branches of mapped pairs, by rest direction in the common frame.
  const toTarget: Quat = frameRotation(source.frame, target.frame);
  const hasMapped = (rig: Rig, start: number, isMapped: (j: number) => boolean): boolean => {
    const stack = [start];
    while (stack.length > 0) {
      const j = stack.pop()!;
      if (isMapped(j)) return true;
      stack.push(...rig.children[j]!);
    }
    return false;
  };
  for (let t = 0; t < target.ids.length; t++) {
    const s = map.get(t);
    if (s === undefined) continue;
    const freeT = target.children[t]!.filter((c) => !hasMapped(target, c, (j) => map.has(j)));
    const freeS = source.children[s]!.filter((c) => !hasMapped(source, c, (j) => used.has(j)));
    if (freeT.length === 0 || freeS.length === 0) continue;
    const options: { ct: number; cs: number; cost: number }[] = [];
    for (const ct of freeT) {
      const dt = sub(branchEnd(target, ct), target.rest[t]!);
      for (const cs of freeS) {
        const ds = rotate(toTarget, sub(branchEnd(source, cs), source.rest[s]!));
        let cost = angleBetweenDeg(dt, ds);
        const sideT = target.names[ct]!.side;
        const sideS = source.names[cs]!.side;
        if (sideT !== 'centre' && sideS !== 'centre' && sideT !== sideS) cost += 90;
        // Unnamed left/right twins: which side of the body each branch goes to.
        const lt = dot(dt, target.frame.left);
        const ls = dot(ds, target.frame.left);
        if (
          Math.abs(lt) > 0.05 * target.size &&
          Math.abs(ls) > 0.05 * target.size &&
          Math.sign(lt) !== Math.sign(ls)
        )
          cost += 90;
        options.push({ ct, cs, cost });
      }
    }
    options.sort((a, b) => a.cost - b.cost);
    const takenT = new Set<number>();
    const takenS = new Set<number>();
    for (const { ct, cs, cost } of options) {
      if (cost > 70 || takenT.has(ct) || takenS.has(cs)) continue;
      takenT.add(ct);
      takenS.add(cs);
      const chainT = chainFrom(target, ct);
      const chainS = chainFrom(source, cs);
      put(ct, cs, 'shape');
      if (chainT.length > 1 && chainS.length > 1)
        put(chainT[chainT.length - 1]!, chainS[chainS.length - 1]!, 'shape');
    }
  }

  // 5. Chains: joints between mapped ones, by their place along the chain.
  for (let t = 0; t < target.ids.length; t++) {
    const s = map.get(t);
    if (s === undefined) continue;
    const ta = mappedAncestor(t);
    if (ta < 0) continue;
    const sa = map.get(ta)!;
    const innerT = (pathBetween(target, ta, t) ?? []).filter((j) => !map.has(j));
    const innerS = (pathBetween(source, sa, s) ?? []).filter((j) => !used.has(j));
    if (innerT.length === 0 || innerS.length === 0) continue;
    const ft = fractions(target, ta, innerT, target.rest[t]!);
    const fs = fractions(source, sa, innerS, source.rest[s]!);
    let next = 0;
    innerT.forEach((jt, i) => {
      let best = -1;
      let bestGap = Number.POSITIVE_INFINITY;
      for (let k = next; k < innerS.length; k++) {
        const gap = Math.abs(fs[k]! - ft[i]!);
        if (gap < bestGap) {
          bestGap = gap;
          best = k;
        }
      }
      // Keep the order, and leave a target joint unmapped rather than share a source joint.
      if (best >= 0) {
        put(jt, innerS[best]!, 'chain');
        next = best + 1;
      }
    });
  }

  const pairs: Record<string, string> = {};
  const how: Record<string, MatchKind> = {};
  for (const [t, s] of map) {
    pairs[target.ids[t]!] = source.ids[s]!;
    how[target.ids[t]!] = kind.get(t)!;
  }
  return { pairs, how };
}

/** The mapping with one pair changed by the user (source null: the target joint is unmapped). */
export function setMappingPair(
  mapping: JointMapping,
  targetId: string,
  sourceId: string | null,
): JointMapping {
  const pairs = { ...mapping.pairs };
  const how = { ...mapping.how };
  if (sourceId === null) {
    delete pairs[targetId];
    delete how[targetId];
  } else {
    pairs[targetId] = sourceId;
    how[targetId] = 'user';
  }
  return { pairs, how };
}
