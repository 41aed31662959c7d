import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import type { TemplateKind } from '../../core/skeleton/templates.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { type BodyPoseResult, detectBodyPose } from '../pose/detectBodyPose.js';
import type { FitResult } from './fit.js';
import { computeMask, type MaskSource } from './mask.js';
import { fitFigure } from './medial/fitFigure.js';
import { buildPartHints, type PartLayer } from './partHints.js';
import { fitFromBodyPose } from './poseFit.js';
import { type Mask, RiggingError, throwIfAborted } from './types.js';
import { computeSkinWeights, type PartHints, prepareWeightGrid, type WeightGrid } from './weights.js';

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

export type RigStage = 'mask' | 'fit' | 'weights' | 'done';

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
  readonly weights: SkinWeights;
  readonly partHints?: PartHints;
  /** The mask's weight graph: pass it back to computeSkinWeights when only joints move (Fit mode). */
  readonly grid: WeightGrid;
  readonly timingsMs: Readonly<Record<'mask' | 'fit' | 'weights', number>>;
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

/** Lets the event loop run (so a cancel message can arrive) between stages. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The whole automatic rig as one job: mask -> skeleton fit -> skin weights, with progress (0..1
 * and the stage's name) and cancellation (the signal is checked between stages and inside the
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
    const computed = computeMask(image, input.hasAlpha);
    mask = computed.mask;
    maskSource = computed.source;
  }
  const maskMs = performance.now() - t;
  report(0.25, 'fit');
  await yieldToEventLoop();
  throwIfAborted(signal);

  t = performance.now();
  let fit: FitResult | undefined;
  let skeleton: Skeleton;
  if (input.skeleton) {
    skeleton = input.skeleton;
  } else {
    fit = await automaticFit(image, mask, options);
    skeleton = fit.skeleton;
  }
  const fitMs = performance.now() - t;
  throwIfAborted(signal);
  report(0.35, 'weights');
  await yieldToEventLoop();
  throwIfAborted(signal);

  t = performance.now();
  const partHints = input.layers
    ? buildPartHints(input.layers, image.width, image.height, skeleton)
    : undefined;
  const grid = prepareWeightGrid(mask);
  throwIfAborted(signal);
  const weights = computeSkinWeights({
    grid,
    mask: mask.data,
    width: image.width,
    height: image.height,
    skeleton,
    ...(partHints ? { partHints } : {}),
    ...(signal ? { signal } : {}),
    onProgress: (f) => report(0.35 + 0.65 * f, 'weights'),
  });
  const weightsMs = performance.now() - t;
  report(1, 'done');
  return {
    mask,
    maskSource,
    skeleton,
    ...(fit ? { fit } : {}),
    weights,
    ...(partHints ? { partHints } : {}),
    grid,
    timingsMs: { mask: maskMs, fit: fitMs, weights: weightsMs },
  };
}
