import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  ApiError,
  type ImportedCharacter,
  type ImportSource,
  importedCharacterSchema,
  type JobEvent,
  type KeyposeApi,
} from '../../core/contract/api.js';
import type { TemplateKind } from '../../core/skeleton/templates.js';
import { encodeBase64 } from '../../core/util/base64.js';
import type { Editor } from '../state/editorStore.js';
import { isDirty } from '../state/editorStore.js';
import { addCharacter } from './characterActions.js';
import { projectFromImported } from './sceneEdits.js';

/**
 * Importing a character: the picture goes to the host's importCharacter job (decode, mask,
 * skeleton fit), the dialog follows its progress events (stage, bar, Cancel), and
 * the rigged result either starts a new project or joins the open scene (one undo step). A failed
 * import reports a clear error and changes nothing.
 */

/** 'new' starts a project from the picture (File ▸ New); 'ask' offers new project or add to scene. */
export type ImportIntent = 'new' | 'ask';

export type ImportPhase =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'running';
      readonly fileName: string;
      readonly jobId: string | null;
      readonly stage: string;
      /** 0..1, or null before the first progress event. */
      readonly fraction: number | null;
      readonly etaSec: number | null;
      readonly cancelling: boolean;
    }
  | { readonly kind: 'choose'; readonly fileName: string; readonly imported: ImportedCharacter };

/** What to check after an import: how the skeleton was fitted and which joints are guesses. */
export interface FitHint {
  readonly characterName: string;
  /** The skeleton's template (null: a custom skeleton). */
  readonly template?: TemplateKind | null;
  readonly method: ImportedCharacter['fit']['method'];
  readonly templatedJoints: readonly string[];
  readonly warnings: readonly string[];
}

export interface ImportState {
  readonly phase: ImportPhase;
  readonly hint: FitHint | null;
}

export interface ImportFlow {
  readonly store: StoreApi<ImportState>;
  /** Starts importing a picture file (drag and drop, the file chooser). */
  start(file: File, intent: ImportIntent): Promise<void>;
  /** Starts importing an Animated Drawings folder from its files (a dropped or chosen folder). */
  startFolder(
    folderName: string,
    files: Promise<readonly File[]> | readonly File[],
    intent: ImportIntent,
  ): Promise<void>;
  cancel(): void;
  /** After a successful import: rig the same picture again with another skeleton template. */
  retemplate(template: TemplateKind | 'auto'): Promise<void>;
  /** After a successful import: start a new project from the character, or add it to the scene. */
  choose(choice: 'new' | 'add'): void;
  dismissHint(): void;
}

export interface ImportEnvironment {
  confirm(message: string): boolean;
}

/** The file types the import accepts (the host sniffs the real format from the bytes). */
export const IMPORT_ACCEPT =
  'image/png,image/jpeg,image/webp,image/vnd.adobe.photoshop,.png,.jpg,.jpeg,.webp,.psd';

/** Readable names for the host's stage ids. */
const STAGE_LABELS: Record<string, string> = {
  decode: 'Reading the picture',
  mask: 'Separating the figure',
  fit: 'Fitting the skeleton',
  pose: 'Finding the pose',
  skeleton: 'Fitting the skeleton',
};

export function stageLabel(stage: string | undefined): string {
  if (!stage) return 'Working';
  return STAGE_LABELS[stage] ?? stage.charAt(0).toUpperCase() + stage.slice(1);
}

/** How the skeleton was placed, as it reads after "21 joints, " or "humanoid skeleton ". */
export const FIT_METHOD_LABELS: Record<FitHint['method'], string> = {
  'pose-model': 'fitted by the pose model',
  silhouette: 'fitted to the silhouette',
  file: 'taken from the file',
};

/** The import's stages in order (the dialog lists them, the current one marked). */
export const IMPORT_STAGES: readonly string[] = [
  'Reading the file',
  'Reading the picture',
  'Separating the figure',
  'Fitting the skeleton',
];

/** How long the fit hint stays before it goes by itself (it never covers the art for long). */
export const HINT_DURATION_MS = 12_000;

/** How long a cancelled job may take to confirm before the dialog closes anyway. */
const CANCEL_GRACE_MS = 5000;

