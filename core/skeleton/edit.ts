import { type JointId, jointId } from '../ids.js';
import type { Vec3 } from '../math/types.js';
import { descendantsOf, jointById } from './query.js';
import type { Joint, Skeleton } from './types.js';

/** Thrown for an edit that would make the skeleton invalid (a cycle, a duplicate name, ...). */
export class SkeletonEditError extends Error {
  override name = 'SkeletonEditError';
}

function requireJoint(sk: Skeleton, id: JointId | string): Joint {
  const joint = jointById(sk, id);
  if (!joint) throw new SkeletonEditError(`there is no joint "${id}"`);
  return joint;
}

function requireFreeName(sk: Skeleton, name: string, except?: JointId): void {
  if (name.trim() === '') throw new SkeletonEditError('a joint needs a name');
  if (sk.joints.some((j) => j.name === name && j.id !== except)) {
    throw new SkeletonEditError(`there is already a joint named "${name}"`);
  }
}

/** A deterministic id for a new joint: its name in id-safe characters, made unique with a number. */
function freshJointId(sk: Skeleton, name: string): JointId {
  const base = name.replace(/[^A-Za-z0-9_.-]+/g, '_') || 'joint';
  const taken = new Set(sk.joints.map((j) => j.id as string));
  if (!taken.has(base)) return jointId(base);
  for (let n = 2; ; n++) {
    if (!taken.has(`${base}_${n}`)) return jointId(`${base}_${n}`);
  }
}

/**
 * Parent-before-child order (stable: keeps the existing order where it is already valid). Throws
 * on a cycle or an unknown parent.
 */
function sortParentFirst(joints: readonly Joint[]): Joint[] {
  const ids = new Set(joints.map((j) => j.id));
  const placed = new Set<JointId>();
  const out: Joint[] = [];
  let remaining = joints.slice();
  while (remaining.length > 0) {
    const next: Joint[] = [];
    for (const j of remaining) {
      if (j.parentId !== null && !ids.has(j.parentId)) {
        throw new SkeletonEditError(`joint "${j.name}" has an unknown parent "${j.parentId}"`);
      }
      if (j.parentId === null || placed.has(j.parentId)) {
        out.push(j);
        placed.add(j.id);
      } else {
        next.push(j);
      }
    }
    if (next.length === remaining.length) {
      throw new SkeletonEditError(`the joints ${next.map((j) => `"${j.name}"`).join(', ')} form a cycle`);
    }
    remaining = next;
  }
  return out;
}

export function addJoint(
  sk: Skeleton,
  spec: { name: string; parentId: JointId; restPosition: Vec3 },
): { skeleton: Skeleton; jointId: JointId } {
  requireJoint(sk, spec.parentId);
  requireFreeName(sk, spec.name);
  const id = freshJointId(sk, spec.name);
  const joint: Joint = { id, name: spec.name, parentId: spec.parentId, restPosition: spec.restPosition };
  // Insert right after the parent's subtree so the list stays parent-before-child and readable.
  const subtree = descendantsOf(sk, spec.parentId);
  let insertAt = 0;
  sk.joints.forEach((j, i) => {
    if (subtree.has(j.id)) insertAt = i + 1;
  });
  const joints = [...sk.joints.slice(0, insertAt), joint, ...sk.joints.slice(insertAt)];
  return { skeleton: { joints }, jointId: id };
}

/** Removes a joint; its children are re-attached to its parent. The root cannot be removed. */
export function removeJoint(sk: Skeleton, id: JointId): Skeleton {
  const joint = requireJoint(sk, id);
  if (joint.parentId === null) throw new SkeletonEditError('the root joint cannot be removed');
  const joints = sk.joints
    .filter((j) => j.id !== id)
    .map((j) => (j.parentId === id ? { ...j, parentId: joint.parentId } : j));
  return { joints };
}

export function renameJoint(sk: Skeleton, id: JointId, name: string): Skeleton {
  const joint = requireJoint(sk, id);
  if (joint.name === name) return sk;
  requireFreeName(sk, name, id);
  return { joints: sk.joints.map((j) => (j.id === id ? { ...j, name } : j)) };
}

/** Moves a joint (with its subtree) under a new parent. Throws when that would create a cycle. */
export function reparentJoint(sk: Skeleton, id: JointId, newParentId: JointId): Skeleton {
  const joint = requireJoint(sk, id);
  requireJoint(sk, newParentId);
  if (joint.parentId === newParentId) return sk;
  if (joint.parentId === null) throw new SkeletonEditError('the root joint cannot be given a parent');
  if (descendantsOf(sk, id).has(newParentId)) {
    throw new SkeletonEditError(
      `cannot move "${joint.name}" under "${jointById(sk, newParentId)?.name}": that joint is below it (a cycle)`,
    );
  }
  const joints = sk.joints.map((j) => (j.id === id ? { ...j, parentId: newParentId } : j));
  return { joints: sortParentFirst(joints) };
}

export function setRestPosition(sk: Skeleton, id: JointId, restPosition: Vec3): Skeleton {
  requireJoint(sk, id);
  return { joints: sk.joints.map((j) => (j.id === id ? { ...j, restPosition } : j)) };
}

/** Human-readable problems; an empty list means the skeleton is valid. */
export function validateSkeleton(sk: Skeleton): string[] {
  const problems: string[] = [];
  if (sk.joints.length === 0) return ['the skeleton has no joints'];
  const roots = sk.joints.filter((j) => j.parentId === null);
  if (roots.length !== 1) problems.push(`a skeleton needs exactly one root joint, found ${roots.length}`);
  const ids = new Set<string>();
  const names = new Set<string>();
  const seen = new Set<string>();
  for (const j of sk.joints) {
    if (ids.has(j.id)) problems.push(`the joint id "${j.id}" is used twice`);
    ids.add(j.id);
    if (names.has(j.name)) problems.push(`the joint name "${j.name}" is used twice`);
    names.add(j.name);
    if (!j.restPosition.every(Number.isFinite))
      problems.push(`joint "${j.name}" has a non-finite rest position`);
  }
  for (const j of sk.joints) {
    if (j.parentId !== null && !ids.has(j.parentId)) {
      problems.push(`joint "${j.name}" has an unknown parent "${j.parentId}"`);
    } else if (j.parentId !== null && !seen.has(j.parentId)) {
      problems.push(`joint "${j.name}" comes before its parent (or is part of a cycle)`);
    }
    seen.add(j.id);
  }
  return problems;
}
