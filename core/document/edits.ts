import type { CharacterId } from '../ids.js';
import { pruneMotion } from '../motion/edit.js';
import type { Motion } from '../motion/types.js';
import type { Skeleton } from '../skeleton/types.js';
import type { Character, ProjectDocument } from './schema.js';

/**
 * Pure document edits for the UI store. Each returns a new document that shares every unchanged
 * part with the old one (so undo diffs stay small), or the same document when nothing changed.
 *
 * The schema's output types use mutable arrays while core's Skeleton/Motion are readonly; both
 * describe the same plain data, and documents are never mutated, so the casts below are safe.
 */
type DocSkeleton = Character['skeleton'];
type DocMotion = Character['motion'];

export function findCharacter(
  doc: ProjectDocument,
  characterId: CharacterId | string,
): Character | undefined {
  return doc.characters.find((c) => c.id === characterId);
}

export function updateCharacter(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  fn: (character: Character) => Character,
): ProjectDocument {
  const index = doc.characters.findIndex((c) => c.id === characterId);
  const character = doc.characters[index];
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  const next = fn(character);
  if (next === character) return doc;
  const characters = doc.characters.slice();
  characters[index] = next;
  return { ...doc, characters };
}

export function setMotion(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  motion: Motion,
): ProjectDocument {
  return updateCharacter(doc, characterId, (c) =>
    c.motion === motion ? c : { ...c, motion: motion as DocMotion },
  );
}

/** Replaces the skeleton and drops motion tracks of joints that no longer exist. */
export function setSkeleton(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  skeleton: Skeleton,
): ProjectDocument {
  return updateCharacter(doc, characterId, (c) => {
    if (c.skeleton === skeleton) return c;
    const motion = pruneMotion(
      c.motion,
      skeleton.joints.map((j) => j.id),
    ) as DocMotion;
    return { ...c, skeleton: skeleton as DocSkeleton, motion };
  });
}

export function setFps(doc: ProjectDocument, fps: number): ProjectDocument {
  if (!(fps > 0 && fps <= 240)) throw new RangeError(`frame rate ${fps} is outside 0..240 fps`);
  return doc.fps === fps ? doc : { ...doc, fps };
}

export function setDuration(doc: ProjectDocument, durationFrames: number): ProjectDocument {
  if (!Number.isInteger(durationFrames) || durationFrames < 1) {
    throw new RangeError(`duration ${durationFrames} must be a whole number of frames, at least 1`);
  }
  return doc.durationFrames === durationFrames ? doc : { ...doc, durationFrames };
}

export function setProjectName(doc: ProjectDocument, name: string): ProjectDocument {
  if (name.trim() === '') throw new RangeError('a project needs a name');
  return doc.name === name ? doc : { ...doc, name };
}
