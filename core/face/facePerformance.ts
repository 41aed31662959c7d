import { quatConjugate, quatRotateVec3, quatToEulerDeg } from '../math/quat.js';
import type { Vec3 } from '../math/types.js';
import { fillGaps, type OneEuroParams, oneEuroSeries } from '../video/oneEuro.js';
import { BROW, EYE, MOUTH } from './facemeshPoints.js';
import { fitRigid, type Mesh, toCharacterAxes } from './headPose.js';
import type { FaceImageCues } from './imageCues.js';
import { clampChannel, type FaceChannel } from './params.js';

/**
 * A face performance from per-frame face meshes (issue 13, "face performance from a video"): the
 * head's yaw, pitch and roll, and the face channels the face pass draws (blinks, brows, jaw,
 * mouth width, smile), per video frame, smoothed. Pure; the meshes come from the landmark model
 * (inference/face/detectFaceMesh.ts).
 *
 * Everything is measured against a REST frame: the frame where the person looks into the camera
 * with a neutral face (default: the first frame a face is seen; Adobe Character Animator's "set
 * rest pose" is the same idea). The head's rotation is the rigid fit of each frame's skull points
 * onto the rest frame's (headPose.ts). Expressions are read in the rest frame's coordinates (the
 * frame's mesh with its rigid motion undone), so a turned or nearer head does not read as a
 * narrower mouth or lower brows; each is a ratio to a length of the same face, which is what makes
 * them mean the same on a character of other proportions (docs/face.md, face parameters: jawOpen
 * 1 ≈ the mouth's width, smile 1 = corners up 15% of the mouth's width, browRaise 1 ≈ 40% of the
 * eye's height).
 */

/** The channels read from a face video. */
export const PERFORMANCE_CHANNELS = [
  'blinkL',
  'blinkR',
  'browRaiseL',
  'browRaiseR',
  'jawOpen',
  'mouthWide',
  'smile',
] as const satisfies readonly FaceChannel[];
export type PerformanceChannel = (typeof PERFORMANCE_CHANNELS)[number];

/**
 * How much of an eye's open height the mesh still shows when it is closed: facemesh never brings
 * the lids fully together (measured on the rendered test head: a closed eye reads at ~25–35% of
 * its open height). Closure beyond (1 − this) is a full blink.
 */
const CLOSED_EYE_OPENNESS = 0.3;
/**
 * Past this yaw the far eye is seen so foreshortened that the mesh reads it half closed: from
 * FAR_EYE_FROM_DEG to FAR_EYE_TO_DEG its blink is blended towards no more than the near eye's. A
 * real blink closes both eyes and is still seen through the near one; a wink of the far eye at
 * a strong turn is lost (measured: without this, turns of 20–30° read as winks of the far eye).
 */
const FAR_EYE_FROM_DEG = 10;
const FAR_EYE_TO_DEG = 20;
/**
 * An eye whose white shows at least this share of the rest frame's (imageCues.ts) is open,
 * whatever the mesh's lids say: its blink is held at or below OPEN_EYE_BLINK. Only while the
 * head faces the camera within OPEN_EYE_MAX_YAW_DEG, where the eye's box is where the mesh puts
 * it and not foreshortened. (The mesh alone read a half-closed left eye for 8 frames of the
 * held-out video while that eye looked aside; a blink shows no white at all.)
 */
const OPEN_EYE_WHITE = 0.75;
const OPEN_EYE_BLINK = 0.25;
const OPEN_EYE_MAX_YAW_DEG = 12;
/** Gaps in the face (not found, e.g. turned away) up to this long are interpolated. */
const MAX_GAP_SEC = 0.5;

export interface PerformanceFilter {
  readonly rotation: OneEuroParams;
  readonly channels: OneEuroParams;
}

/**
 * Default smoothing. Rotation in degrees: a still head is smoothed at 1 Hz, and the cutoff opens by
 * 0.3 Hz per °/s of speed, so a 60°/s turn lags by about a frame and jitter of a degree or two is cut. Channels (0..1 units): a blink lasts
 * ~0.15 s, so their cutoff starts at 4 Hz and opens fast.
 */
