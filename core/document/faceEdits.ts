import { EMPTY_FACE_MOTION } from '../face/edits.js';
import type { FaceLayer, FaceMotion, FaceRig, MouthKey } from '../face/schema.js';
import type { CharacterId } from '../ids.js';
import { setDuration, updateCharacter } from './edits.js';
import { MAX_DURATION_FRAMES } from './limits.js';
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

/**
 * A lip-sync result onto a character: the mouth keys inside [fromFrame, toFrame] are replaced by
 * `keys` (keys outside the sound's span are the user's and stay), the speech-motion layer is
 * replaced when one is given, and the project is made long enough to hold the sound. One document
 * edit: one undo step.
 */
export function applyLipSync(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  result: { keys: readonly MouthKey[]; fromFrame: number; toFrame: number; layer?: FaceLayer },
): ProjectDocument {
  const character = doc.characters.find((c) => c.id === characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  const before = character.faceMotion ?? EMPTY_FACE_MOTION;
  const kept = before.mouth.filter((k) => k.frame < result.fromFrame || k.frame > result.toFrame);
  const mouth = [...kept, ...result.keys].sort((a, b) => a.frame - b.frame);
  let layers = before.layers;
  if (result.layer) {
    const layer = result.layer;
    const old = (before.layers ?? []).find((l) => l.id === layer.id);
    // A re-run keeps the user's weight and mute of the layer.
    const placed = old ? { ...layer, weight: old.weight, ...(old.muted ? { muted: true } : {}) } : layer;
    layers = [...(before.layers ?? []).filter((l) => l.id !== layer.id), placed];
  }
  const motion: FaceMotion = { ...before, mouth, ...(layers ? { layers } : {}) };
  const withFace = setFaceMotion(doc, characterId, motion);
  const needed = result.toFrame + 1;
  return needed > withFace.durationFrames
    ? setDuration(withFace, Math.min(needed, MAX_DURATION_FRAMES))
    : withFace;
}
