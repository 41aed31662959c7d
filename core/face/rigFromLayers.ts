import { mouthShapeFromName } from './mouthArt.js';
import type { EyeRig, FaceRig, Point } from './schema.js';

/**
 * A face rig from a layered picture's layer names (a PSD with layers "eye L", "eye R", "brows",
 * "nose", "mouth", "head"…; docs/face.md, "From PSD layer names"): each feature placed from the
 * opaque bounding box of the layers named for it. Pure; the host finds the boxes (the PSD's
 * layers on import, the part-hint map the character keeps afterwards).
 *
 * Names: the innermost name of a layer's path decides (`Head/eye L` is an eye); a name that is
 * only a side (`Eyes/L`) takes its group's. Case, `_`, `-`, `.` and camelCase do not matter.
 * - eyes: `eye`, `eyes` (one layer with both eyes is split at its middle);
 * - brows: `brow`, `brows`, `eyebrow`, `eye brow`;
 * - nose: `nose`; mouth: `mouth`, `lips` (else a mouth-shape layer such as `mouth X`);
 * - head: `face`, else `head` (its box gives the outline and the chin).
 * Sides are taken from the boxes' places, not the names (artists write L and R both ways): the
 * eye further right in the picture is the character's left, as for a figure facing the camera.
 * Without two eyes and a mouth there is no rig (null): the drawn-face finder answers instead.
 */

