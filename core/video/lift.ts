import { percentile } from '../math/stats.js';
import type { Vec3 } from '../math/types.js';
import { type PersonTrack2d, torsoLengthAt } from './tracks2d.js';

/**
 * From a person's 2D joints to 3D (issue 11, "From 2D to the 3D skeleton"). Weak perspective per
 * frame: the scale (pixels per unit) follows the person's torso, which stays nearly upright and in
 * the picture's plane. Each bone's length is the person's own (the longest it appears, relative
 * to the torso, over the video); where it looks shorter, the missing length is depth:
 * |dz| = sqrt(L² − d²). Which way (towards or away from the camera) is chosen per bone over the
 * whole video at once (a two-state Viterbi path), from joint limits (knees bend backwards, elbows
 * forwards), a prior (thighs and upper arms reach forwards), and continuity between frames, so a
 * limb does not flip. The body's turn (yaw) comes from the face: the nose lies in front of the
 * ears, so its offset from their midpoint gives the turn's side and size; the shoulders' and
 * hips' foreshortening agree with it.
 *
 * Output space: units of the person's torso = TORSO_UNITS, x to the viewer's right, y up, z
 * towards the camera; the hips at the origin of each frame, their path given separately.
 */

export const TORSO_UNITS = 100;

export const LIMB_BONES = [
  ['LeftArm', 'LeftForeArm'],
  ['LeftForeArm', 'LeftHand'],
  ['RightArm', 'RightForeArm'],
  ['RightForeArm', 'RightHand'],
  ['LeftUpLeg', 'LeftLeg'],
  ['LeftLeg', 'LeftFoot'],
  ['RightUpLeg', 'RightLeg'],
  ['RightLeg', 'RightFoot'],
] as const;

export interface LiftOptions {
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** The camera's vertical field of view, degrees (default 40: a phone's main camera in landscape). */
  readonly verticalFovDeg?: number;
}

export interface PersonProportions {
  /** Bone lengths in TORSO_UNITS: upper arm, forearm, thigh, shin, shoulder and hip width, head. */
  readonly upperArm: number;
  readonly foreArm: number;
  readonly thigh: number;
  readonly shin: number;
  readonly shoulderWidth: number;
  readonly hipWidth: number;
  readonly head: number;
}

export interface LiftedPerson {
  readonly trackId: number;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly proportions: PersonProportions;
  /** Per frame (index = video frame) the joints relative to the hips, or null where unknown. */
  readonly frames: readonly (Readonly<Record<string, Vec3>> | null)[];
  /** Per frame the hips' position in units (camera at the origin looking along −z), or null. */
  readonly hipsPath: readonly (Vec3 | null)[];
  /** Per frame the body's turn about the vertical, radians (positive: towards the viewer's right). */
  readonly yawRad: readonly number[];
  /**
   * Per frame the head's own orientation where the face is seen (nose and both ears), else null:
   * its turn about the vertical (as yawRad), its tilt in the picture's plane (positive: the head
   * leans towards the viewer's left, counter-clockwise as seen) and its nod (positive: the face
   * down), radians. The nod is relative to the head's usual carriage in the clip (headPitch).
   */
  readonly head?: readonly HeadTurn[];
}

type V2 = readonly [number, number];

/** The head's own orientation in one frame (LiftedPerson.head), or null where the face is not seen. */
export type HeadTurn = {
  readonly yawRad: number;
  readonly rollRad: number;
  readonly pitchRad: number;
} | null;

/**
 * The head's nod per frame from the nose's height over the ears (MoveNet's only points on the
 * face). The nose lies in front of the ears' axis by `depth` (NOSE_DEPTH_TO_HALF_EARS of half the
 * ears' distance seen square-on) and `rest` above it (negative: below) in the head's usual
 * carriage, so nodding down by p puts it at rest·cos p − depth·sin p over the ears, whatever the
 * head's turn about the vertical. `rise` is that height measured across the ears' line (the
 * head's tilt taken out), in the same units as `halfEars`. `rest` is the median rise over the clip:
 * a person looks ahead more than up or down, and the face's own proportions (how low the nose
 * sits) differ too much between people, drawings and renders for a fixed value. NaN where unknown.
 */
