import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  ApiError,
  type JobEvent,
  type KeyposeApi,
  type VideoMotionResult,
  videoMotionResultSchema,
} from '../../core/contract/api.js';
import { MAX_REFERENCE_VIDEO_BASE64_CHARS } from '../../core/document/limits.js';
import { referenceVideoMimeFor, setReferenceVideo } from '../../core/document/referenceVideo.js';
import type { ProjectDocument, ReferenceVideoMime } from '../../core/document/schema.js';
import { encodeBase64 } from '../../core/util/base64.js';
import { peopleOntoCharacters } from '../../core/video/peopleOntoCharacters.js';
import { selectCharacterById } from '../characters/characterActions.js';
import type { Editor } from '../state/editorStore.js';
import { beginMotionImport, defaultOptions } from './importFlow.js';

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
      /** Person -> character for "Apply to characters" (null or absent: that person is not used). */
      readonly assignments: Readonly<Record<number, string | null>>;
      /** Place the characters as the people stood relative to each other. */
      readonly place: boolean;
      /** Keep the video as the project's reference video (behind the viewport, with the playhead). */
      readonly keepReference: boolean;
      /** The file, for the reference video; null when its type cannot be kept (or it is too big). */
      readonly reference: { readonly mime: ReferenceVideoMime; readonly dataBase64: string } | null;
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
  let dataBase64: string | null = null;
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
      const mime = referenceVideoMimeFor(fileName, file.type);
      store.setState({
        phase: {
          kind: 'pick',
          result: parsed.data,
          videoUrl,
          trackId: parsed.data.people[0]!.trackId,
          characterId: character?.id ?? null,
          assignments: defaultAssignments(parsed.data, active.document, character?.id ?? null),
          place: true,
          keepReference: mime !== null && dataBase64 !== null,
          reference:
            mime !== null && dataBase64 !== null && dataBase64.length <= MAX_REFERENCE_VIDEO_BASE64_CHARS
              ? { mime, dataBase64 }
              : null,
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
    dataBase64 = encodeBase64(new Uint8Array(await file.arrayBuffer()));
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

/**
 * The people in order of how long they are seen onto the scene's characters: the active one first,
 * then the others in list order; people beyond the characters are left out.
 */
export function defaultAssignments(
  result: Pick<VideoMotionResult, 'people'>,
  doc: ProjectDocument | null,
  activeId: string | null,
): Record<number, string | null> {
  const ids = doc?.characters.map((c) => c.id as string) ?? [];
  const order = activeId && ids.includes(activeId) ? [activeId, ...ids.filter((id) => id !== activeId)] : ids;
  return Object.fromEntries(result.people.map((p, i) => [p.trackId, order[i] ?? null]));
}

/** Puts person `trackId` onto `characterId` (null: not used); whoever had that character loses it. */
export function assignPerson(editor: Editor, trackId: number, characterId: string | null): void {
  const store = videoImportFor(editor);
  const phase = store.getState().phase;
  if (phase.kind !== 'pick') return;
  const assignments: Record<number, string | null> = {};
  for (const [id, c] of Object.entries(phase.assignments)) {
    assignments[Number(id)] = characterId !== null && c === characterId ? null : c;
  }
  assignments[trackId] = characterId;
  store.setState({ phase: { ...phase, assignments } });
}

export function setVideoImportOption(
  editor: Editor,
  change: { place?: boolean; keepReference?: boolean },
): void {
  const store = videoImportFor(editor);
  const phase = store.getState().phase;
  if (phase.kind !== 'pick') return;
  store.setState({
    phase: {
      ...phase,
      ...(change.place !== undefined ? { place: change.place } : {}),
      ...(change.keepReference !== undefined
        ? { keepReference: change.keepReference && phase.reference !== null }
        : {}),
    },
  });
}

/** The reference video edit for a video whose frame 0 lands on project frame `startFrame`. */
function withReference(
  phase: Extract<VideoImportPhase, { kind: 'pick' }>,
  startFrame: number,
): (doc: ProjectDocument) => ProjectDocument {
  const { reference, keepReference, result } = phase;
  if (!keepReference || !reference) return (doc) => doc;
  return (doc) =>
    setReferenceVideo(doc, {
      fileName: result.fileName,
      mime: reference.mime,
      dataBase64: reference.dataBase64,
      startFrame: Math.max(0, Math.round(startFrame)),
    });
}

/**
 * Apply to characters: every assigned person onto their character through the motion import
 * (keys, the editor's default tolerance, feet held), each starting at the project frame where
 * their first video frame lands (the video's frame 0 at the playhead), the characters placed as
 * the people stood, the video kept as the reference: one undo step.
 */
export function applyAssignedPeople(editor: Editor): boolean {
  const phase = videoImportFor(editor).getState().phase;
  const doc = editor.store.getState().document;
  if (phase.kind !== 'pick' || !doc) return false;
  const assignments = phase.result.people.flatMap((person) => {
    const characterId = phase.assignments[person.trackId];
    return characterId ? [{ person, characterId }] : [];
  });
  if (assignments.length === 0) {
    editor.actions.setNotice('Choose a character for at least one person');
    return false;
  }
  const videoStartFrame = editor.playhead.getState().frame;
  const defaults = defaultOptions(editor, 1);
  const base = phase.result.fileName.replace(/\.[^.]+$/, '');
  const reference = withReference(phase, videoStartFrame);
  let summary: ReturnType<typeof peopleOntoCharacters>;
  try {
    summary = peopleOntoCharacters(doc, assignments, {
      videoStartFrame,
      place: phase.place,
      importOptions: {
        as: defaults.as,
        tolerance: defaults.tolerance,
        rootMotion: defaults.rootMotion,
        fixFeet: defaults.fixFeet,
      },
      clipName: (trackId) => `${base} (person ${trackId})`,
    });
  } catch (error) {
    editor.actions.pushError({
      title: `Could not apply the people of ${phase.result.fileName}`,
      message: error instanceof Error ? error.message : String(error),
      file: phase.result.fileName,
    });
    return false;
  }
  const count = summary.applied.length;
  editor.actions.edit(
    `Motion from ${phase.result.fileName} (${count} ${count === 1 ? 'person' : 'people'})`,
    () => reference(summary.document),
  );
  const names = summary.applied.map((a) => {
    const name = summary.document.characters.find((c) => c.id === a.characterId)?.name ?? a.characterId;
    return `person ${a.trackId} → ${name}`;
  });
  close(editor);
  editor.actions.setNotice(
    `Motion from ${phase.result.fileName}: ${names.join(', ')}${summary.placed ? ', placed as they stood' : ''}`,
  );
  return true;
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
  // The clip starts where the person's first video frame lands with the video's frame 0 at the
  // playhead; moved in the panel, the reference video moves with it.
  const videoStartFrame = editor.playhead.getState().frame;
  const keep = phase.keepReference && phase.reference !== null;
  const pick = phase;
  close(editor);
  await beginMotionImport(
    editor,
    { name: `${base} (person ${person.trackId}).json`, text: async () => text },
    {
      options: { startFrame: videoStartFrame + person.firstFrame },
      ...(keep
        ? { alsoEdit: (doc, options) => withReference(pick, options.startFrame - person.firstFrame)(doc) }
        : {}),
    },
  );
}