export const DEFAULT_PERFORMANCE_FILTER: PerformanceFilter = {
  rotation: { minCutoffHz: 1, beta: 0.3, derivativeCutoffHz: 1 },
  channels: { minCutoffHz: 4, beta: 4, derivativeCutoffHz: 1 },
};

export interface PerformanceFrame {
  /** False where no face was seen and the gap was too long to fill: nothing is keyed there. */
  readonly found: boolean;
  /** Degrees, Euler YXZ in character space (docs/face.md, "Head pose from a video"). */
  readonly yawDeg: number;
  readonly pitchDeg: number;
  readonly rollDeg: number;
  readonly channels: Readonly<Record<PerformanceChannel, number>>;
}

export interface FacePerformance {
  readonly fps: number;
  readonly restFrame: number;
  readonly frames: readonly PerformanceFrame[];
  /** Frames with a face seen by the model (before gap filling). */
  readonly seenFrames: number;
}

export interface FacePerformanceOptions {
  readonly fps: number;
  /** The neutral, camera-facing frame (default: the first frame with a face). */
  readonly restFrame?: number;
  /** Smoothing; null: none. */
  readonly filter?: PerformanceFilter | null;
  /**
   * Measures read from each frame's pixels (imageCues.ts), aligned with the meshes. Where given,
   * the brows come from the dark bar above each eye rather than the mesh's brow points, which
   * barely move with thin or drawn brows (held-out test head: correlation with the truth 0.85 /
   * 0.90 from the pixels, −0.1 / −0.3 from the mesh).
   */
  readonly cues?: readonly (FaceImageCues | null)[];
}

const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const mid = (a: Vec3, b: Vec3): Vec3 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];

/** Raw measures of one frame, in the rest frame's pixels (see the file comment). */
interface Measures {
  /** Eye opening / eye width. */
  eyeOpen: { left: number; right: number };
  /** Eye width (rest pixels). */
  eyeWidth: { left: number; right: number };
  /** Brow above the eye's centre (rest pixels, y up). */
  brow: { left: number; right: number };
  gap: number;
  width: number;
  /** Mouth corners above where an unsmiling mouth this open has them (rest pixels, y up). */
  cornerLift: number;
}

/**
 * How far the mouth corners drop, as a fraction of the lips' inner gap, when the jaw opens without
 * a smile. Measured on the tuning video (tests/fixtures/video/face-turn.mp4: the jaw opens, no
 * smile): taken from the middle of the lips, the corners read 1.3 smile units per unit of jawOpen,
 * i.e. they drop 0.3 of the gap, not 0.5; with 0.5 every open mouth read as a smile (0.57 on the
 * held-out video's widest jaw, where its truth has none). docs/face.md.
 */
export const CORNER_DROP = 0.3;

function measure(points: (i: number) => Vec3, rest: ((i: number) => Vec3) | null): Measures {
  const eye = (side: 'left' | 'right') => {
    const e = EYE[side];
    // Widths from the rest frame (a length of the face, not of this frame's possibly foreshortened
    // view); the lids' gap is its height only (y, up the face): the model's depth is the least
    // reliable coordinate and a turned head's far eye has the worst of it.
    const width = dist((rest ?? points)(e.outer), (rest ?? points)(e.inner));
    let open = 0;
    for (let k = 0; k < e.upper.length; k++)
      open += Math.max(0, points(e.upper[k]!)[1] - points(e.lower[k]!)[1]);
    open /= e.upper.length;
    const centre = mid(points(e.outer), points(e.inner));
    const brow = BROW[side].reduce((s, i) => s + points(i)[1], 0) / BROW[side].length - centre[1];
    return { open: width > 0 ? open / width : 0, width, brow };
  };
  const l = eye('left');
  const r = eye('right');
  const upper = points(MOUTH.upperInner);
  const lower = points(MOUTH.lowerInner);
  // The lips' gap: the mean over three points across the inner edges (steadier than the middle alone).
  const left = points(MOUTH.left);
  const right = points(MOUTH.right);
  // Where the corners sit on a mouth that opens without smiling: CORNER_DROP of the way from the
  // upper lip down to the lower (not half way: the upper lip stays with the skull, the corners
  // follow the jaw only in part), so opening the jaw reads as no smile.
  const neutralY = upper[1] - CORNER_DROP * (upper[1] - lower[1]);
  return {
    eyeOpen: { left: l.open, right: r.open },
    eyeWidth: { left: l.width, right: r.width },
    brow: { left: l.brow, right: r.brow },
    gap:
      MOUTH.innerPairs.reduce((sum, [u, l]) => sum + Math.max(0, points(u)[1] - points(l)[1]), 0) /
      MOUTH.innerPairs.length,
    width: dist(left, right),
    cornerLift: (left[1] + right[1]) / 2 - neutralY,
  };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))]!;
}

