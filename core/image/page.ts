import type { RgbaImage } from '../render/types.js';
import { applyHomography, type Homography, homographyFrom, type Pt } from './homography.js';

/**
 * Photos of drawings on paper (docs/rigging.md, "Photos of drawings"): find the sheet of paper in
 * the photo, flatten it (undo the perspective) and even out the light (uneven light, falloff and
 * soft shadows become white paper), so the rig sees the drawing as if it were scanned.
 *
 * Detection runs on a small grey copy (GreyImage, made by the caller with sharp); the warp and
 * the light correction run on the full-resolution picture, so the art keeps every pixel.
 */

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** "Paperness" per pixel 0..255: bright and colourless is high (see paperness()). */
  readonly data: Uint8Array;
}

export interface PageQuad {
  /** Corners in the small copy's pixels: top-left, top-right, bottom-right, bottom-left. */
  readonly corners: readonly [Pt, Pt, Pt, Pt];
  /** Share of the picture the page covers. */
  readonly coverage: number;
}

/** Paperness of an RGB pixel: bright and unsaturated paper scores high, a wooden desk low. */
export function paperness(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  return Math.max(0, Math.min(255, (r + g + b) / 3 - 1.2 * (max - min)));
}

/** Otsu's threshold of a 0..255 histogram. */
function otsu(values: Uint8Array): number {
  const hist = new Float64Array(256);
  for (const v of values) hist[v]!++;
  const total = values.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let wB = 0;
  let best = { t: 128, v: -1 };
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best.v) best = { t, v: between };
  }
  return best.t;
}

/**
 * The sheet of paper in a photo, or null when the picture is not a photo of a page (the paper
 * fills it already, as in a scan, or no bright four-cornered region stands out).
 */
export function findPage(grey: GreyImage): PageQuad | null {
  const { width, height, data } = grey;
  const n = width * height;
  const threshold = otsu(data);
  // Paper must be clearly brighter than what surrounds it.
  let above = 0;
  let below = 0;
  let sumAbove = 0;
  let sumBelow = 0;
  for (const v of data) {
    if (v > threshold) {
      above++;
      sumAbove += v;
    } else {
      below++;
      sumBelow += v;
    }
  }
  if (above === 0 || below === 0 || sumAbove / above - sumBelow / below < 40) return null;
  // The largest bright region (4-connected), holes (the drawing on it) filled.
  const labels = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let bestLabel = -1;
  let bestArea = 0;
  let label = 0;
  for (let s = 0; s < n; s++) {
    if (labels[s] !== -1 || data[s]! <= threshold) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    labels[s] = label;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % width;
      const nb = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width];
      for (const q of nb) {
        if (q < 0 || q >= n || labels[q] !== -1 || data[q]! <= threshold) continue;
        labels[q] = label;
        queue[tail++] = q;
      }
    }
    if (tail > bestArea) {
      bestArea = tail;
      bestLabel = label;
    }
    label++;
  }
  if (bestArea < 0.12 * n) return null;
  // Convex hull of the region's boundary rows (leftmost and rightmost pixel of each row).
  const points: Pt[] = [];
  // Area inside the region's outline row by row (the drawing on the page fills its holes).
  let filledArea = 0;
  for (let y = 0; y < height; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (labels[y * width + x] !== bestLabel) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first >= 0) {
      points.push([first, y], [last + 1, y]);
      filledArea += last + 1 - first;
    }
  }
  const hull = convexHull(points);
  if (hull.length < 4) return null;
  const corners = bestQuad(hull);
  const area = polygonArea(corners);
  const coverage = area / n;
  // Page filling the picture: a scan, nothing to flatten. A region far from four-cornered: not a page.
  if (coverage > 0.93) return null;
  if (filledArea / area < 0.9) return null;
  return { corners: orderCorners(corners), coverage };
}

function cross(o: Pt, a: Pt, b: Pt): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function convexHull(points: Pt[]): Pt[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const lower: Pt[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0)
      lower.pop();
    lower.push(p);
  }
  const upper: Pt[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0)
      upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

function polygonArea(p: readonly Pt[]): number {
  let a = 0;
  for (let i = 0; i < p.length; i++) {
    const q = p[(i + 1) % p.length]!;
    a += p[i]![0] * q[1] - q[0] * p[i]![1];
  }
  return Math.abs(a) / 2;
}