export function headPitch(rise: readonly number[], halfEars: number): number[] {
  const depth = NOSE_DEPTH_TO_HALF_EARS * halfEars;
  const rest = median(rise);
  if (!(depth > 0) || !Number.isFinite(rest)) return rise.map(() => Number.NaN);
  // rest·cos p − depth·sin p = r·cos(p + phi), with r = hypot(rest, depth), phi = atan2(depth, rest).
  const r = Math.hypot(rest, depth);
  const phi = Math.atan2(depth, rest);
  return rise.map((h) =>
    Number.isFinite(h) ? Math.acos(Math.max(-1, Math.min(1, h / r))) - phi : Number.NaN,
  );
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Running median over a window (odd), ignoring NaN. */
function medianFilter(values: readonly number[], window: number): number[] {
  const h = window >> 1;
  return values.map((_, i) => median(values.slice(Math.max(0, i - h), i + h + 1)));
}

/** Template ratios to the torso (Keypose's default humanoid) where a person's own are not seen. */
const TEMPLATE: PersonProportions = {
  upperArm: (0.155 / 0.27) * TORSO_UNITS,
  foreArm: (0.14 / 0.27) * TORSO_UNITS,
  thigh: (0.22 / 0.27) * TORSO_UNITS,
  shin: (0.23 / 0.27) * TORSO_UNITS,
  shoulderWidth: (0.2 / 0.27) * TORSO_UNITS,
  hipWidth: (0.17 / 0.27) * TORSO_UNITS,
  head: (0.07 / 0.27) * TORSO_UNITS,
};

/** How far the nose sits in front of the ears' axis, relative to half the ears' distance. */
const NOSE_DEPTH_TO_HALF_EARS = 1.2;
/** A width at least this fraction of the full one is read as not turned (keypoint noise). */
const WIDTH_NOISE = 0.93;

function sub3(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function add3(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
function scale3(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
function norm3(a: Vec3): Vec3 {
  const l = Math.hypot(a[0], a[1], a[2]);
  return l > 0 ? [a[0] / l, a[1] / l, a[2] / l] : [0, 0, 0];
}
function dot3(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/**
 * Picks, per frame, one of two candidates (index 0 or 1) minimising the sum of `unary` costs and
 * `pairwise` costs between consecutive frames. Frames with no candidates (null) break the chain.
 */
export function viterbi2(
  count: number,
  unary: (f: number, c: 0 | 1) => number | null,
  pairwise: (f: number, prev: 0 | 1, c: 0 | 1) => number,
): (0 | 1 | null)[] {
  const out: (0 | 1 | null)[] = new Array(count).fill(null);
  let start = 0;
  while (start < count) {
    if (unary(start, 0) === null) {
      start++;
      continue;
    }
    let end = start;
    while (end + 1 < count && unary(end + 1, 0) !== null) end++;
    const cost: [number, number][] = [];
    const back: [0 | 1, 0 | 1][] = [];
    cost.push([unary(start, 0)!, unary(start, 1)!]);
    back.push([0, 0]);
    for (let f = start + 1; f <= end; f++) {
      const prev = cost[cost.length - 1]!;
      const row: [number, number] = [0, 0];
      const b: [0 | 1, 0 | 1] = [0, 0];
      for (const c of [0, 1] as const) {
        const via0 = prev[0] + pairwise(f, 0, c);
        const via1 = prev[1] + pairwise(f, 1, c);
        b[c] = via0 <= via1 ? 0 : 1;
        row[c] = Math.min(via0, via1) + unary(f, c)!;
      }
      cost.push(row);
      back.push(b);
    }
    let c: 0 | 1 = cost[cost.length - 1]![0] <= cost[cost.length - 1]![1] ? 0 : 1;
    for (let f = end; f >= start; f--) {
      out[f] = c;
      c = back[f - start]![c];
    }
    start = end + 1;
  }
  return out;
}

function angleBetween(a: Vec3, b: Vec3): number {
  const d = dot3(norm3(a), norm3(b));
  return Math.acos(Math.max(-1, Math.min(1, d)));
}

export function liftPerson(track: PersonTrack2d, opts: LiftOptions): LiftedPerson {
  const n = track.frameCount;
  const J = track.joints;
  const at = (name: string, f: number): V2 | null => {
    const s = J[name];
    if (!s) return null;
    const x = s.x[f]!;
    const y = s.y[f]!;
    return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
  };
  // Pixels per unit, per frame: the torso's length, median-filtered over a third of a second.
  const torsoPx = Array.from({ length: n }, (_, f) => torsoLengthAt(J, f));
  const pxPerUnit = medianFilter(torsoPx, 9).map((t) => t / TORSO_UNITS);
  const valid = (f: number) => Number.isFinite(pxPerUnit[f]!) && at('Hips', f) !== null;
  /** 2D vector a -> b in units, y up. */
  const vec = (a: string, b: string, f: number): V2 | null => {
    const pa = at(a, f);
    const pb = at(b, f);
    if (!pa || !pb || !valid(f)) return null;
    const s = pxPerUnit[f]!;
    return [(pb[0] - pa[0]) / s, -(pb[1] - pa[1]) / s];
  };
  const len2 = (v: V2 | null) => (v ? Math.hypot(v[0], v[1]) : Number.NaN);
  const frames = Array.from({ length: n }, (_, f) => f);
  // A bone's length: a high percentile of how long it looks (the keypoints' noise makes the very
  // longest too long, and any excess becomes false depth), the two sides averaged.
  const own = (a: string, b: string) =>
    percentile(
      frames.map((f) => len2(vec(a, b, f))),
      0.8,
    );
  const pick = (a: number, b: number, template: number) => {
    const seen = [a, b].filter(Number.isFinite);
    const mean = seen.length ? seen.reduce((x, y) => x + y, 0) / seen.length : 0;
    return Math.max(mean, 0.8 * template);
  };

  // The body's turn from the face, where nose and both ears are seen.
  const faceYaw: number[] = frames.map((f) => {
    const nose = at('Nose', f);
    const le = at('LeftEar', f);
    const re = at('RightEar', f);
    if (!nose || !le || !re) return Number.NaN;
    const half = Math.abs(le[0] - re[0]) / 2;
    if (half < 1e-6) return Number.NaN;
    const offset = nose[0] - (le[0] + re[0]) / 2;
    return Math.atan2(offset, NOSE_DEPTH_TO_HALF_EARS * half);
  });
  const faceYawSmooth = medianFilter(faceYaw, 7);
  // Widths: a turned body looks narrower by cos(yaw); the true width is what the face's turn
  // implies, or the widest seen, whichever is larger.
  const widthFrom = (a: string, b: string) => {
    // Only clear turns of the face say how much wider the body is than it looks.
    const implied = frames.map((f) => {
      const y = faceYawSmooth[f]!;
      const w = len2(vec(b, a, f));
      return Number.isFinite(y) && Math.abs(y) > 0.35 ? w / Math.max(0.3, Math.cos(y)) : Number.NaN;
    });
    return {
      implied: median(implied),
      widest: percentile(
        frames.map((f) => len2(vec(b, a, f))),
        0.9,
      ),
    };
  };
  const sh = widthFrom('LeftArm', 'RightArm');
  const hp = widthFrom('LeftUpLeg', 'RightUpLeg');
  const proportions: PersonProportions = {
    upperArm: pick(own('LeftArm', 'LeftForeArm'), own('RightArm', 'RightForeArm'), TEMPLATE.upperArm),
    foreArm: pick(own('LeftForeArm', 'LeftHand'), own('RightForeArm', 'RightHand'), TEMPLATE.foreArm),
    thigh: pick(own('LeftUpLeg', 'LeftLeg'), own('RightUpLeg', 'RightLeg'), TEMPLATE.thigh),
    shin: pick(own('LeftLeg', 'LeftFoot'), own('RightLeg', 'RightFoot'), TEMPLATE.shin),
    shoulderWidth: Math.max(sh.implied || 0, sh.widest || 0, 0.3 * TEMPLATE.shoulderWidth),
    hipWidth: Math.max(hp.implied || 0, hp.widest || 0, 0.3 * TEMPLATE.hipWidth),
    head: pick(own('Neck', 'Head'), Number.NaN, TEMPLATE.head),
  };

  // Yaw per frame: magnitude from the foreshortening of the shoulders and hips (smoothed over a
  // third of a second; a ratio within the keypoints' noise of 1 counts as facing the camera), side
  // from the face, held through frames where it is unsure.
  const widthRatio = medianFilter(
    frames.map((f) => {
      const r = [
        len2(vec('RightArm', 'LeftArm', f)) / proportions.shoulderWidth,
        len2(vec('RightUpLeg', 'LeftUpLeg', f)) / proportions.hipWidth,
      ].filter(Number.isFinite);
      // A turn narrows both; one keypoint pulled inwards (an arm raised) narrows one: the wider wins.
      return r.length ? Math.max(...r) : Number.NaN;
    }),
    9,
  );
  const faceSide = medianFilter(faceYaw, 15);
  let side = 0;
  const yawRad = frames.map((f) => {
    const fy = faceSide[f]!;
    if (Number.isFinite(fy) && Math.abs(fy) > 0.12) side = Math.sign(fy);
    const ratio = widthRatio[f]!;
    if (!Number.isFinite(ratio)) return Number.isFinite(fy) ? fy : 0;
    return side * Math.acos(Math.min(1, ratio / WIDTH_NOISE));
  });
  const facing = (f: number): Vec3 => [Math.sin(yawRad[f]!), 0, Math.cos(yawRad[f]!)];

  // The head's own turn: the face's yaw (not the body's: a head turns on the shoulders), its tilt
  // from the line through the eyes (through the ears where the eyes are not seen), in the
  // picture's plane, and its nod from the nose's height over the ears (headPitch).
  const tilt = frames.map((f) => {
    const l = at('LeftEye', f) && at('RightEye', f) ? at('LeftEye', f) : at('LeftEar', f);
    const r = at('LeftEye', f) && at('RightEye', f) ? at('RightEye', f) : at('RightEar', f);
    if (!l || !r) return Number.NaN;
    const dx = l[0] - r[0];
    const dy = l[1] - r[1];
    // Facing away the line runs the other way: atan of the slope reads the same tilt either way.
    return Math.abs(dx) > 1e-6 ? Math.atan(-dy / dx) : Number.NaN;
  });
  const tiltSmooth = medianFilter(tilt, 5);
  // The nose's height over the ears' midpoint, across the ears' line (units, y up), and half the
  // ears' distance where they are seen widest (square-on).
  const rise = frames.map((f) => {
    const nose = vec('LeftEar', 'Nose', f);
    const toRight = vec('LeftEar', 'RightEar', f);
    if (!nose || !toRight) return Number.NaN;
    const roll = Number.isFinite(tiltSmooth[f]!) ? tiltSmooth[f]! : 0;
    const dx = nose[0] - toRight[0] / 2;
    const dy = nose[1] - toRight[1] / 2;
    return dy * Math.cos(roll) - dx * Math.sin(roll);
  });
  const halfEarsSeen = percentile(
    frames.map((f) => len2(vec('LeftEar', 'RightEar', f)) / 2),
    0.9,
  );
  const pitchSmooth = medianFilter(headPitch(rise, halfEarsSeen), 5);
  const head: HeadTurn[] = frames.map((f) => {
    const yaw = faceYawSmooth[f]!;
    if (!valid(f) || !Number.isFinite(yaw)) return null;
    const roll = tiltSmooth[f]!;
    const pitch = pitchSmooth[f]!;
    return {
      yawRad: yaw,
      rollRad: Number.isFinite(roll) ? roll : 0,
      pitchRad: Number.isFinite(pitch) ? pitch : 0,
    };
  });

  // Torso and the lines across shoulders and hips (their depth from the yaw).
  const across = (l: string, r: string, width: number, f: number): Vec3 | null => {
    const v = vec(r, l, f);
    if (!v) return null;
    return [v[0], v[1], -Math.sin(yawRad[f]!) * width];
  };
  const joints3d: (Record<string, Vec3> | null)[] = frames.map((f) => {
    if (!valid(f)) return null;
    const torso = vec('Hips', 'LeftArm', f) && vec('Hips', 'RightArm', f);
    if (!torso) return null;
    const l = vec('Hips', 'LeftArm', f)!;
    const r = vec('Hips', 'RightArm', f)!;
    const shoulderMid: Vec3 = [(l[0] + r[0]) / 2, (l[1] + r[1]) / 2, 0];
    const shAcross = across('LeftArm', 'RightArm', proportions.shoulderWidth, f) ?? [
      proportions.shoulderWidth,
      0,
      0,
    ];
    const hipAcross = across('LeftUpLeg', 'RightUpLeg', proportions.hipWidth, f) ?? [
      proportions.hipWidth,
      0,
      0,
    ];
    const out: Record<string, Vec3> = {
      Hips: [0, 0, 0],
      LeftUpLeg: scale3(hipAcross, 0.5),
      RightUpLeg: scale3(hipAcross, -0.5),
      LeftArm: add3(shoulderMid, scale3(shAcross, 0.5)),
      RightArm: add3(shoulderMid, scale3(shAcross, -0.5)),
    };
    out.Spine = scale3(shoulderMid, 0.26);
    out.Chest = scale3(shoulderMid, 0.63);
    out.LeftShoulder = add3(shoulderMid, scale3(shAcross, 0.15));
    out.RightShoulder = add3(shoulderMid, scale3(shAcross, -0.15));
    const head = vec('Hips', 'Head', f);
    const headDir: Vec3 = head ? norm3([head[0] - shoulderMid[0], head[1] - shoulderMid[1], 0]) : [0, 1, 0];
    out.Neck = add3(shoulderMid, scale3(headDir, proportions.head * 0.3));
    out.Head = add3(shoulderMid, scale3(headDir, proportions.head));
    return out;
  });

  // Limbs, parents first; each bone's depth sign over the whole video by Viterbi.
  const lengthOf: Record<string, number> = {
    LeftArm: proportions.upperArm,
    RightArm: proportions.upperArm,
    LeftForeArm: proportions.foreArm,
    RightForeArm: proportions.foreArm,
    LeftUpLeg: proportions.thigh,
    RightUpLeg: proportions.thigh,
    LeftLeg: proportions.shin,
    RightLeg: proportions.shin,
  };
  const parentBone: Record<string, string | undefined> = {
    LeftForeArm: 'LeftArm',
    RightForeArm: 'RightArm',
    LeftLeg: 'LeftUpLeg',
    RightLeg: 'RightUpLeg',
  };
  const boneDir = new Map<string, (Vec3 | null)[]>();
  for (const [a, b] of LIMB_BONES) {
    const L = lengthOf[a]!;
    const cands: ([Vec3, Vec3] | null)[] = frames.map((f) => {
      const v = vec(a, b, f);
      if (!v || !joints3d[f] || !joints3d[f]![a]) return null;
      const dz = Math.sqrt(Math.max(0, L * L - v[0] * v[0] - v[1] * v[1]));
      return [
        [v[0], v[1], dz],
        [v[0], v[1], -dz],
      ];
    });
    const parentDirs = parentBone[a] ? boneDir.get(parentBone[a]!) : undefined;
    const isLeg = a.includes('Leg');
    const unary = (f: number, c: 0 | 1): number | null => {
      const cand = cands[f];
      if (!cand) return null;
      const d = norm3(cand[c]);
      const F = facing(f);
      const parent = parentDirs?.[f];
      if (parent) {
        // Hinge limits: the shin turns backwards from the thigh, the forearm forwards from the upper arm.
        const turn = dot3(sub3(d, parent), F);
        return isLeg ? 3 * Math.max(0, turn) : 3 * Math.max(0, -turn);
      }
      // Thighs and upper arms reach forwards more often than backwards.
      return 0.4 * Math.max(0, -dot3(d, F));
    };
    const pairwise = (f: number, p: 0 | 1, c: 0 | 1): number => {
      const prev = cands[f - 1];
      const cur = cands[f];
      if (!prev || !cur) return 0;
      return 2 * angleBetween(prev[p], cur[c]);
    };
    const chosen = viterbi2(n, unary, pairwise);
    const dirs = frames.map((f) => {
      const c = chosen[f];
      const cand = cands[f];
      if (c === null || c === undefined || !cand) return null;
      return cand[c];
    });
    boneDir.set(
      a,
      dirs.map((d) => (d ? norm3(d) : null)),
    );
    dirs.forEach((d, f) => {
      const js = joints3d[f];
      if (!js || !d || !js[a]) return;
      js[b] = add3(js[a]!, d);
    });
  }

  // The hips' path: pinhole camera at the origin; depth from the scale.
  const focalPx = opts.imageHeight / 2 / Math.tan(((opts.verticalFovDeg ?? 40) * Math.PI) / 360);
  const cx = opts.imageWidth / 2;
  const cy = opts.imageHeight / 2;
  const hipsPath = frames.map((f): Vec3 | null => {
    const h = at('Hips', f);
    if (!h || !valid(f)) return null;
    const s = pxPerUnit[f]!;
    const depth = focalPx / s;
    return [((h[0] - cx) / focalPx) * depth, (-(h[1] - cy) / focalPx) * depth, -depth];
  });
  return {
    trackId: track.trackId,
    firstFrame: track.firstFrame,
    lastFrame: track.lastFrame,
    proportions,
    frames: joints3d,
    hipsPath,
    yawRad,
    head,
  };
}
