import type { RgbaImage } from '../../core/render/types.js';
import type { TemplateKind } from '../../core/skeleton/templates.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { type BodyPoseResult, detectBodyPose } from '../pose/detectBodyPose.js';
import type { FitResult } from './fit.js';
import { computeMask, type MaskSource, strokeGap, withoutPinchedMarks } from './mask.js';
import { fitFigure } from './medial/fitFigure.js';
import { buildPartHints, type PartHints, type PartLayer } from './partHints.js';
import { fitFromBodyPose } from './poseFit.js';
import { type Mask, RiggingError, throwIfAborted } from './types.js';

export interface RigInput {
  /** The art, straight alpha. */
  readonly image: RgbaImage;
  /** Whether the art's alpha channel carries the figure (else the background is separated). */
  readonly hasAlpha: boolean;
  /** Named layers (PSD) used as part hints. */
  readonly layers?: readonly PartLayer[];
  /** A mask the user already has (edited with the brush): skips mask extraction. */
  readonly mask?: Mask;
  /** A skeleton already placed (an Animated Drawings rig, or the user's own): skips the fit. */
  readonly skeleton?: Skeleton;
}

export type RigStage = 'mask' | 'fit' | 'done';

export interface RigProgress {
  /** 0..1 over the whole job. */
  readonly fraction: number;
  readonly stage: RigStage;
}

export interface RigOptions {
  readonly onProgress?: (progress: RigProgress) => void;
  readonly signal?: AbortSignal;
  /**
   * 'auto' (default): run the body pose model (MoveNet, offline) on the picture and fit the
   * skeleton to the person it finds, if it finds this figure; else, and with 'off', the
   * silhouette fit. A pose model that fails to load is a warning, never a failed rig.
   */
  readonly poseModel?: 'auto' | 'off';
  /** Folder of the pose model's files (default: the one inside @vladmandic/human). */
  readonly poseModelsDir?: string;
  /**
   * The skeleton template: 'auto' (default) chooses it from the figure's medial axis (humanoid,
   * quadruped, six-limbed, or a free chain); a kind forces it (the import dialog's choice).
   */
  readonly template?: TemplateKind | 'auto';
}

export interface RigResult {
  readonly mask: Mask;
  readonly maskSource: MaskSource | 'given';
  readonly skeleton: Skeleton;
  /**
   * When the skeleton was fitted here: how (fit.method 'pose-model' or 'silhouette'), how each
   * joint was placed (fit.sources), which joints are template guesses (fit.templatedJoints) and
   * why the pose model was not used, if it was not (fit.warnings).
   */
  readonly fit?: FitResult;
  /** Which joints may own which pixels, from the PSD's named layers (the parts rig uses them). */
  readonly partHints?: PartHints;
  readonly timingsMs: Readonly<Record<'mask' | 'fit', number>>;
}

/**
 * The automatic fit: the pose model's where it finds this figure, else the silhouette's. Every
 * pose-model problem (not installed, failed to start, no person, another person) ends in the
 * silhouette fit, with the reason in fit.warnings when it is worth telling.
 */
async function automaticFit(image: RigInput['image'], mask: Mask, options: RigOptions): Promise<FitResult> {
  const silhouette = fitFigure(mask, { template: options.template ?? 'auto' });
  // The pose model knows people only: other templates keep the medial-axis fit.
  if (options.poseModel === 'off' || silhouette.template !== 'humanoid') return silhouette;
  let pose: BodyPoseResult | null;
  try {
    pose = await detectBodyPose(image, options.poseModelsDir ? { modelsDir: options.poseModelsDir } : {});
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ...silhouette,
      warnings: [`The pose model could not run (${reason}); the silhouette fit was used.`],
    };
  }
  // No person at all is the normal case for a drawing: no warning.
  if (!pose) return silhouette;
  const outcome = fitFromBodyPose(mask, pose, silhouette);
  if (outcome.fit) return { ...outcome.fit, template: 'humanoid', templateReason: silhouette.templateReason };
  return { ...silhouette, warnings: [`Silhouette fit: ${outcome.rejected}.`] };
}

const MARK_LEFT_OUT =
  'A mark on the page touching the figure was left out of it; paint it back in Fit mode if it belongs.';

/** Lets the event loop run (so a cancel message can arrive) between stages. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The whole automatic rig as one job: mask -> skeleton fit (and the PSD's part hints), with
 * progress (0..1 and the stage's name) and cancellation (the signal is checked between stages and inside the
 * long loops; a cancelled job rejects with RiggingError code 'cancelled').
 */
