import { describe, expect, it } from 'vitest';
import type { ImportedCharacter } from '../../core/contract/api.js';
import { parseProjectJson, serializeProject } from '../../core/document/parse.js';
import { assetId, jointId } from '../../core/ids.js';
import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import {
  addCharacter,
  deleteCharacter,
  moveCharacterInDepth,
  placeCharacter,
  selectCharacter,
  setCharacterMask,
} from '../../renderer/characters/characterActions.js';
import { projectFromImported } from '../../renderer/characters/sceneEdits.js';
import { activeCharacter } from '../../renderer/state/editorStore.js';
import { makeEditor } from './fixtures.js';

const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR4nGP4z8DwnwEKGBgYGAAAMFQB/wTtFoMAAAAASUVORK5CYII=';

function imported(id: string, name: string, size = { width: 300, height: 400 }): ImportedCharacter {
  const art = `sha256-art-${id}`;
  return {
    character: {
      id: id as never,
      name,
      artAssetId: assetId(art),
      skeleton: createDefaultHumanoid({ heightPx: size.height * 0.8 }) as never,
      motion: { rotations: {}, rootTranslation: [] },
      placement: { offset: [0, 0, 0], scale: 1 },
    },
    assets: { [art]: { mime: 'image/png', ...size, dataBase64: TINY_PNG_BASE64 } },
    fit: { method: 'silhouette', templatedJoints: ['LeftToeBase'] },
    warnings: [],
  };
}

const ids = (editor: ReturnType<typeof makeEditor>) =>
  editor.store.getState().document?.characters.map((c) => c.id) ?? [];

