import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FrameStatus } from './scheduler.js';

/**
 * What the viewport shows for the active character now: the engine's frame, the live GPU preview
 * (PartsPreview.tsx: the parts rig's layers moved by the pose in three.js, while the engine's frame
 * for the pose is not there yet), or the static art. The frame layer and the preview decide with
 * the same rule (previewWanted); the status bar and the debug hook read `shown`.
 */
export type ShownKind = 'engine' | 'preview' | 'art';

export interface PreviewState {
  /** The rig key whose layers the preview holds, or null while none are loaded. */
  readonly readyRigKey: string | null;
  readonly shown: ShownKind;
}

export const previewState: StoreApi<PreviewState> = createStore<PreviewState>(() => ({
  readyRigKey: null,
  shown: 'art',
}));

/** The preview covers every status without the engine's frame for the current pose. */
export function previewWanted(status: FrameStatus, previewReady: boolean): boolean {
  return previewReady && (status === 'missing' || status === 'rendering' || status === 'stale');
}

export function setShown(kind: ShownKind): void {
  if (previewState.getState().shown !== kind) previewState.setState({ shown: kind });
}
