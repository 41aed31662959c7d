import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  ApiError,
  type FaceVideoResultData,
  faceVideoResultSchema,
  type JobEvent,
  type KeyposeApi,
} from '../../core/contract/api.js';
import { applyFacePerformance } from '../../core/document/facePerformanceEdits.js';
import { encodeBase64 } from '../../core/util/base64.js';
import type { Commands } from '../commands.js';
import type { Editor } from '../state/editorStore.js';

/**
 * Face ▸ From face video… (issue 13, docs/face.md "Head pose and face from a video"): the chosen
 * video goes to the host's analyzeFaceVideo job (progress with ETA, Cancel); the face comes back
 * as a performance per video frame and is keyed onto the character over the chosen frames as one
 * undo step ("Face from video"): the head joint's rotation, and the "Face video" face layer. With
 * several faces in the video the user picks one by its thumbnail first.
 */

export const FACE_VIDEO_INPUT_ID = 'keypose-face-video-input';
export const FACE_VIDEO_ACCEPT = 'video/*,.mp4,.mov,.m4v,.webm,.mkv,.avi';

export interface FaceVideoTarget {
  readonly characterId: string;
  readonly from: number;
  readonly to: number;
  readonly restFrame?: number;
}

export type FaceVideoPhase =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'running';
      /** Which call of runFaceVideo this is: a cancelled run's late answers must not touch the next. */
      readonly runId: number;
      readonly fileName: string;
      readonly jobId: string | null;
      readonly done: number;
      readonly total: number;
      readonly etaSec: number | null;
    }
  | { readonly kind: 'pick'; readonly result: FaceVideoResultData; readonly target: FaceVideoTarget }
  | { readonly kind: 'done'; readonly message: string };

let runs = 0;
const stores = new WeakMap<Editor, StoreApi<{ phase: FaceVideoPhase }>>();

export function faceVideoFor(editor: Editor): StoreApi<{ phase: FaceVideoPhase }> {
  let store = stores.get(editor);
  if (!store) {
    store = createStore<{ phase: FaceVideoPhase }>(() => ({ phase: { kind: 'idle' } }));
    stores.set(editor, store);
  }
  return store;
}

/** Keys face `trackId` of the result onto the target as one edit. */
export function applyFaceFromVideo(
  editor: Editor,
  commands: Commands,
  result: FaceVideoResultData,
  trackId: number,
  target: FaceVideoTarget,
): void {
  const store = faceVideoFor(editor);
  const face = result.faces.find((f) => f.trackId === trackId);
  if (!face) return;
  try {
    editor.actions.edit('Face from video', (doc) =>
      doc.characters.some((c) => c.id === target.characterId)
        ? applyFacePerformance(
            doc,
            target.characterId,
            face.frames,
            { from: target.from, to: target.to },
            {
              layerName: `Face video (${result.fileName})`,
            },
          )
        : doc,
    );
  } catch (error) {
    store.setState({ phase: { kind: 'idle' } });
    commands.reportError(`Could not key the face from ${result.fileName}`, error);
    return;
  }
  const last = Math.min(target.to, target.from + face.frames.length - 1);
  store.setState({
    phase: {
      kind: 'done',
      message: `Head and face of ${result.fileName}${result.faces.length > 1 ? ` (face ${trackId} of ${result.faces.length})` : ''} keyed on frames ${target.from}–${last} (rest frame ${face.restFrame}; ${result.frameCount} video frames in ${result.elapsedSec.toFixed(1)} s).`,
    },
  });
}

/** Starts the analysis of `file` for `target`; the Face section shows progress, then applies. */
export async function runFaceVideo(
  editor: Editor,
  api: KeyposeApi,
  commands: Commands,
  file: File,
  target: FaceVideoTarget,
): Promise<void> {
  const store = faceVideoFor(editor);
  if (store.getState().phase.kind === 'running') {
    editor.actions.setNotice('A face video is already being read');
    return;
  }
  const doc = editor.store.getState().document;
  if (!doc) return;
  const fileName = file.name || 'video';
  const runId = ++runs;
  store.setState({
    phase: { kind: 'running', runId, fileName, jobId: null, done: 0, total: 0, etaSec: null },
  });
  /** This run's phase while it is the one running (not cancelled, not replaced by a later run). */
  const current = () => {
    const phase = store.getState().phase;
    return phase.kind === 'running' && phase.runId === runId ? phase : null;
  };
  let jobId: string | null = null;
  const early: JobEvent[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const fail = (error: unknown) => {
    if (current()) store.setState({ phase: { kind: 'idle' } });
    finish();
    if (error instanceof ApiError && error.code === 'cancelled') return;
    commands.reportError(`Could not read the face in ${fileName}`, error);
  };
  const onEvent = (event: JobEvent) => {
    if (!('jobId' in event) || event.jobId !== jobId) return;
    const phase = current();
    if (!phase) {
      // Cancelled: the job's last word ends this run (and its subscription) without a change.
      if (event.type !== 'progress') finish();
      return;
    }
    if (event.type === 'progress') {
      store.setState({
        phase: { ...phase, done: event.done, total: event.total, etaSec: event.etaSec ?? null },
      });
    } else if (event.type === 'done') {
      const parsed = faceVideoResultSchema.safeParse(event.result);
      if (!parsed.success) {
        fail(new Error('the host sent a face analysis Keypose cannot read'));
        return;
      }
      if (parsed.data.faces.length > 1)
        store.setState({ phase: { kind: 'pick', result: parsed.data, target } });
      else applyFaceFromVideo(editor, commands, parsed.data, parsed.data.faces[0]!.trackId, target);
      finish();
    } else if (event.type === 'failed') {
      fail(new ApiError(event.error));
    } else if (event.type === 'cancelled') {
      fail(new ApiError({ code: 'cancelled', message: 'cancelled' }));
    }
  };
  const unsubscribe = api.onJobEvent((event) => {
    if (jobId === null) early.push(event);
    else onEvent(event);
  });
  try {
    const dataBase64 = encodeBase64(new Uint8Array(await file.arrayBuffer()));
    if (!current()) return;
    const started = await api.analyzeFaceVideo({
      fileName,
      dataBase64,
      fps: doc.fps,
      ...(target.restFrame !== undefined ? { restFrame: target.restFrame } : {}),
    });
    jobId = started.jobId;
    const phase = current();
    if (!phase) {
      // Cancelled while the video was being sent: the job started anyway; stop it.
      void api.cancelJob(started.jobId).catch(() => undefined);
      return;
    }
    store.setState({ phase: { ...phase, jobId } });
    for (const event of early.splice(0)) onEvent(event);
    await finished;
  } catch (error) {
    fail(error);
  } finally {
    unsubscribe();
  }
}

/** Cancel: stops the running analysis (the host kills ffmpeg and the face worker) or drops a pick. */
export function cancelFaceVideo(editor: Editor, api: KeyposeApi): void {
  const store = faceVideoFor(editor);
  const phase = store.getState().phase;
  if (phase.kind === 'running' && phase.jobId) void api.cancelJob(phase.jobId).catch(() => undefined);
  store.setState({ phase: { kind: 'idle' } });
}