function toError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
}

export function createImportFlow(editor: Editor, api: KeyposeApi, env: ImportEnvironment): ImportFlow {
  const store = createStore<ImportState>(() => ({ phase: { kind: 'idle' }, hint: null }));
  const setPhase = (phase: ImportPhase) => store.setState({ phase });
  let intent: ImportIntent = 'ask';
  /** Ends the current job's event subscription; null when no job is followed. */
  let unsubscribe: (() => void) | null = null;
  let cancelTimer: ReturnType<typeof setTimeout> | null = null;
  let hintTimer: ReturnType<typeof setTimeout> | null = null;
  /** The last import's request, for rigging it again with another template. */
  let last: { fileName: string; request: ImportSource } | null = null;

  function setHint(hint: FitHint | null): void {
    if (hintTimer !== null) clearTimeout(hintTimer);
    hintTimer = hint ? setTimeout(() => setHint(null), HINT_DURATION_MS) : null;
    store.setState({ hint });
  }

  function stopFollowing(): void {
    unsubscribe?.();
    unsubscribe = null;
    if (cancelTimer !== null) clearTimeout(cancelTimer);
    cancelTimer = null;
  }

  function close(): void {
    stopFollowing();
    setPhase({ kind: 'idle' });
    if (editor.store.getState().dialog === 'import') editor.actions.closeDialog();
  }

  function fail(fileName: string, error: unknown): void {
    close();
    const e = toError(error);
    if (e.code === 'cancelled') return;
    editor.actions.pushError({
      title: `Could not import ${fileName}`,
      message: e.message,
      ...(e.file ? { file: e.file } : {}),
    });
  }

  function finish(fileName: string, result: unknown): void {
    stopFollowing();
    const parsed = importedCharacterSchema.safeParse(result);
    if (!parsed.success) {
      fail(
        fileName,
        new Error(`the host sent an unexpected import result (${parsed.error.issues[0]?.message})`),
      );
      return;
    }
    const imported = parsed.data;
    if (intent === 'new' || editor.store.getState().document === null) {
      setPhase({ kind: 'idle' });
      apply('new', fileName, imported);
      return;
    }
    setPhase({ kind: 'choose', fileName, imported });
  }

  function apply(choice: 'new' | 'add', fileName: string, imported: ImportedCharacter): void {
    if (choice === 'new') {
      if (isDirty(editor.store.getState()) && !env.confirm('Discard the unsaved changes of this project?')) {
        return;
      }
      const name = imported.character.name || fileName.replace(/\.[^.]+$/, '');
      editor.actions.load(projectFromImported(imported, name), null, { unsaved: true });
    } else if (!addCharacter(editor, imported)) {
      return;
    }
    close();
    editor.actions.setMode('fit');
    setHint({
      template: imported.fit.template ?? null,
      characterName: imported.character.name,
      method: imported.fit.method,
      templatedJoints: imported.fit.templatedJoints,
      // The host repeats the templated joints as a warning; the hint lists them already.
      warnings: imported.warnings.filter((w) => !w.startsWith('Placed by proportion')),
    });
  }

  function onEvent(fileName: string, event: JobEvent): void {
    const phase = store.getState().phase;
    if (phase.kind !== 'running') return;
    switch (event.type) {
      case 'progress':
        if (phase.cancelling) return;
        setPhase({
          ...phase,
          stage: stageLabel(event.stage),
          fraction: event.total > 0 ? Math.min(1, event.done / event.total) : null,
          etaSec: event.etaSec ?? null,
        });
        return;
      case 'done':
        if (phase.cancelling) close();
        else finish(fileName, event.result);
        return;
      case 'failed':
        fail(fileName, new ApiError(event.error));
        return;
      case 'cancelled':
        close();
        return;
      default:
        return;
    }
  }

  // Escape (or anything else) closing the dialog cancels the job or drops the unused result.
  editor.store.subscribe((state, previous) => {
    if (previous.dialog !== 'import' || state.dialog === 'import') return;
    const phase = store.getState().phase;
    if (phase.kind === 'running') flow.cancel();
    else if (phase.kind === 'choose') setPhase({ kind: 'idle' });
  });

  /** Runs one import job; `source` reads the bytes (after the dialog shows "Reading the file"). */
  async function run(fileName: string, startIntent: ImportIntent, source: () => Promise<ImportSource>) {
    if (store.getState().phase.kind !== 'idle') {
      editor.actions.setNotice('An import is already in progress');
      return;
    }
    intent = startIntent;
    setHint(null);
    setPhase({
      kind: 'running',
      fileName,
      jobId: null,
      stage: 'Reading the file',
      fraction: null,
      etaSec: null,
      cancelling: false,
    });
    editor.actions.openDialog('import');
    // Events may arrive before the call returns the job id (a corrupt file fails at once): keep
    // them until the id is known.
    let jobId: string | null = null;
    const early: Exclude<JobEvent, { type: 'engine' }>[] = [];
    try {
      if (typeof api.onJobEvent !== 'function') {
        throw new Error('this shell does not report job progress (no onJobEvent)');
      }
      unsubscribe = api.onJobEvent((event) => {
        if (!('jobId' in event)) return;
        if (jobId === null) early.push(event);
        else if (event.jobId === jobId) onEvent(fileName, event);
      });
      const request = await source();
      last = { fileName, request };
      if (store.getState().phase.kind !== 'running') return;
      const started = await api.importCharacter(request);
      jobId = started.jobId;
      const phase = store.getState().phase;
      if (phase.kind !== 'running') {
        // Cancelled while the call was on its way.
        void api.cancelJob(started.jobId).catch(() => undefined);
        return;
      }
      setPhase({ ...phase, jobId });
      for (const event of early.splice(0)) if (event.jobId === jobId) onEvent(fileName, event);
    } catch (error) {
      fail(fileName, error);
    }
  }

  const base64Of = async (file: File) => encodeBase64(new Uint8Array(await file.arrayBuffer()));

  const flow: ImportFlow = {
    store,
    start(file, startIntent) {
      const fileName = file.name || 'picture';
      return run(fileName, startIntent, async () => ({ fileName, dataBase64: await base64Of(file) }));
    },
    startFolder(folderName, files, startIntent) {
      return run(folderName, startIntent, async () => {
        const list = await files;
        if (list.length === 0) {
          // The host would say the same about char_cfg.yaml; say it without a round trip.
          throw new ApiError({
            code: 'invalid-argument',
            message: `${folderName}/: not an Animated Drawings folder (it has no char_cfg.yaml, texture.png or mask.png)`,
            file: `${folderName}/`,
          });
        }
        return {
          folderName,
          files: await Promise.all(list.map(async (f) => ({ name: f.name, dataBase64: await base64Of(f) }))),
        };
      });
    },
    cancel() {
      const phase = store.getState().phase;
      if (phase.kind === 'choose') {
        close();
        return;
      }
      if (phase.kind !== 'running') return;
      if (phase.jobId === null) {
        close();
        return;
      }
      if (phase.cancelling) return;
      setPhase({ ...phase, cancelling: true, stage: 'Cancelling…' });
      api.cancelJob(phase.jobId).catch(() => close());
      cancelTimer = setTimeout(close, CANCEL_GRACE_MS);
    },
    choose(choice) {
      const phase = store.getState().phase;
      if (phase.kind !== 'choose') return;
      apply(choice, phase.fileName, phase.imported);
    },
    dismissHint() {
      setHint(null);
    },
    retemplate(template) {
      const phase = store.getState().phase;
      if (phase.kind !== 'choose' || last === null) return Promise.resolve();
      const again = { ...last.request, template } as ImportSource;
      const { fileName } = last;
      setPhase({ kind: 'idle' });
      return run(fileName, intent, async () => again);
    },
  };
  return flow;
}

/** One flow per editor, shared by the commands and the components. */
const flows = new WeakMap<Editor, ImportFlow>();

export function importFlowFor(
  editor: Editor,
  api: KeyposeApi,
  env: ImportEnvironment = { confirm: (m) => window.confirm(m) },
): ImportFlow {
  let flow = flows.get(editor);
  if (!flow) {
    flow = createImportFlow(editor, api, env);
    flows.set(editor, flow);
  }
  return flow;
}
