import type { FaceParams } from '../../face/params.js';
import { isNeutralFace, NEUTRAL_FACE } from '../../face/params.js';
import type { EyeRig, FaceRig, Point } from '../../face/schema.js';
import type { Affine2 } from '../../math/types.js';
import type { RgbaImage } from '../types.js';

/**
 * The face pass: draws a face's parameters (core/face/params.ts) onto a frame the frame engine
 * made, after the engine (docs/face.md). Pure and per pixel, inside the head's outline only:
 *
 * - The frame is warped by a displacement field defined in the rig's ART coordinates (so it is
 *   the same for every pose; the head joint's transform maps it to the frame): lower lip and jaw
 *   down, upper lip up, corners apart/together/up/down, lips thinned, brows up/down/in, pupils
 *   shifted. Each target pixel finds its source by a few fixed-point steps of s = p - F(s).
 * - Where lips part, the mouth interior is drawn, not stretched skin: a dark cavity tinted by
 *   the lips' own colour, upper teeth, a tongue, anti-aliased against the lips.
 * - Closed lids are painted with skin sampled between eye and brow, with a dark lash line.
 *
 * The mouth never moves skin below the chin (the jaw's displacement fades to zero there) and
 * nothing outside the outline is touched, so a wide-open mouth cannot smear the neck or the
 * background. A neutral face returns the frame itself.
 */

export interface FaceDrawInput {
  readonly rig: FaceRig;
  readonly params: FaceParams;
  /** The head joint at this frame: art pixels -> frame pixels. */
  readonly artToFrame: Affine2;
  /** For mouthStyle 'swap': the asset id of the drawing the frame shows (core/face/mouthArt.ts). */
  readonly mouthArtId?: string;
  /** For mouthStyle 'swap': the drawing of the shape to show (straight RGBA), placed by the rig. */
  readonly mouthDrawing?: RgbaImage | null;
}

type V = readonly [number, number];

/** A swapped mouth drawing's half width, in half mouth widths (the canvas is 1.3 × the mouth). */
const SWAP_HALF_WIDTH = 1.3;

const sub = (a: V, b: V): [number, number] => [a[0] - b[0], a[1] - b[1]];
const add = (a: V, b: V): [number, number] => [a[0] + b[0], a[1] + b[1]];
const scale = (a: V, s: number): [number, number] => [a[0] * s, a[1] * s];
const dot = (a: V, b: V) => a[0] * b[0] + a[1] * b[1];
const len = (a: V) => Math.hypot(a[0], a[1]);
const norm = (a: V): [number, number] => {
  const l = len(a) || 1;
  return [a[0] / l, a[1] / l];
};
const mid = (a: V, b: V): [number, number] => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

function smoothstep(e0: number, e1: number, x: number): number {
  if (e1 <= e0) return x < e0 ? 0 : 1;
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

function applyAffine(m: Affine2, p: V): [number, number] {
  return [m[0] * p[0] + m[2] * p[1] + m[4], m[1] * p[0] + m[3] * p[1] + m[5]];
}

function invertAffine(m: Affine2): Affine2 {
  const [a, b, c, d, tx, ty] = m;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) throw new RangeError('the head transform is degenerate (zero scale)');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, ic, id, -(ia * tx + ic * ty), -(ib * tx + id * ty)];
}

function insidePolygon(p: V, poly: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i] as Point;
    const [xj, yj] = poly[j] as Point;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Bilinear sample of straight RGBA on premultiplied colour, clamped to the frame. */
