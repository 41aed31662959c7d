import type { RgbaImage } from '../../core/render/types.js';
import {
  countMask,
  dilate,
  erode,
  fillHoles,
  labelComponents,
  morphClose,
  morphOpen,
} from './maskMorphology.js';
import { borderPixels, fitBackgroundModel, floodBackground } from './paperBackground.js';
import { type Mask, RiggingError } from './types.js';

// The mask operations are also this module's to offer (the mask brush, tests, benches).
export {
  type BrushMode,
  type BrushStroke,
  brushMask,
  countMask,
  dilate,
  erode,
  fillHoles,
  labelComponents,
  largestComponent,
  maskIoU,
  morphClose,
  morphOpen,
} from './maskMorphology.js';

/**
 * Figure masks: from the alpha channel when the art has one, otherwise by separating the figure
 * from a plain or paper background. Pure functions over typed arrays (no I/O), so they run in the
 * worker and in tests alike.
 */

export type MaskSource = 'alpha' | 'background';

export interface MaskOptions {
  /** Alpha at or above which a pixel belongs to the figure (alpha masks). Default 1: any coverage. */
  readonly minAlpha?: number;
  /** Override of the colour distance (RGB, 0..441) beyond which a pixel is not background. */
  readonly toleranceRgb?: number;
}

/** Smallest figure we accept, as a fraction of the picture: below it the picture has "no figure". */
const MIN_FIGURE_FRACTION = 0.002;
/** Ink (share of the picture) a drawn shape needs to be a figure candidate: more than a line of writing. */
const MIN_SHAPE_INK = 0.002;
/**
 * A separate piece of the chosen shape smaller than this share of its largest piece is a mark on
 * the page beside the figure (a squiggle under a foot, a speck), not part of it: a stick figure's
 * head or a stroke drawn apart is far larger than that next to the rest of the figure.
 */
const MIN_PIECE_SHARE = 0.03;
/** Ink a figure needs, as a share of the picture. */
const MIN_FIGURE_INK = 0.005;
/** Smallest extent (bounding box diagonal) of a drawn figure, as a fraction of the picture's diagonal. */
const MIN_FIGURE_EXTENT = 0.1;

/**
 * The gap a stroke of one drawing may leave (a head not quite touching its body, an outline not
 * quite closed): about half a percent of the picture.
 */
export function strokeGap(width: number, height: number): number {
  return Math.max(2, Math.round(Math.max(width, height) / 200));
}

/** The figure mask of a picture; throws RiggingError('no-figure') when there is no figure. */
export function computeMask(
  image: RgbaImage,
  hasAlpha: boolean,
  options: MaskOptions = {},
): { mask: Mask; source: MaskSource } {
  const source: MaskSource = hasAlpha ? 'alpha' : 'background';
  const mask = hasAlpha ? maskFromAlpha(image, options.minAlpha) : maskFromBackground(image, options);
  const area = countMask(mask);
  const total = mask.width * mask.height;
  if (area < Math.max(16, MIN_FIGURE_FRACTION * total)) {
    throw new RiggingError(
      'no-figure',
      hasAlpha
        ? 'the picture is (almost) fully transparent: no figure found'
        : 'no figure found: the picture looks like plain background',
    );
  }
  // A speck or a small doodle on an empty page is no figure to rig.
  const extent = maskExtent(mask);
  if (
    !hasAlpha &&
    (extent < MIN_FIGURE_EXTENT * Math.hypot(mask.width, mask.height) || area < MIN_FIGURE_INK * total)
  ) {
    throw new RiggingError(
      'no-figure',
      `no figure found: the largest drawn shape (${Math.round((100 * extent) / Math.hypot(mask.width, mask.height))}% of the page across) is too small to be a figure`,
    );
  }
  if (!hasAlpha && area > 0.98 * total) {
    throw new RiggingError(
      'no-figure',
      'no figure found: the picture has no plain background around the figure (use a PNG with transparency)',
    );
  }
  return { mask, source };
}

/** Every pixel with alpha >= minAlpha. Transparent holes stay holes: alpha is the artist's word. */
export function maskFromAlpha(image: RgbaImage, minAlpha = 1): Mask {
  const n = image.width * image.height;
  const data = new Uint8Array(n);
  const src = image.data;
  for (let p = 0; p < n; p++) data[p] = src[p * 4 + 3]! >= minAlpha ? 1 : 0;
  return { width: image.width, height: image.height, data };
}

