import { stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import sharp from 'sharp';
import type { Asset } from '../../core/document/schema.js';
import type { RgbaImage } from '../../core/render/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { importAnimatedDrawingsFolder, isAnimatedDrawingsFolder } from './animatedDrawings.js';
import { importPicture } from './decode.js';
import { fileSystemImportError, ImportError } from './errors.js';
import { flattenPhotographedPage } from './photo.js';
import type { PsdLayerHint, PsdMouths } from './psd.js';

export type ImportKind = 'picture' | 'psd' | 'animated-drawings';

export interface ImportedCharacter {
  readonly kind: ImportKind;
  /** The art as the project stores it (see core/document/schema.ts assetSchema). */
  readonly asset: Asset;
  /** The art decoded: straight-alpha RGBA8. */
  readonly rgba: RgbaImage;
  /** Whether the alpha channel carries the figure (else the rig separates it from the background). */
  readonly hasAlpha: boolean;
  /** Named layers (PSD) for the rig's part hints, bottom to top; empty for flat pictures. */
  readonly partHints: readonly PsdLayerHint[];
  /** PSD only: mouth drawings from layers named for mouth shapes (docs/face.md). */
  readonly mouths?: PsdMouths;
  /** A skeleton the source already placed (Animated Drawings); absent when the rig must fit one. */
  readonly skeleton?: Skeleton;
  /** The character's name: the file's name without extension, or the Animated Drawings folder's. */
  readonly name: string;
  /** A photo of a page: the page was found, flattened and evenly lit; the art is that page. */
  readonly flattenedPage?: boolean;
}

/** Files of an Animated Drawings folder: picking any of them imports the whole folder. */
const AD_FILES = new Set(['char_cfg.yaml', 'texture.png', 'mask.png']);

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

/**
 * Imports a character's art from a picture file (PNG, JPEG, WebP, layered PSD) or an Animated
 * Drawings folder (the folder, or its char_cfg.yaml). Nothing is written anywhere; every failure
 * is an ImportError naming the file and the problem.
 */
export async function importCharacter(path: string): Promise<ImportedCharacter> {
  let folder: string | null = null;
  try {
    const info = await stat(path);
    if (info.isDirectory()) folder = path;
    else if (basename(path) === 'char_cfg.yaml') folder = dirname(path);
    else if (AD_FILES.has(basename(path)) && (await isAnimatedDrawingsFolder(dirname(path))))
      folder = dirname(path);
  } catch (error) {
    throw fileSystemImportError(error, path);
  }
  if (folder !== null) {
    if (!(await isAnimatedDrawingsFolder(folder))) {
      throw new ImportError(
        'invalid-character-folder',
        folder,
        'a folder can be imported only as an Animated Drawings character (char_cfg.yaml, texture.png, mask.png)',
      );
    }
    const ad = await importAnimatedDrawingsFolder(folder);
    return {
      kind: 'animated-drawings',
      asset: await pngAsset(ad.rgba, basename(folder)),
      rgba: ad.rgba,
      hasAlpha: true,
      partHints: [],
      skeleton: ad.skeleton,
      name: basename(folder),
    };
  }
  const picture = await importPicture(path);
  if (picture.format === 'psd') {
    return {
      kind: 'psd',
      asset: await pngAsset(picture.rgba, basename(path)),
      rgba: picture.rgba,
      hasAlpha: picture.hasAlpha,
      partHints: picture.layers ?? [],
      ...(picture.mouths ? { mouths: picture.mouths } : {}),
      name: nameOf(path),
    };
  }
  if (!picture.hasAlpha) {
    // A photo of a drawing on paper: the art becomes the flattened, evenly lit page (full
    // resolution), so the rig and the frames see the drawing as if scanned.
    const page = await flattenPhotographedPage(picture.rgba);
    if (page) {
      return {
        kind: 'picture',
        asset: await encodedAsset(page.rgba, basename(path), picture.format === 'png' ? 'png' : 'jpeg'),
        rgba: page.rgba,
        hasAlpha: false,
        partHints: [],
        name: nameOf(path),
        flattenedPage: true,
      };
    }
  }
  return {
    kind: 'picture',
    // The file's own bytes: no re-encoding, so the project keeps exactly what the artist made.
    asset: {
      mime: MIME[picture.format],
      width: picture.rgba.width,
      height: picture.rgba.height,
      dataBase64: picture.bytes.toString('base64'),
      sourceName: basename(path),
    },
    rgba: picture.rgba,
    hasAlpha: picture.hasAlpha,
    partHints: [],
    name: nameOf(path),
  };
}

function nameOf(path: string): string {
  return basename(path, extname(path)) || 'Character';
}

/** A picture we made (a flattened page) as an asset: PNG, or JPEG for photos (smaller, faster). */
async function encodedAsset(rgba: RgbaImage, sourceName: string, format: 'png' | 'jpeg'): Promise<Asset> {
  if (format === 'png') return pngAsset(rgba, sourceName);
  const jpeg = await sharp(Buffer.from(rgba.data.buffer, rgba.data.byteOffset, rgba.data.byteLength), {
    raw: { width: rgba.width, height: rgba.height, channels: 4 },
  })
    .removeAlpha()
    .jpeg({ quality: 92 })
    .toBuffer();
  return {
    mime: 'image/jpeg',
    width: rgba.width,
    height: rgba.height,
    dataBase64: jpeg.toString('base64'),
    sourceName,
  };
}

export async function pngAsset(rgba: RgbaImage, sourceName: string): Promise<Asset> {
  const png = await sharp(Buffer.from(rgba.data.buffer, rgba.data.byteOffset, rgba.data.byteLength), {
    raw: { width: rgba.width, height: rgba.height, channels: 4 },
  })
    .png()
    .toBuffer();
  return {
    mime: 'image/png',
    width: rgba.width,
    height: rgba.height,
    dataBase64: png.toString('base64'),
    sourceName,
  };
}