function sample(frame: RgbaImage, x: number, y: number, out: number[]): void {
  const { width: w, height: h, data } = frame;
  const u = x - 0.5;
  const v = y - 0.5;
  const x0 = Math.floor(u);
  const y0 = Math.floor(v);
  const fx = u - x0;
  const fy = v - y0;
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  for (let k = 0; k < 4; k++) {
    const px = Math.min(w - 1, Math.max(0, x0 + (k & 1)));
    const py = Math.min(h - 1, Math.max(0, y0 + (k >> 1)));
    const wk = ((k & 1) === 1 ? fx : 1 - fx) * (k >> 1 === 1 ? fy : 1 - fy);
    const i = (py * w + px) * 4;
    const al = (data[i + 3] as number) * wk;
    r += (data[i] as number) * al;
    g += (data[i + 1] as number) * al;
    b += (data[i + 2] as number) * al;
    a += al;
  }
  if (a <= 1e-6) {
    out[0] = out[1] = out[2] = out[3] = 0;
    return;
  }
  out[0] = r / a;
  out[1] = g / a;
  out[2] = b / a;
  out[3] = a;
}

/** The mouth in its own frame: origin on the lip line, x towards the picture's right corner... */
interface MouthFrame {
  readonly o: V;
  readonly ex: V;
  readonly ey: V;
  readonly hw: number;
  readonly upperT: number;
  readonly lowerT: number;
  /** Distances from the lip line to the nose (up) and the chin (down). */
  readonly noseD: number;
  readonly chinD: number;
  // Driven values.
  readonly lowerDrop: number;
  readonly upperLift: number;
  readonly widthScale: number;
  readonly smileLift: number;
  readonly press: number;
}

/**
 * Where a swapped mouth drawing goes, in art pixels: its canvas centred on `center` (the middle of
 * the lip line), `width` wide, its height by its own aspect, along the corners' line (`angleRad`).
 */
export function mouthDrawingPlacement(rig: FaceRig): { center: Point; width: number; angleRad: number } {
  const mf = mouthFrame(rig, NEUTRAL_FACE);
  return {
    center: [mf.o[0], mf.o[1]],
    width: 2 * SWAP_HALF_WIDTH * mf.hw,
    angleRad: Math.atan2(mf.ex[1], mf.ex[0]),
  };
}

function mouthFrame(rig: FaceRig, p: FaceParams): MouthFrame {
  const m = rig.mouth;
  const corners = mid(m.left, m.right);
  let ex = norm(sub(m.left, m.right));
  // x points to the picture's right whichever corner is which, so "down" is always down.
  if (ex[0] < 0) ex = [-ex[0], -ex[1]];
  const ey: V = [-ex[1], ex[0]];
  const hw = len(sub(m.left, m.right)) / 2;
  // The lip line: between the two lip edges, through the corners' line where the rig is loose.
  const upperY = dot(sub(m.upper, corners), ey);
  const lowerY = dot(sub(m.lower, corners), ey);
  const lineY = (upperY + lowerY) / 2;
  const o = add(corners, scale(ey, lineY));
  const upperT = Math.max(hw * 0.05, lineY - upperY);
  const lowerT = Math.max(hw * 0.05, lowerY - lineY);
  const noseD = Math.max(upperT * 1.5, -dot(sub(rig.nose, o), ey));
  const chinD = Math.max(lowerT * 2, dot(sub(rig.chin, o), ey));
  const gap = p.jawOpen * 1.1 * hw;
  // The jaw's drop compresses the skin between lower lip and chin: at most 60% of that span, so
  // the field stays one-to-one and nothing below the chin moves.
  const lowerDrop = Math.min(0.78 * gap, 0.6 * (chinD - lowerT));
  const upperLift = Math.min(0.22 * gap, 0.5 * (noseD - upperT));
  return {
    o,
    ex,
    ey,
    hw,
    upperT,
    lowerT,
    noseD,
    chinD,
    lowerDrop,
    upperLift,
    widthScale: 1 + 0.25 * p.mouthWide - 0.3 * p.mouthRound,
    smileLift: p.smile * 0.3 * hw,
    press: p.lipPress,
  };
}

/** How open the lips are across the mouth, 0 at and beyond the corners. */
function openProfile(x: number, hw: number): number {
  const t = x / hw;
  return t * t >= 1 ? 0 : (1 - t * t) ** 0.8;
}

