import { fitHumanoidToMask } from '../inference/rigging/fit.js';
import { computeMask, maskIoU } from '../inference/rigging/mask.js';
import {
  drawHumanoid,
  renderOnPaper,
  renderWithAlpha,
  trueMask,
} from '../tests/inference/rigging/syntheticFigure.js';

/**
 * Rigging figures on a synthetic 1024 px humanoid whose true mask and joints are known: time of
 * each stage (median of several runs, ms), mask IoU against the truth and the fit's worst joint
 * error as a fraction of the figure's height. (The rig computes no skin weights: the frame engine
 * renders layered parts, timed in bench/engine.bench.ts.)
 */
export async function runRiggingBench(opts: { quick?: boolean } = {}): Promise<object> {
  const runs = opts.quick ? 1 : 5;
  const sizePx = 1024;
  const figure = drawHumanoid({ width: sizePx, height: sizePx, figureHeightPx: 900, armAngleDeg: 15 });
  const truth = trueMask(figure);
  const paper = renderOnPaper(figure, 1);
  const alpha = renderWithAlpha(figure);

  // The first call includes V8's compilation of the hot loops; the median of the later calls is
  // what a user sees on every later import.
  const time = <T>(runs: number, fn: () => T): { ms: number; firstMs: number; value: T } => {
    const samples: number[] = [];
    let value: T | undefined;
    for (let i = 0; i < runs + 1; i++) {
      const t = performance.now();
      value = fn();
      samples.push(performance.now() - t);
    }
    const firstMs = round(samples[0]!);
    const rest = samples.slice(1).sort((a, b) => a - b);
    return { ms: round(rest[Math.floor(rest.length / 2)]!), firstMs, value: value as T };
  };

  const maskPaper = time(runs, () => computeMask(paper, false).mask);
  const maskAlpha = time(runs, () => computeMask(alpha, true).mask);
  const fit = time(runs, () => fitHumanoidToMask(truth));

  const heightPx = figure.bottomPx - figure.topPx;
  let worstFit = 0;
  for (const joint of fit.value.skeleton.joints) {
    const p = figure.joints[joint.name];
    if (!p) continue;
    const x = joint.restPosition[0] + sizePx / 2;
    const y = sizePx / 2 - joint.restPosition[1];
    worstFit = Math.max(worstFit, Math.hypot(x - p[0], y - p[1]) / heightPx);
  }
  return {
    picturePx: `${sizePx}x${sizePx}`,
    figureHeightPx: Math.round(heightPx),
    joints: fit.value.skeleton.joints.length,
    maskFromPaperMs: maskPaper.ms,
    maskFromPaperFirstMs: maskPaper.firstMs,
    maskFromPaperIoU: round(maskIoU(maskPaper.value, truth), 4),
    maskFromAlphaMs: maskAlpha.ms,
    maskFromAlphaIoU: round(maskIoU(maskAlpha.value, truth), 4),
    fitMs: fit.ms,
    fitWorstJointErrorOfHeight: round(worstFit, 4),
  };
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// Run on its own: `npx tsx bench/rigging.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  runRiggingBench().then((r) => console.log(JSON.stringify(r, null, 2)));
}
