import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEditor, EDITOR_STATE_SCOPES } from '../../renderer/state/editorStore.js';
import { createPlayheadStore } from '../../renderer/state/playheadStore.js';
import {
  DEFAULT_EDITOR_PREFERENCES,
  EDITOR_PREFERENCE_KEYS,
  EDITOR_PREFERENCES_KEY,
  type PreferenceStorage,
  parseEditorPreferences,
} from '../../renderer/state/preferences.js';

function memoryStorage(): PreferenceStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

describe('editor state scopes (docs/state.md)', () => {
  it('every key of the editor state has a scope, and the docs table says the same', () => {
    const editor = createEditor(createPlayheadStore());
    expect(Object.keys(EDITOR_STATE_SCOPES).sort()).toEqual(Object.keys(editor.store.getState()).sort());
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'state.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| (\w+) +\| (document|session|preference) +\|/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(Object.fromEntries(rows)).toEqual(EDITOR_STATE_SCOPES);
    // The preference scope is exactly what preferences.ts stores.
    const preferences = Object.entries(EDITOR_STATE_SCOPES)
      .filter(([, scope]) => scope === 'preference')
      .map(([key]) => key);
    expect(preferences.sort()).toEqual([...EDITOR_PREFERENCE_KEYS].sort());
  });

  it('preferences survive a new editor on the same storage (a reload); session state does not', () => {
    const storage = memoryStorage();
    const first = createEditor(createPlayheadStore(), { preferences: storage });
    first.actions.setOnionSkin(true);
    first.actions.setNewKeyInterpolation('step');
    first.actions.setShowFrames(false);
    first.actions.setFitMirror(true);
    first.actions.setGizmo('translate');
    first.actions.setMode('fit');
    first.actions.openDialog('help');
    const reloaded = createEditor(createPlayheadStore(), { preferences: storage }).store.getState();
    expect(reloaded).toMatchObject({
      onionSkin: true,
      newKeyInterpolation: 'step',
      showFrames: false,
      fitMirror: true,
      gizmo: 'translate',
    });
    expect(reloaded.mode).toBe('pose');
    expect(reloaded.dialog).toBe('none');
    expect(JSON.parse(storage.items.get(EDITOR_PREFERENCES_KEY)!)).toEqual({
      onionSkin: true,
      newKeyInterpolation: 'step',
      showFrames: false,
      fitMirror: true,
      gizmo: 'translate',
    });
  });

  it('reads each stored field on its own; unreadable storage gives the defaults', () => {
    expect(parseEditorPreferences('{"onionSkin":true,"gizmo":"scale","showFrames":"yes"}')).toEqual({
      ...DEFAULT_EDITOR_PREFERENCES,
      onionSkin: true,
    });
    expect(parseEditorPreferences('not json')).toEqual(DEFAULT_EDITOR_PREFERENCES);
    const broken: PreferenceStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const editor = createEditor(createPlayheadStore(), { preferences: broken });
    expect(editor.store.getState().onionSkin).toBe(false);
    editor.actions.setOnionSkin(true);
    expect(editor.store.getState().onionSkin).toBe(true);
  });

  it('requests are events: C snaps the view, Ctrl+Shift+E repeats the export, nothing is left in the state', () => {
    const editor = createEditor(createPlayheadStore());
    const seen: string[] = [];
    editor.events.on('camera-view', () => seen.push('camera-view'));
    const off = editor.events.on('repeat-export', () => seen.push('repeat-export'));
    const before = editor.store.getState();
    editor.actions.requestCameraView();
    editor.actions.requestRepeatExport();
    off();
    editor.actions.requestRepeatExport();
    expect(seen).toEqual(['camera-view', 'repeat-export']);
    expect(editor.store.getState()).toBe(before);
  });
});
