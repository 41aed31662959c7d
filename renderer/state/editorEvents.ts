/**
 * Requests that are events, not state: "snap the view back to the camera", "repeat the last
 * export". They used to be counters in the editor store that listeners compared with the previous
 * value; an event says what it is, cannot be missed by a listener that mounts between two
 * increments, and leaves nothing in the state to persist or debug around (docs/state.md).
 */
export type EditorEventName = 'camera-view' | 'repeat-export';

export interface EditorEvents {
  /** Calls `listener` on every `name` event until the returned function is called. */
  on(name: EditorEventName, listener: () => void): () => void;
  emit(name: EditorEventName): void;
}

export function createEditorEvents(): EditorEvents {
  const listeners = new Map<EditorEventName, Set<() => void>>();
  return {
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(name) {
      for (const listener of [...(listeners.get(name) ?? [])]) listener();
    },
  };
}
