import { initializeCanvas, type Layer, readPsd } from 'ag-psd';
import { mouthShapeFromName } from '../../core/face/mouthArt.js';
import type { MouthShape } from '../../core/face/mouthShapes.js';
import type { RgbaImage } from '../../core/render/types.js';
import { ImportError } from './errors.js';

/**
 * One visible PSD layer kept as a part hint: its name (with the names of the groups it sits in,
 * outermost first, joined by "/") says which body part owns its pixels; its place in the list
 * (bottom to top) says what lies in front.
 */
export interface PsdLayerHint {
  readonly name: string;
  /** Position of the layer's pixels in the picture, in pixels from the top-left corner. */
  readonly left: number;
  readonly top: number;
  /** The layer's own pixels (straight alpha), already multiplied by the layer's effective opacity. */
  readonly image: RgbaImage;
}

type CreateImageData = NonNullable<Parameters<typeof initializeCanvas>[1]>;
let canvasFreeReady = false;

/**
 * ag-psd allocates pixel buffers through a canvas hook even with useImageData; in Node there is no
 * canvas, so hand it plain buffers. A real canvas is never needed: thumbnails and composites
 * (the only JPEG/canvas paths) are skipped.
 */
function installCanvasFreeAgPsd(): void {
  if (canvasFreeReady) return;
  const createImageData = ((width: number, height: number) => ({
    width,
    height,
    data: new Uint8ClampedArray(width * height * 4),
    colorSpace: 'srgb',
  })) as unknown as CreateImageData;
  initializeCanvas(() => {
    throw new Error('this PSD needs a canvas to decode (unsupported feature)');
  }, createImageData);
  canvasFreeReady = true;
}

/**
 * Mouth drawings from layers or groups named for mouth shapes ("mouth A", "A", "Mouths/E"; core/face/
 * mouthArt.ts), hidden ones included (a PSD usually shows one mouth at a time). Every shape's
 * drawing is cut from the same box (the union of all mouth-shape layers), so the shapes keep their
 * sizes and places relative to each other when the face pass scales them onto the rig's mouth.
 */
export interface PsdMouths {
  readonly box: {
    readonly left: number;
    readonly top: number;
    readonly width: number;
    readonly height: number;
  };
  readonly shapes: Partial<Record<MouthShape, RgbaImage>>;
}

export interface DecodedPsd {
  readonly rgba: RgbaImage;
  readonly hasAlpha: boolean;
  readonly layers: readonly PsdLayerHint[];
  /** Absent when no layer is named for a mouth shape. */
  readonly mouths?: PsdMouths;
}

/** The mouth shape a layer's path stands for: its innermost name that is a shape's, if any. */
export function mouthShapeOfLayerPath(path: string): MouthShape | null {
  for (const part of path.split('/').reverse()) {
    const shape = mouthShapeFromName(part);
    if (shape) return shape;
  }
  return null;
}

function collectMouthLayers(
  children: readonly Layer[],
  groups: string[],
  opacity: number,
  out: (PsdLayerHint & { shape: MouthShape })[],
): void {
  for (const layer of children) {
    const layerOpacity = opacity * (layer.opacity ?? 1);
    const name = layer.name ?? '';
    if (layer.children) {
      collectMouthLayers(layer.children, [...groups, name], layerOpacity, out);
      continue;
    }
    const path = [...groups, name].filter((n) => n.length > 0).join('/');
    const shape = mouthShapeOfLayerPath(path);
    const pixels = layer.imageData;
    if (!shape || !pixels || pixels.width === 0 || pixels.height === 0 || layerOpacity <= 0) continue;
    const data = toRgba8(pixels.data);
    if (layerOpacity < 1) {
      for (let i = 3; i < data.length; i += 4) data[i] = Math.round(data[i]! * layerOpacity);
    }
    out.push({
      name: path,
      shape,
      left: layer.left ?? 0,
      top: layer.top ?? 0,
      image: { width: pixels.width, height: pixels.height, data },
    });
  }
}

function mouthsOf(children: readonly Layer[]): PsdMouths | undefined {
  const found: (PsdLayerHint & { shape: MouthShape })[] = [];
  collectMouthLayers(children, [], 1, found);
  if (found.length === 0) return undefined;
  const left = Math.min(...found.map((l) => l.left));
  const top = Math.min(...found.map((l) => l.top));
  const width = Math.max(...found.map((l) => l.left + l.image.width)) - left;
  const height = Math.max(...found.map((l) => l.top + l.image.height)) - top;
  const shapes: Partial<Record<MouthShape, RgbaImage>> = {};
  for (const shape of new Set(found.map((l) => l.shape))) {
    const layers = found
      .filter((l) => l.shape === shape)
      .map((l) => ({ ...l, left: l.left - left, top: l.top - top }));
    shapes[shape] = compositeLayers(width, height, layers);
  }
  return { box: { left, top, width, height }, shapes };
}

/**
 * Decodes a layered PSD: the visible layers (hidden layers and the contents of hidden groups are
 * skipped) are composited bottom to top with normal blending and their opacity (group opacity
 * multiplies). Blend modes other than normal, clipping masks, layer masks and effects are not
 * applied: the rig needs the parts and their outlines, not a pixel-exact Photoshop render.
 */
