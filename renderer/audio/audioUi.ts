import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Editor } from '../state/editorStore.js';

/** Ephemeral audio UI state (not saved, not undoable), one store per editor. */
export interface AudioUiState {
  /** Playback keeps time but makes no sound (Shift+M, the timeline's speaker button). */
  readonly muted: boolean;
}

const stores = new WeakMap<Editor, StoreApi<AudioUiState>>();

export function audioUiFor(editor: Editor): StoreApi<AudioUiState> {
  let store = stores.get(editor);
  if (!store) {
    store = createStore<AudioUiState>(() => ({ muted: false }));
    stores.set(editor, store);
  }
  return store;
}
