import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, type ExportPresetInfo, type JobEvent, type KeyposeApi } from '../../core/contract/api.js';
import { withoutReferenceVideo } from '../../core/document/referenceVideo.js';
import type { Commands } from '../commands.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import {
  buildExportRequest,
  choosePreset,
  type ExportPreferences,
  loadExportPreferences,
  type PreferenceStorage,
  saveExportPreferences,
  validateExportChoice,
} from './preferences.js';

/**
 * Runs exports as host jobs and keeps their progress for the dialog and the status bar. One per
 * page. An export started from the dialog keeps running when the dialog is closed (the status bar
 * shows it, with Cancel); Ctrl+Shift+E repeats the remembered choice without the dialog.
 */

export interface RunningExport {
  /** Null while the host has not answered with the job's id yet. */
  readonly jobId: string | null;
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly stage: string | null;
  readonly etaSec: number | null;
}

export interface ExportState {
  readonly presets: readonly ExportPresetInfo[] | null;
  readonly presetsError: string | null;
  readonly running: RunningExport | null;
  /** The last finished export's file (or folder), for the dialog's success message. */
  readonly lastPath: string | null;
  /** The last outcome in words ("Exported …", "Export cancelled"). */
  readonly lastMessage: string | null;
}

export interface ExportController {
  readonly store: StoreApi<ExportState>;
  loadPresets(): Promise<readonly ExportPresetInfo[]>;
  /** Starts an export with this choice (and remembers it). Resolves once the job has started. */
  start(prefs: ExportPreferences): Promise<void>;
  /** Repeats the remembered export; opens the dialog when there is none yet. */
  repeatLast(): Promise<void>;
  cancel(): void;
  /** Feeds every job event of the shell here. */
  handleEvent(event: JobEvent): void;
}

/** Events of export jobs whose exportProject call has not answered yet (kept in case it is ours). */
const MAX_EARLY_EVENTS = 200;

export function createExportController(
  editor: Editor,
  api: KeyposeApi,
  commands: Commands,
  storage: PreferenceStorage | null,
  /** Asks the user (the page's confirm dialog); tests answer it. */
  confirm: (question: string) => boolean = (question) => window.confirm(question),
): ExportController {
  const store = createStore<ExportState>(() => ({
    presets: null,
    presetsError: null,
    running: null,
    lastPath: null,
    lastMessage: null,
  }));
  let early: JobEvent[] = [];
  let presetsPromise: Promise<readonly ExportPresetInfo[]> | null = null;

  function apply(event: JobEvent): void {
    const running = store.getState().running;
    if (!running || event.type === 'engine' || event.jobId !== running.jobId) return;
    switch (event.type) {
      case 'progress':
        store.setState({
          running: {
            ...running,
            done: event.done,
            total: event.total,
            stage: event.stage ?? null,
            etaSec: event.etaSec ?? null,
          },
        });
        return;
      case 'done': {
        const result = event.result as { path?: unknown } | undefined;
        const path = typeof result?.path === 'string' ? result.path : null;
        const message = path ? `Exported ${path}` : 'Export finished';
        store.setState({ running: null, lastPath: path, lastMessage: message });
        editor.actions.setNotice(message);
        return;
      }
      case 'failed':
        store.setState({ running: null, lastPath: null, lastMessage: null });
        commands.reportError('Export failed', new ApiError(event.error));
        return;
      case 'cancelled':
        store.setState({
          running: null,
          lastPath: null,
          lastMessage: 'Export cancelled; nothing was written.',
        });
        editor.actions.setNotice('Export cancelled');
        return;
      case 'frame':
        return;
    }
  }

  const controller: ExportController = {
    store,
    loadPresets() {
      if (!presetsPromise) {
        presetsPromise = api.listExportPresets().then(
          (presets) => {
            store.setState({ presets, presetsError: null });
            return presets;
          },
          (error: unknown) => {
            presetsPromise = null;
            const message = error instanceof Error ? error.message : String(error);
            store.setState({ presetsError: message });
            throw error;
          },
        );
      }
      return presetsPromise;
    },
    async start(prefs) {
      const state = editor.store.getState();
      const document = state.document;
      if (!document || store.getState().running) return;
      let presets: readonly ExportPresetInfo[];
      try {
        presets = await controller.loadPresets();
      } catch (error) {
        commands.reportError('Could not list the export formats', error);
        return;
      }
      const problems = validateExportChoice(prefs, document, presets);
      if (problems.length > 0) {
        commands.reportError('Cannot export', new Error(problems.join(' ')));
        return;
      }
      const preset = choosePreset(presets, prefs.presetId);
      const remembered = { ...prefs, presetId: preset?.id ?? prefs.presetId };
      saveExportPreferences(storage, remembered);
      const characterId = activeCharacter(state)?.id;
      // Exports never show the reference video: its bytes need not travel with the request.
      const request = buildExportRequest(remembered, withoutReferenceVideo(document), presets, characterId);
      early = [];
      store.setState({
        running: {
          jobId: null,
          label: preset?.label ?? request.presetId,
          done: 0,
          total: 0,
          stage: 'starting',
          etaSec: null,
        },
        lastPath: null,
        lastMessage: null,
      });
      try {
        let started: Awaited<ReturnType<KeyposeApi['exportProject']>>;
        try {
          started = await api.exportProject(request);
        } catch (error) {
          // The destination exists: the host replaces it only when the user says so.
          if (!(error instanceof ApiError && error.code === 'already-exists')) throw error;
          if (!confirm(`${error.message}\n\nReplace it?`)) {
            store.setState({ running: null, lastMessage: 'Export not started; the existing file is kept.' });
            return;
          }
          started = await api.exportProject({ ...request, overwrite: true });
        }
        const running = store.getState().running;
        if (!started) {
          // Electron's save dialog was cancelled: nothing started.
          store.setState({ running: null });
          return;
        }
        if (running) store.setState({ running: { ...running, jobId: started.jobId } });
        const mine = early.filter((e) => e.type !== 'engine' && e.jobId === started.jobId);
        early = [];
        for (const event of mine) apply(event);
      } catch (error) {
        store.setState({ running: null });
        commands.reportError('Export failed', error);
      }
    },
    async repeatLast() {
      const prefs = loadExportPreferences(storage);
      if (prefs.presetId === null) {
        editor.actions.openDialog('export');
        return;
      }
      await controller.start(prefs);
    },
    cancel() {
      const running = store.getState().running;
      if (!running?.jobId) return;
      api.cancelJob(running.jobId).catch((error: unknown) => commands.reportError('Could not cancel', error));
    },
    handleEvent(event) {
      if (event.type === 'engine' || event.type === 'frame' || event.kind !== 'export') return;
      const running = store.getState().running;
      if (running && running.jobId === null) {
        if (early.length < MAX_EARLY_EVENTS) early.push(event);
        return;
      }
      apply(event);
    },
  };
  return controller;
}

const controllers = new WeakMap<Editor, ExportController>();

export function exportControllerFor(editor: Editor, api: KeyposeApi, commands: Commands): ExportController {
  let controller = controllers.get(editor);
  if (!controller) {
    let storage: PreferenceStorage | null = null;
    try {
      storage = window.localStorage;
    } catch {
      storage = null;
    }
    controller = createExportController(editor, api, commands, storage);
    controllers.set(editor, controller);
  }
  return controller;
}
