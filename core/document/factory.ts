import {
  type AssetId,
  assetId,
  type CharacterId,
  characterId,
  newId,
  type ProjectId,
  projectId,
} from '../ids.js';
import { createDefaultHumanoid } from '../skeleton/humanoid.js';
import type { Skeleton } from '../skeleton/types.js';
import { sha256Hex } from '../util/hash.js';
import { type Asset, CURRENT_VERSION, FORMAT_TAG, type ProjectDocument } from './schema.js';

/** Content address of an asset's bytes: 'sha256-' + 64 hex digits (see util/hash.ts for why). */
export function hashAssetId(bytes: Uint8Array): AssetId {
  return assetId(`sha256-${sha256Hex(bytes)}`);
}

export const DEFAULT_FPS = 24;
export const DEFAULT_DURATION_FRAMES = 48;
/** The default skeleton fills this share of the picture's height, leaving room around the figure. */
const DEFAULT_FIGURE_SHARE = 0.85;

/**
 * A new project with one character drawn by `art`. The resolution is the art's size, the
 * skeleton defaults to the humanoid scaled to the picture. Ids are random unless given.
 */
export function createProject(opts: {
  name: string;
  art: { assetId: AssetId | string; asset: Asset };
  skeleton?: Skeleton;
  characterName?: string;
  fps?: number;
  durationFrames?: number;
  id?: ProjectId | string;
  characterId?: CharacterId | string;
}): ProjectDocument {
  const { asset } = opts.art;
  // Fit the T-pose inside the picture: by height, or by width for narrow art (wrist to wrist is
  // 0.79 of the humanoid's height).
  const heightPx = Math.min(asset.height * DEFAULT_FIGURE_SHARE, (asset.width * DEFAULT_FIGURE_SHARE) / 0.79);
  const skeleton = opts.skeleton ?? createDefaultHumanoid({ heightPx });
  return {
    format: FORMAT_TAG,
    version: CURRENT_VERSION,
    id: projectId(opts.id ?? newId('proj')),
    name: opts.name,
    fps: opts.fps ?? DEFAULT_FPS,
    durationFrames: opts.durationFrames ?? DEFAULT_DURATION_FRAMES,
    resolution: { width: asset.width, height: asset.height },
    characters: [
      {
        id: characterId(opts.characterId ?? newId('char')),
        name: opts.characterName ?? opts.name,
        artAssetId: assetId(opts.art.assetId),
        // The schema's output types are mutable; the skeleton is treated as immutable everywhere.
        skeleton: skeleton as ProjectDocument['characters'][number]['skeleton'],
        motion: { rotations: {}, rootTranslation: [] },
        placement: { offset: [0, 0, 0], scale: 1 },
      },
    ],
    assets: { [opts.art.assetId]: asset },
  };
}
