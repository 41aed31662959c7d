import type { JointId } from '../ids.js';
import type { Joint, Skeleton } from './types.js';

export function jointById(sk: Skeleton, id: JointId | string): Joint | undefined {
  return sk.joints.find((j) => j.id === id);
}

export function jointByName(sk: Skeleton, name: string): Joint | undefined {
  return sk.joints.find((j) => j.name === name);
}

export function rootJoint(sk: Skeleton): Joint | undefined {
  return sk.joints.find((j) => j.parentId === null);
}

/** Direct children, in skeleton order. */
export function childrenOf(sk: Skeleton, id: JointId | string): Joint[] {
  return sk.joints.filter((j) => j.parentId === id);
}

/** The joint and everything below it. */
export function descendantsOf(sk: Skeleton, id: JointId | string): Set<JointId> {
  const out = new Set<JointId>();
  const start = jointById(sk, id);
  if (!start) return out;
  out.add(start.id);
  // Joints are parent-before-child, but edits in progress may not be: iterate to a fixed point.
  let grew = true;
  while (grew) {
    grew = false;
    for (const j of sk.joints) {
      if (j.parentId !== null && out.has(j.parentId) && !out.has(j.id)) {
        out.add(j.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Side markers we recognise, each with its counterpart: Mixamo/BVH prefixes and Blender suffixes. */
const SIDE_SWAPS: readonly [RegExp, (m: string) => string][] = [
  [/Left|Right/, (m) => (m === 'Left' ? 'Right' : 'Left')],
  [/left|right/, (m) => (m === 'left' ? 'right' : 'left')],
  [/LEFT|RIGHT/, (m) => (m === 'LEFT' ? 'RIGHT' : 'LEFT')],
  [/[._](L|R)$/, (m) => m[0] + (m[1] === 'L' ? 'R' : 'L')],
  [/[._](l|r)$/, (m) => m[0] + (m[1] === 'l' ? 'r' : 'l')],
];

/** The name of the opposite side (LeftArm -> RightArm, arm.L -> arm.R), or null for a centre name. */
export function mirrorName(name: string): string | null {
  for (const [re, swap] of SIDE_SWAPS) {
    const m = re.exec(name);
    if (m) return name.slice(0, m.index) + swap(m[0]) + name.slice(m.index + m[0].length);
  }
  return null;
}

/**
 * The joint on the other side of the body: Left* <-> Right* by name. A centre joint (no side in
 * its name) is its own mirror; null when the name has a side but the skeleton lacks the
 * counterpart (or the id is unknown).
 */
export function mirrorJointId(sk: Skeleton, id: JointId | string): JointId | null {
  const joint = jointById(sk, id);
  if (!joint) return null;
  const other = mirrorName(joint.name);
  if (other === null) return joint.id;
  return jointByName(sk, other)?.id ?? null;
}
