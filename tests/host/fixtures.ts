import { type ProjectDocument, projectDocumentSchema } from '../../core/document/schema.js';

/** A 1×1 transparent PNG. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/**
 * A small valid project written out by hand (not through core's factory) so host tests do not
 * depend on how the factory fills in defaults: two joints, one rotation key.
 */
export function makeDocument(overrides: { id?: string; name?: string } = {}): ProjectDocument {
  return projectDocumentSchema.parse({
    format: 'keypose-project',
    version: 2,
    id: overrides.id ?? 'prj_test',
    name: overrides.name ?? 'Test project',
    fps: 24,
    durationFrames: 48,
    resolution: { width: 64, height: 64 },
    characters: [
      {
        id: 'chr_1',
        name: 'Figure',
        artAssetId: 'asset_1',
        skeleton: {
          joints: [
            { id: 'Hips', name: 'Hips', parentId: null, restPosition: [0, 0, 0] },
            { id: 'Spine', name: 'Spine', parentId: 'Hips', restPosition: [0, 10, 0] },
          ],
        },
        motion: {
          rotations: { Spine: [{ frame: 0, value: [0, 0, 0, 1], interpolation: 'linear' }] },
          rootTranslation: [],
        },
        placement: { offset: [0, 0, 0], scale: 1 },
      },
    ],
    assets: { asset_1: { mime: 'image/png', width: 1, height: 1, dataBase64: TINY_PNG_BASE64 } },
  });
}