describe('several characters in one scene', () => {
  it('adding a character is one undo step, makes it active, and places it beside the active one', () => {
    const editor = makeEditor();
    expect(addCharacter(editor, imported('char_b', 'Bob'))).toBe(true);
    const state = editor.store.getState();
    expect(ids(editor)).toEqual(['char_test', 'char_b']);
    expect(state.characterIndex).toBe(1);
    expect(activeCharacter(state)?.name).toBe('Bob');
    expect(state.undoLabel).toBe('Add character Bob');
    expect(state.document?.assets['sha256-art-char_b']).toBeDefined();
    // The first character's art is 600x800: Bob (400 px tall) is scaled to 800 px and stands on
    // the right edge of the first picture.
    const bob = activeCharacter(state);
    expect(bob?.placement.scale).toBeCloseTo(2, 9);
    expect(bob?.placement.offset).toEqual([300, 0, 0]);

    editor.actions.undo();
    expect(ids(editor)).toEqual(['char_test']);
    expect(editor.store.getState().characterIndex).toBe(0);
    expect(editor.store.getState().document?.assets['sha256-art-char_b']).toBeUndefined();
    editor.actions.redo();
    expect(ids(editor)).toEqual(['char_test', 'char_b']);
  });

  it('the same picture imported twice gets a new id and a numbered name; the saved project parses', () => {
    const editor = makeEditor();
    addCharacter(editor, imported('char_b', 'Bob'));
    addCharacter(editor, imported('char_b', 'Bob'));
    const doc = editor.store.getState().document;
    if (!doc) throw new Error('no document');
    expect(new Set(ids(editor)).size).toBe(3);
    expect(doc.characters.map((c) => c.name)).toEqual(['Test', 'Bob', 'Bob 2']);
    const reparsed = parseProjectJson(serializeProject(doc), 'scene.keypose');
    expect(reparsed.characters).toHaveLength(3);
  });

  it('the outliner edits the active character only', () => {
    const editor = makeEditor();
    addCharacter(editor, imported('char_b', 'Bob'));
    editor.actions.setRestPosition(jointId('LeftHand'), [111, 222, 0]);
    const [first, second] = editor.store.getState().document?.characters ?? [];
    expect(second?.skeleton.joints.find((j) => j.id === 'LeftHand')?.restPosition).toEqual([111, 222, 0]);
    expect(first?.skeleton.joints.find((j) => j.id === 'LeftHand')?.restPosition).not.toEqual([111, 222, 0]);
    selectCharacter(editor, 0);
    expect(activeCharacter(editor.store.getState())?.id).toBe('char_test');
    expect(editor.store.getState().selectedJointId).toBeNull();
  });

  it('reordering in depth is undoable and the active character stays active wherever it moves', () => {
    const editor = makeEditor();
    addCharacter(editor, imported('char_b', 'Bob'));
    addCharacter(editor, imported('char_c', 'Cat'));
    selectCharacter(editor, 2);
    moveCharacterInDepth(editor, 'char_c', -1);
    expect(ids(editor)).toEqual(['char_test', 'char_c', 'char_b']);
    expect(activeCharacter(editor.store.getState())?.id).toBe('char_c');
    moveCharacterInDepth(editor, 'char_c', -5);
    expect(ids(editor)).toEqual(['char_c', 'char_test', 'char_b']);
    expect(editor.store.getState().characterIndex).toBe(0);
    // Already at the back: nothing changes, no undo step.
    const label = editor.store.getState().undoLabel;
    moveCharacterInDepth(editor, 'char_c', -1);
    expect(editor.store.getState().undoLabel).toBe(label);
    editor.actions.undo();
    editor.actions.undo();
    expect(ids(editor)).toEqual(['char_test', 'char_b', 'char_c']);
    expect(activeCharacter(editor.store.getState())?.id).toBe('char_c');
  });

  it('placement is an undoable edit; a scrub (gesture) is one step; a bad scale is refused', () => {
    const editor = makeEditor();
    addCharacter(editor, imported('char_b', 'Bob'));
    placeCharacter(editor, 'char_b', { offset: [10, 20, 0], scale: 0.5 });
    expect(activeCharacter(editor.store.getState())?.placement).toEqual({ offset: [10, 20, 0], scale: 0.5 });
    editor.actions.beginGesture('Place Bob');
    for (const x of [11, 12, 13]) placeCharacter(editor, 'char_b', { offset: [x, 20, 0], scale: 0.5 });
    editor.actions.endGesture();
    expect(activeCharacter(editor.store.getState())?.placement.offset[0]).toBe(13);
    editor.actions.undo();
    expect(activeCharacter(editor.store.getState())?.placement.offset[0]).toBe(10);
    placeCharacter(editor, 'char_b', { offset: [0, 0, 0], scale: 0 });
    expect(editor.store.getState().errors.at(-1)?.message).toMatch(/scale/);
    expect(activeCharacter(editor.store.getState())?.placement.scale).toBe(0.5);
  });

  it('deleting a character drops its assets; the last character cannot be deleted', () => {
    const editor = makeEditor();
    addCharacter(editor, imported('char_b', 'Bob'));
    deleteCharacter(editor, 'char_b');
    expect(ids(editor)).toEqual(['char_test']);
    expect(editor.store.getState().document?.assets['sha256-art-char_b']).toBeUndefined();
    deleteCharacter(editor, 'char_test');
    expect(ids(editor)).toEqual(['char_test']);
    expect(editor.store.getState().errors.at(-1)?.message).toMatch(/at least one character/);
  });

  it('a character with PSD part hints keeps them in the saved project; deleting it drops their map', () => {
    const editor = makeEditor();
    const withHints = imported('char_h', 'Hinted');
    const hintsId = 'sha256-hints-char_h';
    withHints.assets[hintsId] = { mime: 'image/png', width: 300, height: 400, dataBase64: TINY_PNG_BASE64 };
    withHints.character.partHints = {
      ownerAssetId: assetId(hintsId),
      parts: [{ name: 'Left Arm', jointIds: [jointId('LeftArm'), jointId('LeftForeArm')] }],
    };
    addCharacter(editor, withHints);
    const doc = editor.store.getState().document!;
    const reparsed = parseProjectJson(serializeProject(doc), 'hints.keypose');
    expect(reparsed.characters[1]?.partHints?.parts[0]?.name).toBe('Left Arm');
    // A map that is not in the project is refused with a message naming it.
    const broken = { ...doc, assets: { ...doc.assets } };
    delete broken.assets[hintsId];
    expect(() => parseProjectJson(serializeProject(broken), 'broken.keypose')).toThrow(/part hint asset/);
    deleteCharacter(editor, 'char_h');
    expect(editor.store.getState().document?.assets[hintsId]).toBeUndefined();
  });

  it('a mask stroke is one undo step; the replaced mask asset is dropped', () => {
    const editor = makeEditor();
    const mask = (n: number) => ({
      mime: 'image/png' as const,
      width: 600,
      height: 800,
      dataBase64: `${TINY_PNG_BASE64}${n}`,
    });
    setCharacterMask(editor, 'char_test', assetId('sha256-mask-1'), mask(1));
    setCharacterMask(editor, 'char_test', assetId('sha256-mask-2'), mask(2));
    let doc = editor.store.getState().document;
    expect(doc?.characters[0]?.maskAssetId).toBe('sha256-mask-2');
    expect(Object.keys(doc?.assets ?? {})).not.toContain('sha256-mask-1');
    editor.actions.undo();
    doc = editor.store.getState().document;
    expect(doc?.characters[0]?.maskAssetId).toBe('sha256-mask-1');
    expect(doc?.assets['sha256-mask-1']).toBeDefined();
    editor.actions.undo();
    doc = editor.store.getState().document;
    expect(doc?.characters[0]?.maskAssetId).toBeUndefined();
    expect(Object.keys(doc?.assets ?? {})).toEqual(['sha256-test']);
    expect(editor.store.getState().canUndo).toBe(false);
    // A mask of another size than the art is refused.
    setCharacterMask(editor, 'char_test', assetId('sha256-mask-3'), { ...mask(3), width: 10 });
    expect(editor.store.getState().errors.at(-1)?.message).toMatch(/600x800/);
  });

  it('a new project from an imported character holds exactly that character and its art', () => {
    const doc = projectFromImported(imported('char_z', 'Zed', { width: 320, height: 480 }), 'Zed');
    expect(doc.characters.map((c) => c.id)).toEqual(['char_z']);
    expect(doc.resolution).toEqual({ width: 320, height: 480 });
    expect(Object.keys(doc.assets)).toEqual(['sha256-art-char_z']);
    expect(() => parseProjectJson(serializeProject(doc), 'zed.keypose')).not.toThrow();
  });
});
