import { percentile } from '../math/stats.js';
import { BROW, EYE } from './facemeshPoints.js';
import type { Mesh } from './headPose.js';

/**
 * What the landmark model does not follow, read from the frame's pixels around its landmarks
 * (issue 13, gaze and brows from a face video). The iris model's points stay near the eye's
 * middle when the eyes look about, and the mesh's brow points barely move with thin or drawn brows
 * (measured on the rendered test heads, docs/face.md); the pixels show both plainly:
 *
 * - **gaze**: the centroid of the dark pixels (iris and pupil) inside the eye's opening, relative
 *   to the middle of its corners, in eye widths, along the line from the person's right eye to the
 *   left (+u: to the person's left) and across it (+v: up);
 * - **brow**: the height of the dark bar above the eye (the brow) over the eye's middle, from the
 *   line through the eye's corners, in eye widths.
 *
 * Both are raw image measures; facePerformance.ts relates them to the rest frame and takes the
 * head's turn out of the gaze. Pure: the frame is RGB (3 bytes a pixel) or RGBA.
 */

export interface FrameRgb {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** 3 (RGB, as ffmpeg decodes) or 4. */
  readonly channels?: 3 | 4;
}

export interface EyeImageCues {
  /** Dark centroid in the eye opening, [u, v] in eye widths; null where the eye is too closed to tell. */
  readonly gaze: readonly [number, number] | null;
  /** Brow bar's height above the eye's corner line, in outer-corner distances; null where no bar is found. */
  readonly brow: number | null;
  /**
   * How much of the eye's white shows: the area brighter than the skin around the eye, in a box
   * of the eye's width around its middle, over the eye's width squared. Near 0 in a blink.
   */
  readonly white: number | null;
}

export interface FaceImageCues {
  readonly left: EyeImageCues;
  readonly right: EyeImageCues;
}

type P = readonly [number, number];

/** An eye opening narrower than this (lid gap over width) hides the iris: no gaze is read. */
const MIN_OPENING = 0.14;
/**
 * The brow is looked for from this far above the eye's corner line to this far, in distances
 * between the outer eye corners (a person's brows sit ~0.25-0.35 of it above the eyes; drawn and
 * rendered heads with small eyes put them higher in eye widths, not in this unit).
 */
const BROW_FROM = 0.08;
const BROW_TO = 0.65;

function pixelLuminance(frame: FrameRgb, x: number, y: number): number {
  const c = frame.channels ?? 3;
  const xi = Math.min(frame.width - 1, Math.max(0, x));
  const yi = Math.min(frame.height - 1, Math.max(0, y));
  const i = (yi * frame.width + xi) * c;
  return 0.299 * frame.data[i]! + 0.587 * frame.data[i + 1]! + 0.114 * frame.data[i + 2]!;
}

/** Bilinear: the eyes of a face in a small video are a few pixels across. (x, y) in pixel centres. */
function luminanceAt(frame: FrameRgb, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const tx = fx - x0;
  const ty = fy - y0;
  const a = pixelLuminance(frame, x0, y0) * (1 - tx) + pixelLuminance(frame, x0 + 1, y0) * tx;
  const b = pixelLuminance(frame, x0, y0 + 1) * (1 - tx) + pixelLuminance(frame, x0 + 1, y0 + 1) * tx;
  return a * (1 - ty) + b * ty;
}

