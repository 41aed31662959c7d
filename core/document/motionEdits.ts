import type { CharacterId } from '../ids.js';
import type { ImportResult } from '../motion/importMotion.js';
import { findCharacter, setDuration, setMotion } from './edits.js';
import type { ProjectDocument } from './schema.js';

/**
 * An imported clip (motion/importMotion.ts) into a document: the character's new motion, and the
 * project made long enough to hold the clip (never shorter). One document edit, one undo step.
 */
export function applyImportedMotion(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  result: ImportResult,
): ProjectDocument {
  if (!findCharacter(doc, characterId)) throw new Error(`the project has no character "${characterId}"`);
  const withMotion = setMotion(doc, characterId, result.motion);
  const needed = result.frames[1] + 1;
  return needed > withMotion.durationFrames ? setDuration(withMotion, needed) : withMotion;
}
