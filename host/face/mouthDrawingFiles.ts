import { basename, extname } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { hashAssetId } from '../../core/document/factory.js';
import type { Asset } from '../../core/document/schema.js';
import { mouthArtByName, mouthDrawingOnRig, unrecognisedMouthNames } from '../../core/face/mouthArt.js';
import type { MouthShape } from '../../core/face/mouthShapes.js';
import type { FaceRig } from '../../core/face/schema.js';
import { importPicture } from '../import/decode.js';
import { pngAsset } from '../import/importCharacter.js';

/**
 * Mouth drawings from files (`keypose face mouths`; docs/face.md, "Swapped mouth drawings"): each
 * PNG, JPEG or WebP named for its shape (core/face/mouthArt.ts) becomes a project asset (its own
 * bytes, metadata stripped); a layered PSD gives the drawings of its layers named for shapes, cut
 * onto the rig's mouth as on import (the PSD the character came from: the same canvas). A name that
 * stands for no shape, two files for one shape, or a PSD without mouth-shape layers is an
 * invalid-argument error naming them: nothing is half applied.
 */

export type MouthDrawingAssets = Partial<Record<MouthShape, { assetId: string; asset: Asset }>>;

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

async function psdDrawings(path: string, rig: FaceRig): Promise<MouthDrawingAssets> {
  const picture = await importPicture(path);
  if (picture.format !== 'psd' || !picture.mouths) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `${basename(path)}: no layers or groups named for mouth shapes (e.g. "mouth A", "A", "Mouths/E").`,
      file: path,
    });
  }
  const out: MouthDrawingAssets = {};
  for (const [shape, cut] of Object.entries(picture.mouths.shapes) as [
    MouthShape,
    NonNullable<(typeof picture.mouths.shapes)[MouthShape]>,
  ][]) {
    const asset = await pngAsset(
      mouthDrawingOnRig(cut, picture.mouths.box, rig),
      `mouth ${shape} (${basename(path)})`,
    );
    out[shape] = { assetId: hashAssetId(Buffer.from(asset.dataBase64, 'base64')), asset };
  }
  return out;
}

export async function readMouthDrawingFiles(
  paths: readonly string[],
  rig: FaceRig,
): Promise<MouthDrawingAssets> {
  const psds = paths.filter((p) => extname(p).toLowerCase() === '.psd');
  const sorted = mouthArtByName(
    paths.filter((p) => !psds.includes(p)),
    (p) => basename(p),
  );
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
  for (const path of psds) Object.assign(out, await psdDrawings(path, rig));
  for (const [shape, path] of Object.entries(sorted.byShape) as [MouthShape, string][]) {
    // An ImportError is an ApiError naming the file.
    const picture = await importPicture(path);
    if (picture.format === 'psd') {
      throw new ApiError({
        code: 'unsupported',
        message: `${basename(path)}: a layered PSD's mouth drawings come from its layers; name the file .psd.`,
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
