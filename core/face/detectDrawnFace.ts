import type { RgbaImage } from '../render/types.js';
import { estimateFaceRig } from './estimate.js';
import type { FaceRig, Point } from './schema.js';

/**
 * Finds the face on a drawn character (a cartoon, a child's drawing): the features are the marks
 * that differ from the face's own colour. Above the head joint, the head is the opaque run of the
 * silhouette; its skin is the median colour of its middle; the eyes are the best symmetric pair
 * of marks in its upper half, the mouth the largest mark below them on the centre line, the brows
 * the marks just above the eyes, the chin where the skin below the mouth ends. Where a feature is
 * not found it is placed by proportion (estimate.ts), so the result is always a complete rig the
 * user then adjusts in the face editor. Photos go through the landmark model instead; this is
 * its fallback too.
 */

export interface DetectedFace {
  readonly rig: FaceRig;
  /** Which features were found in the picture (the rest are placed by proportion). */
  readonly found: readonly ('eyes' | 'mouth' | 'brows' | 'chin')[];
}

interface Component {
  readonly area: number;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly cx: number;
  readonly cy: number;
  /** Pixel indices (y * width + x). */
  readonly pixels: Int32Array;
  readonly touchesEdge: boolean;
}

const OPAQUE = 128;

function alphaAt(img: RgbaImage, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return 0;
  return img.data[(y * img.width + x) * 4 + 3] as number;
}

function colourDistance(img: RgbaImage, i: number, c: readonly number[]): number {
  const d = img.data;
  return Math.hypot(
    (d[i * 4] as number) - (c[0] as number),
    (d[i * 4 + 1] as number) - (c[1] as number),
    (d[i * 4 + 2] as number) - (c[2] as number),
  );
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[values.length >> 1] ?? 0;
}

/** The head's box above the head joint (imagePx): from the silhouette's top down to a chin guess. */
function headBox(img: RgbaImage, headPx: Point, headTopPx?: Point) {
  const hx = Math.round(headPx[0]);
  let top = Math.round(headTopPx?.[1] ?? headPx[1]);
  if (!headTopPx) {
    let y = Math.round(headPx[1]);
    while (y > 0 && alphaAt(img, hx, y - 1) >= OPAQUE) y--;
    top = y;
  }
  const height = Math.max(8, headPx[1] - top);
  const rowY = Math.round(top + height * 0.55);
  let l = hx;
  let r = hx;
  while (l > 0 && alphaAt(img, l - 1, rowY) >= OPAQUE) l--;
  while (r < img.width - 1 && alphaAt(img, r + 1, rowY) >= OPAQUE) r++;
  // Arms held level with the head would widen the run: a head is not much wider than tall.
  const width = Math.min(r - l + 1, height * 1.3);
  return {
    cx: hx,
    top,
    height,
    width,
    x0: Math.max(0, Math.round(hx - width / 2)),
    x1: Math.min(img.width - 1, Math.round(hx + width / 2)),
  };
}

function components(
  img: RgbaImage,
  mask: Uint8Array,
  box: { x0: number; y0: number; x1: number; y1: number },
): Component[] {
  const { width } = img;
  const seen = new Uint8Array(mask.length);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      const start = y * width + x;
      if (!mask[start] || seen[start]) continue;
      const pixels: number[] = [];
      stack.push(start);
      seen[start] = 1;
      let x0 = x;
      let x1 = x;
      let y0 = y;
      let y1 = y;
      let sx = 0;
      let sy = 0;
      let touchesEdge = false;
      while (stack.length > 0) {
        const i = stack.pop() as number;
        pixels.push(i);
        const px = i % width;
        const py = (i - px) / width;
        sx += px;
        sy += py;
        x0 = Math.min(x0, px);
        x1 = Math.max(x1, px);
        y0 = Math.min(y0, py);
        y1 = Math.max(y1, py);
        if (px <= box.x0 || px >= box.x1 || py <= box.y0 || py >= box.y1) touchesEdge = true;
        for (const [nx, ny] of [
          [px + 1, py],
          [px - 1, py],
          [px, py + 1],
          [px, py - 1],
        ] as const) {
          if (nx < box.x0 || nx > box.x1 || ny < box.y0 || ny > box.y1) continue;
          const j = ny * width + nx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
      out.push({
        area: pixels.length,
        x0,
        y0,
        x1,
        y1,
        cx: sx / pixels.length,
        cy: sy / pixels.length,
        pixels: Int32Array.from(pixels),
        touchesEdge,
      });
    }
  }
  return out;
}

