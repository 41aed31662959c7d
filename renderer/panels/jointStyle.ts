import type { Joint, Skeleton } from '../../core/skeleton/types.js';

/**
 * Left/right colour coding, as rigging tools do it: the character's left side (+x) blue, right
 * side orange, centre line pale. Names decide, so a custom skeleton with Left/Right names gets it.
 */
export type JointSide = 'left' | 'right' | 'centre';

export function jointSide(joint: Pick<Joint, 'name'>): JointSide {
  if (/^left|^l[_.\s-]|[_.\s-]l$|left/i.test(joint.name)) return 'left';
  if (/^right|^r[_.\s-]|[_.\s-]r$|right/i.test(joint.name)) return 'right';
  return 'centre';
}

export const SIDE_COLOURS: Record<JointSide, string> = {
  left: '#4cb8ff',
  right: '#ff9a4c',
  centre: '#e8e3c8',
};

export const SELECTED_COLOUR = '#ffe14d';
export const HOVER_COLOUR = '#ffffff';

/** Depth of each joint in the hierarchy (root = 0), for indenting lists. */
export function jointDepths(skeleton: Skeleton): Map<string, number> {
  const depths = new Map<string, number>();
  for (const joint of skeleton.joints) {
    depths.set(joint.id, joint.parentId === null ? 0 : (depths.get(joint.parentId) ?? 0) + 1);
  }
  return depths;
}
