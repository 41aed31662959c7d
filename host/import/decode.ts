import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import type { RgbaImage } from '../../core/render/types.js';
import { fileSystemImportError, ImportError } from './errors.js';
import { decodePsd, type PsdLayerHint, type PsdMouths } from './psd.js';
import { stripPictureMetadata } from './stripMetadata.js';

/** Largest side we accept, in pixels: beyond it the rig and the frame engine run out of memory. */
export const MAX_SIDE_PX = 16384;
/** Largest picture we accept, in pixels (100 MP). */
export const MAX_PIXELS = 100_000_000;
/** Largest file we read into memory (a layered PSD at the pixel limit stays well under it). */
export const MAX_FILE_BYTES = 1024 * 2 ** 20;

export type PictureFormat = 'png' | 'jpeg' | 'webp' | 'psd';

export interface DecodedPicture {
  /** Straight-alpha RGBA8, y down. */
  readonly rgba: RgbaImage;
  /** True when the picture has a transparency channel that is actually used (some alpha < 255). */
  readonly hasAlpha: boolean;
  readonly format: PictureFormat;
  /** The file's bytes, ancillary data stripped (PNG/JPEG/WebP are stored in the project so). */
  readonly bytes: Buffer;
  /** PSD only: the visible layers, bottom to top, as part hints for the rig. */
  readonly layers?: readonly PsdLayerHint[];
  /** PSD only: mouth drawings from layers named for mouth shapes (docs/face.md). */
  readonly mouths?: PsdMouths;
}

/** Recognises the format from the file's first bytes (never from its extension). */
export function sniffFormat(head: Uint8Array): PictureFormat | null {
  const at = (i: number) => head[i] ?? -1;
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'png';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg';
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (head.length >= 4 && ascii(0, 4) === '8BPS') return 'psd';
  return null;
}

/** Throws a clear error when a picture of this size is beyond the limits; called before decoding. */
export function checkPictureSize(widthPx: number, heightPx: number, filePath: string): void {
  if (!(widthPx > 0 && heightPx > 0)) {
    throw new ImportError('corrupt-file', filePath, `the picture has an invalid size ${widthPx}x${heightPx}`);
  }
  if (widthPx > MAX_SIDE_PX || heightPx > MAX_SIDE_PX || widthPx * heightPx > MAX_PIXELS) {
    throw new ImportError(
      'too-large',
      filePath,
      `the picture is ${widthPx}x${heightPx} px; Keypose accepts at most ${MAX_SIDE_PX} px a side and ` +
        `${MAX_PIXELS / 1e6} megapixels. Scale it down and import it again.`,
    );
  }
}

/**
 * Reads a picture file (PNG, JPEG, WebP or layered PSD) into straight-alpha RGBA8. The size is
 * checked from the header before any pixel is decoded, so a huge or hostile file costs nothing.
 * Every failure is an ImportError naming the file.
 */
export async function importPicture(filePath: string): Promise<DecodedPicture> {
  let bytes: Buffer;
  try {
    const info = await stat(filePath);
    if (info.isDirectory()) {
      throw new ImportError('unsupported-format', filePath, 'this is a folder, not a picture file');
    }
    if (!info.isFile()) {
      // A pipe or a device would block the read forever.
      throw new ImportError(
        'unsupported-format',
        filePath,
        'this is not a regular file (a pipe or a device)',
      );
    }
    if (info.size > MAX_FILE_BYTES) {
      throw new ImportError(
        'too-large',
        filePath,
        `the file is ${Math.round(info.size / 2 ** 20)} MB; Keypose imports pictures up to ${MAX_FILE_BYTES / 2 ** 20} MB`,
      );
    }
    bytes = await readFile(filePath);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw fileSystemImportError(error, filePath);
  }
  const format = sniffFormat(bytes.subarray(0, 16));
  if (format === null) {
    const ext = extname(filePath).toLowerCase() || '(no extension)';
    throw new ImportError(
      'unsupported-format',
      filePath,
      `unrecognised file format (extension ${ext}); Keypose imports PNG, JPEG, WebP and PSD pictures`,
    );
  }
  if (format === 'psd') {
    const psd = decodePsd(bytes, filePath, checkPictureSize);
    return {
      rgba: psd.rgba,
      hasAlpha: psd.hasAlpha,
      format,
      bytes,
      layers: psd.layers,
      ...(psd.mouths ? { mouths: psd.mouths } : {}),
    };
  }
  if (format === 'png' && bytes.length >= 24) {
    // The IHDR chunk always comes first: its size is known without asking the decoder.
    checkPictureSize(bytes.readUInt32BE(16), bytes.readUInt32BE(20), filePath);
  }
  const { rgba, hasAlpha, orientation } = await decodeRaster(bytes, filePath);
  // The bytes the project stores: pixels and colour only, no text, EXIF or XMP (stripMetadata.ts).
  return { rgba, hasAlpha, format, bytes: stripPictureMetadata(format, bytes, orientation) };
}

async function decodeRaster(
  bytes: Buffer,
  filePath: string,
): Promise<{ rgba: RgbaImage; hasAlpha: boolean; orientation: number }> {
  // limitInputPixels is a second guard: sharp itself refuses to decode beyond it.
  const options = { limitInputPixels: MAX_PIXELS, failOn: 'error' as const };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (error) {
    throw corrupt(error, filePath);
  }
  checkPictureSize(meta.width ?? 0, meta.height ?? 0, filePath);
  try {
    const { data, info } = await sharp(bytes, options)
      .autoOrient()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded ${info.channels} channels instead of 4`);
    const rgba = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let hasAlpha = false;
    if (meta.hasAlpha) {
      for (let i = 3; i < rgba.length; i += 4) {
        if (rgba[i]! < 255) {
          hasAlpha = true;
          break;
        }
      }
    }
    return {
      rgba: { width: info.width, height: info.height, data: rgba },
      hasAlpha,
      orientation: meta.orientation ?? 1,
    };
  } catch (error) {
    throw corrupt(error, filePath);
  }
}

function corrupt(error: unknown, filePath: string): ImportError {
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new ImportError(
    'corrupt-file',
    filePath,
    `the picture cannot be decoded; the file is damaged or incomplete (${detail})`,
  );
}
