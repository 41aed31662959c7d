import type { RgbaImage } from '../../../core/render/types.js';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import type { Skeleton } from '../../../core/skeleton/types.js';
import type { Mask } from '../../../inference/rigging/types.js';

/**
 * A drawn humanoid whose joints are known: capsules between joints (in image pixels, y down) and
 * a disc for the head. Coverage is analytic (signed distance, 1 px antialiasing), so the true mask
 * is coverage >= 0.5. Used by the mask, fit and weight tests and by the rigging bench.
 */

export type Pt = [number, number];

export interface SyntheticFigure {
  readonly width: number;
  readonly height: number;
  /** Keypose joint name -> true position in image pixels. */
  readonly joints: Record<string, Pt>;
  /** Top of the head and bottom of the feet (image y), for the figure's height. */
  readonly topPx: number;
  readonly bottomPx: number;
  /** Per pixel coverage 0..1. */
  readonly coverage: Float32Array;
  /** Per pixel index of the shape that covers it (for colouring), -1 outside. */
  readonly part: Int8Array;
}

interface Capsule {
  a: Pt;
  b: Pt;
  r: number;
  part: number;
}

export function trueMask(figure: SyntheticFigure): Mask {
  const data = new Uint8Array(figure.width * figure.height);
  for (let p = 0; p < data.length; p++) data[p] = figure.coverage[p]! >= 0.5 ? 1 : 0;
  return { width: figure.width, height: figure.height, data };
}

/**
 * A figure of height `figureHeightPx` centred in a width x height picture, in T-pose
 * (armAngleDeg 0) or A-pose (arms lowered by armAngleDeg).
 */
export function drawHumanoid(opts: {
  width: number;
  height: number;
  figureHeightPx: number;
  armAngleDeg?: number;
  /** Horizontal distance between the inner edges of the legs at the ankles, in pixels. */
  legGapPx?: number;
  /** Cartoon proportions: the head takes 40% of the height, body and limbs are squashed. */
  chibi?: boolean;
}): SyntheticFigure {
  const { width, height } = opts;
  const h = opts.figureHeightPx;
  const cx = width / 2;
  const feetY = height / 2 + h / 2;
  // Chibi: heights below the chin (0.86) squeezed into 0.6, the head stretched over the rest.
  const chibi = opts.chibi === true;
  const bodyScale = chibi ? 0.6 / 0.86 : 1;
  const headScale = chibi ? 0.4 / 0.14 : 1;
  const remap = (y: number) => (!chibi ? y : y <= 0.86 ? y * bodyScale : 0.6 + (y - 0.86) * headScale);
  const limb = chibi ? 0.85 : 1;
  // y up from the soles, as fractions of h, like the default humanoid.
  const at = (x: number, y: number): Pt => [cx + x * h, feetY - remap(y) * h];
  const angle = ((opts.armAngleDeg ?? 0) * Math.PI) / 180;
  const shoulderL = at(0.11, 0.8);
  const armDir = (side: number, len: number, from: Pt): Pt => [
    from[0] + side * Math.cos(angle) * len * bodyScale * h,
    from[1] + Math.sin(angle) * len * bodyScale * h,
  ];
  const elbowL = armDir(1, 0.15, shoulderL);
  const wristL = armDir(1, 0.14, elbowL);
  const handL = armDir(1, 0.06, wristL);
  const shoulderR = at(-0.11, 0.8);
  const elbowR = armDir(-1, 0.15, shoulderR);
  const wristR = armDir(-1, 0.14, elbowR);
  const handR = armDir(-1, 0.06, wristR);
  const thighR = 0.045;
  const shinR = 0.035;
  // Hip x so that the ankles' inner edges are legGapPx apart when asked (legs straight down).
  // The legs are centred on a pixel centre then, so an odd gap is a whole number of pixels.
  const hipX = opts.legGapPx !== undefined ? (opts.legGapPx / 2 + shinR * h) / h : 0.08;
  const legShift = opts.legGapPx !== undefined ? 0.5 / h : 0;
  const joints: Record<string, Pt> = {
    Hips: at(0, 0.53),
    Spine: at(0, 0.6),
    Chest: at(0, 0.7),
    Neck: at(0, 0.83),
    Head: at(0, 0.87),
    LeftShoulder: at(0.03, 0.8),
    LeftArm: shoulderL,
    LeftForeArm: elbowL,
    LeftHand: wristL,
    RightShoulder: at(-0.03, 0.8),
    RightArm: shoulderR,
    RightForeArm: elbowR,
    RightHand: wristR,
    LeftUpLeg: at(legShift + hipX, 0.5),
    LeftLeg: at(legShift + hipX, 0.28),
    LeftFoot: at(legShift + hipX, 0.05),
    LeftToeBase: at(legShift + hipX + 0.03, 0.015),
    RightUpLeg: at(legShift - hipX, 0.5),
    RightLeg: at(legShift - hipX, 0.28),
    RightFoot: at(legShift - hipX, 0.05),
    RightToeBase: at(legShift - hipX - 0.03, 0.015),
  };
  const j = (name: string) => joints[name]!;
  const capsules: Capsule[] = [
    // Torso: a wide capsule pair (chest and pelvis) so the outline has a waist.
    { a: at(0, 0.74), b: at(0, 0.66), r: 0.085 * h, part: 1 },
    { a: at(0, 0.62), b: at(0, 0.52), r: 0.08 * h, part: 2 },
    { a: at(0, 0.8), b: at(0, chibi ? 0.875 : 0.86), r: 0.025 * h, part: 0 },
    { a: at(-0.1, 0.79), b: at(0.1, 0.79), r: 0.035 * h, part: 1 },
    { a: j('LeftArm'), b: j('LeftForeArm'), r: 0.028 * h * limb, part: 1 },
    { a: j('LeftForeArm'), b: j('LeftHand'), r: 0.023 * h * limb, part: 0 },
    { a: j('LeftHand'), b: handL, r: 0.022 * h * limb, part: 0 },
    { a: j('RightArm'), b: j('RightForeArm'), r: 0.028 * h * limb, part: 1 },
    { a: j('RightForeArm'), b: j('RightHand'), r: 0.023 * h * limb, part: 0 },
    { a: j('RightHand'), b: handR, r: 0.022 * h * limb, part: 0 },
    { a: j('LeftUpLeg'), b: j('LeftLeg'), r: thighR * h * limb, part: 2 },
    { a: j('LeftLeg'), b: j('LeftFoot'), r: shinR * h * limb, part: 2 },
    { a: j('LeftFoot'), b: j('LeftToeBase'), r: 0.02 * h * limb, part: 3 },
    { a: j('RightUpLeg'), b: j('RightLeg'), r: thighR * h * limb, part: 2 },
    { a: j('RightLeg'), b: j('RightFoot'), r: shinR * h * limb, part: 2 },
    { a: j('RightFoot'), b: j('RightToeBase'), r: 0.02 * h * limb, part: 3 },
  ];
  const headCentre = at(0, 0.935);
  const headR = 0.065 * headScale * h;
  if (opts.legGapPx !== undefined) {
    // Straight parallel legs whose gap is exact: same radius from hip to ankle.
    for (const c of capsules) if (c.part === 2 && c.a[1] >= at(0, 0.5)[1] - 1) c.r = shinR * h;
  }
  const coverage = new Float32Array(width * height);
  const part = new Int8Array(width * height).fill(-1);
  // Only pixels near the figure's bounding box need work.
  const x0 = Math.max(0, Math.floor(cx - 0.6 * h));
  const x1 = Math.min(width - 1, Math.ceil(cx + 0.6 * h));
  const y0 = Math.max(0, Math.floor(feetY - 1.05 * h));
  if (chibi) {
    // The torso shrinks with the body.
    for (const c of capsules.slice(0, 4)) c.r *= limb;
  }
  const y1 = Math.min(height - 1, Math.ceil(feetY + 2));
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      let best = Math.hypot(px - headCentre[0], py - headCentre[1]) - headR;
      let bestPart = 0;
      for (const c of capsules) {
        const dx = c.b[0] - c.a[0];
        const dy = c.b[1] - c.a[1];
        const len2 = dx * dx + dy * dy;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - c.a[0]) * dx + (py - c.a[1]) * dy) / len2)) : 0;
        const d = Math.hypot(px - c.a[0] - t * dx, py - c.a[1] - t * dy) - c.r;
        if (d < best) {
          best = d;
          bestPart = c.part;
        }
      }
      const cov = Math.min(1, Math.max(0, 0.5 - best));
      coverage[y * width + x] = cov;
      if (cov > 0) part[y * width + x] = bestPart;
    }
  }
  return { width, height, joints, topPx: headCentre[1] - headR, bottomPx: feetY, coverage, part };
}