/** Where lips part at mouth-x `xs` (source coordinates): [top edge, bottom edge] in mouth y. */
function gapEdges(mf: MouthFrame, xs: number): [number, number] {
  const prof = openProfile(xs, mf.hw);
  return [-mf.upperLift * prof, mf.lowerDrop * prof];
}

function smileDy(mf: MouthFrame, x: number, y: number): number {
  if (mf.smileLift === 0) return 0;
  const t = Math.min(1.6, Math.abs(x) / mf.hw);
  const along = t <= 1 ? t * t : 1 - smoothstep(1, 1.6, t);
  const vert = 1 - smoothstep(0, Math.max(mf.upperT, mf.lowerT) * 3, Math.abs(y));
  return -mf.smileLift * along * vert;
}

/**
 * Source mouth-coordinates of target mouth-coordinates (xt, yt), or the opening's edges there.
 */
function mouthSource(
  mf: MouthFrame,
  xt: number,
  yt: number,
): { gap: false; xs: number; ys: number } | { gap: true; xs: number; top: number; bottom: number } {
  // Width: scaled about the centre, fading beyond the corners and away from the lip line.
  const vert = 1 - smoothstep(0, Math.max(mf.upperT, mf.lowerT) * 3.5, Math.abs(yt));
  let xs = xt;
  for (let k = 0; k < 3; k++) {
    const along = 1 - smoothstep(mf.hw, mf.hw * 1.8, Math.abs(xs));
    xs = xt / (1 + (mf.widthScale - 1) * along * vert);
  }
  const [top, bottom] = gapEdges(mf, xs);
  const s0 = smileDy(mf, xs, yt);
  let ys: number;
  if (yt - s0 > bottom) {
    // Lower lip, chin: y + drop(x) * fade(y) = target.
    ys = yt - s0 - bottom;
    const drop = mf.lowerDrop * openProfile(xs, mf.hw);
    for (let k = 0; k < 5; k++) ys = yt - s0 - drop * (1 - smoothstep(mf.lowerT, mf.chinD, ys));
    ys = Math.max(0, ys);
  } else if (yt - s0 < top) {
    ys = yt - s0 - top;
    const lift = mf.upperLift * openProfile(xs, mf.hw);
    for (let k = 0; k < 5; k++) ys = yt - s0 + lift * (1 - smoothstep(mf.upperT, mf.noseD, -ys));
    ys = Math.min(0, ys);
  } else if (bottom - top > 1e-6) {
    return { gap: true, xs, top: top + s0, bottom: bottom + s0 };
  } else {
    ys = yt - s0;
  }
  if (mf.press > 0) {
    // Pressed lips look thinner: each lip samples from further out from the lip line.
    const t = ys >= 0 ? mf.lowerT : mf.upperT;
    ys += mf.press * 0.45 * ys * (1 - smoothstep(t, t * 2.5, Math.abs(ys)));
  }
  return { gap: false, xs, ys };
}

interface EyeFrame {
  readonly c: V;
  readonly ex: V;
  readonly ey: V;
  readonly hw: number;
  readonly hh: number;
  readonly blink: number;
  /** Pupil shift in eye coordinates. */
  readonly gaze: V;
}

function eyeFrame(eye: EyeRig, blink: number, gazeX: number, gazeY: number, leftward: V): EyeFrame {
  let ex: V = [Math.cos(eye.angleRad), Math.sin(eye.angleRad)];
  if (ex[0] < 0) ex = [-ex[0], -ex[1]];
  const ey: V = [-ex[1], ex[0]];
  // Gaze to the character's left = towards the left eye from the right one, in eye coordinates.
  const gx = gazeX * 0.4 * eye.halfWidth;
  const gazeArt = add(scale(leftward, gx), scale(ey, -gazeY * 0.4 * eye.halfHeight));
  return {
    c: eye.center,
    ex,
    ey,
    hw: eye.halfWidth,
    hh: eye.halfHeight,
    blink,
    gaze: [dot(gazeArt, ex), dot(gazeArt, ey)],
  };
}