/**
 * Separates a figure from a plain or paper background:
 * 1. a colour model of the background: per channel a quadratic in (x, y) fitted to the border
 *    pixels (robustly, so a figure touching the border does not spoil it), which follows paper
 *    shading and vignetting;
 * 2. a flood fill from the border through pixels within a tolerance of the model (the tolerance
 *    adapts to the paper's noise); the model is then refitted on all background pixels found and
 *    the fill repeated;
 * 3. morphological opening then closing (radius 1 px per ~700 px of picture) to drop specks and
 *    smooth the outline; 4. the largest component; 5. holes filled.
 */
export function maskFromBackground(image: RgbaImage, options: MaskOptions = {}): Mask {
  const { width, height } = image;
  const borderSamples = borderPixels(width, height, Math.max(2, Math.round(Math.min(width, height) / 200)));
  let model = fitBackgroundModel(image, borderSamples);
  let background = floodBackground(image, model, options.toleranceRgb);
  // Refit on a subsample of everything the first fill called background: a better model of the
  // shading away from the border.
  const refitSamples: number[] = [];
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 8000)));
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      if (background[y * width + x]) refitSamples.push(y * width + x);
    }
  }
  if (refitSamples.length > 64) {
    model = fitBackgroundModel(image, Int32Array.from(refitSamples));
    background = floodBackground(image, model, options.toleranceRgb);
  }
  const figure = new Uint8Array(width * height);
  for (let p = 0; p < figure.length; p++) figure[p] = background[p] ? 0 : 1;
  let mask: Mask = { width, height, data: figure };
  const radius = Math.max(1, Math.round(Math.max(width, height) / 700));
  mask = morphClose(morphOpen(mask, radius), radius);
  // Strokes of one drawing lie close together; a doodle or a note beside it does not. The gap a
  // stroke may leave (a head not quite touching its body, an outline not quite closed) is about
  // half a percent of the picture.
  const gap = strokeGap(width, height);
  mask = largestCoherentShape(mask, gap);
  // Close the strokes' small gaps so an outline drawing becomes one fillable figure (half the
  // grouping gap: wider closing would weld a raised arm to the head beside it).
  return closeOutlines(mask, Math.max(1, Math.round(gap / 2)));
}

/**
 * The figure filled, with the cracks narrower than 2 * radius + 1 bridged only where bridging
 * closes off a region: an outline not quite closed is sealed and its inside filled, while a narrow
 * gap open to the outside (between two outlined legs, an arm drawn close to the body) stays open.
 * A plain closing welded such legs into one, and the fit then saw a figure with a single leg.
 */
export function closeOutlines(mask: Mask, radius: number): Mask {
  const closed = morphClose(mask, radius);
  const sealedOrClosed = fillHoles(closed);
  const { width, height } = mask;
  const sealed = new Uint8Array(width * height);
  let any = false;
  for (let p = 0; p < sealed.length; p++) {
    if (sealedOrClosed.data[p] && !closed.data[p]) {
      sealed[p] = 1;
      any = true;
    }
  }
  const out = fillHoles(mask);
  if (!any) return out;
  // The bridges that seal those regions: pixels the closing added next to them.
  const nearSealed = dilate({ width, height, data: sealed }, radius + 1);
  for (let p = 0; p < sealed.length; p++) {
    if (sealed[p] || (closed.data[p] && nearSealed.data[p])) out.data[p] = 1;
  }
  // The bridges and the sealed region form one shape with the figure: fill what they enclose.
  return fillHoles(out);
}

/**
 * The largest coherent drawn shape: components closer than `gap` to each other form one shape
 * (a stick figure's head and body, a drawing's separate strokes); the shape whose extent (its
 * bounding box's diagonal) is largest wins, so a long thin stroke figure beats a solid blob of
 * ink that is smaller on the page.
 */
export function largestCoherentShape(mask: Mask, gap: number): Mask {
  const grouped = dilate(mask, gap);
  const { labels, areas } = labelComponents(grouped);
  const { width, height, data } = mask;
  const count = areas.length;
  const x0 = new Int32Array(count).fill(width);
  const y0 = new Int32Array(count).fill(height);
  const x1 = new Int32Array(count).fill(-1);
  const y1 = new Int32Array(count).fill(-1);
  const ink = new Float64Array(count);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!data[p]) continue;
      const l = labels[p]!;
      ink[l]!++;
      if (x < x0[l]!) x0[l] = x;
      if (x > x1[l]!) x1[l] = x;
      if (y < y0[l]!) y0[l] = y;
      if (y > y1[l]!) y1[l] = y;
    }
  }
  let best = 0;
  let bestScore = -1;
  // A line of writing can be long; a figure also has some ink to it.
  const minInk = MIN_SHAPE_INK * width * height;
  for (let l = 1; l < count; l++) {
    if (ink[l]! < minInk) continue;
    const score = Math.hypot(x1[l]! - x0[l]! + 1, y1[l]! - y0[l]! + 1);
    if (score > bestScore) {
      bestScore = score;
      best = l;
    }
  }
  const out = new Uint8Array(data.length);
  if (best > 0) for (let p = 0; p < out.length; p++) out[p] = data[p] && labels[p] === best ? 1 : 0;
  return withoutMinorPieces({ width, height, data: out });
}

