import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import type { TemplateKind } from '../../core/skeleton/templates.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { type Mask, RiggingError } from './types.js';

/**
 * Silhouette fit of the default humanoid to a figure in T-pose or A-pose, from the mask alone
 * (drawings, cartoons, renders: anything with a humanoid outline).
 *
 * Extremal analysis of the outline plus the T-pose template (image pixels, y down):
 * - head top = the mask's top; soles = its bottom; figure height H = the difference;
 * - neck = the narrowest band of rows between the head top and the shoulders, narrower than the
 *   head above it; Head at its top, Neck at its bottom;
 * - arms: from each horizontal extreme (the finger tips) the arm is traced column by column
 *   towards the body along its centre line; where the column's run grows much thicker than the
 *   arm, the body begins: that is the shoulder joint. Wrist = a quarter of the way back from the
 *   tip to the shoulder, elbow = half way, both on the arm's centre line;
 * - legs: the fork (crotch) is the highest row where the body axis runs through background
 *   between two legs; hip joints sit a tenth of the leg's length above it, ankles a tenth above
 *   the soles, knees half way, each on its leg's centre line;
 * - the body axis is the centre of the rows a third of the way down (torso, or a big head: both
 *   are symmetric);
 * - joints with no outline feature (Hips, Spine, Chest, clavicles, toes) follow the template's
 *   proportions between the fitted ones.
 * Where a feature is not found (a dress hides the legs, arms down along the body), the template's
 * proportions stand in for it.
 */

/** How a joint was placed: a pose-model keypoint, an outline feature, or template proportions. */
export type JointSource = 'pose-model' | 'outline' | 'template';

export interface FitResult {
  readonly skeleton: Skeleton;
  /** Joint name -> how its position was found. */
  readonly sources: Record<string, JointSource>;
  /** The figure's height in pixels (head top to soles). */
  readonly figureHeightPx: number;
  /** Which fit placed the skeleton: the pose model's joints (outline and template filling in) or the silhouette's. */
  readonly method: 'pose-model' | 'silhouette';
  /** Joints placed by template proportions only (no keypoint, no outline feature): worth checking. */
  readonly templatedJoints: readonly string[];
  /** Why the pose model was not used, or what went wrong with it (the fit still succeeded). */
  readonly warnings: readonly string[];
  /** The skeleton template fitted (medial-axis fit, inference/rigging/medial/fitFigure.ts). */
  readonly template?: TemplateKind;
  /** Why that template (shown in the import dialog). */
  readonly templateReason?: string;
}

/** Names of the joints whose source is 'template', in the skeleton's order. */
export function templatedJointsOf(skeleton: Skeleton, sources: Record<string, JointSource>): string[] {
  return skeleton.joints.filter((j) => (sources[j.name] ?? 'template') === 'template').map((j) => j.name);
}

type P = [number, number];

/**
 * Proportions relative to the limb they sit on, so they hold for cartoon figures too (big head,
 * short limbs): the hand is about a quarter of the shoulder-to-finger-tip length; the hip joint
 * sits a tenth of the leg's length above the fork, the ankle a tenth above the sole.
 */
const HAND_FRACTION = 0.26;
const HIP_ABOVE_FORK = 0.1;
const ANKLE_ABOVE_SOLE = 0.1;

