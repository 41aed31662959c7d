import { basename, extname } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { hashAssetId } from '../../core/document/factory.js';
import type { Asset } from '../../core/document/schema.js';
import { mouthArtByName, mouthDrawingOnRig, unrecognisedMouthNames } from '../../core/face/mouthArt.js';
import type { MouthShape } from '../../core/face/mouthShapes.js';
import type { FaceRig } from '../../core/face/schema.js';
import { checkPictureSize, importPicture } from '../import/decode.js';
import { pngAsset } from '../import/importCharacter.js';
import { decodePsd, type PsdMouths } from '../import/psd.js';

/**
 * Mouth drawings from files (`keypose face mouths`; docs/face.md, "Swapped mouth drawings"): each
 * PNG, JPEG or WebP named for its shape (core/face/mouthArt.ts) becomes a project asset (its own
 * bytes, metadata stripped); a layered PSD gives the drawings of its layers named for shapes, cut
 * onto the rig's mouth as on import when it has the art's size (the PSD the character came from),
 * else each a picture of its own (a sheet of mouths). A name that
 * stands for no shape, two files for one shape, or a PSD without mouth-shape layers is an
 * invalid-argument error naming them: nothing is half applied.
 */

/** The character's picture's size: a PSD of that size is its own canvas. */
type ArtSize = { readonly width: number; readonly height: number };

export type MouthDrawingAssets = Partial<Record<MouthShape, { assetId: string; asset: Asset }>>;

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

/**
 * `onArt`: the PSD is the character's own canvas (its size), so each drawing is cut onto the rig's
 * mouth where it was drawn; otherwise (a sheet of mouths drawn apart) each is a picture of its own,
 * the union box of the shapes, which the face pass scales onto the mouth as it does a PNG.
 */
async function drawingsOfMouths(
  mouths: PsdMouths | undefined,
  name: string,
  rig: FaceRig,
  onArt = true,
): Promise<MouthDrawingAssets> {
  if (!mouths) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `${basename(name)}: no layers or groups named for mouth shapes (e.g. "mouth A", "A", "Mouths/E").`,
      file: name,
    });
  }
  const out: MouthDrawingAssets = {};
  for (const [shape, cut] of Object.entries(mouths.shapes) as [
    MouthShape,
    NonNullable<PsdMouths['shapes'][MouthShape]>,
  ][]) {
    const drawing = onArt ? mouthDrawingOnRig(cut, mouths.box, rig) : cut;
    const asset = await pngAsset(drawing, `mouth ${shape} (${basename(name)})`);
    out[shape] = { assetId: hashAssetId(Buffer.from(asset.dataBase64, 'base64')), asset };
  }
  return out;
}

/**
 * The mouth drawings of a layered PSD's bytes (the editor's Mouth drawings… sends them): its layers
 * named for shapes, cut onto the rig's mouth when the PSD has the art's size (the character's own
 * PSD), else each a picture of its own. `name` is how errors call it.
 */
export async function mouthDrawingsOfPsd(
  bytes: Uint8Array,
  name: string,
  rig: FaceRig,
  art: ArtSize,
): Promise<MouthDrawingAssets> {
  // An ImportError (truncated, too large, no layers) is an ApiError naming the file.
  const psd = decodePsd(bytes, name, checkPictureSize);
  const onArt = psd.rgba.width === art.width && psd.rgba.height === art.height;
  return drawingsOfMouths(psd.mouths, name, rig, onArt);
}

async function psdDrawings(path: string, rig: FaceRig, art: ArtSize): Promise<MouthDrawingAssets> {
  const picture = await importPicture(path);
  const onArt = picture.rgba.width === art.width && picture.rgba.height === art.height;
  return drawingsOfMouths(picture.format === 'psd' ? picture.mouths : undefined, path, rig, onArt);
}

export async function readMouthDrawingFiles(
  paths: readonly string[],
  rig: FaceRig,
  art: ArtSize,
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
  for (const path of psds) Object.assign(out, await psdDrawings(path, rig, art));
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