/** The largest-area quadrilateral on the hull: start at the extreme points, improve corner by corner. */
function bestQuad(hull: Pt[]): Pt[] {
  const extreme = (f: (p: Pt) => number) => {
    let best = 0;
    for (let i = 1; i < hull.length; i++) if (f(hull[i]!) > f(hull[best]!)) best = i;
    return best;
  };
  let idx = [
    extreme((p) => -p[0] - p[1]),
    extreme((p) => p[0] - p[1]),
    extreme((p) => p[0] + p[1]),
    extreme((p) => -p[0] + p[1]),
  ].sort((a, b) => a - b);
  const quadOf = (ids: number[]) => ids.map((i) => hull[i]!);
  let area = polygonArea(quadOf(idx));
  for (let round = 0; round < 10; round++) {
    let improved = false;
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < hull.length; i++) {
        if (idx.includes(i)) continue;
        const trial = [...idx];
        trial[k] = i;
        const sorted = [...trial].sort((a, b) => a - b);
        const a = polygonArea(quadOf(sorted));
        if (a > area + 1e-6) {
          area = a;
          idx = sorted;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return quadOf(idx);
}

/** Top-left, top-right, bottom-right, bottom-left (the page's upright reading). */
function orderCorners(c: Pt[]): [Pt, Pt, Pt, Pt] {
  const cx = c.reduce((s, p) => s + p[0], 0) / 4;
  const cy = c.reduce((s, p) => s + p[1], 0) / 4;
  const byAngle = [...c].sort((a, b) => Math.atan2(a[1] - cy, a[0] - cx) - Math.atan2(b[1] - cy, b[0] - cx));
  // atan2 order with y down runs clockwise on screen; start at the corner nearest the top-left.
  let start = 0;
  for (let i = 1; i < 4; i++)
    if (byAngle[i]![0] + byAngle[i]![1] < byAngle[start]![0] + byAngle[start]![1]) start = i;
  return [0, 1, 2, 3].map((k) => byAngle[(start + k) % 4]!) as [Pt, Pt, Pt, Pt];
}

export interface FlatPage {
  readonly image: RgbaImage;
  /** Maps flat-page pixels to the photo's pixels. */
  readonly toPhoto: Homography;
}

/**
 * The page cut out of the photo and warped flat (bilinear), at the photo's own resolution:
 * corners are in photo pixels; the page is inset by `insetFraction` so no desk shows at its edge.
 */
export function flattenPage(
  photo: RgbaImage,
  corners: readonly [Pt, Pt, Pt, Pt],
  insetFraction = 0.012,
): FlatPage {
  const [tl, tr, br, bl] = corners;
  const len = (a: Pt, b: Pt) => Math.hypot(b[0] - a[0], b[1] - a[1]);
  const w = Math.max(2, Math.round(Math.max(len(tl, tr), len(bl, br))));
  const h = Math.max(2, Math.round(Math.max(len(tl, bl), len(tr, br))));
  const ix = insetFraction * w;
  const iy = insetFraction * h;
  const outW = Math.max(2, Math.round(w - 2 * ix));
  const outH = Math.max(2, Math.round(h - 2 * iy));
  const toPhoto = homographyFrom(
    [
      [-ix, -iy],
      [outW + ix, -iy],
      [outW + ix, outH + iy],
      [-ix, outH + iy],
    ],
    [tl, tr, br, bl],
  );
  const out = new Uint8Array(outW * outH * 4);
  const src = photo.data;
  const sw = photo.width;
  const sh = photo.height;
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = toPhoto as number[];
  let o = 0;
  for (let y = 0; y < outH; y++) {
    const yc = y + 0.5;
    for (let x = 0; x < outW; x++, o += 4) {
      const xc = x + 0.5;
      const wz = h6! * xc + h7! * yc + h8!;
      const sx = (h0! * xc + h1! * yc + h2!) / wz - 0.5;
      const sy = (h3! * xc + h4! * yc + h5!) / wz - 0.5;
      const x0 = Math.max(0, Math.min(sw - 2, Math.floor(sx)));
      const y0 = Math.max(0, Math.min(sh - 2, Math.floor(sy)));
      const fx = Math.max(0, Math.min(1, sx - x0));
      const fy = Math.max(0, Math.min(1, sy - y0));
      const p00 = (y0 * sw + x0) * 4;
      const p10 = p00 + 4;
      const p01 = p00 + sw * 4;
      const p11 = p01 + 4;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      out[o] = src[p00]! * w00 + src[p10]! * w10 + src[p01]! * w01 + src[p11]! * w11;
      out[o + 1] = src[p00 + 1]! * w00 + src[p10 + 1]! * w10 + src[p01 + 1]! * w01 + src[p11 + 1]! * w11;
      out[o + 2] = src[p00 + 2]! * w00 + src[p10 + 2]! * w10 + src[p01 + 2]! * w01 + src[p11 + 2]! * w11;
      out[o + 3] = 255;
    }
  }
  return { image: { width: outW, height: outH, data: out }, toPhoto };
}

/**
 * Evens out the light on a page: the paper's colour at each pixel is estimated from a small copy
 * (a maximum filter wider than the pen strokes, which keeps the paper and drops the ink, then a
 * blur), and every pixel is divided by it, so paper becomes white under falloff and soft shadows
 * while the ink and the colours keep their contrast. `small` is the page scaled down (sharp) to
 * about 256 px on its long side.
 */
export function evenLight(page: RgbaImage, small: RgbaImage): RgbaImage {
  const sw = small.width;
  const sh = small.height;
  const radius = Math.max(2, Math.round(Math.max(sw, sh) / 64));
  const paper = new Float32Array(sw * sh * 3);
  for (let c = 0; c < 3; c++) {
    // Separable max filter, then a box blur of the same radius (both twice: smoother).
    let plane: Float32Array = new Float32Array(sw * sh);
    for (let p = 0; p < sw * sh; p++) plane[p] = small.data[p * 4 + c]!;
    plane = separable(plane, sw, sh, radius, 'max');
    plane = separable(plane, sw, sh, radius, 'mean');
    plane = separable(plane, sw, sh, radius, 'mean');
    for (let p = 0; p < sw * sh; p++) paper[p * 3 + c] = Math.max(24, plane[p]!);
  }
  const { width, height, data } = page;
  const out = new Uint8Array(width * height * 4);
  const gx = sw / width;
  const gy = sh / height;
  for (let y = 0; y < height; y++) {
    const fy0 = Math.max(0, Math.min(sh - 1, (y + 0.5) * gy - 0.5));
    const y0 = Math.min(sh - 2, Math.floor(fy0));
    const ty = Math.max(0, Math.min(1, fy0 - Math.max(0, y0)));
    const yA = Math.max(0, y0);
    const yB = Math.min(sh - 1, yA + 1);
    for (let x = 0; x < width; x++) {
      const fx0 = Math.max(0, Math.min(sw - 1, (x + 0.5) * gx - 0.5));
      const xA = Math.max(0, Math.min(sw - 2, Math.floor(fx0)));
      const xB = Math.min(sw - 1, xA + 1);
      const tx = Math.max(0, Math.min(1, fx0 - xA));
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const a = paper[(yA * sw + xA) * 3 + c]! * (1 - tx) + paper[(yA * sw + xB) * 3 + c]! * tx;
        const b = paper[(yB * sw + xA) * 3 + c]! * (1 - tx) + paper[(yB * sw + xB) * 3 + c]! * tx;
        const p = a * (1 - ty) + b * ty;
        out[o + c] = Math.min(255, (255 * data[o + c]!) / p);
      }
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}

function separable(plane: Float32Array, w: number, h: number, r: number, op: 'max' | 'mean'): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = op === 'max' ? 0 : 0;
      let count = 0;
      for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++) {
        const v = plane[y * w + k]!;
        if (op === 'max') acc = Math.max(acc, v);
        else acc += v;
        count++;
      }
      tmp[y * w + x] = op === 'max' ? acc : acc / count;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      let count = 0;
      for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) {
        const v = tmp[k * w + x]!;
        if (op === 'max') acc = Math.max(acc, v);
        else acc += v;
        count++;
      }
      out[y * w + x] = op === 'max' ? acc : acc / count;
    }
  }
  return out;
}

/** Scales quad corners found on a small copy to the full picture. */
export function scaleCorners(corners: readonly [Pt, Pt, Pt, Pt], sx: number, sy: number): [Pt, Pt, Pt, Pt] {
  return corners.map(([x, y]) => [x * sx, y * sy] as Pt) as [Pt, Pt, Pt, Pt];
}

export { applyHomography };
