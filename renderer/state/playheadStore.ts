import { createStore, type StoreApi } from 'zustand/vanilla';

/**
 * The playhead: a tiny store of its own because it changes every frame during playback and
 * scrubbing. Per-frame code (the viewport's useFrame, the timeline's playhead line, the frame
 * counter) reads it with `getState()` or `subscribe()`, never through React state, so playing
 * back re-renders no React components.
 */
export interface PlayheadState {
  /** The current frame index (an integer, 0 .. durationFrames - 1). */
  readonly frame: number;
  readonly playing: boolean;
}

export type PlayheadStore = StoreApi<PlayheadState>;

export function createPlayheadStore(): PlayheadStore {
  return createStore<PlayheadState>(() => ({ frame: 0, playing: false }));
}

/** Clamps and rounds a frame to the document's range and stores it (no-op when unchanged). */
export function setPlayheadFrame(store: PlayheadStore, frame: number, durationFrames: number): void {
  const last = Math.max(0, Math.floor(durationFrames) - 1);
  const clamped = Math.min(last, Math.max(0, Math.round(Number.isFinite(frame) ? frame : 0)));
  if (store.getState().frame !== clamped) store.setState({ frame: clamped });
}
