import type { KeyRef } from '../../core/motion/keySelection.js';
import type { Editor } from '../state/editorStore.js';
import { timelineUiFor } from '../timeline/timelineUi.js';
import { type OnionFramesProbe, onionFramesShown } from '../viewport/OnionFrames.js';
import { motionUiFor } from './motionUi.js';

/** A read-only view of the motion UI for browser tests and the devtools (window.__keyposeMotion). */
export interface KeyposeMotionDebug {
  ikDrag(): boolean;
  pins(): string[];
  selectedKeys(): KeyRef[];
  timelineZoom(): number;
  /** The generated frames the onion skin shows now (previous and next key), or nulls. */
  onionFrames(): OnionFramesProbe;
}

declare global {
  interface Window {
    __keyposeMotion?: KeyposeMotionDebug;
  }
}

export function createMotionDebugHook(editor: Editor): KeyposeMotionDebug {
  return Object.freeze({
    ikDrag: () => motionUiFor(editor).getState().ikDrag,
    pins: () => [...motionUiFor(editor).getState().pins],
    selectedKeys: () =>
      timelineUiFor(editor)
        .getState()
        .selection.map((r) => ({ ...r })),
    timelineZoom: () => timelineUiFor(editor).getState().zoom,
    onionFrames: () => structuredClone(onionFramesShown()),
  });
}
