import type { Editor } from './state/editorStore.js';
import { setPlayheadFrame } from './state/playheadStore.js';

export interface Clock {
  now(): number;
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
}

export const browserClock: Clock = {
  now: () => performance.now(),
  requestFrame: (callback) => requestAnimationFrame(callback),
  cancelFrame: (handle) => cancelAnimationFrame(handle),
};

export interface Playback {
  play(): void;
  pause(): void;
  toggle(): void;
}

/**
 * Looping playback at the document's frame rate. The frame shown is derived from elapsed wall
 * time (not counted per animation frame), so playback keeps time when the browser drops frames.
 * It writes only the playhead store, so no React component re-renders while playing.
 */
export function createPlayback(editor: Editor, clock: Clock = browserClock): Playback {
  const playhead = editor.playhead;
  let handle: number | null = null;
  let anchorMs = 0;
  let anchorFrame = 0;
  let anchorFps = 0;

  function tick(): void {
    const doc = editor.store.getState().document;
    if (!doc || !playhead.getState().playing) {
      handle = null;
      return;
    }
    if (doc.fps !== anchorFps) {
      // The frame rate changed while playing: continue from the frame on screen.
      anchorMs = clock.now();
      anchorFrame = playhead.getState().frame;
      anchorFps = doc.fps;
    }
    const elapsedSec = (clock.now() - anchorMs) / 1000;
    const frame = (anchorFrame + Math.floor(elapsedSec * doc.fps)) % doc.durationFrames;
    setPlayheadFrame(playhead, frame, doc.durationFrames);
    handle = clock.requestFrame(tick);
  }

  const playback: Playback = {
    play() {
      const doc = editor.store.getState().document;
      if (!doc || playhead.getState().playing) return;
      editor.actions.endGesture();
      playhead.setState({ playing: true });
      anchorMs = clock.now();
      anchorFrame = playhead.getState().frame;
      anchorFps = doc.fps;
      handle = clock.requestFrame(tick);
    },
    pause() {
      if (handle !== null) clock.cancelFrame(handle);
      handle = null;
      if (playhead.getState().playing) playhead.setState({ playing: false });
    },
    toggle() {
      if (playhead.getState().playing) playback.pause();
      else playback.play();
    },
  };
  return playback;
}
