import type { FaceMotion, FaceRig } from '../face/schema.js';
import type { CharacterId } from '../ids.js';
import { updateCharacter } from './edits.js';
import type { ProjectDocument } from './schema.js';

/** A character's face rig; null removes it (its face animation stays, for a later rig). */
export function setFaceRig(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  rig: FaceRig | null,
): ProjectDocument {
  return updateCharacter(doc, characterId, (c) => {
    if (rig === null) {
      if (!c.face) return c;
      const { face: _removed, ...rest } = c;
      return rest;
    }
    return c.face === rig ? c : { ...c, face: rig };
  });
}

/** A character's face animation; null removes it. */
export function setFaceMotion(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  motion: FaceMotion | null,
): ProjectDocument {
  return updateCharacter(doc, characterId, (c) => {
    if (motion === null) {
      if (!c.faceMotion) return c;
      const { faceMotion: _removed, ...rest } = c;
      return rest;
    }
    return c.faceMotion === motion ? c : { ...c, faceMotion: motion };
  });
}
