import type { Skeleton } from '../../core/skeleton/types.js';

/** A bone as line segments in image pixels (x right, y down). */
export interface BoneSegments {
  readonly ax: number[];
  readonly ay: number[];
  readonly bx: number[];
  readonly by: number[];
}

/**
 * The segments each joint owns, in image pixels: from the joint to each child. A leaf (head,
 * hand, toe) owns an extension of its parent's bone that runs on through the figure to the edge
 * of the mask (the top of the head, the finger tips), between half and three times the parent
 * bone's length; without a mask, half its length. A lone root is a point.
 */
export function boneSegments(
  skeleton: Skeleton,
  width: number,
  height: number,
  mask?: Uint8Array,
): BoneSegments[] {
  const toImage = (p: readonly number[]): [number, number] => [p[0]! + width / 2, height / 2 - p[1]!];
  const byId = new Map(skeleton.joints.map((j) => [j.id as string, j]));
  const inside = (x: number, y: number): boolean => {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    return xi >= 0 && yi >= 0 && xi < width && yi < height && mask![yi * width + xi] !== 0;
  };
  return skeleton.joints.map((joint) => {
    const seg: BoneSegments = { ax: [], ay: [], bx: [], by: [] };
    const [jx, jy] = toImage(joint.restPosition);
    const children = skeleton.joints.filter((c) => c.parentId === joint.id);
    for (const child of children) {
      const [cx, cy] = toImage(child.restPosition);
      seg.ax.push(jx);
      seg.ay.push(jy);
      seg.bx.push(cx);
      seg.by.push(cy);
    }
    if (children.length === 0) {
      const parent = joint.parentId === null ? undefined : byId.get(joint.parentId);
      let ex = jx;
      let ey = jy;
      if (parent) {
        const [px, py] = toImage(parent.restPosition);
        const parentLength = Math.hypot(jx - px, jy - py);
        let extension = 0.5 * parentLength;
        if (mask && parentLength > 0 && inside(jx, jy)) {
          const ux = (jx - px) / parentLength;
          const uy = (jy - py) / parentLength;
          let t = 0;
          while (t < 3 * parentLength && inside(jx + ux * (t + 1), jy + uy * (t + 1))) t++;
          extension = Math.max(extension, t);
        }
        ex = jx + ((jx - px) / (parentLength || 1)) * extension;
        ey = jy + ((jy - py) / (parentLength || 1)) * extension;
      }
      seg.ax.push(jx);
      seg.ay.push(jy);
      seg.bx.push(ex);
      seg.by.push(ey);
    }
    return seg;
  });
}