function insidePolygon(poly: readonly P[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

interface EyeFrame {
  /** Middle of the corners. */
  readonly mid: P;
  readonly width: number;
  /** Unit vector towards the person's left, and up (image y grows down). */
  readonly across: P;
  readonly up: P;
}

function eyeFrame(mesh: Mesh, side: 'left' | 'right', across: P): EyeFrame {
  const e = EYE[side];
  const o = mesh[e.outer]!;
  const n = mesh[e.inner]!;
  return {
    mid: [(o[0] + n[0]) / 2, (o[1] + n[1]) / 2],
    width: Math.hypot(o[0] - n[0], o[1] - n[1]),
    across,
    up: [across[1], -across[0]],
  };
}

function gazeOf(frame: FrameRgb, mesh: Mesh, side: 'left' | 'right', ef: EyeFrame): [number, number] | null {
  const e = EYE[side];
  const pt = (k: number): P => [mesh[k]![0], mesh[k]![1]];
  const along = (p: P) => (p[0] - ef.mid[0]) * ef.across[0] + (p[1] - ef.mid[1]) * ef.across[1];
  const upper = e.upper.map(pt);
  const lower = e.lower.map(pt);
  const gap =
    upper.reduce((s, p, i) => s + Math.hypot(p[0] - lower[i]![0], p[1] - lower[i]![1]), 0) / upper.length;
  if (ef.width < 6 || gap / ef.width < MIN_OPENING) return null;
  // The opening: corner, upper lid across, other corner, lower lid back.
  const outer = pt(e.outer);
  const inner = pt(e.inner);
  const [first, last] = along(outer) < along(inner) ? [outer, inner] : [inner, outer];
  const sortedUpper = [...upper].sort((a, b) => along(a) - along(b));
  const sortedLower = [...lower].sort((a, b) => along(b) - along(a));
  const poly = [first, ...sortedUpper, last, ...sortedLower];
  const xs = poly.map((p) => p[0]);
  const ys = poly.map((p) => p[1]);
  const pixels: { x: number; y: number; l: number }[] = [];
  // Four samples a pixel each way: the opening is a few pixels tall in a small video.
  const sub = 0.25;
  for (let y = Math.floor(Math.min(...ys)); y <= Math.ceil(Math.max(...ys)); y += sub) {
    for (let x = Math.floor(Math.min(...xs)); x <= Math.ceil(Math.max(...xs)); x += sub) {
      if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) continue;
      const px = x + sub / 2;
      const py = y + sub / 2;
      if (insidePolygon(poly, px, py)) pixels.push({ x: px, y: py, l: luminanceAt(frame, px, py) });
    }
  }
  if (pixels.length < 12 * 16) return null;
  // The iris and pupil are the darkest part of the opening; the white of the eye the brightest.
  const dark = percentile(
    pixels.map((p) => p.l),
    0.1,
  );
  const light = percentile(
    pixels.map((p) => p.l),
    0.9,
  );
  if (light - dark < 30) return null;
  const threshold = dark + 0.5 * (light - dark);
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (const p of pixels) {
    const w = Math.max(0, threshold - p.l);
    sw += w;
    sx += w * p.x;
    sy += w * p.y;
  }
  if (sw <= 0) return null;
  const c: P = [sx / sw - ef.mid[0], sy / sw - ef.mid[1]];
  return [
    (c[0] * ef.across[0] + c[1] * ef.across[1]) / ef.width,
    (c[0] * ef.up[0] + c[1] * ef.up[1]) / ef.width,
  ];
}

function whiteOf(frame: FrameRgb, ef: EyeFrame): number | null {
  if (ef.width < 6) return null;
  const n = Math.max(16, Math.round(ef.width * 3));
  const samples: { a: number; h: number; l: number }[] = [];
  for (let r = 0; r <= n; r++) {
    for (let c = 0; c <= n; c++) {
      const a = -0.6 + (1.2 * c) / n;
      const h = -0.35 + (0.7 * r) / n;
      const x = ef.mid[0] + (a * ef.across[0] + h * ef.up[0]) * ef.width;
      const y = ef.mid[1] + (a * ef.across[1] + h * ef.up[1]) * ef.width;
      if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) continue;
      samples.push({ a, h, l: luminanceAt(frame, x, y) });
    }
  }
  // The skin: the box's rim, beyond the eye's corners and lids.
  const rim = samples.filter((p) => Math.abs(p.a) > 0.55 || Math.abs(p.h) > 0.3).map((p) => p.l);
  if (rim.length < 8) return null;
  const skin = percentile(rim, 0.5);
  const threshold = skin + 0.35 * (255 - skin);
  const cell = (1.2 / n) * (0.7 / n);
  return samples.filter((p) => p.l > threshold).length * cell;
}

function browOf(
  frame: FrameRgb,
  side: 'left' | 'right',
  ef: EyeFrame,
  mesh: Mesh,
  unit: number,
): number | null {
  if (unit < 20) return null;
  // Columns over the eye's middle; in each, the darkness-weighted height of what is darker than
  // the skin between eye and brow.
  const step = 0.01;
  const rows = Math.max(24, Math.round((BROW_TO - BROW_FROM) * unit * 2));
  const heights: number[] = [];
  // The mesh's brow, to pick the dark bar nearest it where two bars show (brow and hairline).
  const meshBrow =
    BROW[side].reduce((s, k) => {
      const p = mesh[k]!;
      return s + ((p[0] - ef.mid[0]) * ef.up[0] + (p[1] - ef.mid[1]) * ef.up[1]);
    }, 0) /
    BROW[side].length /
    unit;
  for (let a = -0.08; a <= 0.08 + 1e-9; a += step) {
    const samples: { h: number; l: number }[] = [];
    for (let r = 0; r <= rows; r++) {
      const h = BROW_FROM + ((BROW_TO - BROW_FROM) * r) / rows;
      const x = ef.mid[0] + (a * ef.across[0] + h * ef.up[0]) * unit;
      const y = ef.mid[1] + (a * ef.across[1] + h * ef.up[1]) * unit;
      if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) continue;
      samples.push({ h, l: luminanceAt(frame, x, y) });
    }
    if (samples.length < rows / 2) continue;
    const skin = percentile(
      samples.map((s) => s.l),
      0.75,
    );
    const darkest = Math.min(...samples.map((s) => s.l));
    if (skin - darkest < 25) continue;
    const threshold = darkest + 0.5 * (skin - darkest);
    // The run of dark samples nearest the mesh's brow.
    let best: { h: number; d: number } | null = null;
    let sw = 0;
    let sh = 0;
    const flush = () => {
      if (sw > 0) {
        const h = sh / sw;
        const d = Math.abs(h - meshBrow);
        if (!best || d < best.d) best = { h, d };
      }
      sw = 0;
      sh = 0;
    };
    for (const s of samples) {
      const w = threshold - s.l;
      if (w > 0) {
        sw += w;
        sh += w * s.h;
      } else flush();
    }
    flush();
    const found = best as { h: number; d: number } | null;
    if (found) heights.push(found.h);
  }
  if (heights.length < 3) return null;
  return percentile(heights, 0.5);
}

/** Gaze and brow measures of one face in one frame, from its mesh (image pixels) and the frame. */
export function faceImageCues(frame: FrameRgb, mesh: Mesh): FaceImageCues {
  const r = mesh[EYE.right.outer]!;
  const l = mesh[EYE.left.outer]!;
  const len = Math.hypot(l[0] - r[0], l[1] - r[1]) || 1;
  const across: P = [(l[0] - r[0]) / len, (l[1] - r[1]) / len];
  const cues = (side: 'left' | 'right'): EyeImageCues => {
    const ef = eyeFrame(mesh, side, across);
    return {
      gaze: gazeOf(frame, mesh, side, ef),
      brow: browOf(frame, side, ef, mesh, len),
      white: whiteOf(frame, ef),
    };
  };
  return { left: cues('left'), right: cues('right') };
}
