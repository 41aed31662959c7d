import sharp from 'sharp';
import { ApiError } from '../../core/contract/api.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import type { RgbaImage } from '../../core/render/types.js';
import type { CharacterInput } from '../worker/supervisor.js';

/**
 * The document's pictures as the parts rig needs them: art as straight RGBA (sharp), masks as
 * one byte per pixel, PSD part hints as the worker takes them. Decoded art is kept (a few at most):
 * every character registration and every project switch asks again.
 */

/** Decoded pictures kept in memory (art and masks). */
const MAX_DECODED_ARTS = 8;

export class ArtDecoder {
  private readonly arts = new Map<string, Promise<RgbaImage>>();

  art(document: ProjectDocument, assetId: string): Promise<RgbaImage> {
    const cached = this.arts.get(assetId);
    if (cached) return cached;
    const asset = document.assets[assetId];
    if (!asset) {
      return Promise.reject(
        new ApiError({
          code: 'invalid-project',
          message: `The art asset "${assetId}" is not in the project.`,
        }),
      );
    }
    const decoded = sharp(Buffer.from(asset.dataBase64, 'base64'))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => {
        if (info.channels !== 4) throw new Error(`expected 4 channels, got ${info.channels}`);
        return { width: info.width, height: info.height, data: new Uint8Array(data) };
      })
      .catch((err: Error) => {
        this.arts.delete(assetId);
        throw new ApiError({
          code: 'corrupt-file',
          message: `The art "${asset.sourceName ?? assetId}" could not be decoded: ${err.message}`,
        });
      });
    this.arts.set(assetId, decoded);
    while (this.arts.size > MAX_DECODED_ARTS) this.arts.delete(this.arts.keys().next().value as string);
    return decoded;
  }

  /** A mask picture as 1 byte per pixel (white and opaque = figure). */
  async mask(document: ProjectDocument, assetId: string): Promise<Uint8Array> {
    const image = await this.art(document, assetId);
    const mask = new Uint8Array(image.width * image.height);
    for (let i = 0; i < mask.length; i++) {
      const o = i * 4;
      const luma = 0.299 * image.data[o]! + 0.587 * image.data[o + 1]! + 0.114 * image.data[o + 2]!;
      mask[i] = luma >= 128 && image.data[o + 3]! >= 128 ? 1 : 0;
    }
    return mask;
  }
}

/** The document's part hint map (schema.ts partHintsSchema) as the worker takes it. */
export async function decodePartHints(
  document: ProjectDocument,
  hints: NonNullable<Character['partHints']>,
  art: RgbaImage,
): Promise<NonNullable<CharacterInput['partHints']>> {
  const asset = document.assets[hints.ownerAssetId];
  const fail = (why: string) =>
    new ApiError({ code: 'invalid-project', message: `The part hints "${hints.ownerAssetId}" ${why}.` });
  if (!asset) throw fail('are not in the project');
  const { data, info } = await sharp(Buffer.from(asset.dataBase64, 'base64'))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: Error) => {
      throw fail(`could not be decoded: ${err.message}`);
    });
  if (info.width !== art.width || info.height !== art.height) {
    throw fail(`are ${info.width}x${info.height} px but the art is ${art.width}x${art.height} px`);
  }
  return {
    owner: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height),
    parts: hints.parts.map((p) => ({ name: p.name, jointIds: [...p.jointIds] })),
  };
}
