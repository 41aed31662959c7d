import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  ApiError,
  type JobEvent,
  type KeyposeApi,
  type VideoMotionResult,
  videoMotionResultSchema,
} from '../../core/contract/api.js';
import { encodeBase64 } from '../../core/util/base64.js';
import { selectCharacterById } from '../characters/characterActions.js';
import type { Editor } from '../state/editorStore.js';
import { beginMotionImport } from './importFlow.js';

/**
 * Import motion from video… in the editor (issue 11): the chosen video goes to the host's
 * analyzeVideoMotion job (progress, ETA, Cancel); its people come back with thumbnails and their
 * 2D tracks; the user picks a person, sees their track drawn over the video, picks the character,
 * and the person's pose sequence opens in the ordinary motion import panel (mapping, keys or a
 * clip layer, feet, tolerance, one undo step).
 */

export const VIDEO_INPUT_ID = 'keypose-motion-video-input';
export const VIDEO_ACCEPT = 'video/*,.mp4,.mov,.m4v,.webm,.mkv,.avi';

export type VideoImportPhase =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'running';
      readonly fileName: string;
      readonly jobId: string | null;
      readonly done: number;
      readonly total: number;
      readonly etaSec: number | null;
    }
  | {
      readonly kind: 'pick';
      readonly result: VideoMotionResult;
      /** A blob URL of the chosen file, for the preview (seekable, unlike a streamed one). */
      readonly videoUrl: string;
      readonly trackId: number;
      readonly characterId: string | null;
    };

export interface VideoImportState {
  readonly phase: VideoImportPhase;
}

const stores = new WeakMap<Editor, StoreApi<VideoImportState>>();

export function videoImportFor(editor: Editor): StoreApi<VideoImportState> {
  let store = stores.get(editor);
  if (!store) {
    const created = createStore<VideoImportState>(() => ({ phase: { kind: 'idle' } }));
    store = created;
    stores.set(editor, created);
    // Closing the dialog any other way (Escape, the backdrop, another dialog) cancels the
    // analysis or drops its result.
    editor.store.subscribe((state, previous) => {
      if (previous.dialog !== 'motion-video' || state.dialog === 'motion-video') return;
      if (created.getState().phase.kind !== 'idle') cancelRunning?.();
    });
  }
  return store;
}

function close(editor: Editor): void {
  const store = videoImportFor(editor);
  const phase = store.getState().phase;
  if (phase.kind === 'pick') URL.revokeObjectURL(phase.videoUrl);
  store.setState({ phase: { kind: 'idle' } });
  if (editor.store.getState().dialog === 'motion-video') editor.actions.closeDialog();
}

let unsubscribe: (() => void) | null = null;
/** Cancels the analysis in progress (set while one runs or its result is shown). */
let cancelRunning: (() => void) | null = null;