export function decodePsd(
  bytes: Uint8Array,
  filePath: string,
  checkSize: (widthPx: number, heightPx: number, filePath: string) => void,
): DecodedPsd {
  if (bytes.length < 26) throw new ImportError('corrupt-file', filePath, 'the PSD file is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Header: signature(4) version(2) reserved(6) channels(2) height(4) width(4). Checked before decoding.
  checkSize(view.getUint32(18), view.getUint32(14), filePath);
  let psd: ReturnType<typeof readPsd>;
  installCanvasFreeAgPsd();
  try {
    psd = readPsd(bytes, { useImageData: true, skipThumbnail: true, skipCompositeImageData: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ImportError('corrupt-file', filePath, `the PSD cannot be read (${detail})`);
  }
  if (!psd.children || psd.children.length === 0) {
    throw new ImportError(
      'empty-psd',
      filePath,
      'the PSD has no layers; save it with its layers (or export a flat PNG) and import it again',
    );
  }
  const all: PsdLayerHint[] = [];
  collectVisible(psd.children, [], 1, all);
  // Of the visible mouth-shape layers, one shape stays in the picture (X, else A, else the
  // lowest): the others are drawings to swap in, not parts of the art.
  const shown = [...new Set(all.map((l) => mouthShapeOfLayerPath(l.name)).filter((s) => s !== null))];
  const kept = shown.includes('X') ? 'X' : shown.includes('A') ? 'A' : shown[0];
  const layers = all.filter((l) => {
    const shape = mouthShapeOfLayerPath(l.name);
    return shape === null || shape === kept;
  });
  const mouths = mouthsOf(psd.children);
  if (layers.length === 0) {
    throw new ImportError(
      'empty-psd',
      filePath,
      hasHiddenPixels(psd.children)
        ? 'every layer of the PSD that has pixels is hidden; show the layers to import and save again'
        : 'the PSD has no layers with pixels (only a flattened image); save it with its layers (or export a flat PNG) and import it again',
    );
  }
  const rgba = compositeLayers(psd.width, psd.height, layers);
  let hasAlpha = false;
  for (let i = 3; i < rgba.data.length; i += 4) {
    if (rgba.data[i]! < 255) {
      hasAlpha = true;
      break;
    }
  }
  return { rgba, hasAlpha, layers, ...(mouths ? { mouths } : {}) };
}

function hasHiddenPixels(children: readonly Layer[]): boolean {
  return children.some((layer) =>
    layer.children
      ? hasHiddenPixels(layer.children)
      : layer.hidden === true && (layer.imageData?.width ?? 0) > 0,
  );
}

function collectVisible(
  children: readonly Layer[],
  groups: string[],
  opacity: number,
  out: PsdLayerHint[],
): void {
  for (const layer of children) {
    if (layer.hidden) continue;
    const layerOpacity = opacity * (layer.opacity ?? 1);
    const name = layer.name ?? '';
    if (layer.children) {
      collectVisible(layer.children, [...groups, name], layerOpacity, out);
      continue;
    }
    const pixels = layer.imageData;
    if (!pixels || pixels.width === 0 || pixels.height === 0 || layerOpacity <= 0) continue;
    const data = toRgba8(pixels.data);
    if (layerOpacity < 1) {
      for (let i = 3; i < data.length; i += 4) data[i] = Math.round(data[i]! * layerOpacity);
    }
    out.push({
      name: [...groups, name].filter((n) => n.length > 0).join('/'),
      left: layer.left ?? 0,
      top: layer.top ?? 0,
      image: { width: pixels.width, height: pixels.height, data },
    });
  }
}

/** ag-psd hands 16-bit and 32-bit documents over as Uint16Array / Float32Array: scale to 8 bits. */
function toRgba8(source: ArrayLike<number> & { readonly BYTES_PER_ELEMENT: number }): Uint8Array {
  const out = new Uint8Array(source.length);
  if (source instanceof Float32Array) {
    for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, source[i]!)) * 255);
  } else if (source.BYTES_PER_ELEMENT === 2) {
    for (let i = 0; i < out.length; i++) out[i] = source[i]! >> 8;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = source[i]!;
  }
  return out;
}

/** Source-over compositing of straight-alpha layers (bottom first) onto a transparent canvas. */
export function compositeLayers(
  widthPx: number,
  heightPx: number,
  layers: readonly PsdLayerHint[],
): RgbaImage {
  // Accumulate premultiplied floats, then un-premultiply once at the end.
  const acc = new Float32Array(widthPx * heightPx * 4);
  for (const layer of layers) {
    const { image, left, top } = layer;
    const x0 = Math.max(0, left);
    const y0 = Math.max(0, top);
    const x1 = Math.min(widthPx, left + image.width);
    const y1 = Math.min(heightPx, top + image.height);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const s = ((y - top) * image.width + (x - left)) * 4;
        const a = image.data[s + 3]! / 255;
        if (a === 0) continue;
        const d = (y * widthPx + x) * 4;
        const keep = 1 - a;
        acc[d] = image.data[s]! * a + acc[d]! * keep;
        acc[d + 1] = image.data[s + 1]! * a + acc[d + 1]! * keep;
        acc[d + 2] = image.data[s + 2]! * a + acc[d + 2]! * keep;
        acc[d + 3] = a + acc[d + 3]! * keep;
      }
    }
  }
  const data = new Uint8Array(widthPx * heightPx * 4);
  for (let i = 0; i < data.length; i += 4) {
    const a = acc[i + 3]!;
    if (a <= 0) continue;
    data[i] = Math.round(acc[i]! / a);
    data[i + 1] = Math.round(acc[i + 1]! / a);
    data[i + 2] = Math.round(acc[i + 2]! / a);
    data[i + 3] = Math.round(a * 255);
  }
  return { width: widthPx, height: heightPx, data };
}
