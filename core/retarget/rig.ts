import { quatFromBasis } from '../math/align.js';
import { quatConjugate, quatMultiply, quatNormalize } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { cross, dot, length, normalize, scale, sub } from '../math/vec3.js';
import type { Skeleton } from '../skeleton/types.js';
import { type NameInfo, type Role, readName, type Side } from './names.js';

/**
 * A skeleton as retargeting sees it: indices, children, rest positions, bone tips (End Sites),
 * each joint's side and role resolved (names.ts), where the hips are, and the body's frame (which
 * way is up, which way it faces). Works for any skeleton: humanoids, animals, chains.
 */
export interface Rig {
  readonly skeleton: Skeleton;
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly parent: readonly number[];
  readonly children: readonly (readonly number[])[];
  readonly rest: readonly Vec3[];
  /** Rest position of a leaf's End Site (BVH), or null. */
  readonly tips: readonly (Vec3 | null)[];
  readonly names: readonly NameInfo[];
  /** Roles after resolving the ambiguous words against the rest of the skeleton. */
  readonly roles: readonly (Role | null)[];
  readonly hips: number;
  readonly frame: BodyFrame;
  /** Height of the hips above the lowest joint at rest, along `frame.up` (the leg length). */
  readonly legLength: number;
  /** Largest distance between two rest positions (the skeleton's size). */
  readonly size: number;
}

/** Directions of a body at rest, in its own space: unit, orthogonal, right-handed (left × up = forward). */
export interface BodyFrame {
  readonly up: Vec3;
  readonly forward: Vec3;
  readonly left: Vec3;
  /** How each was found (shown by the import panel). */
  readonly source: { readonly up: string; readonly forward: string };
}

export interface RigInput {
  readonly skeleton: Skeleton;
  /** End Sites by joint id (from a BVH). */
  readonly endSites?: Readonly<Record<string, Vec3>>;
  /** Force the up axis instead of detecting it (character space is always +Y up). */
  readonly up?: Vec3;
}

const AXES: readonly Vec3[] = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
];

/** The principal axis nearest to `v` when within 35 degrees, else v itself (normalised). */
export function snapToAxis(v: Vec3): Vec3 {
  const n = normalize(v);
  let best = AXES[0]!;
  let bestDot = -2;
  for (const axis of AXES) {
    const d = dot(n, axis);
    if (d > bestDot) {
      bestDot = d;
      best = axis;
    }
  }
  return bestDot > Math.cos((35 * Math.PI) / 180) ? best : n;
}

const mean = (points: readonly Vec3[]): Vec3 => {
  const s = [0, 0, 0];
  for (const p of points) for (let c = 0; c < 3; c++) s[c]! += p[c]!;
  const n = Math.max(1, points.length);
  return [s[0]! / n, s[1]! / n, s[2]! / n];
};

function resolveRoles(names: readonly NameInfo[]): (Role | null)[] {
  const has = (side: Side, ...roles: Role[]) =>
    names.some((n) => n.side === side && n.role !== null && roles.includes(n.role));
  const roles = names.map((n): Role | null => {
    switch (n.role) {
      case 'shoulder?':
        return has(n.side, 'upperarm', 'arm?') ? 'clavicle' : 'upperarm';
      case 'arm?':
        return 'upperarm';
      case 'hip?':
        if (n.side === 'centre') return 'hips';
        return has(n.side, 'thigh') ? null : 'thigh';
      case 'leg?':
        return has(n.side, 'thigh', 'hip?') && !has(n.side, 'shin')
          ? 'shin'
          : has(n.side, 'shin')
            ? 'thigh'
            : 'thigh';
      default:
        return n.role;
    }
  });
  // A role that names one bone per side keeps its first (shallowest) joint only.
  const unique = new Set<Role>([
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
  ]);
  const seen = new Set<string>();
  return roles.map((role, i) => {
    if (role === null || !unique.has(role)) return role;
    const key = `${names[i]!.side}:${role}`;
    if (seen.has(key)) return null;
    seen.add(key);
    return role;
  });
}