/** Extreme points of a component: leftmost, rightmost (mean row of those columns), top/bottom at a column. */
function columnExtent(c: Component, width: number, x: number): [number, number] | null {
  let top = Number.POSITIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  for (const i of c.pixels) {
    if (Math.abs((i % width) - x) > 1) continue;
    const y = Math.floor(i / width);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  return Number.isFinite(top) ? [top, bottom + 1] : null;
}

function rowAtColumn(c: Component, width: number, x: number): number {
  const ys: number[] = [];
  for (const i of c.pixels) if (i % width === x) ys.push(Math.floor(i / width));
  return ys.length > 0 ? (Math.min(...ys) + Math.max(...ys) + 1) / 2 : c.cy + 0.5;
}

export function detectDrawnFace(
  img: RgbaImage,
  head: { readonly headPx: Point; readonly headTopPx?: Point; readonly headJointId: string },
): DetectedFace {
  const box = headBox(img, head.headPx, head.headTopPx);
  const fallback = estimateFaceRig(
    { center: [box.cx, box.top + box.height * 0.55], width: box.width, height: box.height },
    head.headJointId,
  );
  const found: DetectedFace['found'][number][] = [];
  const { width } = img;
  // Skin: the median colour of the head's middle.
  const rs: number[] = [];
  const gs: number[] = [];
  const bs: number[] = [];
  for (let y = Math.round(box.top + box.height * 0.45); y < box.top + box.height * 0.8; y++) {
    for (let x = Math.round(box.cx - box.width * 0.25); x < box.cx + box.width * 0.25; x++) {
      if (alphaAt(img, x, y) < OPAQUE) continue;
      const i = (y * width + x) * 4;
      rs.push(img.data[i] as number);
      gs.push(img.data[i + 1] as number);
      bs.push(img.data[i + 2] as number);
    }
  }
  if (rs.length < 16) return { rig: fallback, found };
  const skin = [median(rs), median(gs), median(bs)];
  const search = {
    x0: Math.max(0, box.x0),
    x1: Math.min(img.width - 1, box.x1),
    y0: Math.max(0, box.top),
    y1: Math.min(img.height - 1, Math.round(box.top + box.height * 1.15)),
  };
  const mask = new Uint8Array(img.width * img.height);
  for (let y = search.y0; y <= search.y1; y++) {
    for (let x = search.x0; x <= search.x1; x++) {
      const i = y * width + x;
      if (alphaAt(img, x, y) >= OPAQUE && colourDistance(img, i, skin) > 60) mask[i] = 1;
    }
  }
  const boxArea = (search.x1 - search.x0 + 1) * (search.y1 - search.y0 + 1);
  const marks = components(img, mask, search).filter(
    (c) => !c.touchesEdge && c.area >= Math.max(6, boxArea * 0.0004) && c.area < boxArea * 0.08,
  );

  // Eyes: the best symmetric pair in the upper part.
  let bestPair: [Component, Component] | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  const upper = marks.filter((c) => c.cy > box.top + box.height * 0.2 && c.cy < box.top + box.height * 0.8);
  for (let a = 0; a < upper.length; a++) {
    for (let b = a + 1; b < upper.length; b++) {
      const p = upper[a] as Component;
      const q = upper[b] as Component;
      const sep = Math.abs(p.cx - q.cx);
      if (sep < box.width * 0.15 || sep > box.width * 0.7) continue;
      const dy = Math.abs(p.cy - q.cy);
      if (dy > box.height * 0.08) continue;
      const ratio = Math.max(p.area, q.area) / Math.min(p.area, q.area);
      if (ratio > 2.5) continue;
      const offCentre = Math.abs((p.cx + q.cx) / 2 - box.cx);
      if (offCentre > box.width * 0.15) continue;
      // Prefer big, level, centred, like-sized pairs.
      const score =
        dy / box.height + offCentre / box.width + (ratio - 1) * 0.2 - Math.min(p.area, q.area) / boxArea;
      if (score < bestScore) {
        bestScore = score;
        bestPair = p.cx > q.cx ? [p, q] : [q, p];
      }
    }
  }
  if (!bestPair) return { rig: fallback, found };
  found.push('eyes');
  const eye = (c: Component) => ({
    center: [(c.x0 + c.x1 + 1) / 2, (c.y0 + c.y1 + 1) / 2] as Point,
    halfWidth: (c.x1 - c.x0 + 1) / 2,
    halfHeight: (c.y1 - c.y0 + 1) / 2,
    angleRad: 0,
  });
  const eyes = { left: eye(bestPair[0]), right: eye(bestPair[1]) };
  const eyeDist = eyes.left.center[0] - eyes.right.center[0];
  const eyeY = (eyes.left.center[1] + eyes.right.center[1]) / 2;
  const midX = (eyes.left.center[0] + eyes.right.center[0]) / 2;
  const eyeHh = Math.max(eyes.left.halfHeight, eyes.right.halfHeight);

  // Mouth: the largest mark below the eyes near the centre line.
  const mouthMark = marks
    .filter(
      (c) =>
        c.cy > eyeY + eyeHh + eyeDist * 0.15 &&
        c.cy < eyeY + eyeDist * 1.8 &&
        Math.abs(c.cx - midX) < eyeDist * 0.35 &&
        c.x1 - c.x0 > eyeDist * 0.2 &&
        c !== bestPair?.[0] &&
        c !== bestPair?.[1],
    )
    .sort((a, b) => b.area - a.area)[0];
  let mouth = fallback.mouth;
  let chin = fallback.chin;
  if (mouthMark) {
    found.push('mouth');
    const cxCol = Math.round(midX);
    const extent = columnExtent(mouthMark, width, cxCol) ?? [mouthMark.y0, mouthMark.y1 + 1];
    // Corners: the extreme columns' middle rows, taken half a stroke inwards (a drawn outline's
    // outer edge is not the corner).
    const stroke = Math.max(1, Math.min(4, (extent[1] - extent[0]) * 0.1));
    const leftX = mouthMark.x1 + 1 - stroke / 2;
    const rightX = mouthMark.x0 + stroke / 2;
    mouth = {
      left: [leftX, rowAtColumn(mouthMark, width, mouthMark.x1)],
      right: [rightX, rowAtColumn(mouthMark, width, mouthMark.x0)],
      upper: [midX, extent[0]],
      lower: [midX, extent[1]],
    };
    // Chin: below the mouth, past the skin, the middle of the outline (or where the picture ends).
    let y = Math.ceil(extent[1]) + 1;
    const limit = Math.min(img.height - 1, Math.round(eyeY + eyeDist * 3));
    while (
      y < limit &&
      alphaAt(img, cxCol, y) >= OPAQUE &&
      colourDistance(img, y * width + cxCol, skin) <= 60
    )
      y++;
    if (y < limit) {
      let end = y;
      while (
        end < limit &&
        alphaAt(img, cxCol, end) >= OPAQUE &&
        colourDistance(img, end * width + cxCol, skin) > 60
      )
        end++;
      chin = [midX, alphaAt(img, cxCol, y) < OPAQUE ? y : (y + end) / 2];
      found.push('chin');
    }
  }

  // Brows: a mark above each eye that overlaps it horizontally.
  const browFor = (e: (typeof eyes)['left'], inwardSign: number): [Point, Point, Point] | null => {
    const mark = marks
      .filter(
        (c) =>
          c.cy < e.center[1] - e.halfHeight &&
          c.cy > e.center[1] - e.halfHeight - eyeDist * 0.6 &&
          c.x1 > e.center[0] - e.halfWidth &&
          c.x0 < e.center[0] + e.halfWidth &&
          c !== bestPair?.[0] &&
          c !== bestPair?.[1],
      )
      .sort((a, b) => b.cy - a.cy)[0];
    if (!mark) return null;
    const col = Math.round((mark.x0 + mark.x1) / 2);
    const ext = columnExtent(mark, width, col) ?? [mark.y0, mark.y1 + 1];
    const thick = ext[1] - ext[0];
    const leftEnd: Point = [mark.x0 + thick / 2, rowAtColumn(mark, width, mark.x0)];
    const rightEnd: Point = [mark.x1 + 1 - thick / 2, rowAtColumn(mark, width, mark.x1)];
    const middle: Point = [(mark.x0 + mark.x1 + 1) / 2, (ext[0] + ext[1]) / 2];
    // Inner end first: the one nearer the face's centre line.
    return inwardSign > 0 ? [leftEnd, middle, rightEnd] : [rightEnd, middle, leftEnd];
  };
  // The character's left eye is on the picture's right: its inner end is its picture-left end.
  const browL = browFor(eyes.left, 1);
  const browR = browFor(eyes.right, -1);
  if (browL && browR) found.push('brows');
  const lift = (e: (typeof eyes)['left']): [Point, Point, Point] => [
    [e.center[0] - e.halfWidth * 0.8, e.center[1] - e.halfHeight * 2],
    [e.center[0], e.center[1] - e.halfHeight * 2.3],
    [e.center[0] + e.halfWidth * 0.8, e.center[1] - e.halfHeight * 2],
  ];
  const liftR = (e: (typeof eyes)['right']): [Point, Point, Point] => {
    const [a, b, c] = lift(e);
    return [c, b, a];
  };
  const lineY = (mouth.upper[1] + mouth.lower[1]) / 2;
  // Nose: often a faint stroke or shading (too close to the skin for a mark): the centroid of the
  // pixels a little off the skin colour between the eyes and the mouth on the centre line.
  let nose: Point = [midX, eyeY + (lineY - eyeY) * 0.55];
  {
    let sx = 0;
    let sy = 0;
    let n = 0;
    const y0 = Math.round(eyeY + eyeHh * 0.6);
    const y1 = Math.round(mouth.upper[1] - eyeHh * 0.3);
    for (let y = y0; y < y1; y++) {
      for (let x = Math.round(midX - eyeDist * 0.22); x <= midX + eyeDist * 0.22; x++) {
        if (alphaAt(img, x, y) < OPAQUE) continue;
        const d = colourDistance(img, y * width + x, skin);
        if (d > 25 && d <= 90) {
          sx += x + 0.5;
          sy += y + 0.5;
          n++;
        }
      }
    }
    if (n >= 4) nose = [sx / n, sy / n];
  }

  // Outline: rays from the face's centre to the silhouette's edge, bounded by the head's ellipse.
  const centre: Point = [midX, (box.top + chin[1]) / 2];
  const rx = Math.max(box.width / 2, eyeDist);
  const ry = Math.max((chin[1] - box.top) / 2, eyeDist * 0.8);
  const outline: Point[] = [];
  for (let k = 0; k < 32; k++) {
    const a = (k / 32) * Math.PI * 2;
    const dx = Math.cos(a);
    const dy = Math.sin(a);
    // The ray's length to the bounding ellipse.
    const maxT = 1 / Math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2);
    let t = 0;
    while (t < maxT && alphaAt(img, Math.round(centre[0] + dx * t), Math.round(centre[1] + dy * t)) >= OPAQUE)
      t += 1;
    outline.push([centre[0] + dx * t, centre[1] + dy * t]);
  }
  return {
    rig: {
      source: 'estimate',
      headJointId: head.headJointId,
      eyes,
      brows: { left: browL ?? lift(eyes.left), right: browR ?? liftR(eyes.right) },
      nose,
      mouth,
      chin,
      outline,
      mouthStyle: 'warp',
    },
    found,
  };
}
