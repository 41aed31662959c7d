import type { ImportedCharacter } from '../../core/contract/api.js';
import type { Asset, Placement } from '../../core/document/schema.js';
import type { AssetId, CharacterId } from '../../core/ids.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { addImportedCharacter, moveInDepth, removeCharacter, setMask, setPlacement } from './sceneEdits.js';

/**
 * Store actions for a scene of several characters. Each document change is one undo step through
 * the editor's history (inside a gesture, e.g. scrubbing a placement field, it is the gesture's
 * preview); which character is active is UI state, not undoable.
 */

function characterName(editor: Editor, characterId: CharacterId | string): string {
  return editor.store.getState().document?.characters.find((c) => c.id === characterId)?.name ?? 'character';
}

/** Makes the character at `index` (depth order) the one the outliner, timeline and gizmos edit. */
export function selectCharacter(editor: Editor, index: number): void {
  const state = editor.store.getState();
  const count = state.document?.characters.length ?? 0;
  if (index < 0 || index >= count || index === state.characterIndex) return;
  editor.store.setState({ characterIndex: index, selectedJointId: null, hoveredJointId: null });
}

export function selectCharacterById(editor: Editor, characterId: CharacterId | string): void {
  const index = editor.store.getState().document?.characters.findIndex((c) => c.id === characterId) ?? -1;
  selectCharacter(editor, index);
}

/** Adds an imported, rigged character beside the active one (one undo step) and makes it active. */
export function addCharacter(editor: Editor, imported: ImportedCharacter): boolean {
  const before = editor.store.getState().document;
  const anchor = activeCharacter(editor.store.getState())?.id;
  editor.actions.edit(`Add character ${imported.character.name}`, (doc) =>
    addImportedCharacter(doc, imported, anchor),
  );
  const after = editor.store.getState().document;
  if (!after || after === before) return false;
  selectCharacter(editor, after.characters.length - 1);
  return true;
}

export function placeCharacter(
  editor: Editor,
  characterId: CharacterId | string,
  placement: Placement,
): void {
  editor.actions.edit(`Place ${characterName(editor, characterId)}`, (doc) =>
    setPlacement(doc, characterId, placement),
  );
}

/** Moves a character towards the front (+1) or the back (-1) of the depth order. */
export function moveCharacterInDepth(editor: Editor, characterId: CharacterId | string, steps: number): void {
  editor.actions.edit(`Move ${characterName(editor, characterId)} ${steps > 0 ? 'forward' : 'back'}`, (doc) =>
    moveInDepth(doc, characterId, steps),
  );
}

export function deleteCharacter(editor: Editor, characterId: CharacterId | string): void {
  editor.actions.edit(`Delete character ${characterName(editor, characterId)}`, (doc) =>
    removeCharacter(doc, characterId),
  );
}

/** Stores a painted mask (one brush stroke = one undo step). */
export function setCharacterMask(
  editor: Editor,
  characterId: CharacterId | string,
  maskAssetId: AssetId,
  mask: Asset,
): void {
  editor.actions.edit('Paint mask', (doc) => setMask(doc, characterId, maskAssetId, mask));
}
