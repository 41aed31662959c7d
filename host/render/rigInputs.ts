import type { Character, Placement } from '../../core/document/schema.js';
import { hashString } from '../../core/render/frameKey.js';
import type { OutputFrame } from '../../core/render/parts/posed.js';
import { PARTS_ALGORITHM_VERSION } from '../../core/render/parts/types.js';

/**
 * What a character's parts rig is built from, and where its frames go. Pure functions of the
 * document, so a frame's key is known before the rig is built (or the art decoded).
 */

/**
 * The rig key: a hash of everything the parts rig depends on (the art, the explicit mask, the PSD
 * part hints, the rest skeleton, the cutting algorithm's version). Moving a joint in Fit mode
 * changes it; posing does not.
 */
export function rigKeyOf(character: Character): string {
  const rest = character.skeleton.joints.map((j) => [j.id, j.parentId, j.name, ...j.restPosition]);
  const hints = character.partHints ? hashString(JSON.stringify(character.partHints)) : '';
  return `rig_${hashString(
    [
      PARTS_ALGORITHM_VERSION,
      character.artAssetId,
      character.maskAssetId ?? '',
      hints,
      JSON.stringify(rest),
    ].join('|'),
  )}`;
}

/**
 * The output frame of a character in the document's frame. Scene convention, as in the viewport:
 * the output frame is centred on the scene origin, x right and y up, in output pixels; the
 * character's picture centre sits at placement.offset (x, y; z only orders characters) and the
 * picture is scaled by placement.scale. `scale` scales the whole output (an export's --scale).
 */
export function outputFrameFor(
  art: { readonly width: number; readonly height: number },
  resolution: { readonly width: number; readonly height: number },
  placement: Placement,
  scale = 1,
): OutputFrame {
  const width = Math.max(1, Math.round(resolution.width * scale));
  const height = Math.max(1, Math.round(resolution.height * scale));
  const s = placement.scale * scale;
  return {
    width,
    height,
    scale: s,
    offsetX: width / 2 + placement.offset[0] * scale - (art.width * s) / 2,
    offsetY: height / 2 - placement.offset[1] * scale - (art.height * s) / 2,
  };
}
