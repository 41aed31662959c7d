import type { FaceRig, Point } from './schema.js';

/**
 * A face rig placed by proportion inside a head's box: where a drawn or cartoon face usually has
 * its features (eyes a little above the middle, the mouth a quarter below it). The starting point
 * of the Fit-mode click-through for faces the landmark model does not find (drawings), and the
 * fallback when it finds none. Character's left = picture right (a figure facing the camera).
 */
export interface HeadBox {
  /** Centre of the head, art pixels (y down). */
  readonly center: Point;
  /** Width and height of the head, art pixels. */
  readonly width: number;
  readonly height: number;
}

export function estimateFaceRig(head: HeadBox, headJointId: string): FaceRig {
  const [cx, cy] = head.center;
  const w = Math.max(1, head.width);
  const h = Math.max(1, head.height);
  const at = (fx: number, fy: number): Point => [cx + fx * w, cy + fy * h];
  const eye = (side: 1 | -1) => ({
    center: at(0.2 * side, -0.04),
    halfWidth: 0.09 * w,
    halfHeight: 0.045 * h,
    angleRad: 0,
  });
  const brow = (side: 1 | -1): [Point, Point, Point] => [
    at(0.1 * side, -0.15),
    at(0.2 * side, -0.17),
    at(0.3 * side, -0.15),
  ];
  const outline: Point[] = [];
  for (let i = 0; i < 24; i++) {
    const a = (i / 24) * Math.PI * 2;
    outline.push([cx + Math.cos(a) * w * 0.5, cy + Math.sin(a) * h * 0.5]);
  }
  return {
    source: 'estimate',
    headJointId,
    eyes: { left: eye(1), right: eye(-1) },
    brows: { left: brow(1), right: brow(-1) },
    nose: at(0, 0.1),
    mouth: { left: at(0.15, 0.25), right: at(-0.15, 0.25), upper: at(0, 0.215), lower: at(0, 0.29) },
    chin: at(0, 0.46),
    outline,
    mouthStyle: 'warp',
  };
}

/** The size of a face for tolerances: the distance between the eye centres. */
export function faceSize(rig: Pick<FaceRig, 'eyes' | 'mouth' | 'chin'>): number {
  const [lx, ly] = rig.eyes.left.center;
  const [rx, ry] = rig.eyes.right.center;
  const eyeMid: Point = [(lx + rx) / 2, (ly + ry) / 2];
  // Eyes-to-chin is about 1.2–1.5 eye distances on a face; the larger of the two is the robust one.
  return Math.max(Math.hypot(lx - rx, ly - ry), Math.hypot(rig.chin[0] - eyeMid[0], rig.chin[1] - eyeMid[1]));
}
