import type { Mask } from './types.js';

/**
 * Binary-mask operations the figure mask (mask.ts) is built from and the mask brush edits with:
 * separable square erosion and dilation, opening and closing, connected components, hole filling,
 * the flood fill from the border, the brush dab, counts and IoU. Pure functions over typed arrays.
 */

/**
 * 4-connected flood fill from every border pixel through the pixels `enters` accepts (asked once
 * per pixel); returns 1 for each pixel reached.
 */
export function floodFromBorder(width: number, height: number, enters: (p: number) => boolean): Uint8Array {
  const n = width * height;
  const reached = new Uint8Array(n);
  const asked = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const push = (p: number) => {
    if (asked[p]) return;
    asked[p] = 1;
    if (enters(p)) {
      reached[p] = 1;
      queue[tail++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (head < tail) {
    const p = queue[head++]!;
    const x = p % width;
    if (x > 0) push(p - 1);
    if (x < width - 1) push(p + 1);
    if (p >= width) push(p - width);
    if (p < n - width) push(p + width);
  }
  return reached;
}

/** Square structuring element of the given radius, done separably (min = erode, max = dilate). */
function filter1d(mask: Mask, radius: number, dilate: boolean): Mask {
  const { width, height, data } = mask;
  const tmp = new Uint8Array(width * height);
  const out = new Uint8Array(width * height);
  const target = dilate ? 1 : 0;
  // Horizontal pass: a pixel takes the target value when any pixel within radius has it.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let lastTarget = -1e9;
    for (let x = 0; x < width; x++) {
      if (data[row + x] === target) lastTarget = x;
      tmp[row + x] = x - lastTarget <= radius ? target : 1 - target;
    }
    lastTarget = 1e9;
    for (let x = width - 1; x >= 0; x--) {
      if (data[row + x] === target) lastTarget = x;
      if (lastTarget - x <= radius) tmp[row + x] = target;
    }
  }
  // Vertical pass, row by row (cache-friendly): the last row holding the target, per column.
  const last = new Float64Array(width).fill(-1e9);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (tmp[row + x] === target) last[x] = y;
      out[row + x] = y - last[x]! <= radius ? target : 1 - target;
    }
  }
  last.fill(1e9);
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (tmp[row + x] === target) last[x] = y;
      if (last[x]! - y <= radius) out[row + x] = target;
    }
  }
  return { width, height, data: out };
}

export function erode(mask: Mask, radius: number): Mask {
  return filter1d(mask, radius, false);
}

export function dilate(mask: Mask, radius: number): Mask {
  return filter1d(mask, radius, true);
}

/** Removes specks thinner than 2 * radius + 1. */
export function morphOpen(mask: Mask, radius: number): Mask {
  return dilate(erode(mask, radius), radius);
}

/** Bridges cracks narrower than 2 * radius + 1. */
export function morphClose(mask: Mask, radius: number): Mask {
  return erode(dilate(mask, radius), radius);
}

/**
 * Labels the 8-connected components of the figure; returns labels (0 = background, 1..count) and
 * the area of each label.
 */
export function labelComponents(mask: Mask): { labels: Int32Array; areas: number[] } {
  const { width, height, data } = mask;
  const n = width * height;
  const labels = new Int32Array(n);
  const queue = new Int32Array(n);
  const areas = [0];
  for (let start = 0; start < n; start++) {
    if (!data[start] || labels[start]) continue;
    const label = areas.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    labels[start] = label;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (data[q] && !labels[q]) {
            labels[q] = label;
            queue[tail++] = q;
          }
        }
      }
    }
    areas.push(tail);
  }
  return { labels, areas };
}

export function largestComponent(mask: Mask): Mask {
  const { labels, areas } = labelComponents(mask);
  let best = 0;
  for (let l = 1; l < areas.length; l++) if (areas[l]! > (areas[best] ?? 0)) best = l;
  const data = new Uint8Array(mask.data.length);
  if (best > 0) for (let p = 0; p < data.length; p++) data[p] = labels[p] === best ? 1 : 0;
  return { width: mask.width, height: mask.height, data };
}

/** Fills every background region that does not touch the picture's border (4-connected). */
export function fillHoles(mask: Mask): Mask {
  const { width, height, data } = mask;
  const n = width * height;
  const outside = floodFromBorder(width, height, (p) => !data[p]);
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) out[p] = outside[p] ? 0 : 1;
  return { width, height, data: out };
}

export type BrushMode = 'add' | 'remove';

export interface BrushStroke {
  /** Centre of the brush in image pixels (x right, y down). */
  readonly xPx: number;
  readonly yPx: number;
  readonly radiusPx: number;
  readonly mode: BrushMode;
}

/** One dab of the mask brush: a filled circle added to or removed from the mask (a new mask). */
export function brushMask(mask: Mask, stroke: BrushStroke): Mask {
  const { width, height } = mask;
  const data = Uint8Array.from(mask.data);
  const value = stroke.mode === 'add' ? 1 : 0;
  const r = Math.max(0, stroke.radiusPx);
  const r2 = r * r;
  const y0 = Math.max(0, Math.floor(stroke.yPx - r));
  const y1 = Math.min(height - 1, Math.ceil(stroke.yPx + r));
  const x0 = Math.max(0, Math.floor(stroke.xPx - r));
  const x1 = Math.min(width - 1, Math.ceil(stroke.xPx + r));
  // Pixel centres are at (x + 0.5, y + 0.5).
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - stroke.yPx;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - stroke.xPx;
      if (dx * dx + dy * dy <= r2) data[y * width + x] = value;
    }
  }
  return { width, height, data };
}

export function countMask(mask: Mask): number {
  let count = 0;
  for (let p = 0; p < mask.data.length; p++) count += mask.data[p]! ? 1 : 0;
  return count;
}

/** Intersection over union of two masks of the same size (1 when both are empty). */
export function maskIoU(a: Mask, b: Mask): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('maskIoU: masks differ in size');
  let inter = 0;
  let union = 0;
  for (let p = 0; p < a.data.length; p++) {
    const x = a.data[p]! ? 1 : 0;
    const y = b.data[p]! ? 1 : 0;
    inter += x & y;
    union += x | y;
  }
  return union === 0 ? 1 : inter / union;
}
