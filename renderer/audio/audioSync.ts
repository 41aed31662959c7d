import type { Editor } from '../state/editorStore.js';
import { audioUiFor } from './audioUi.js';

/** What the sync needs of an HTMLAudioElement (unit tests pass a fake). */
export interface AudioElementLike {
  currentTime: number;
  muted: boolean;
  readonly paused: boolean;
  readonly duration: number;
  play(): Promise<void> | void;
  pause(): void;
}

/**
 * Beyond this the sound is put back at the playhead's time. Playback derives its frame from wall
 * time, so the two clocks agree to about a frame; larger gaps are a loop back to frame 0, a
 * frame-rate change or a stalled element.
 */
export const RESYNC_SEC = 0.2;

/**
 * Keeps an audio element in step with the playhead: it plays while the playhead plays (Space),
 * from the playhead's time in the sound (frame − the sound's start frame, at the document's fps),
 * and seeks when the playhead is scrubbed or stepped. It only listens to the playhead store, so
 * playback.ts needs no knowledge of sound. Returns the unsubscribe function.
 */
export function syncAudio(editor: Editor, element: AudioElementLike): () => void {
  const ui = audioUiFor(editor);

  /** Seconds into the sound at the playhead, or null when the project has no sound. */
  function soundTimeSec(): number | null {
    const doc = editor.store.getState().document;
    if (!doc?.audio) return null;
    return (editor.playhead.getState().frame - doc.audio.startFrame) / doc.fps;
  }

  function update(): void {
    const timeSec = soundTimeSec();
    const { playing } = editor.playhead.getState();
    if (timeSec === null) {
      if (!element.paused) element.pause();
      return;
    }
    const ended = Number.isFinite(element.duration) && timeSec >= element.duration;
    if (!playing || timeSec < 0 || ended) {
      // Stopped, or the playhead is before the sound starts / after it ends: silent, parked at
      // the nearest point of the sound so the next play starts there.
      if (!element.paused) element.pause();
      const parked = Math.max(0, timeSec);
      if (Math.abs(element.currentTime - parked) > 1e-3 && !ended) element.currentTime = parked;
      return;
    }
    if (element.paused) {
      element.currentTime = timeSec;
      // A refused play() (autoplay policy before any user gesture) leaves the animation playing.
      void Promise.resolve(element.play()).catch(() => undefined);
    } else if (Math.abs(element.currentTime - timeSec) > RESYNC_SEC) {
      element.currentTime = timeSec;
    }
  }

  element.muted = ui.getState().muted;
  update();
  const offPlayhead = editor.playhead.subscribe(update);
  const offDocument = editor.store.subscribe((state, previous) => {
    if (state.document?.audio !== previous.document?.audio || state.document?.fps !== previous.document?.fps)
      update();
  });
  const offUi = ui.subscribe((state) => {
    element.muted = state.muted;
  });
  return () => {
    offPlayhead();
    offDocument();
    offUi();
    if (!element.paused) element.pause();
  };
}
