import { mouthDrawingPlacement } from '../render/face/drawFace.js';
import type { RgbaImage } from '../render/types.js';
import { MOUTH_SHAPES, type MouthShape } from './mouthShapes.js';
import type { FaceRig } from './schema.js';

/**
 * The user's own mouth drawings (FaceRig.mouthArt, mouthStyle 'swap'; docs/face.md, "Swapped
 * mouth drawings"): which shape a file or PSD layer is named for, and which drawing a frame shows.
 */

/**
 * The mouth shape a file or layer name stands for, or null. Case-insensitive; the extension and
 * any folder are dropped; the name is the shape's letter alone (`A.png`, `x`), or the letter after
 * a word ending in "mouth", with or without a separator (`mouth_A.png`, `mouth-e.png`, `Mouth E`,
 * `hero_mouth_D.png`, `mouthF`). Anything else (`eye L`, `B2`, `mouth`) is not a shape.
 */
export function mouthShapeFromName(name: string): MouthShape | null {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/\.(png|jpe?g|webp)$/i, '').trim();
  const match = /^(?:.*mouth[\s_.-]*)?([a-hx])$/i.exec(base);
  if (!match) return null;
  return (match[1] as string).toUpperCase() as MouthShape;
}

export interface NamedMouthArt<T> {
  /** One item per shape (the first of several named for the same shape). */
  readonly byShape: Partial<Record<MouthShape, T>>;
  /** Names that stand for no shape. */
  readonly unrecognised: readonly string[];
  /** Names left out because an earlier one had the same shape. */
  readonly duplicates: readonly string[];
}

/** Sorts named items (files, layers) by the shape their name stands for. */
export function mouthArtByName<T>(items: readonly T[], nameOf: (item: T) => string): NamedMouthArt<T> {
  const byShape: Partial<Record<MouthShape, T>> = {};
  const unrecognised: string[] = [];
  const duplicates: string[] = [];
  for (const item of items) {
    const name = nameOf(item);
    const shape = mouthShapeFromName(name);
    if (!shape) unrecognised.push(name);
    else if (byShape[shape] !== undefined) duplicates.push(name);
    else byShape[shape] = item;
  }
  return { byShape, unrecognised, duplicates };
}

/** The message for names that stand for no shape (empty when all were understood). */
export function unrecognisedMouthNames(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `Not named for a mouth shape: ${names.join(', ')}. Name each drawing for its shape (A–H or X), e.g. mouth_A.png, A.png, mouth-e.png.`;
}

/**
 * When a shape has no drawing, the nearest drawn one shows, in this order (after the shape itself):
 * closed mouths stand in for each other (X, A), then the least open of the open ones, rounded
 * ones for rounded ones. The first three follow Rhubarb's own stand-ins for its extended shapes
 * (G by B, H by C, X by A). With no drawing at all the picture's own mouth is warped instead.
 */
export const MOUTH_ART_FALLBACK: Readonly<Record<MouthShape, readonly MouthShape[]>> = {
  X: ['A', 'B', 'E', 'C', 'F', 'G', 'H', 'D'],
  A: ['X', 'B', 'G', 'E', 'C', 'F', 'H', 'D'],
  B: ['C', 'G', 'A', 'X', 'H', 'E', 'F', 'D'],
  C: ['H', 'B', 'D', 'E', 'G', 'A', 'X', 'F'],
  D: ['C', 'H', 'E', 'B', 'F', 'G', 'A', 'X'],
  E: ['F', 'C', 'B', 'D', 'H', 'A', 'X', 'G'],
  F: ['E', 'B', 'A', 'X', 'C', 'G', 'H', 'D'],
  G: ['B', 'A', 'X', 'C', 'E', 'F', 'H', 'D'],
  H: ['C', 'D', 'B', 'E', 'G', 'A', 'X', 'F'],
};

/** The drawing a frame showing `shape` swaps in: the shape's own or its nearest drawn stand-in. */
export function mouthArtFor(
  rig: Pick<FaceRig, 'mouthStyle' | 'mouthArt'>,
  shape: MouthShape,
): { shape: MouthShape; assetId: string } | null {
  if (rig.mouthStyle !== 'swap' || !rig.mouthArt) return null;
  for (const s of [shape, ...MOUTH_ART_FALLBACK[shape]]) {
    const assetId = rig.mouthArt[s];
    if (assetId) return { shape: s, assetId };
  }
  return null;
}

/** Every shape once in each fallback list (checked by the tests). */
export function fallbackIsComplete(): boolean {
  return MOUTH_SHAPES.every((s) => new Set([s, ...MOUTH_ART_FALLBACK[s]]).size === MOUTH_SHAPES.length);
}

/** A newly placed rig keeps the mouth style and drawings of the rig it replaces ("Find again"). */
export function keepMouthOf(rig: FaceRig, previous: FaceRig | undefined): FaceRig {
  if (!previous) return rig;
  return {
    ...rig,
    mouthStyle: previous.mouthStyle,
    ...(previous.mouthArt ? { mouthArt: previous.mouthArt } : {}),
  };
}

/**
 * A mouth drawing cut from a picture (a PSD's mouth-shape layers, `image` at `at` in the art) onto
 * the canvas the face pass places on the rig's mouth (mouthDrawingPlacement), so at rest it shows
 * exactly where and as large as it was drawn. The canvas is widened (and the drawing then shown a
 * little smaller) only when the drawing reaches further than 1.3 × the mouth's width. Assumes a
 * level mouth line (a tilted one turns the drawing with it).
 */
export function mouthDrawingOnRig(
  image: RgbaImage,
  at: { readonly left: number; readonly top: number },
  rig: FaceRig,
): RgbaImage {
  const { center, width } = mouthDrawingPlacement(rig);
  const halfW = Math.max(width / 2, center[0] - at.left, at.left + image.width - center[0]);
  const halfH = Math.max(1, center[1] - at.top, at.top + image.height - center[1]);
  const x0 = Math.round(center[0] - halfW);
  const y0 = Math.round(center[1] - halfH);
  const w = Math.max(1, Math.round(center[0] + halfW) - x0);
  const h = Math.max(1, Math.round(center[1] + halfH) - y0);
  const data = new Uint8Array(w * h * 4);
  const dx = Math.round(at.left) - x0;
  const dy = Math.round(at.top) - y0;
  for (let y = 0; y < image.height; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= h) continue;
    for (let x = 0; x < image.width; x++) {
      const tx = x + dx;
      if (tx < 0 || tx >= w) continue;
      const s = (y * image.width + x) * 4;
      data.set(image.data.subarray(s, s + 4), (ty * w + tx) * 4);
    }
  }
  return { width: w, height: h, data };
}