/** The face performance of one face: `meshes[i]` is frame i's mesh, null where not seen. */
export function facePerformance(
  meshes: readonly (Mesh | null)[],
  opts: FacePerformanceOptions,
): FacePerformance {
  const n = meshes.length;
  const firstSeen = meshes.findIndex((m) => m !== null);
  if (firstSeen < 0) return { fps: opts.fps, restFrame: -1, frames: [], seenFrames: 0 };
  const restFrame = opts.restFrame ?? firstSeen;
  const rest = meshes[restFrame];
  if (!rest) throw new RangeError(`no face was found in the rest frame ${restFrame}`);
  const euler = { yaw: new Float64Array(n), pitch: new Float64Array(n), roll: new Float64Array(n) };
  const measures: (Measures | null)[] = [];
  const restPoints = (k: number) => toCharacterAxes(rest[k]!);
  for (let i = 0; i < n; i++) {
    const mesh = meshes[i];
    if (!mesh) {
      euler.yaw[i] = euler.pitch[i] = euler.roll[i] = Number.NaN;
      measures.push(null);
      continue;
    }
    const fit = fitRigid(rest, mesh);
    const [x, y, z] = quatToEulerDeg(fit.rotation, 'YXZ');
    euler.pitch[i] = x;
    euler.yaw[i] = y;
    euler.roll[i] = z;
    // The frame's points with its rigid motion undone: rest = R⁻¹ (p − centre) / scale + restCentre.
    const inverse = quatConjugate(fit.rotation);
    const points = (k: number): Vec3 => {
      const p = toCharacterAxes(mesh[k]!);
      const v = quatRotateVec3(inverse, [
        (p[0] - fit.centre[0]) / fit.scale,
        (p[1] - fit.centre[1]) / fit.scale,
        (p[2] - fit.centre[2]) / fit.scale,
      ]);
      return [v[0] + fit.restCentre[0], v[1] + fit.restCentre[1], v[2] + fit.restCentre[2]];
    };
    measures.push(measure(points, restPoints));
  }
  const seen = measures.filter((m): m is Measures => m !== null);
  const restM = measures[restFrame]!;
  // Eyes are open most of the time: their open reference is the 90th percentile, so a rest frame
  // caught mid-blink does not make every frame look wide-eyed. The closed mouth likewise: the
  // smaller of the rest frame's gap and the 5th percentile.
  const openRef = {
    left: percentile(
      seen.map((m) => m.eyeOpen.left),
      0.9,
    ),
    right: percentile(
      seen.map((m) => m.eyeOpen.right),
      0.9,
    ),
  };
  const gapRef = Math.min(
    restM.gap,
    percentile(
      seen.map((m) => m.gap),
      0.05,
    ),
  );
  const widthRef = restM.width;
  // The pixels' brows are used for a side when the rest frame shows that side's brow bar.
  const restCues = opts.cues?.[restFrame] ?? null;
  const imageBrow = {
    left: restCues?.left.brow ?? null,
    right: restCues?.right.brow ?? null,
  };
  const restEyeSpan = Math.hypot(
    rest[EYE.left.outer]![0] - rest[EYE.right.outer]![0],
    rest[EYE.left.outer]![1] - rest[EYE.right.outer]![1],
  );
  const series: Record<PerformanceChannel, Float64Array> = Object.fromEntries(
    PERFORMANCE_CHANNELS.map((c) => [c, new Float64Array(n)]),
  ) as Record<PerformanceChannel, Float64Array>;
  for (let i = 0; i < n; i++) {
    const m = measures[i];
    if (!m) {
      for (const c of PERFORMANCE_CHANNELS) series[c][i] = Number.NaN;
      continue;
    }
    const blink = (side: 'left' | 'right') => {
      const fromMesh =
        openRef[side] > 0 ? (1 - m.eyeOpen[side] / openRef[side]) / (1 - CLOSED_EYE_OPENNESS) : 0;
      const white = opts.cues?.[i]?.[side].white;
      const restWhite = restCues?.[side].white;
      const whiteShows =
        white !== null &&
        white !== undefined &&
        restWhite &&
        restWhite > 0 &&
        white >= OPEN_EYE_WHITE * restWhite &&
        Math.abs(euler.yaw[i]!) < OPEN_EYE_MAX_YAW_DEG;
      return whiteShows ? Math.min(fromMesh, OPEN_EYE_BLINK) : fromMesh;
    };
    const brow = (side: 'left' | 'right') => {
      const eyeHeight = openRef[side] * restM.eyeWidth[side];
      if (!(eyeHeight > 0)) return 0;
      const fromPixels = imageBrow[side];
      if (fromPixels) {
        // Image brows are in outer-corner distances: into rest pixels, then as the mesh's are.
        const b = opts.cues?.[i]?.[side].brow;
        return b === null || b === undefined
          ? Number.NaN
          : ((b - fromPixels) * restEyeSpan) / (0.4 * eyeHeight);
      }
      return (m.brow[side] - restM.brow[side]) / (0.4 * eyeHeight);
    };
    // Yaw > 0 turns the face to the picture's right: the character's left eye is then the far one.
    const yaw = euler.yaw[i]!;
    const t = Math.min(
      1,
      Math.max(0, (Math.abs(yaw) - FAR_EYE_FROM_DEG) / (FAR_EYE_TO_DEG - FAR_EYE_FROM_DEG)),
    );
    const l = blink('left');
    const r = blink('right');
    series.blinkL[i] = yaw > 0 ? l + t * (Math.min(l, r) - l) : l;
    series.blinkR[i] = yaw < 0 ? r + t * (Math.min(l, r) - r) : r;
    series.browRaiseL[i] = brow('left');
    series.browRaiseR[i] = brow('right');
    series.jawOpen[i] = widthRef > 0 ? (m.gap - gapRef) / widthRef : 0;
    series.mouthWide[i] = widthRef > 0 ? (m.width / widthRef - 1) / 0.5 : 0;
    series.smile[i] = widthRef > 0 ? (m.cornerLift - restM.cornerLift) / (0.15 * widthRef) : 0;
  }
  const maxGap = Math.round(MAX_GAP_SEC * opts.fps);
  const filter = opts.filter === undefined ? DEFAULT_PERFORMANCE_FILTER : opts.filter;
  const clean = (values: Float64Array, params: OneEuroParams | undefined) => {
    const filled = fillGaps(values, maxGap);
    return params ? oneEuroSeries(filled, opts.fps, params) : filled;
  };
  const yaw = clean(euler.yaw, filter?.rotation);
  const pitch = clean(euler.pitch, filter?.rotation);
  const roll = clean(euler.roll, filter?.rotation);
  const channels = Object.fromEntries(
    PERFORMANCE_CHANNELS.map((c) => [c, clean(series[c], filter?.channels)]),
  ) as Record<PerformanceChannel, Float64Array>;
  const frames: PerformanceFrame[] = [];
  for (let i = 0; i < n; i++) {
    const found = Number.isFinite(yaw[i]!);
    frames.push({
      found,
      yawDeg: found ? yaw[i]! : 0,
      pitchDeg: found ? pitch[i]! : 0,
      rollDeg: found ? roll[i]! : 0,
      channels: Object.fromEntries(
        PERFORMANCE_CHANNELS.map((c) => [c, found ? clampChannel(c, channels[c][i]!) : 0]),
      ) as Record<PerformanceChannel, number>,
    });
  }
  return { fps: opts.fps, restFrame, frames, seenFrames: seen.length };
}