export async function rigCharacter(input: RigInput, options: RigOptions = {}): Promise<RigResult> {
  const { signal, onProgress } = options;
  const { image } = input;
  if (image.width <= 0 || image.height <= 0 || image.data.length !== image.width * image.height * 4) {
    throw new RiggingError(
      'invalid-input',
      `the picture's pixels do not match its size ${image.width}x${image.height}`,
    );
  }
  const report = (fraction: number, stage: RigStage) => onProgress?.({ fraction, stage });
  throwIfAborted(signal);
  report(0, 'mask');

  let t = performance.now();
  let mask: Mask;
  let maskSource: MaskSource | 'given';
  if (input.mask) {
    if (input.mask.width !== image.width || input.mask.height !== image.height) {
      throw new RiggingError('invalid-input', 'the mask and the picture differ in size');
    }
    mask = input.mask;
    maskSource = 'given';
  } else {
    // Big pictures (a 12-megapixel photo) are separated on a copy of about WORK_PIXELS and the
    // mask scaled back up: the outline loses nothing the rig can use, and it takes a tenth of the time.
    const work = workingCopy(image);
    const computed = computeMask(work, input.hasAlpha);
    mask = work === image ? computed.mask : upscaleMask(computed.mask, image.width, image.height);
    maskSource = computed.source;
  }
  const maskMs = performance.now() - t;
  // The mask takes most of a rig without the pose model (1.3 s of 1.4 s on a 12 MP photo).
  report(0.6, 'fit');
  await yieldToEventLoop();
  throwIfAborted(signal);

  t = performance.now();
  let fit: FitResult | undefined;
  let skeleton: Skeleton;
  if (input.skeleton) {
    skeleton = input.skeleton;
  } else {
    fit = await automaticFit(image, mask, options);
    if (maskSource === 'background' && fit.template === 'chain' && (options.template ?? 'auto') === 'auto') {
      // A figure that fits no template may have a mark on the page running into it (a photo's
      // perspective brings a doodle into contact with a hand): fitted without it, it may.
      // The contact is as wide as the strokes, or wider where the outlines' closing filled the
      // wedge beside it: wider pinches are tried until one fit finds the template.
      for (const times of [1, 2, 3]) {
        const cleaned = withoutPinchedMarks(mask, times * strokeGap(mask.width, mask.height));
        if (cleaned === mask) continue;
        const refit = await automaticFit(image, cleaned, options);
        if (refit.template === 'chain') continue;
        mask = cleaned;
        fit = { ...refit, warnings: [...refit.warnings, MARK_LEFT_OUT] };
        break;
      }
    }
    skeleton = fit.skeleton;
  }
  const partHints = input.layers
    ? buildPartHints(input.layers, image.width, image.height, skeleton)
    : undefined;
  const fitMs = performance.now() - t;
  throwIfAborted(signal);
  // No skin weights here: the frame engine builds its layered parts rig (inference/rigging/parts/)
  // from the skeleton, the mask and the part hints when the character is loaded.
  report(1, 'done');
  return {
    mask,
    maskSource,
    skeleton,
    ...(fit ? { fit } : {}),
    ...(partHints ? { partHints } : {}),
    timingsMs: { mask: maskMs, fit: fitMs },
  };
}

/** Pixels the mask is computed on, at most (about 1300 x 900). */
const WORK_PIXELS = 1_200_000;

function workScale(width: number, height: number): number {
  return Math.min(1, Math.sqrt(WORK_PIXELS / (width * height)));
}

/** For each source column (or row), the working cell it falls in. */
function cellIndex(from: number, to: number): Int32Array {
  const out = new Int32Array(from);
  for (let i = 0; i < from; i++) out[i] = Math.min(to - 1, Math.floor((i * to) / from));
  return out;
}

/** The picture box-filtered down to about WORK_PIXELS (itself when small enough). */
export function workingCopy(image: RgbaImage): RgbaImage {
  const scale = workScale(image.width, image.height);
  if (scale >= 1) return image;
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const sum = new Float32Array(w * h * 4);
  const count = new Float32Array(w * h);
  const { width, height, data } = image;
  const cols = cellIndex(width, w);
  const rows = cellIndex(height, h);
  for (let y = 0; y < height; y++) {
    const row = rows[y]! * w;
    for (let x = 0; x < width; x++) {
      const cell = row + cols[x]!;
      const p = (y * width + x) * 4;
      const q = cell * 4;
      sum[q]! += data[p]!;
      sum[q + 1]! += data[p + 1]!;
      sum[q + 2]! += data[p + 2]!;
      sum[q + 3]! += data[p + 3]!;
      count[cell]!++;
    }
  }
  const out = new Uint8Array(w * h * 4);
  for (let c = 0; c < w * h; c++) for (let k = 0; k < 4; k++) out[c * 4 + k] = sum[c * 4 + k]! / count[c]!;
  return { width: w, height: h, data: out };
}

/** A mask scaled up to width x height: bilinear coverage thresholded at one half (smooth edges). */
export function upscaleMask(mask: Mask, width: number, height: number): Mask {
  const out = new Uint8Array(width * height);
  const sx = mask.width / width;
  const sy = mask.height / height;
  const m = mask.data;
  const mw = mask.width;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(mask.height - 1, Math.floor(fy));
    const y1 = Math.min(mask.height - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(mw - 1, Math.floor(fx));
      const x1 = Math.min(mw - 1, x0 + 1);
      const tx = fx - x0;
      const v =
        (m[y0 * mw + x0]! * (1 - tx) + m[y0 * mw + x1]! * tx) * (1 - ty) +
        (m[y1 * mw + x0]! * (1 - tx) + m[y1 * mw + x1]! * tx) * ty;
      out[y * width + x] = v >= 0.5 ? 1 : 0;
    }
  }
  return { width, height, data: out };
}
