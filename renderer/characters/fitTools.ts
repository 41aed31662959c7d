import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Editor } from '../state/editorStore.js';

/**
 * Fit-mode tools of the characters feature: the weight overlay and the mask brush. Ephemeral UI
 * state (not saved, not undoable), one store per editor.
 */
export interface FitToolsState {
  /** Shows which pixels move with the selected joint over the art (W). */
  readonly weights: boolean;
  /** The mask brush is the viewport's pointer tool (B); Alt paints "remove". */
  readonly brush: boolean;
  /** Brush diameter in art pixels ([ and ]). */
  readonly brushSizePx: number;
  /** What the weight overlay shows now (for the viewport's status line and for tests). */
  readonly overlay: WeightOverlayStatus;
}

export type WeightOverlayStatus =
  | { readonly state: 'off' | 'no-joint' }
  | { readonly state: 'loading' | 'ready'; readonly jointName: string }
  | { readonly state: 'error'; readonly jointName: string; readonly message: string };

export const MIN_BRUSH_PX = 2;
export const MAX_BRUSH_PX = 400;
const BRUSH_STEP = 1.25;

const stores = new WeakMap<Editor, StoreApi<FitToolsState>>();

export function fitToolsFor(editor: Editor): StoreApi<FitToolsState> {
  let store = stores.get(editor);
  if (!store) {
    const created = createStore<FitToolsState>(() => ({
      weights: false,
      brush: false,
      brushSizePx: 24,
      overlay: { state: 'off' },
    }));
    // The tools belong to Fit mode: leaving it puts them away.
    editor.store.subscribe((state, previous) => {
      if (previous.mode === 'fit' && state.mode !== 'fit') created.setState({ weights: false, brush: false });
    });
    stores.set(editor, created);
    store = created;
  }
  return store;
}

export function resizeBrush(sizePx: number, direction: 1 | -1): number {
  const next = direction > 0 ? sizePx * BRUSH_STEP : sizePx / BRUSH_STEP;
  return Math.round(Math.min(MAX_BRUSH_PX, Math.max(MIN_BRUSH_PX, next)));
}
