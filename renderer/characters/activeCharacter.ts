import type { ProjectDocument } from '../../core/document/schema.js';

/**
 * The index of the active character after the document changed from `before` to `after`: the same
 * character (by id) when it still exists, wherever it moved in the depth order; otherwise the
 * nearest valid index (e.g. after undoing the character's addition).
 */
export function followActiveCharacter(
  before: ProjectDocument | null,
  after: ProjectDocument,
  index: number,
): number {
  const activeId = before?.characters[index]?.id;
  if (activeId !== undefined) {
    const found = after.characters.findIndex((c) => c.id === activeId);
    if (found >= 0) return found;
  }
  return Math.max(0, Math.min(after.characters.length - 1, index));
}
