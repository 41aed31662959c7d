import { createStore, type StoreApi } from 'zustand/vanilla';
import { type JobEvent, type KeyposeApi, lipSyncResultSchema } from '../../core/contract/api.js';
import { applyLipSync } from '../../core/document/faceEdits.js';
import type { Commands } from '../commands.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';

/**
 * Ephemeral face UI state (not saved, not undoable), one store per editor: the lip-sync job's
 * progress, the dialogue text typed for it, the selected mouth key, whether the face editor is open.
 */
export interface FaceUiState {
  readonly lipSync:
    | { readonly kind: 'idle' }
    | {
        readonly kind: 'running';
        readonly jobId: string | null;
        readonly fraction: number;
        readonly stage: string;
      }
    | {
        readonly kind: 'done';
        readonly keys: number;
        readonly elapsedSec: number;
        readonly durationSec: number;
      };
  readonly text: string;
  readonly selectedMouthKey: number | null;
  readonly editorOpen: boolean;
}

const stores = new WeakMap<Editor, StoreApi<FaceUiState>>();

export function faceUiFor(editor: Editor): StoreApi<FaceUiState> {
  let store = stores.get(editor);
  if (!store) {
    store = createStore<FaceUiState>(() => ({
      lipSync: { kind: 'idle' },
      text: '',
      selectedMouthKey: null,
      editorOpen: false,
    }));
    stores.set(editor, store);
  }
  return store;
}

/**
 * Runs lip sync of the active character from the project's sound track as a host job: progress
 * into the face UI store, the result applied as one undoable edit ("Lip sync"), cancel through
 * cancelJob. Events that arrive before the call returns the job id are kept until it is known.
 */
export async function runLipSync(editor: Editor, api: KeyposeApi, commands: Commands): Promise<void> {
  const ui = faceUiFor(editor);
  const state = editor.store.getState();
  const document = state.document;
  const character = activeCharacter(state);
  if (!document || !character) return;
  if (ui.getState().lipSync.kind === 'running') return;
  ui.setState({ lipSync: { kind: 'running', jobId: null, fraction: 0, stage: 'starting' } });
  let jobId: string | null = null;
  const early: JobEvent[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const onEvent = (event: JobEvent) => {
    if (!('jobId' in event) || event.jobId !== jobId) return;
    if (event.type === 'progress') {
      ui.setState({
        lipSync: {
          kind: 'running',
          jobId,
          fraction: event.total > 0 ? event.done / event.total : 0,
          stage: event.stage ?? '',
        },
      });
    } else if (event.type === 'done') {
      const parsed = lipSyncResultSchema.safeParse(event.result);
      if (!parsed.success) {
        ui.setState({ lipSync: { kind: 'idle' } });
        commands.reportError('Lip sync failed', new Error('the host sent a result Keypose cannot read'));
      } else {
        const result = parsed.data;
        editor.actions.edit('Lip sync', (doc) =>
          doc.characters.some((c) => c.id === character.id) ? applyLipSync(doc, character.id, result) : doc,
        );
        ui.setState({
          lipSync: {
            kind: 'done',
            keys: result.keys.length,
            elapsedSec: result.elapsedSec,
            durationSec: result.durationSec,
          },
        });
      }
      finish();
    } else if (event.type === 'failed') {
      ui.setState({ lipSync: { kind: 'idle' } });
      commands.reportError('Lip sync failed', new Error(event.error.message));
      finish();
    } else if (event.type === 'cancelled') {
      ui.setState({ lipSync: { kind: 'idle' } });
      finish();
    }
  };
  const unsubscribe = api.onJobEvent((event) => {
    if (jobId === null) early.push(event);
    else onEvent(event);
  });
  try {
    const text = ui.getState().text.trim();
    const started = await api.lipSync({ document, characterId: character.id, ...(text ? { text } : {}) });
    jobId = started.jobId;
    const now = ui.getState().lipSync;
    if (now.kind === 'running') ui.setState({ lipSync: { ...now, jobId } });
    for (const event of early.splice(0)) onEvent(event);
    await finished;
  } catch (error) {
    ui.setState({ lipSync: { kind: 'idle' } });
    commands.reportError('Lip sync failed', error);
  } finally {
    unsubscribe();
  }
}

export function cancelLipSync(editor: Editor, api: KeyposeApi, commands: Commands): void {
  const state = faceUiFor(editor).getState().lipSync;
  if (state.kind === 'running' && state.jobId) {
    api.cancelJob(state.jobId).catch((error: unknown) => commands.reportError('Could not cancel', error));
  }
}