/** Deterministic pseudo-random numbers (mulberry32), so test pictures are the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PART_COLOURS: [number, number, number][] = [
  [236, 196, 164], // skin
  [60, 110, 190], // shirt
  [70, 70, 80], // trousers
  [120, 70, 40], // shoes
];

/**
 * The figure drawn on off-white paper: a shading gradient and vignette across the paper, noise,
 * a dark outline and shaded fills. No alpha.
 */
export function renderOnPaper(figure: SyntheticFigure, seed = 1): RgbaImage {
  const { width, height, coverage, part } = figure;
  const random = seededRandom(seed);
  const gauss = () => {
    const u = Math.max(1e-9, random());
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const u = x / width - 0.5;
      const v = y / height - 0.5;
      // Paper: lit from the top left, darker in the corners.
      const shade = 1 - 0.06 * (u + v) - 0.18 * (u * u + v * v);
      const paper = [247 * shade, 242 * shade, 230 * shade];
      const cov = coverage[p]!;
      let colour = paper;
      if (cov > 0) {
        const base = PART_COLOURS[Math.max(0, part[p]!)]!;
        const lit = 0.85 + 0.15 * (1 - v);
        const fill = [base[0] * lit, base[1] * lit, base[2] * lit];
        colour = [0, 1, 2].map((c) => cov * fill[c]! + (1 - cov) * paper[c]!);
      }
      for (let c = 0; c < 3; c++) {
        data[p * 4 + c] = Math.max(0, Math.min(255, Math.round(colour[c]! + 3 * gauss())));
      }
      data[p * 4 + 3] = 255;
    }
  }
  return { width, height, data };
}

/** The figure with straight alpha = coverage over transparent pixels. */
export function renderWithAlpha(figure: SyntheticFigure): RgbaImage {
  const { width, height, coverage, part } = figure;
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const cov = coverage[p]!;
    if (cov <= 0) continue;
    const base = PART_COLOURS[Math.max(0, part[p]!)]!;
    data[p * 4] = base[0];
    data[p * 4 + 1] = base[1];
    data[p * 4 + 2] = base[2];
    data[p * 4 + 3] = Math.round(cov * 255);
  }
  return { width, height, data };
}

/** The default humanoid with its rest positions moved onto the figure's true joints. */
export function skeletonFromFigure(figure: SyntheticFigure): Skeleton {
  const base = createDefaultHumanoid();
  return {
    joints: base.joints.map((joint) => {
      const p = figure.joints[joint.name];
      if (!p) return joint;
      return {
        ...joint,
        restPosition: [p[0] - figure.width / 2, figure.height / 2 - p[1], joint.restPosition[2]],
      };
    }),
  };
}
