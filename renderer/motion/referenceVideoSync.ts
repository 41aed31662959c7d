import { referenceVideoFrameAt, referenceVideoSeekSec } from '../../core/document/referenceVideo.js';
import type { Editor } from '../state/editorStore.js';

/** What the sync needs of an HTMLVideoElement (unit tests pass a fake). */
export interface VideoElementLike {
  currentTime: number;
  readonly duration: number;
  readonly seeking: boolean;
  addEventListener(type: 'seeked' | 'loadedmetadata', listener: () => void): void;
  removeEventListener(type: 'seeked' | 'loadedmetadata', listener: () => void): void;
}

/** What the reference layer shows: the video frame on screen for the playhead's project frame. */
export type ReferenceShown =
  | { readonly status: 'none' }
  /** The playhead is before the video starts or after it ends: nothing is drawn. */
  | { readonly status: 'outside'; readonly projectFrame: number }
  | { readonly status: 'seeking'; readonly projectFrame: number; readonly videoFrame: number }
  | { readonly status: 'ready'; readonly projectFrame: number; readonly videoFrame: number };

/**
 * Keeps a (paused) video element on the frame of the playhead: video frame = project frame −
 * the reference's start frame, at the project's rate (the rate the motion was sampled at), sought
 * to the middle of the frame. While a seek runs, only the latest wanted frame is kept, so playback
 * and scrubbing never queue seeks. It listens to the playhead store only, like the audio's sync.
 * `onShown` hears every change of what is on screen. Returns the unsubscribe function.
 */
export function syncReferenceVideo(
  editor: Editor,
  element: VideoElementLike,
  onShown: (shown: ReferenceShown) => void,
): () => void {
  /** The frame the element is on or moving to. */
  let target: { projectFrame: number; videoFrame: number; timeSec: number } | null = null;

  function update(): void {
    const doc = editor.store.getState().document;
    const reference = doc?.referenceVideo;
    if (!doc || !reference) {
      target = null;
      onShown({ status: 'none' });
      return;
    }
    const projectFrame = Math.floor(editor.playhead.getState().frame);
    const videoFrame = referenceVideoFrameAt(reference, projectFrame);
    const timeSec = videoFrame === null ? null : referenceVideoSeekSec(videoFrame, doc.fps);
    if (
      videoFrame === null ||
      timeSec === null ||
      (Number.isFinite(element.duration) && timeSec >= element.duration)
    ) {
      target = null;
      onShown({ status: 'outside', projectFrame });
      return;
    }
    if (target?.videoFrame === videoFrame && target.projectFrame === projectFrame) return;
    target = { projectFrame, videoFrame, timeSec };
    onShown({ status: 'seeking', projectFrame, videoFrame });
    // A seek in flight ends with 'seeked', which moves on to the latest target.
    if (!element.seeking) seek();
  }

  function seek(): void {
    if (!target) return;
    if (Math.abs(element.currentTime - target.timeSec) < 1e-6) {
      onShown({ status: 'ready', projectFrame: target.projectFrame, videoFrame: target.videoFrame });
      return;
    }
    element.currentTime = target.timeSec;
  }

  function seeked(): void {
    if (!target) return;
    if (Math.abs(element.currentTime - target.timeSec) < 1e-3) {
      onShown({ status: 'ready', projectFrame: target.projectFrame, videoFrame: target.videoFrame });
    } else seek();
  }

  const metadata = () => {
    target = null;
    update();
  };
  element.addEventListener('seeked', seeked);
  element.addEventListener('loadedmetadata', metadata);
  update();
  const offPlayhead = editor.playhead.subscribe(update);
  const offDocument = editor.store.subscribe((state, previous) => {
    if (
      state.document?.referenceVideo !== previous.document?.referenceVideo ||
      state.document?.fps !== previous.document?.fps
    ) {
      target = null;
      update();
    }
  });
  return () => {
    offPlayhead();
    offDocument();
    element.removeEventListener('seeked', seeked);
    element.removeEventListener('loadedmetadata', metadata);
  };
}