export interface LayerBox {
  readonly name: string;
  /** Opaque pixels' bounding box in the picture, right and bottom exclusive. */
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

type Part = 'eye' | 'brow' | 'nose' | 'mouth' | 'mouthShape' | 'face' | 'head';

function normalise(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[_\-.]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const SIDE_ONLY = /^(l|r|left|right)$/;

function partOfComponent(text: string): { part: Part; pair: boolean } | null {
  const n = normalise(text);
  const sided = /\b(l|r|left|right)\b/.test(n);
  if (/\b(eye ?)?brows?\b/.test(n)) return { part: 'brow', pair: /brows\b/.test(n) && !sided };
  if (/\beyes?\b/.test(n)) return { part: 'eye', pair: /\beyes\b/.test(n) && !sided };
  if (/\bnose\b/.test(n)) return { part: 'nose', pair: false };
  if (mouthShapeFromName(text)) return { part: 'mouthShape', pair: false };
  if (/\b(mouth|lips?)\b/.test(n)) return { part: 'mouth', pair: false };
  if (/\bface\b/.test(n)) return { part: 'face', pair: false };
  if (/\bhead\b/.test(n)) return { part: 'head', pair: false };
  return null;
}

/**
 * The face part a layer's name stands for, and whether it holds a pair (both eyes or both
 * brows in one layer); null for other layers.
 */
export function facePartOfLayer(name: string): { part: Part; pair: boolean } | null {
  const components = name.split('/').filter((c) => c.trim() !== '');
  const inner = components[components.length - 1];
  if (!inner) return null;
  if (SIDE_ONLY.test(normalise(inner)) && components.length > 1) {
    const group = partOfComponent(`${components[components.length - 2]} ${inner}`);
    return group ? { ...group, pair: false } : null;
  }
  return partOfComponent(inner);
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const union = (boxes: readonly Box[]): Box | null =>
  boxes.length === 0
    ? null
    : {
        left: Math.min(...boxes.map((b) => b.left)),
        top: Math.min(...boxes.map((b) => b.top)),
        right: Math.max(...boxes.map((b) => b.right)),
        bottom: Math.max(...boxes.map((b) => b.bottom)),
      };
const cx = (b: Box) => (b.left + b.right) / 2;
const cy = (b: Box) => (b.top + b.bottom) / 2;

/** Grows `boxes[k]` to take in pixel (x, y), or starts it there. */
function growBox(boxes: (Box | null)[], k: number, x: number, y: number): void {
  const b = boxes[k];
  if (!b) boxes[k] = { left: x, top: y, right: x + 1, bottom: y + 1 };
  else {
    b.left = Math.min(b.left, x);
    b.top = Math.min(b.top, y);
    b.right = Math.max(b.right, x + 1);
    b.bottom = Math.max(b.bottom, y + 1);
  }
}

/**
 * Opaque bounding boxes of the face layers, from a per-pixel owner index (the part-hint map:
 * index into `names`, -1 for none). A layer holding a pair (both eyes) gives two boxes, one each
 * side of its middle. Layers not named for a face part are left out.
 */
export function faceLayerBoxes(
  width: number,
  height: number,
  ownerAt: (i: number) => number,
  names: readonly string[],
): LayerBox[] {
  const parts = names.map(facePartOfLayer);
  const boxes: (Box | null)[] = names.map(() => null);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = ownerAt(y * width + x);
      if (k < 0 || !parts[k]) continue;
      growBox(boxes, k, x, y);
    }
  }
  const out: LayerBox[] = [];
  names.forEach((name, k) => {
    const box = boxes[k];
    const part = parts[k];
    if (!box || !part) return;
    if (!part.pair) {
      out.push({ name, ...box });
      return;
    }
    // Both eyes (or brows) in one layer: a box each side of the middle.
    const middle = Math.floor(cx(box));
    const halves: (Box | null)[] = [null, null];
    for (let y = box.top; y < box.bottom; y++) {
      for (let x = box.left; x < box.right; x++) {
        if (ownerAt(y * width + x) !== k) continue;
        growBox(halves, x < middle ? 0 : 1, x, y);
      }
    }
    for (const half of halves) if (half) out.push({ name: `${name} (one of the pair)`, ...half });
  });
  return out;
}

/** Boxes of the layers of a picture given as layers (left, top, pixels), the PSD importer's. */
export function faceLayerBoxesOfLayers(
  width: number,
  height: number,
  layers: readonly {
    name: string;
    left: number;
    top: number;
    image: { width: number; height: number; data: Uint8Array };
  }[],
): LayerBox[] {
  const owner = new Int16Array(width * height).fill(-1);
  layers.forEach((layer, k) => {
    if (!facePartOfLayer(layer.name)) return;
    const { image } = layer;
    for (let y = 0; y < image.height; y++) {
      const py = layer.top + y;
      if (py < 0 || py >= height) continue;
      for (let x = 0; x < image.width; x++) {
        const px = layer.left + x;
        if (px < 0 || px >= width) continue;
        if ((image.data[(y * image.width + x) * 4 + 3] as number) >= 128) owner[py * width + px] = k;
      }
    }
  });
  return faceLayerBoxes(
    width,
    height,
    (i) => owner[i] as number,
    layers.map((l) => l.name),
  );
}

/** Two groups of boxes, split at the middle of them all: picture-left first. */
function sides(boxes: readonly Box[]): [Box, Box] | null {
  const all = union(boxes);
  if (!all) return null;
  const middle = cx(all);
  const left = union(boxes.filter((b) => cx(b) < middle));
  const right = union(boxes.filter((b) => cx(b) >= middle));
  return left && right ? [left, right] : null;
}

export function faceRigFromLayers(layers: readonly LayerBox[], headJointId: string): FaceRig | null {
  const of = (...parts: Part[]) =>
    layers.filter((l) => {
      const p = facePartOfLayer(l.name);
      return p !== null && parts.includes(p.part);
    });
  const eyes = sides(of('eye'));
  const mouthBox = union(of('mouth')) ?? union(of('mouthShape'));
  if (!eyes || !mouthBox) return null;
  // Picture-right is the character's left.
  const [eyeRBox, eyeLBox] = eyes;
  const tilt = Math.atan2(cy(eyeLBox) - cy(eyeRBox), cx(eyeLBox) - cx(eyeRBox));
  const eye = (b: Box): EyeRig => ({
    center: [cx(b), cy(b)],
    halfWidth: Math.max(0.5, (b.right - b.left) / 2),
    halfHeight: Math.max(0.5, (b.bottom - b.top) / 2),
    angleRad: tilt,
  });
  const eyeL = eye(eyeLBox);
  const eyeR = eye(eyeRBox);
  const eyeDistance = Math.hypot(eyeL.center[0] - eyeR.center[0], eyeL.center[1] - eyeR.center[1]);
  const eyeMid: Point = [(eyeL.center[0] + eyeR.center[0]) / 2, (eyeL.center[1] + eyeR.center[1]) / 2];

  const head = union(of('face')) ??
    union(of('head')) ?? {
      left: eyeRBox.left - 0.6 * eyeDistance,
      right: eyeLBox.right + 0.6 * eyeDistance,
      top: Math.min(eyeLBox.top, eyeRBox.top) - 1.1 * eyeDistance,
      bottom: mouthBox.bottom + 0.5 * eyeDistance,
    };

  // Brows: from their layers, else just above each eye.
  const browBoxes = sides(of('brow'));
  const browOf = (b: Box | null, e: EyeRig, side: 1 | -1): [Point, Point, Point] => {
    // Inner end (towards the face's middle) first; side 1 = the character's left (picture right).
    if (b) {
      const inner: Point = [side > 0 ? b.left : b.right - 1, cy(b)];
      const outer: Point = [side > 0 ? b.right - 1 : b.left, cy(b)];
      return [inner, [cx(b), b.top + (b.bottom - b.top) * 0.35], outer];
    }
    const y = e.center[1] - e.halfHeight * 2.2;
    return [
      [e.center[0] - side * e.halfWidth, y + e.halfHeight * 0.2],
      [e.center[0], y],
      [e.center[0] + side * e.halfWidth, y + e.halfHeight * 0.2],
    ];
  };
  const noseBox = union(of('nose'));
  const mouthTop = mouthBox.top;
  const nose: Point = noseBox
    ? [cx(noseBox), noseBox.top + 0.8 * (noseBox.bottom - noseBox.top)]
    : [eyeMid[0], eyeMid[1] + 0.6 * (mouthTop - eyeMid[1])];
  const mouthMid = cy(mouthBox);
  const chin: Point = [cx(mouthBox), Math.max(head.bottom, mouthBox.bottom + 1)];
  const outline: Point[] = [];
  const [ox, oy] = [cx(head), cy(head)];
  const [rx, ry] = [(head.right - head.left) / 2, (head.bottom - head.top) / 2];
  for (let i = 0; i < 32; i++) {
    const a = (i / 32) * Math.PI * 2;
    outline.push([ox + Math.cos(a) * rx, oy + Math.sin(a) * ry]);
  }
  return {
    source: 'psd',
    headJointId,
    eyes: { left: eyeL, right: eyeR },
    brows: {
      left: browOf(browBoxes?.[1] ?? null, eyeL, 1),
      right: browOf(browBoxes?.[0] ?? null, eyeR, -1),
    },
    nose,
    mouth: {
      left: [mouthBox.right, mouthMid],
      right: [mouthBox.left, mouthMid],
      upper: [cx(mouthBox), mouthBox.top],
      lower: [cx(mouthBox), mouthBox.bottom],
    },
    chin,
    outline,
    mouthStyle: 'warp',
  };
}

/** Which features had layers of their own (the rest of the rig is placed by proportion). */
export function faceFeaturesFromLayers(layers: readonly LayerBox[]): ('eyes' | 'mouth' | 'brows' | 'chin')[] {
  const parts = new Set(layers.map((l) => facePartOfLayer(l.name)?.part));
  const found: ('eyes' | 'mouth' | 'brows' | 'chin')[] = [];
  if (parts.has('eye')) found.push('eyes');
  if (parts.has('brow')) found.push('brows');
  if (parts.has('mouth') || parts.has('mouthShape')) found.push('mouth');
  if (parts.has('face') || parts.has('head')) found.push('chin');
  return found;
}
