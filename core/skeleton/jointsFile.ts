import { z } from 'zod';
import { type JointId, jointId } from '../ids.js';
import type { Joint, Skeleton } from './types.js';

/**
 * A skeleton given by the user as joints in picture pixels (`keypose rig --skeleton joints.json`,
 * docs/rigging.md): every joint's name, its parent's name (null for the one root) and its
 * position in the picture (x right, y down, in pixels; z towards the camera, default 0). The rig
 * keeps these joints exactly and computes weights for them.
 */
export const jointsFileSchema = z.object({
  joints: z
    .array(
      z.object({
        name: z.string().min(1),
        parent: z.string().min(1).nullable(),
        x: z.number().finite(),
        y: z.number().finite(),
        z: z.number().finite().optional(),
      }),
    )
    .min(1, 'the file lists no joints'),
});
export type JointsFile = z.infer<typeof jointsFileSchema>;

/**
 * The skeleton of a joints file on a width x height picture (character space: origin at the
 * picture's centre, y up), parents before children. Throws an Error naming the problem: a name
 * used twice, no root or two roots, a parent that is not listed, a cycle.
 */
export function skeletonFromJointsFile(
  file: JointsFile,
  picture: { width: number; height: number },
): Skeleton {
  const byName = new Map<string, JointsFile['joints'][number]>();
  for (const j of file.joints) {
    if (byName.has(j.name)) throw new Error(`joint "${j.name}" is listed twice`);
    byName.set(j.name, j);
  }
  const roots = file.joints.filter((j) => j.parent === null);
  if (roots.length !== 1) {
    throw new Error(
      roots.length === 0
        ? 'no joint is the root (one joint needs "parent": null)'
        : `${roots.length} joints are roots (${roots.map((r) => r.name).join(', ')}); a skeleton has one`,
    );
  }
  for (const j of file.joints) {
    if (j.parent !== null && !byName.has(j.parent))
      throw new Error(`joint "${j.name}" has parent "${j.parent}", which is not listed`);
  }
  const ordered: Joint[] = [];
  const placed = new Set<string>();
  // Breadth-first from the root: parents before children; anything left over hangs in a cycle.
  const queue = [roots[0]!];
  while (queue.length > 0) {
    const j = queue.shift()!;
    placed.add(j.name);
    ordered.push({
      id: jointId(j.name),
      name: j.name,
      parentId: j.parent === null ? null : (j.parent as JointId),
      restPosition: [j.x - picture.width / 2, picture.height / 2 - j.y, j.z ?? 0],
    });
    for (const c of file.joints) if (c.parent === j.name && !placed.has(c.name)) queue.push(c);
  }
  if (ordered.length !== file.joints.length) {
    const stray = file.joints.filter((j) => !placed.has(j.name)).map((j) => j.name);
    throw new Error(`joints ${stray.join(', ')} do not hang from the root (a cycle of parents)`);
  }
  return { joints: ordered };
}