interface BrowBump {
  readonly at: V;
  readonly rx: number;
  readonly ry: number;
  readonly d: V;
  /**
   * The eye under the brow: the field fades in from just above the eye (fadeFrom) to the brow
   * (fadeTo, distances along "up"), so the eye itself never moves.
   */
  readonly eye: V;
  readonly fadeFrom: number;
  readonly fadeTo: number;
}

function browBumps(rig: FaceRig, p: FaceParams, up: V): BrowBump[] {
  const bumps: BrowBump[] = [];
  const sides = [
    { brow: rig.brows.left, eye: rig.eyes.left, raise: p.browRaiseL },
    { brow: rig.brows.right, eye: rig.eyes.right, raise: p.browRaiseR },
  ];
  const centre = mid(rig.eyes.left.center, rig.eyes.right.center);
  for (const { brow, eye, raise } of sides) {
    if (raise === 0 && p.browFrown === 0) continue;
    const browLen = Math.max(1, len(sub(brow[2], brow[0])));
    // Small enough that the stretch between eye and brow stays one-to-one (see browDisplacement).
    const lift = raise * 0.8 * eye.halfHeight;
    brow.forEach((point, i) => {
      // Frown: inner end down and towards the nose most, the middle half as much, the outer not.
      const frownW = [1, 0.5, 0][i] as number;
      const inward = norm(sub(centre, point));
      const wanted = add(
        scale(up, lift - p.browFrown * frownW * 0.6 * eye.halfHeight),
        scale(inward, p.browFrown * frownW * 0.12 * browLen),
      );
      // The shift is at most 55% of the span between eye and brow, where it fades in: a
      // smoothstep's slope is at most 1.5, so the field stays one-to-one (no folds, no doubled brows).
      const browAbove = Math.max(eye.halfHeight * 2, dot(sub(point, eye.center), up));
      const most = 0.55 * (browAbove - eye.halfHeight * 1.05);
      const d = len(wanted) > most ? scale(wanted, most / len(wanted)) : wanted;
      // Wide enough that the field stays one-to-one (a bump narrower than its shift folds over).
      const ry = Math.max(eye.halfHeight * 1.1, browLen * 0.22, len(d) * 1.6);
      bumps.push({
        at: point,
        rx: Math.max(browLen * 0.42, len(d) * 1.6),
        ry,
        d,
        eye: eye.center,
        fadeFrom: eye.halfHeight * 1.05,
        fadeTo: browAbove,
      });
    });
  }
  return bumps;
}

function browDisplacement(bumps: readonly BrowBump[], up: V, s: V): [number, number] {
  let dx = 0;
  let dy = 0;
  const side: V = [up[1], -up[0]];
  for (const b of bumps) {
    const rel = sub(s, b.at);
    const u = dot(rel, side) / b.rx;
    const v = dot(rel, up) / b.ry;
    const aboveEye = smoothstep(b.fadeFrom, b.fadeTo, dot(sub(s, b.eye), up));
    const w = Math.exp(-(u * u + v * v)) * aboveEye;
    dx += b.d[0] * w;
    dy += b.d[1] * w;
  }
  return [dx, dy];
}

function averageColour(frame: RgbaImage, points: readonly V[]): [number, number, number] {
  const c = [0, 0, 0, 0];
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (const p of points) {
    sample(frame, p[0], p[1], c);
    if ((c[3] as number) < 128) continue;
    r += c[0] as number;
    g += c[1] as number;
    b += c[2] as number;
    n++;
  }
  return n === 0 ? [200, 160, 140] : [r / n, g / n, b / n];
}

