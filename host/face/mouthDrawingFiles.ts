import { basename } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { hashAssetId } from '../../core/document/factory.js';
import type { Asset } from '../../core/document/schema.js';
import { mouthArtByName, unrecognisedMouthNames } from '../../core/face/mouthArt.js';
import type { MouthShape } from '../../core/face/mouthShapes.js';
import { importPicture } from '../import/decode.js';

/**
 * Mouth drawings from files (`keypose face mouths`; docs/face.md, "Swapped mouth drawings"): each
 * PNG, JPEG or WebP named for its shape (core/face/mouthArt.ts) becomes a project asset (its own
 * bytes, metadata stripped). A name that stands for no shape, or two files for one shape, is an
 * invalid-argument error naming them: nothing is half applied.
 */

export type MouthDrawingAssets = Partial<Record<MouthShape, { assetId: string; asset: Asset }>>;

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

export async function readMouthDrawingFiles(paths: readonly string[]): Promise<MouthDrawingAssets> {
  const sorted = mouthArtByName(paths, (p) => basename(p));
  if (sorted.unrecognised.length > 0) {
    throw new ApiError({ code: 'invalid-argument', message: unrecognisedMouthNames(sorted.unrecognised) });
  }
  if (sorted.duplicates.length > 0) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `More than one drawing for a shape: ${sorted.duplicates.join(', ')}. Give one file per shape.`,
    });
  }
  const out: MouthDrawingAssets = {};
  for (const [shape, path] of Object.entries(sorted.byShape) as [MouthShape, string][]) {
    // An ImportError is an ApiError naming the file.
    const picture = await importPicture(path);
    if (picture.format === 'psd') {
      throw new ApiError({
        code: 'unsupported',
        message: `${basename(path)}: a mouth drawing is a PNG, JPEG or WebP picture (a PSD's mouth layers come with the character's import).`,
        file: path,
      });
    }
    const asset: Asset = {
      mime: MIME[picture.format],
      width: picture.rgba.width,
      height: picture.rgba.height,
      dataBase64: picture.bytes.toString('base64'),
      sourceName: basename(path),
    };
    out[shape] = { assetId: hashAssetId(picture.bytes), asset };
  }
  return out;
}