function findHips(roles: readonly (Role | null)[], children: readonly (readonly number[])[]): number {
  const named = roles.indexOf('hips');
  if (named >= 0) return named;
  // The first joint from the root that branches: a ground-level root above the pelvis is skipped.
  let j = 0;
  while (children[j]!.length === 1) j = children[j]![0]!;
  return children[j]!.length === 0 ? 0 : j;
}

/**
 * Which way is up: the axis along which the skeleton stands on its lowest joints (two or more
 * share the floor while the hips are well above it), preferring the one along which the head is
 * above the feet when the names say which joints those are. Null when no axis stands.
 */
function upFromFloor(
  rest: readonly Vec3[],
  children: readonly (readonly number[])[],
  hips: number,
  size: number,
  headAboveFeet: Vec3 | null,
): Vec3 | null {
  const leaves = rest.filter((_, i) => children[i]!.length === 0);
  let best: Vec3 | null = null;
  let bestScore = 0;
  for (const axis of AXES) {
    const heights = leaves.map((p) => dot(p, axis));
    const floor = Math.min(...heights);
    const onFloor = heights.filter((h) => h - floor < 0.04 * size).length;
    const hipHeight = dot(rest[hips]!, axis) - floor;
    if (onFloor < 2 || hipHeight <= 0.2 * size) continue;
    const score = hipHeight + (headAboveFeet ? dot(normalize(headAboveFeet), axis) * size : 0);
    if (score > bestScore) {
      bestScore = score;
      best = axis;
    }
  }
  return best;
}

function bodyFrame(
  rest: readonly Vec3[],
  names: readonly NameInfo[],
  roles: readonly (Role | null)[],
  children: readonly (readonly number[])[],
  hips: number,
  size: number,
  forcedUp: Vec3 | undefined,
): BodyFrame {
  const size0 = size;
  const where = (role: Role) => rest.filter((_, i) => roles[i] === role);
  let up: Vec3;
  let upSource: string;
  const heads = where('head');
  const feet = [...where('foot'), ...where('toe')];
  if (forcedUp) {
    up = normalize(forcedUp);
    upSource = 'given';
  } else {
    const named = heads.length > 0 && feet.length > 0 ? sub(mean(heads), mean(feet)) : null;
    const floor = upFromFloor(rest, children, hips, size, named && length(named) > 0.2 * size ? named : null);
    if (floor) {
      up = floor;
      upSource = named ? 'standing on its feet, head up' : 'standing on its lowest joints';
    } else if (named && length(named) > 0.2 * size) {
      up = snapToAxis(named);
      upSource = 'head above the feet';
    } else {
      up = [0, 1, 0];
      upSource = 'default (+Y)';
    }
  }
  const flatten = (v: Vec3) => sub(v, scale(up, dot(v, up)));
  let forward: Vec3 | null = null;
  let forwardSource = '';
  const lefts = rest.filter((_, i) => names[i]!.side === 'left');
  const rights = rest.filter((_, i) => names[i]!.side === 'right');
  if (lefts.length > 0 && rights.length > 0) {
    const across = flatten(sub(mean(lefts), mean(rights)));
    if (length(across) > 0.02 * size) {
      forward = cross(normalize(across), up);
      forwardSource = 'left and right sides';
    }
  }
  if (!forward && heads.length > 0) {
    const ahead = flatten(sub(mean(heads), rest[hips]!));
    if (length(ahead) > 0.15 * size) {
      forward = ahead;
      forwardSource = 'where the head is';
    }
  }
  if (!forward) {
    // An animal without names: the hips' biggest branch is the spine, which runs forward.
    const size = (j: number): number => 1 + children[j]!.reduce((n, c) => n + size(c), 0);
    const spine = [...children[hips]!].sort((a, b) => size(b) - size(a))[0];
    if (spine !== undefined) {
      let end = spine;
      while (children[end]!.length === 1) end = children[end]![0]!;
      const ahead = flatten(sub(rest[end]!, rest[hips]!));
      if (length(ahead) > 0.15 * size0) {
        forward = ahead;
        forwardSource = 'along the spine';
      }
    }
  }
  if (!forward) {
    const toes = rest
      .map((p, i) => ({ p, i }))
      .filter(({ i }) => roles[i] === 'toe')
      .map(({ p, i }) => {
        let parent = -1;
        for (let k = 0; k < children.length; k++) if (children[k]!.includes(i)) parent = k;
        return parent >= 0 ? sub(p, rest[parent]!) : ([0, 0, 0] as Vec3);
      });
    const ahead = flatten(mean(toes));
    if (toes.length > 0 && length(ahead) > 0.01 * size) {
      forward = ahead;
      forwardSource = 'where the toes point';
    }
  }
  if (!forward || length(forward) < 1e-9) {
    forward = flatten([0, 0, 1]);
    if (length(forward) < 1e-9) forward = flatten([0, -1, 0]);
    forwardSource = 'default (+Z)';
  }
  forward = snapToAxis(normalize(forward));
  // Keep the frame orthogonal after snapping.
  forward = normalize(flatten(forward));
  const left = normalize(cross(up, forward));
  return { up, forward, left, source: { up: upSource, forward: forwardSource } };
}

