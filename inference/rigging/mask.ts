import type { RgbaImage } from '../../core/render/types.js';
import { type Mask, RiggingError } from './types.js';

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

interface BackgroundModel {
  /** Per channel, coefficients of 1, u, v, u^2, uv, v^2 with u, v in [-1, 1]. */
  readonly coeffs: Float64Array;
  /** Typical colour distance of background pixels from the model (RGB units). */
  readonly noiseRgb: number;
  readonly width: number;
  readonly height: number;
}

/** Pixels of the border ring, thinned to about 8000 samples (plenty for 18 coefficients). */
function borderPixels(width: number, height: number, ring: number): Int32Array {
  const total = 2 * ring * (width + height);
  const stride = Math.max(1, Math.floor(total / 8000));
  const out: number[] = [];
  let i = 0;
  for (let y = 0; y < height; y++) {
    const edgeRow = y < ring || y >= height - ring;
    for (let x = 0; x < width; x++) {
      if (edgeRow || x < ring || x >= width - ring) {
        if (i++ % stride === 0) out.push(y * width + x);
      } else {
        x = width - ring - 1;
      }
    }
  }
  return Int32Array.from(out);
}

function basis(x: number, y: number, width: number, height: number, out: Float64Array): void {
  const u = (2 * x) / Math.max(1, width - 1) - 1;
  const v = (2 * y) / Math.max(1, height - 1) - 1;
  out[0] = 1;
  out[1] = u;
  out[2] = v;
  out[3] = u * u;
  out[4] = u * v;
  out[5] = v * v;
}

function modelColour(model: BackgroundModel, x: number, y: number, b: Float64Array, out: Float64Array): void {
  basis(x, y, model.width, model.height, b);
  for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let k = 0; k < 6; k++) s += model.coeffs[c * 6 + k]! * b[k]!;
    out[c] = s;
  }
}

/** The model's colour at every pixel (RGB, row-major): per row the quadratic is one in u only. */
function modelImage(model: BackgroundModel): Float32Array {
  const { width, height, coeffs } = model;
  const out = new Float32Array(width * height * 3);
  const du = 2 / Math.max(1, width - 1);
  for (let y = 0; y < height; y++) {
    const v = (2 * y) / Math.max(1, height - 1) - 1;
    for (let c = 0; c < 3; c++) {
      const k = c * 6;
      const c0 = coeffs[k]! + coeffs[k + 2]! * v + coeffs[k + 5]! * v * v;
      const c1 = coeffs[k + 1]! + coeffs[k + 4]! * v;
      const c2 = coeffs[k + 3]!;
      let i = y * width * 3 + c;
      for (let x = 0; x < width; x++, i += 3) {
        const u = x * du - 1;
        out[i] = c0 + (c1 + c2 * u) * u;
      }
    }
  }
  return out;
}

/** Least squares with two rounds of trimming (samples far from the fit are figure, not paper). */
function fitBackgroundModel(image: RgbaImage, samples: Int32Array): BackgroundModel {
  const { width, height, data } = image;
  let use = new Uint8Array(samples.length).fill(1);
  let coeffs = new Float64Array(18);
  let noiseRgb = 0;
  const b = new Float64Array(6);
  const colour = new Float64Array(3);
  for (let round = 0; round < 3; round++) {
    const ata = new Float64Array(36);
    const atb = new Float64Array(18);
    for (let i = 0; i < samples.length; i++) {
      if (!use[i]) continue;
      const p = samples[i]!;
      basis(p % width, Math.floor(p / width), width, height, b);
      for (let r = 0; r < 6; r++) {
        for (let c = 0; c < 6; c++) ata[r * 6 + c]! += b[r]! * b[c]!;
        for (let ch = 0; ch < 3; ch++) atb[ch * 6 + r]! += b[r]! * data[p * 4 + ch]!;
      }
    }
    // A little ridge keeps the solve stable when the samples are few or collinear.
    for (let r = 0; r < 6; r++) ata[r * 7]! += 1e-3;
    coeffs = new Float64Array(18);
    for (let ch = 0; ch < 3; ch++) {
      const solution = solve6(ata, atb.subarray(ch * 6, ch * 6 + 6));
      coeffs.set(solution, ch * 6);
    }
    const model = { coeffs, noiseRgb: 0, width, height };
    const distances = new Float64Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const p = samples[i]!;
      modelColour(model, p % width, Math.floor(p / width), b, colour);
      const dr = data[p * 4]! - colour[0]!;
      const dg = data[p * 4 + 1]! - colour[1]!;
      const db = data[p * 4 + 2]! - colour[2]!;
      distances[i] = Math.sqrt(dr * dr + dg * dg + db * db);
    }
    const sorted = Float64Array.from(distances).sort();
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    // For Gaussian noise of sigma per channel, the RGB distance has median ~1.54 sigma.
    noiseRgb = median;
    const cut = Math.max(12, 3 * median);
    use = new Uint8Array(samples.length);
    for (let i = 0; i < samples.length; i++) use[i] = distances[i]! <= cut ? 1 : 0;
  }
  return { coeffs, noiseRgb, width, height };
}

function solve6(ata: Float64Array, rhs: Float64Array): Float64Array {
  const n = 6;
  const m = new Float64Array(n * (n + 1));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) m[r * 7 + c] = ata[r * 6 + c]!;
    m[r * 7 + 6] = rhs[r]!;
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r * 7 + col]!) > Math.abs(m[pivot * 7 + col]!)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < 7; c++) {
        const t = m[col * 7 + c]!;
        m[col * 7 + c] = m[pivot * 7 + c]!;
        m[pivot * 7 + c] = t;
      }
    }
    const d = m[col * 7 + col]!;
    if (Math.abs(d) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r * 7 + col]! / d;
      if (f === 0) continue;
      for (let c = col; c < 7; c++) m[r * 7 + c]! -= f * m[col * 7 + c]!;
    }
  }
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const d = m[r * 7 + r]!;
    out[r] = Math.abs(d) < 1e-12 ? 0 : m[r * 7 + 6]! / d;
  }
  return out;
}

/** 4-connected flood fill from the border through pixels close to the background model. */
function floodBackground(image: RgbaImage, model: BackgroundModel, toleranceRgb?: number): Uint8Array {
  const { width, height, data } = image;
  // Noise-adaptive tolerance: well above the paper's own scatter, but not so high that pale
  // figure colours (skin on white paper) drown.
  const tolerance = toleranceRgb ?? Math.min(90, Math.max(24, 4 * model.noiseRgb + 16));
  const tol2 = tolerance * tolerance;
  const expected = modelImage(model);
  return floodFromBorder(width, height, (p) => {
    const dr = data[p * 4]! - expected[p * 3]!;
    const dg = data[p * 4 + 1]! - expected[p * 3 + 1]!;
    const db = data[p * 4 + 2]! - expected[p * 3 + 2]!;
    return dr * dr + dg * dg + db * db <= tol2;
  });
}

/**
 * 4-connected flood fill from every border pixel through the pixels `enters` accepts (asked once
 * per pixel); returns 1 for each pixel reached.
 */
function floodFromBorder(width: number, height: number, enters: (p: number) => boolean): Uint8Array {
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