export function fitHumanoidToMask(mask: Mask): FitResult {
  const { width, height, data } = mask;
  let top = -1;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!data[y * width + x]) continue;
      if (top < 0) top = y;
      bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  if (top < 0) throw new RiggingError('no-figure', 'the mask is empty: there is no figure to fit');
  const H = bottom + 1 - top;
  const sources: Record<string, JointSource> = {};
  const fromTop = (f: number) => top + f * H; // f measured down from the head top
  const yOf = (upFraction: number) => bottom + 1 - upFraction * H; // fraction up from the soles

  const runsOfRow = (y: number): [number, number][] => {
    const runs: [number, number][] = [];
    const row = Math.round(Math.min(height - 1, Math.max(0, y))) * width;
    let start = -1;
    for (let x = 0; x <= width; x++) {
      const inside = x < width && data[row + x] === 1;
      if (inside && start < 0) start = x;
      if (!inside && start >= 0) {
        runs.push([start, x - 1]);
        start = -1;
      }
    }
    return runs;
  };
  const runOfColumn = (x: number, y: number): [number, number] | null => {
    const xi = Math.round(x);
    if (xi < 0 || xi >= width) return null;
    let yi = Math.round(y);
    if (yi < 0 || yi >= height) return null;
    if (!data[yi * width + xi]) {
      // Nearest inside pixel within a few pixels of the expected centre line.
      let found = -1;
      for (let d = 1; d <= Math.max(3, H * 0.02) && found < 0; d++) {
        if (yi - d >= 0 && data[(yi - d) * width + xi]) found = yi - d;
        else if (yi + d < height && data[(yi + d) * width + xi]) found = yi + d;
      }
      if (found < 0) return null;
      yi = found;
    }
    let a = yi;
    while (a > 0 && data[(a - 1) * width + xi]) a--;
    let b = yi;
    while (b < height - 1 && data[(b + 1) * width + xi]) b++;
    return [a, b];
  };

  // Body axis from the torso rows (between the arms' height and the hips).
  const centre = (left + right) / 2;
  const axisSamples: number[] = [];
  for (let f = 0.3; f <= 0.42; f += 0.01) {
    const runs = runsOfRow(fromTop(f));
    let best: [number, number] | null = null;
    for (const run of runs) {
      const d =
        run[0] <= centre && centre <= run[1]
          ? 0
          : Math.min(Math.abs(run[0] - centre), Math.abs(run[1] - centre));
      if (
        !best ||
        d <
          (best[0] <= centre && centre <= best[1]
            ? 0
            : Math.min(Math.abs(best[0] - centre), Math.abs(best[1] - centre)))
      )
        best = run;
    }
    if (best) axisSamples.push((best[0] + best[1]) / 2);
  }
  const axisX = axisSamples.length > 0 ? median(axisSamples) : centre;
  const widthAt = (y: number): number => {
    const run = runsOfRow(y).find((r) => r[0] <= axisX && axisX <= r[1]);
    return run ? run[1] - run[0] + 1 : 0;
  };

  // Arms, traced from the horizontal extremes.
  const traceArm = (side: -1 | 1) => {
    const tipX = side < 0 ? left : right;
    // The tip's row: the middle of the extreme column's run.
    let tipY = -1;
    for (let y = top; y <= bottom && tipY < 0; y++) if (data[y * width + tipX]) tipY = y;
    const tipRun = runOfColumn(tipX, tipY);
    if (!tipRun) return null;
    tipY = (tipRun[0] + tipRun[1]) / 2;
    const spanPx = Math.abs(tipX - axisX);
    // An arm must reach well beyond the torso (T- or A-pose); otherwise there is nothing to trace.
    if (spanPx < 0.25 * H) return null;
    const centreLine: P[] = [];
    const thickness: number[] = [];
    let y = tipY;
    let shoulder: P | null = null;
    for (let x = tipX; Math.abs(x - axisX) > 0.03 * H; x -= side) {
      const run = runOfColumn(x, y);
      if (!run) break;
      const length = run[1] - run[0] + 1;
      const travelled = Math.abs(tipX - x);
      if (travelled > 0.12 * H) {
        const typical = median(thickness.slice(Math.floor(thickness.length * 0.3)));
        if (length > 2.2 * typical) {
          // The thick column is the body's side (the armpit); the joint sits about half an arm's
          // thickness further out, inside the arm's root.
          shoulder = [x + side * 0.5 * typical, y];
          break;
        }
      }
      y = (run[0] + run[1]) / 2;
      centreLine.push([x, y]);
      thickness.push(length);
    }
    if (!shoulder || centreLine.length < 4) return null;
    const lineAt = (x: number): number => {
      let best = centreLine[0]!;
      for (const p of centreLine) if (Math.abs(p[0] - x) < Math.abs(best[0] - x)) best = p;
      return best[1];
    };
    // Shoulder joint: on the arm's centre line where it enters the body.
    const armY = lineAt(shoulder[0] + side * 2);
    const arm: P = [shoulder[0], armY];
    const dx = tipX - arm[0];
    const dy = tipY - arm[1];
    const length = Math.hypot(dx, dy);
    const wristX = tipX - (dx / length) * HAND_FRACTION * length;
    const wrist: P = [wristX, lineAt(wristX)];
    const elbowX = (arm[0] + wrist[0]) / 2;
    const elbow: P = [elbowX, lineAt(elbowX)];
    return { arm, elbow, wrist };
  };

  // Legs, from the fork between them.
  let forkY = -1;
  {
    const axis = Math.round(axisX);
    let y = Math.round(yOf(0.15));
    const isGap = (yy: number) => {
      if (data[yy * width + axis]) return false;
      const runs = runsOfRow(yy);
      return runs.some((r) => r[1] < axis) && runs.some((r) => r[0] > axis);
    };
    if (isGap(y)) {
      while (y > fromTop(0.35) && isGap(y - 1)) y--;
      forkY = y;
    }
  }
  const legCentre = (y: number, side: -1 | 1): number | null => {
    const runs = runsOfRow(y).filter((r) => (side < 0 ? r[1] < axisX : r[0] > axisX));
    if (runs.length === 0) return null;
    // The run nearest the axis is the leg (an A-posed hand may hang further out).
    const run = side < 0 ? runs[runs.length - 1]! : runs[0]!;
    return (run[0] + run[1]) / 2;
  };

  const leftSide = traceArm(1);
  const rightSide = traceArm(-1);
  // Neck: the narrowest band between the head top and the shoulders (the traced arms' roots;
  // without arms, the template's shoulder height), narrower than the head above it.
  let neckTop = fromTop(0.13);
  let neckBottom = fromTop(0.18);
  {
    const shoulderRows = [leftSide, rightSide].filter((a) => a !== null).map((a) => a.arm[1]);
    const searchEnd = shoulderRows.length > 0 ? Math.min(...shoulderRows) : fromTop(0.26);
    let minWidth = Number.POSITIVE_INFINITY;
    const rows: [number, number][] = [];
    for (let y = Math.round(fromTop(0.04)); y <= Math.round(searchEnd); y++) {
      const w = widthAt(y);
      if (w > 0) rows.push([y, w]);
      if (w > 0 && w < minWidth) minWidth = w;
    }
    const at = rows.findIndex(([, w]) => w === minWidth);
    const headWidth = Math.max(0, ...rows.slice(0, Math.max(0, at)).map(([, w]) => w));
    if (rows.length > 0 && minWidth < 0.8 * headWidth) {
      // Grow the band from the narrowest row while the outline stays neck-wide: a pinch under
      // the chin must not pass for the whole neck.
      let first = at;
      let last = at;
      while (first > 0 && rows[first - 1]![1] <= minWidth * 1.35) first--;
      while (last < rows.length - 1 && rows[last + 1]![1] <= minWidth * 1.35) last++;
      neckTop = rows[first]![0];
      neckBottom = rows[last]![0];
      sources.Head = 'outline';
      sources.Neck = 'outline';
    }
  }

  // Assemble, in image pixels.
  const joints: Record<string, P> = {};
  const headY = neckTop;
  joints.Head = [axisX, headY];
  joints.Neck = [axisX, neckBottom];
  const armFallback = (side: -1 | 1) => {
    const at = (x: number, up: number): P => [axisX + side * x * H, yOf(up)];
    return { arm: at(0.1, 0.8), elbow: at(0.255, 0.8), wrist: at(0.395, 0.8) };
  };
  // The character's left is the viewer's right (+x): it faces the camera.
  const sides = [
    ['Left', 1, leftSide ?? armFallback(1), leftSide !== null],
    ['Right', -1, rightSide ?? armFallback(-1), rightSide !== null],
  ] as const;
  for (const [name, , found, ok] of sides) {
    joints[`${name}Arm`] = found.arm;
    joints[`${name}ForeArm`] = found.elbow;
    joints[`${name}Hand`] = found.wrist;
    for (const j of ['Arm', 'ForeArm', 'Hand']) sources[`${name}${j}`] = ok ? 'outline' : 'template';
    joints[`${name}Shoulder`] = [axisX + 0.3 * (found.arm[0] - axisX), found.arm[1]];
    sources[`${name}Shoulder`] = 'template';
  }
  const legsFound = forkY > 0;
  // Leg length from the fork to the soles (the template's when no fork shows).
  const legPx = legsFound ? bottom + 1 - forkY : 0.47 * H;
  const hipY = legsFound ? forkY - HIP_ABOVE_FORK * legPx : yOf(0.5);
  const ankleY = bottom + 1 - ANKLE_ABOVE_SOLE * legPx;
  const kneeY = (hipY + ankleY) / 2;
  for (const [name, side] of [
    ['Left', 1],
    ['Right', -1],
  ] as const) {
    const fallbackX = axisX + side * 0.085 * H;
    const thighX = legsFound ? (legCentre(forkY + HIP_ABOVE_FORK * legPx, side) ?? fallbackX) : fallbackX;
    const kneeX = legCentre(kneeY, side) ?? thighX;
    const ankleX = legCentre(ankleY, side) ?? kneeX;
    joints[`${name}UpLeg`] = [thighX, hipY];
    joints[`${name}Leg`] = [kneeX, kneeY];
    joints[`${name}Foot`] = [ankleX, ankleY];
    joints[`${name}ToeBase`] = [legCentre(yOf(0.01), side) ?? ankleX, yOf(0.01)];
    for (const j of ['UpLeg', 'Leg', 'Foot', 'ToeBase'])
      sources[`${name}${j}`] = legsFound ? 'outline' : 'template';
  }
  const hipsY = hipY - 0.03 * H;
  joints.Hips = [axisX, hipsY];
  // Spine and Chest between the hips and the neck, at the template's proportions.
  const neckY = joints.Neck[1];
  joints.Spine = [axisX, hipsY + ((0.6 - 0.53) / (0.82 - 0.53)) * (neckY - hipsY)];
  // A little below the template's 59%: measured people and renders put the chest joint at
  // about 55% of the way from the hips to the neck.
  joints.Chest = [axisX, hipsY + 0.55 * (neckY - hipsY)];
  for (const j of ['Hips', 'Spine', 'Chest']) sources[j] = 'template';
  sources.Head ??= 'template';
  sources.Neck ??= 'template';

  const template = createDefaultHumanoid({ heightPx: H });
  const skeleton: Skeleton = {
    joints: template.joints.map((joint) => {
      const p = joints[joint.name];
      if (!p) return joint;
      // Character space: origin at the picture centre, y up; depth keeps the template's.
      return { ...joint, restPosition: [p[0] - width / 2, height / 2 - p[1], joint.restPosition[2]] };
    }),
  };
  return {
    skeleton,
    sources,
    figureHeightPx: H,
    method: 'silhouette',
    templatedJoints: templatedJointsOf(skeleton, sources),
    warnings: [],
  };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
