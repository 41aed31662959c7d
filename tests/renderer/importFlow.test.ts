import { describe, expect, it } from 'vitest';
import { ApiError, type ImportedCharacter, type JobEvent, type KeyposeApi } from '../../core/contract/api.js';
import { assetId } from '../../core/ids.js';
import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import { createImportFlow, IMPORT_STAGES } from '../../renderer/characters/importFlow.js';
import { makeEditor } from './fixtures.js';

/**
 * The import flow against a scripted shell: the job's events are sent by the test exactly as the
 * host would (early, late, failed, cancelled), so every path of the dialog is exercised.
 */

const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR4nGP4z8DwnwEKGBgYGAAAMFQB/wTtFoMAAAAASUVORK5CYII=';

const imported: ImportedCharacter = {
  character: {
    id: 'char_new' as never,
    name: 'hero',
    artAssetId: assetId('sha256-hero'),
    skeleton: createDefaultHumanoid({ heightPx: 300 }) as never,
    motion: { rotations: {}, rootTranslation: [] },
    placement: { offset: [0, 0, 0], scale: 1 },
  },
  assets: { 'sha256-hero': { mime: 'image/png', width: 300, height: 400, dataBase64: TINY_PNG_BASE64 } },
  fit: { method: 'silhouette', templatedJoints: ['Head', 'Neck'] },
  warnings: [],
};

