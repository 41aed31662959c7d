import { applyImportedMotion } from '../../core/document/motionEdits.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import {
  type ImportResult,
  importClip,
  prepareImport,
  type SourceMotion,
} from '../../core/motion/importMotion.js';
import { UsageError } from '../command.js';
import { importOptionsFrom, mappingWith } from './motionOptions.js';

/** A motion put onto a character of a project: the new document and what the import did. */
export interface MotionOntoProject {
  readonly document: ProjectDocument;
  readonly result: ImportResult;
  readonly mapped: number;
  readonly joints: number;
  readonly source: string;
}

/** Puts an already-read motion onto the character `characterId` (motion import, from-video). */
export function sourceOntoCharacter(
  document: ProjectDocument,
  characterId: string,
  source: SourceMotion,
  values: ReadonlyMap<string, string>,
): Omit<MotionOntoProject, 'source'> {
  const character = document.characters.find((c) => c.id === characterId);
  if (!character) throw new UsageError(`the project has no character "${characterId}".`);
  const options = importOptionsFrom(values, document.fps);
  const prepared = prepareImport(source, character.skeleton);
  const mapping = mappingWith(
    prepared.mapping,
    values.get('map'),
    character,
    source.skeleton.joints.map((j) => j.id),
  );
  const result = importClip(prepared, character.skeleton, character.motion, { ...options, mapping });
  return {
    document: applyImportedMotion(document, character.id, result),
    result,
    mapped: Object.keys(mapping.pairs).length,
    joints: character.skeleton.joints.length,
  };
}