export function buildRig(input: RigInput): Rig {
  const { skeleton } = input;
  const ids = skeleton.joints.map((j) => j.id as string);
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const parent = skeleton.joints.map((j) => (j.parentId === null ? -1 : (indexOf.get(j.parentId) ?? -1)));
  const children: number[][] = ids.map(() => []);
  parent.forEach((p, i) => {
    if (p >= 0) children[p]!.push(i);
  });
  const rest = skeleton.joints.map((j) => j.restPosition);
  const tips = ids.map((id) => input.endSites?.[id] ?? null);
  const names = skeleton.joints.map((j) => readName(j.name));
  const roles = resolveRoles(names);
  const hips = findHips(roles, children);
  const all = [...rest, ...tips.filter((t): t is Vec3 => t !== null)];
  let size = 0;
  for (let a = 0; a < all.length; a++)
    for (let b = a + 1; b < all.length; b++) size = Math.max(size, length(sub(all[a]!, all[b]!)));
  size = Math.max(size, 1e-9);
  const frame = bodyFrame(rest, names, roles, children, hips, size, input.up);
  const lowest = Math.min(...all.map((p) => dot(p, frame.up)));
  const legLength = Math.max(dot(rest[hips]!, frame.up) - lowest, 0.05 * size);
  return { skeleton, ids, indexOf, parent, children, rest, tips, names, roles, hips, frame, legLength, size };
}

/** The rotation taking a body's frame to another's: source directions onto target directions. */
export function frameRotation(from: BodyFrame, to: BodyFrame): Quat {
  const a = quatFromBasis(from.left, from.up, from.forward);
  const b = quatFromBasis(to.left, to.up, to.forward);
  // b · a⁻¹: undo the source frame, apply the target frame.
  return quatNormalize(quatMultiply(b, quatConjugate(a)));
}

/** True when `ancestor` is `j` or above it. */
export function isAncestor(rig: Rig, ancestor: number, j: number): boolean {
  for (let k = j; k >= 0; k = rig.parent[k]!) if (k === ancestor) return true;
  return false;
}

/** Joints from `from` (exclusive) down to `to` (exclusive), top first; null when not a descendant. */
export function pathBetween(rig: Rig, from: number, to: number): number[] | null {
  const out: number[] = [];
  for (let k = rig.parent[to]!; k !== from; k = rig.parent[k]!) {
    if (k < 0) return null;
    out.unshift(k);
  }
  return out;
}
