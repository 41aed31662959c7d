import sharp from 'sharp';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import type { RgbaImage } from '../../core/render/types.js';

/**
 * The user's mouth drawings (mouthStyle 'swap', docs/face.md) decoded for the face pass, once per
 * asset id (ids are content hashes, so a cached picture is never stale). A drawing that cannot be
 * decoded is left out: its frames show the warped mouth instead, never a failed render.
 */

/** Decoded drawings kept in memory (nine shapes for a few characters). */
const MAX_DECODED = 64;

export type MouthDrawings = ReadonlyMap<string, RgbaImage>;

export class MouthDrawingDecoder {
  private readonly decoded = new Map<string, Promise<RgbaImage | null>>();

  private decode(document: ProjectDocument, assetId: string): Promise<RgbaImage | null> {
    const cached = this.decoded.get(assetId);
    if (cached) return cached;
    const asset = document.assets[assetId];
    if (!asset) return Promise.resolve(null);
    const decoded = sharp(Buffer.from(asset.dataBase64, 'base64'))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) =>
        info.channels === 4 ? { width: info.width, height: info.height, data: new Uint8Array(data) } : null,
      )
      .catch(() => {
        this.decoded.delete(assetId);
        return null;
      });
    this.decoded.set(assetId, decoded);
    while (this.decoded.size > MAX_DECODED) this.decoded.delete(this.decoded.keys().next().value as string);
    return decoded;
  }

  /** The character's swapped drawings by asset id (empty unless its mouth style is 'swap'). */
  async forCharacter(document: ProjectDocument, character: Character): Promise<MouthDrawings> {
    const rig = character.face;
    const out = new Map<string, RgbaImage>();
    if (rig?.mouthStyle !== 'swap' || !rig.mouthArt) return out;
    const ids = [...new Set(Object.values(rig.mouthArt).filter((id): id is string => !!id))];
    const images = await Promise.all(ids.map((id) => this.decode(document, id)));
    ids.forEach((id, i) => {
      const image = images[i];
      if (image) out.set(id, image);
    });
    return out;
  }
}