function blend(out: number[], colour: readonly number[], coverage: number): void {
  if (coverage <= 0) return;
  const k = Math.min(1, coverage);
  out[0] = (out[0] as number) * (1 - k) + (colour[0] as number) * k;
  out[1] = (out[1] as number) * (1 - k) + (colour[1] as number) * k;
  out[2] = (out[2] as number) * (1 - k) + (colour[2] as number) * k;
  out[3] = Math.max(out[3] as number, 255 * k);
}

export function drawFace(frame: RgbaImage, input: FaceDrawInput): RgbaImage {
  const { rig, params } = input;
  const swap = rig.mouthStyle === 'swap' && input.mouthDrawing;
  if (isNeutralFace(params) && !swap) return frame;
  const M = input.artToFrame;
  const Minv = invertAffine(M);
  // Art pixels per frame pixel, for anti-aliasing widths.
  const pxArt = 1 / Math.sqrt(Math.abs(M[0] * M[3] - M[1] * M[2]));
  // Region: the outline's bounding box in the frame.
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const p of rig.outline) {
    const q = applyAffine(M, p);
    x0 = Math.min(x0, q[0]);
    y0 = Math.min(y0, q[1]);
    x1 = Math.max(x1, q[0]);
    y1 = Math.max(y1, q[1]);
  }
  const bx0 = Math.max(0, Math.floor(x0));
  const by0 = Math.max(0, Math.floor(y0));
  const bx1 = Math.min(frame.width, Math.ceil(x1));
  const by1 = Math.min(frame.height, Math.ceil(y1));
  if (bx1 <= bx0 || by1 <= by0) return frame;

  const mf = mouthFrame(rig, params);
  const leftward = norm(sub(rig.eyes.left.center, rig.eyes.right.center));
  // "Up" on the face: from the mouth towards the eyes.
  const up = norm(sub(mid(rig.eyes.left.center, rig.eyes.right.center), mf.o));
  const eyes = [
    eyeFrame(rig.eyes.left, params.blinkL, params.gazeX, params.gazeY, leftward),
    eyeFrame(rig.eyes.right, params.blinkR, params.gazeX, params.gazeY, leftward),
  ];
  const bumps = browBumps(rig, params, up);
  const toFrame = (p: V) => applyAffine(M, p);

  // Colours from the frame itself: the lips (for the interior's tint) and the skin above each eye.
  const lip = averageColour(frame, [
    toFrame(add(mf.o, scale(mf.ey, mf.lowerT * 0.5))),
    toFrame(add(mf.o, add(scale(mf.ey, mf.lowerT * 0.5), scale(mf.ex, mf.hw * 0.3)))),
    toFrame(add(mf.o, add(scale(mf.ey, mf.lowerT * 0.5), scale(mf.ex, -mf.hw * 0.3)))),
  ]);
  const cavity = [lip[0] * 0.22 + 18, lip[1] * 0.12 + 4, lip[2] * 0.12 + 6];
  const teethColour = [232, 226, 214];
  const tongueColour = [Math.min(255, lip[0] * 0.75 + 40), lip[1] * 0.45 + 10, lip[2] * 0.5 + 14];
  // The lid's skin: just beside the eye and just above it (further up may be brow or hair).
  const lidColours = eyes.map((e) =>
    averageColour(frame, [
      toFrame(add(e.c, scale(e.ex, e.hw * 1.45))),
      toFrame(add(e.c, scale(e.ex, -e.hw * 1.45))),
      toFrame(add(e.c, scale(up, e.hh * 1.3))),
    ]),
  );
  const skin = averageColour(frame, [
    toFrame(add(mf.o, scale(mf.ex, mf.hw * 1.5))),
    toFrame(add(mf.o, scale(mf.ex, -mf.hw * 1.5))),
    toFrame(add(mf.o, scale(mf.ey, -(mf.noseD * 0.6)))),
  ]);
  const swapping = swap ? (input.mouthDrawing as RgbaImage) : null;

  const out = new Uint8Array(frame.data);
  const c = [0, 0, 0, 0];
  const d = [0, 0, 0, 0];
  for (let y = by0; y < by1; y++) {
    for (let x = bx0; x < bx1; x++) {
      const p = applyAffine(Minv, [x + 0.5, y + 0.5]);
      if (!insidePolygon(p, rig.outline)) continue;
      let s: [number, number] = [p[0], p[1]];
      let changed = false;
      // Eyes: pupils shift inside the opening, the rim stays.
      for (const e of eyes) {
        if (e.gaze[0] === 0 && e.gaze[1] === 0) continue;
        const rel = sub(s, e.c);
        const u = dot(rel, e.ex) / e.hw;
        const v = dot(rel, e.ey) / e.hh;
        const r2 = u * u + v * v;
        if (r2 >= 1) continue;
        // Flat in the middle (the iris moves whole), zero at the rim (the eye's outline stays).
        const w = 1 - r2 * r2;
        const shifted = sub(s, add(scale(e.ex, e.gaze[0] * w), scale(e.ey, e.gaze[1] * w)));
        // Kept inside the eye: the rim's own colour fills in behind a moved iris, never skin.
        const su = dot(sub(shifted, e.c), e.ex) / e.hw;
        const sv = dot(sub(shifted, e.c), e.ey) / e.hh;
        const sr = Math.sqrt(su * su + sv * sv);
        s = sr > 0.92 ? add(e.c, scale(sub(shifted, e.c), 0.92 / sr)) : shifted;
        changed = true;
      }
      // Brows.
      if (bumps.length > 0) {
        const target = s;
        let src = target;
        for (let k = 0; k < 3; k++) src = sub(target, browDisplacement(bumps, up, src));
        if (Math.abs(src[0] - target[0]) + Math.abs(src[1] - target[1]) > 1e-3) changed = true;
        s = src;
      }
      // Mouth.
      const rel = sub(s, mf.o);
      const mx = dot(rel, mf.ex);
      const my = dot(rel, mf.ey);
      let inGap = false;
      let gapTop = 0;
      let gapBottom = 0;
      let srcX = mx;
      const nearMouth = Math.abs(mx) < mf.hw * 2 && my > -mf.noseD && my < mf.chinD;
      if (nearMouth && !swapping) {
        const ms = mouthSource(mf, mx, my);
        if (ms.gap) {
          inGap = true;
          srcX = ms.xs;
          gapTop = ms.top;
          gapBottom = ms.bottom;
        } else if (Math.abs(ms.xs - mx) + Math.abs(ms.ys - my) > 1e-4) {
          s = add(mf.o, add(scale(mf.ex, ms.xs), scale(mf.ey, ms.ys)));
          changed = true;
        }
      }
      let swapCover = 0;
      let drawingU = -1;
      let drawingV = -1;
      if (swapping) {
        // Swap: skin over the picture's own mouth, then the drawing over it, wherever the drawing's
        // canvas reaches (an open mouth drawn taller than the picture's closed one is not cut off).
        const u = mx / (mf.hw * 1.35);
        const v = my / ((mf.upperT + mf.lowerT) * 1.6 + mf.hw * 0.15);
        const r = Math.sqrt(u * u + v * v);
        swapCover = 1 - smoothstep(0.8, 1, r);
        if (swapCover > 0) changed = true;
        const half = mf.hw * SWAP_HALF_WIDTH;
        drawingU = mx / half / 2 + 0.5;
        drawingV = my / (half * (swapping.height / swapping.width)) / 2 + 0.5;
        if (drawingU >= 0 && drawingU < 1 && drawingV >= 0 && drawingV < 1) changed = true;
      }
      const lidCover: number[] = [];
      for (const e of eyes) {
        let cover = 0;
        if (e.blink > 0.01) {
          const relE = sub(p, e.c);
          const u = dot(relE, e.ex) / (e.hw * 1.08);
          const v = dot(relE, e.ey);
          if (Math.abs(u) < 1) {
            const half = e.hh * 1.08 * Math.sqrt(1 - u * u);
            const lidEdge = -half + e.blink * 2 * half;
            if (v > -half - pxArt && v < half + pxArt) {
              // Anti-aliased against the lid's edge and the eye's rim.
              cover =
                Math.min(1, Math.max(0, (lidEdge - v) / pxArt + 0.5)) *
                Math.min(1, Math.max(0, (half - Math.abs(v)) / pxArt + 0.5));
              if (cover > 0) changed = true;
            }
            if (Math.abs(v - lidEdge) < e.hh * 0.14 && v < half) changed = true;
          }
        }
        lidCover.push(cover);
      }
      if (!changed && !inGap) continue;
      const q = toFrame(s);
      sample(frame, q[0], q[1], c);
      const o = (y * frame.width + x) * 4;
      const own = frame.data[o + 3] as number;
      if ((c[3] as number) < own) {
        // A source beyond the picture's edge (transparent): never open a hole, keep what was there.
        const k = (c[3] as number) / 255;
        c[0] = (c[0] as number) * k + (frame.data[o] as number) * (1 - k);
        c[1] = (c[1] as number) * k + (frame.data[o + 1] as number) * (1 - k);
        c[2] = (c[2] as number) * k + (frame.data[o + 2] as number) * (1 - k);
        c[3] = own;
      }
      if (inGap) {
        // The interior, from the mouth's own coordinates: cavity, upper teeth, tongue.
        const h = gapBottom - gapTop;
        const edgeCover = Math.min(1, Math.max(0, Math.min(my - gapTop, gapBottom - my) / pxArt + 0.5));
        d[0] = cavity[0] as number;
        d[1] = cavity[1] as number;
        d[2] = cavity[2] as number;
        d[3] = 255;
        const teethH = params.teeth * Math.min(h * 0.45, 0.28 * mf.hw);
        const across = 1 - smoothstep(0.55, 1, Math.abs(srcX) / (mf.hw * mf.widthScale));
        if (my - gapTop < teethH)
          blend(
            d,
            teethColour.map((v) => v * (0.8 + 0.2 * across)),
            1,
          );
        const tongueH = h * (0.22 + 0.4 * params.tongue);
        const tu = srcX / (mf.hw * 0.62);
        const tv = (my - (gapBottom - tongueH * 0.5)) / (tongueH * 0.75);
        if (tu * tu + tv * tv < 1 && params.jawOpen > 0.15) blend(d, tongueColour, 0.9);
        blend(c, d, edgeCover);
        c[3] = 255;
      }
      if (swapping) {
        if (swapCover > 0) blend(c, skin, swapCover);
        if (drawingU >= 0 && drawingU < 1 && drawingV >= 0 && drawingV < 1) {
          sample(swapping, drawingU * swapping.width, drawingV * swapping.height, d);
          blend(c, d, (d[3] as number) / 255);
        }
      }
      lidCover.forEach((cover, i) => {
        const e = eyes[i] as EyeFrame;
        if (e.blink <= 0.01) return;
        blend(c, lidColours[i] as number[], cover);
        // The lash line along the lid's edge.
        const relE = sub(p, e.c);
        const u = dot(relE, e.ex) / (e.hw * 1.08);
        if (Math.abs(u) >= 1) return;
        const half = e.hh * 1.08 * Math.sqrt(1 - u * u);
        const lidEdge = -half + e.blink * 2 * half;
        const dist = Math.abs(dot(relE, e.ey) - lidEdge);
        const lash = Math.min(1, Math.max(0, (e.hh * 0.1 - dist) / pxArt + 0.5)) * Math.min(1, e.blink * 3);
        blend(c, [40, 28, 26], lash * 0.85);
      });
      out[o] = Math.round(c[0] as number);
      out[o + 1] = Math.round(c[1] as number);
      out[o + 2] = Math.round(c[2] as number);
      out[o + 3] = Math.round(c[3] as number);
    }
  }
  return { width: frame.width, height: frame.height, data: out };
}