/**
 * The mask without the pieces smaller than MIN_PIECE_SHARE of its largest piece, each measured
 * with its holes filled (a head drawn as a ring counts as the disc it will be).
 */
function withoutMinorPieces(mask: Mask): Mask {
  const { labels, areas } = labelComponents(fillHoles(mask));
  const largest = Math.max(0, ...areas.slice(1));
  const keep = areas.map((area, l) => l > 0 && area >= MIN_PIECE_SHARE * largest);
  if (keep.slice(1).every(Boolean)) return mask;
  const data = new Uint8Array(mask.data.length);
  for (let p = 0; p < data.length; p++) data[p] = mask.data[p] && keep[labels[p]!] ? 1 : 0;
  return { width: mask.width, height: mask.height, data };
}

/**
 * A solid piece smaller than this share of the figure's largest solid piece, touching a bigger one
 * only through a pinch, is a mark that ran into the figure (a star drawn beside a hand, which the
 * photo's perspective made touch it).
 */
const MAX_PINCHED_MARK_SHARE = 0.05;

/**
 * The mask without marks that touch the figure at a pinch. The mask's solid pieces are what an
 * erosion by `radius` leaves (strokes thinner than 2 * radius + 1 vanish); every figure pixel
 * belongs to the solid piece nearest to it inside the figure (a geodesic Voronoi split). A small
 * solid piece whose pixels meet a bigger piece's within a short path (a pinch: the two shapes
 * only touch) is dropped with every pixel that belongs to it. A fist at the end of a stroke arm
 * is kept: the stroke is long, so its solid piece meets no other one nearby. Returns the mask
 * itself when nothing is dropped.
 */
export function withoutPinchedMarks(mask: Mask, radius: number): Mask {
  const { width, height, data } = mask;
  const n = width * height;
  const { labels: coreLabels, areas } = labelComponents(erode(mask, radius));
  if (areas.length < 3) return mask;
  const largest = Math.max(...areas.slice(1));
  // Geodesic Voronoi: breadth-first from every solid pixel at once, through figure pixels.
  const owner = new Int32Array(n);
  const steps = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let p = 0; p < n; p++) {
    if (!coreLabels[p]) continue;
    owner[p] = coreLabels[p]!;
    steps[p] = 0;
    queue[tail++] = p;
  }
  for (let head = 0; head < tail; head++) {
    const p = queue[head]!;
    const x = p % width;
    for (const q of [p - 1, p + 1, p - width, p + width]) {
      if (q < 0 || q >= n || !data[q] || steps[q]! >= 0) continue;
      if ((q === p - 1 && x === 0) || (q === p + 1 && x === width - 1)) continue;
      steps[q] = steps[p]! + 1;
      owner[q] = owner[p]!;
      queue[tail++] = q;
    }
  }
  // Where two owners meet, and how short the path through the meeting point is.
  const dropped = new Set<number>();
  for (let p = 0; p < n; p++) {
    const a = owner[p]!;
    if (!a) continue;
    const x = p % width;
    for (const q of x < width - 1 ? [p + 1, p + width] : [p + width]) {
      if (q >= n) continue;
      const b = owner[q]!;
      if (!b || b === a) continue;
      const [small, big] = areas[a]! <= areas[b]! ? [a, b] : [b, a];
      if (areas[small]! >= MAX_PINCHED_MARK_SHARE * largest) continue;
      // A pinch: the pieces come within about two solid radii of the small piece (plus the
      // erosion) of each other; a limb drawn as a stroke between them is far longer.
      const reach = 2.5 * Math.sqrt(areas[small]! / Math.PI) + 2 * radius + 2;
      if (steps[p]! + steps[q]! + 1 <= reach && areas[big]! > areas[small]!) dropped.add(small);
    }
  }
  if (dropped.size === 0) return mask;
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) out[p] = data[p] && !dropped.has(owner[p]!) ? 1 : 0;
  // Pixels of no solid piece (a stroke drawn apart) stay; slivers left apart are dropped.
  return withoutMinorPieces({ width, height, data: out });
}

/** Extent of a mask's figure: its bounding box's diagonal (0 when empty). */
export function maskExtent(mask: Mask): number {
  let x0 = mask.width;
  let y0 = mask.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < mask.height; y++) {
    const row = y * mask.width;
    for (let x = 0; x < mask.width; x++) {
      if (!mask.data[row + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? 0 : Math.hypot(x1 - x0 + 1, y1 - y0 + 1);
}
