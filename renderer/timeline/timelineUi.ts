import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KeyClipboard, KeyRef } from '../../core/motion/keySelection.js';
import type { Editor } from '../state/editorStore.js';
import { type PreferenceStorage, pageStorage } from '../state/preferences.js';
import { loadTimelinePreferences, saveTimelinePreferences } from './timelinePrefs.js';

/**
 * The timeline's state, one store per editor: zoom, the key selection, copied keys (session state:
 * not saved, not undoable), and whether the graph editor is open (a preference, kept in the page's
 * storage by timelinePrefs.ts).
 */
export interface TimelineUiState {
  /** Track width as a multiple of the visible width (1 = the whole animation fits). */
  readonly zoom: number;
  readonly selection: readonly KeyRef[];
  readonly clipboard: KeyClipboard | null;
  /** What Ctrl+C copied last: keys (then Ctrl+V pastes keys) or the pose (the editor's clipboard). */
  readonly lastCopied: 'keys' | 'pose';
  readonly graphOpen: boolean;
  /** Incremented to ask the timeline to scroll to the start after "fit". */
  readonly fitRequest: number;
}

export const MIN_ZOOM = 1;
/** Past this the ruler's render bar (a canvas one pixel per column) would pass the browser's canvas limit. */
export const MAX_ZOOM = 20;

const stores = new WeakMap<Editor, StoreApi<TimelineUiState>>();

export function timelineUiFor(
  editor: Editor,
  storage: PreferenceStorage | null = pageStorage(),
): StoreApi<TimelineUiState> {
  let store = stores.get(editor);
  if (!store) {
    const created = createStore<TimelineUiState>(() => ({
      zoom: 1,
      selection: [],
      clipboard: null,
      lastCopied: 'pose',
      graphOpen: loadTimelinePreferences(storage).graphOpen,
      fitRequest: 0,
    }));
    created.subscribe((s, p) => {
      if (s.graphOpen !== p.graphOpen) saveTimelinePreferences(storage, { graphOpen: s.graphOpen });
    });
    // Another project or character: the selected keys belong to the old one.
    editor.store.subscribe((s, p) => {
      if (
        (s.document?.id !== p.document?.id || s.characterIndex !== p.characterIndex) &&
        created.getState().selection.length > 0
      ) {
        created.setState({ selection: [] });
      }
    });
    store = created;
    stores.set(editor, store);
  }
  return store;
}

export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}