/** Starts the analysis of `file`; the dialog shows its progress, then the person picker. */
export async function beginVideoImport(editor: Editor, api: KeyposeApi, file: File): Promise<void> {
  const store = videoImportFor(editor);
  if (store.getState().phase.kind !== 'idle') {
    editor.actions.setNotice('A video is already being analysed');
    return;
  }
  const doc = editor.store.getState().document;
  if (!doc) return;
  const fileName = file.name || 'video';
  store.setState({ phase: { kind: 'running', fileName, jobId: null, done: 0, total: 0, etaSec: null } });
  editor.actions.openDialog('motion-video');
  const videoUrl = URL.createObjectURL(file);
  cancelRunning = () => cancelVideoImport(editor, api);
  let jobId: string | null = null;
  const early: JobEvent[] = [];
  const fail = (error: unknown) => {
    URL.revokeObjectURL(videoUrl);
    unsubscribe?.();
    unsubscribe = null;
    store.setState({ phase: { kind: 'idle' } });
    if (editor.store.getState().dialog === 'motion-video') editor.actions.closeDialog();
    if (error instanceof ApiError && error.code === 'cancelled') return;
    editor.actions.pushError({
      title: `Could not read motion from ${fileName}`,
      message: error instanceof Error ? error.message : String(error),
      file: fileName,
    });
  };
  const onEvent = (event: JobEvent) => {
    const phase = store.getState().phase;
    if (phase.kind !== 'running') return;
    if (event.type === 'progress') {
      store.setState({
        phase: { ...phase, done: event.done, total: event.total, etaSec: event.etaSec ?? null },
      });
    } else if (event.type === 'done') {
      unsubscribe?.();
      unsubscribe = null;
      const parsed = videoMotionResultSchema.safeParse(event.result);
      if (!parsed.success) {
        fail(new Error('the host sent a video analysis Keypose cannot read'));
        return;
      }
      if (parsed.data.people.length === 0) {
        fail(
          new ApiError({
            code: 'invalid-argument',
            message: `${fileName}: no person was found in it (people need to be seen whole, at least a sixth of the picture's height).`,
            file: fileName,
          }),
        );
        return;
      }
      const active = editor.store.getState();
      const character = active.document?.characters[active.characterIndex] ?? null;
      store.setState({
        phase: {
          kind: 'pick',
          result: parsed.data,
          videoUrl,
          trackId: parsed.data.people[0]!.trackId,
          characterId: character?.id ?? null,
        },
      });
    } else if (event.type === 'failed') {
      fail(new ApiError(event.error));
    } else if (event.type === 'cancelled') {
      fail(new ApiError({ code: 'cancelled', message: 'cancelled' }));
    }
  };
  try {
    unsubscribe = api.onJobEvent((event) => {
      if (!('jobId' in event)) return;
      if (jobId === null) early.push(event);
      else if (event.jobId === jobId) onEvent(event);
    });
    const dataBase64 = encodeBase64(new Uint8Array(await file.arrayBuffer()));
    if (store.getState().phase.kind !== 'running') return;
    const started = await api.analyzeVideoMotion({ fileName, dataBase64, fps: doc.fps });
    jobId = started.jobId;
    const phase = store.getState().phase;
    if (phase.kind !== 'running') {
      void api.cancelJob(started.jobId).catch(() => undefined);
      return;
    }
    store.setState({ phase: { ...phase, jobId } });
    for (const event of early.splice(0)) if ('jobId' in event && event.jobId === jobId) onEvent(event);
  } catch (error) {
    fail(error);
  }
}

/** Cancel: stops a running analysis (the host kills ffmpeg and the pose worker) or drops the result. */
export function cancelVideoImport(editor: Editor, api: KeyposeApi): void {
  cancelRunning = null;
  const phase = videoImportFor(editor).getState().phase;
  if (phase.kind === 'running' && phase.jobId) void api.cancelJob(phase.jobId).catch(() => undefined);
  unsubscribe?.();
  unsubscribe = null;
  close(editor);
}

export function pickPerson(editor: Editor, trackId: number): void {
  const store = videoImportFor(editor);
  const phase = store.getState().phase;
  if (phase.kind === 'pick') store.setState({ phase: { ...phase, trackId } });
}

export function pickCharacter(editor: Editor, characterId: string): void {
  const store = videoImportFor(editor);
  const phase = store.getState().phase;
  if (phase.kind === 'pick') store.setState({ phase: { ...phase, characterId } });
}

/** Hands the picked person to the motion import panel, on the picked character. */
export async function applyPickedPerson(editor: Editor): Promise<void> {
  const phase = videoImportFor(editor).getState().phase;
  if (phase.kind !== 'pick') return;
  const person = phase.result.people.find((p) => p.trackId === phase.trackId);
  if (!person) return;
  if (phase.characterId) selectCharacterById(editor, phase.characterId);
  const base = phase.result.fileName.replace(/\.[^.]+$/, '');
  const text = JSON.stringify(person.sequence);
  close(editor);
  await beginMotionImport(editor, {
    name: `${base} (person ${person.trackId}).json`,
    text: async () => text,
  });
}