function scriptedShell(opts: { failCall?: ApiError; eventsDuringCall?: (jobId: string) => JobEvent[] } = {}) {
  const listeners = new Set<(event: JobEvent) => void>();
  const cancelled: string[] = [];
  const emit = (event: JobEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  const api = {
    onJobEvent(listener: (event: JobEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async importCharacter() {
      if (opts.failCall) throw opts.failCall;
      for (const event of opts.eventsDuringCall?.('job_1') ?? []) emit(event);
      return { jobId: 'job_1' };
    },
    async cancelJob(jobId: string) {
      cancelled.push(jobId);
      emit({ type: 'cancelled', jobId, kind: 'import' });
      return null;
    },
  } as unknown as KeyposeApi;
  return { api, emit, cancelled, listenerCount: () => listeners.size };
}

const picture = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'hero.png', { type: 'image/png' });
const done = (result: unknown = imported): JobEvent => ({
  type: 'done',
  jobId: 'job_1',
  kind: 'import',
  result,
});

describe('import flow', () => {
  it('follows progress, then adds the character to the scene as one undo step with a fit hint', async () => {
    const editor = makeEditor();
    const shell = scriptedShell();
    const flow = createImportFlow(editor, shell.api, { confirm: () => true });
    await flow.start(picture(), 'ask');
    expect(editor.store.getState().dialog).toBe('import');
    shell.emit({
      type: 'progress',
      jobId: 'job_1',
      kind: 'import',
      done: 500,
      total: 1000,
      stage: 'fit',
    });
    // Another job's events are ignored.
    shell.emit({
      type: 'failed',
      jobId: 'job_other',
      kind: 'import',
      error: { code: 'internal', message: 'x' },
    });
    const phase = flow.store.getState().phase;
    expect(phase.kind === 'running' && phase.fraction).toBe(0.5);
    expect(phase.kind === 'running' && phase.stage).toBe('Fitting the skeleton');
    // The rig computes no skin weights (the frame engine renders layered parts): no such stage.
    expect(IMPORT_STAGES).toEqual([
      'Reading the file',
      'Reading the picture',
      'Separating the figure',
      'Fitting the skeleton',
    ]);
    shell.emit(done());
    expect(flow.store.getState().phase.kind).toBe('choose');
    flow.choose('add');
    const state = editor.store.getState();
    expect(state.document?.characters.map((c) => c.name)).toEqual(['Test', 'hero']);
    expect(state.characterIndex).toBe(1);
    expect(state.mode).toBe('fit');
    expect(state.dialog).toBe('none');
    expect(state.undoLabel).toBe('Add character hero');
    expect(flow.store.getState().hint?.templatedJoints).toEqual(['Head', 'Neck']);
    expect(shell.listenerCount()).toBe(0);
  });

  it('events that arrive before the call returns the job id are not lost (File ▸ New: a new project)', async () => {
    const editor = makeEditor();
    const shell = scriptedShell({ eventsDuringCall: () => [done()] });
    const flow = createImportFlow(editor, shell.api, { confirm: () => true });
    await flow.start(picture(), 'new');
    const state = editor.store.getState();
    expect(state.document?.name).toBe('hero');
    expect(state.document?.characters.map((c) => c.id)).toEqual(['char_new']);
    expect(state.canUndo).toBe(false);
    expect(state.dirty).toBe(true);
    expect(flow.store.getState().phase.kind).toBe('idle');
  });

  it('a failed job reports the file and the problem, and leaves the project as it was', async () => {
    const editor = makeEditor();
    const before = editor.store.getState().document;
    const shell = scriptedShell();
    const flow = createImportFlow(editor, shell.api, { confirm: () => true });
    await flow.start(picture(), 'ask');
    shell.emit({
      type: 'failed',
      jobId: 'job_1',
      kind: 'import',
      error: { code: 'corrupt-file', message: 'hero.png: the PNG data is truncated', file: 'hero.png' },
    });
    const state = editor.store.getState();
    expect(state.document).toBe(before);
    expect(state.dialog).toBe('none');
    expect(state.errors.at(-1)).toMatchObject({ title: 'Could not import hero.png', file: 'hero.png' });
    expect(flow.store.getState().phase.kind).toBe('idle');
  });

  it('a call the shell refuses is reported the same way', async () => {
    const editor = makeEditor();
    const shell = scriptedShell({
      failCall: new ApiError({ code: 'unsupported', message: 'no rig worker' }),
    });
    const flow = createImportFlow(editor, shell.api, { confirm: () => true });
    await flow.start(picture(), 'ask');
    expect(editor.store.getState().errors.at(-1)?.message).toBe('no rig worker');
    expect(editor.store.getState().dialog).toBe('none');
  });

  it('Cancel (or Escape closing the dialog) cancels the job; a result after that is dropped', async () => {
    const editor = makeEditor();
    const before = editor.store.getState().document;
    const shell = scriptedShell();
    const flow = createImportFlow(editor, shell.api, { confirm: () => true });
    await flow.start(picture(), 'ask');
    editor.actions.closeDialog();
    expect(shell.cancelled).toEqual(['job_1']);
    expect(flow.store.getState().phase.kind).toBe('idle');
    shell.emit(done());
    expect(editor.store.getState().document).toBe(before);
    expect(editor.store.getState().errors).toEqual([]);
  });

  it('a malformed result is an error, not a broken document', async () => {
    const editor = makeEditor();
    const shell = scriptedShell();
    const flow = createImportFlow(editor, shell.api, { confirm: () => true });
    await flow.start(picture(), 'ask');
    shell.emit(done({ character: { name: 'x' } }));
    expect(editor.store.getState().errors.at(-1)?.message).toMatch(/unexpected import result/);
    expect(editor.store.getState().document?.characters).toHaveLength(1);
  });

  it('"New project" with unsaved changes asks first; declining keeps the choice open', async () => {
    const editor = makeEditor();
    editor.actions.renameProject('Edited');
    const shell = scriptedShell();
    let asked = 0;
    const flow = createImportFlow(editor, shell.api, {
      confirm: () => {
        asked++;
        return false;
      },
    });
    await flow.start(picture(), 'ask');
    shell.emit(done());
    flow.choose('new');
    expect(asked).toBe(1);
    expect(editor.store.getState().document?.name).toBe('Edited');
    expect(flow.store.getState().phase.kind).toBe('choose');
  });
});
