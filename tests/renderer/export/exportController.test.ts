import { describe, expect, it } from 'vitest';
import {
  ApiError,
  type ExportPresetInfo,
  type ExportRequest,
  type JobEvent,
  type KeyposeApi,
} from '../../../core/contract/api.js';
import type { Commands } from '../../../renderer/commands.js';
import { createExportController } from '../../../renderer/export/exportController.js';
import { DEFAULT_EXPORT_PREFERENCES, EXPORT_PREFERENCES_KEY } from '../../../renderer/export/preferences.js';
import { makeEditor } from '../fixtures.js';

const PRESETS: ExportPresetInfo[] = [
  { id: 'mp4-h264', label: 'Web: MP4 (H.264)', extension: 'mp4', alpha: false, kind: 'video' },
];

function setup() {
  const editor = makeEditor();
  const requests: ExportRequest[] = [];
  const cancelled: string[] = [];
  let answer: (value: { jobId: string } | null) => void = () => undefined;
  const api = {
    listExportPresets: async () => PRESETS,
    exportProject: (request: ExportRequest) => {
      requests.push(request);
      return new Promise<{ jobId: string } | null>((resolve) => {
        answer = resolve;
      });
    },
    cancelJob: async (jobId: string) => {
      cancelled.push(jobId);
      return null;
    },
  } as unknown as KeyposeApi;
  const reported: string[] = [];
  const commands = {
    reportError: (title: string, error: unknown) =>
      reported.push(`${title}: ${error instanceof Error ? error.message : String(error)}`),
  } as unknown as Commands;
  const items = new Map<string, string>();
  const storage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => items.set(k, v),
  };
  const controller = createExportController(editor, api, commands, storage);
  return {
    editor,
    controller,
    requests,
    cancelled,
    reported,
    items,
    answer: (v: { jobId: string } | null) => answer(v),
  };
}

const flush = () => new Promise((done) => setTimeout(done, 0));
const progress = (jobId: string, done: number, total: number): JobEvent => ({
  type: 'progress',
  jobId,
  kind: 'export',
  done,
  total,
  stage: 'encoding',
  etaSec: 3,
});

describe('export controller', () => {
  it('runs an export job: progress (even when it arrives before the job id), then the path', async () => {
    const t = setup();
    const started = t.controller.start({ ...DEFAULT_EXPORT_PREFERENCES, presetId: 'mp4-h264' });
    await flush();
    expect(t.requests).toHaveLength(1);
    expect(t.controller.store.getState().running?.jobId).toBeNull();
    // The event stream can beat the HTTP answer.
    t.controller.handleEvent(progress('job1', 1, 10));
    t.controller.handleEvent(progress('other', 5, 10));
    t.answer({ jobId: 'job1' });
    await started;
    expect(t.controller.store.getState().running).toMatchObject({
      jobId: 'job1',
      done: 1,
      total: 10,
      etaSec: 3,
    });
    t.controller.handleEvent(progress('job1', 7, 10));
    expect(t.controller.store.getState().running?.done).toBe(7);
    t.controller.cancel();
    expect(t.cancelled).toEqual(['job1']);
    t.controller.handleEvent({ type: 'done', jobId: 'job1', kind: 'export', result: { path: '/p/out.mp4' } });
    expect(t.controller.store.getState()).toMatchObject({ running: null, lastPath: '/p/out.mp4' });
    expect(t.editor.store.getState().notice).toBe('Exported /p/out.mp4');
    // The choice is remembered as a preference.
    expect(JSON.parse(t.items.get(EXPORT_PREFERENCES_KEY) ?? '{}').presetId).toBe('mp4-h264');
  });

  it("reports a failed job in the error banner with the host's message", async () => {
    const t = setup();
    const started = t.controller.start({ ...DEFAULT_EXPORT_PREFERENCES, presetId: 'mp4-h264' });
    await flush();
    t.answer({ jobId: 'j' });
    await started;
    t.controller.handleEvent({
      type: 'failed',
      jobId: 'j',
      kind: 'export',
      error: { code: 'io-error', message: 'No space left on device', file: '/p/out.mp4' },
    });
    expect(t.reported).toEqual(['Export failed: No space left on device']);
    expect(t.controller.store.getState().running).toBeNull();
  });

  it('repeats the remembered export, or opens the dialog when there is none', async () => {
    const t = setup();
    await t.controller.repeatLast();
    expect(t.editor.store.getState().dialog).toBe('export');
    expect(t.requests).toHaveLength(0);
    t.items.set(EXPORT_PREFERENCES_KEY, JSON.stringify({ presetId: 'mp4-h264', scale: 0.5 }));
    const repeated = t.controller.repeatLast();
    await flush();
    expect(t.requests[0]).toMatchObject({ presetId: 'mp4-h264', scale: 0.5 });
    t.answer(null);
    await repeated;
    // null: the save dialog was cancelled; nothing runs.
    expect(t.controller.store.getState().running).toBeNull();
  });
});

describe('export controller: an existing destination', () => {
  function withExisting(answerConfirm: boolean) {
    const editor = makeEditor();
    const requests: ExportRequest[] = [];
    const questions: string[] = [];
    const api = {
      listExportPresets: async () => PRESETS,
      exportProject: async (request: ExportRequest) => {
        requests.push(request);
        if (!request.overwrite) {
          throw new ApiError({
            code: 'already-exists',
            message: '/p/exports/hero.mp4 already exists',
            file: '/p/exports/hero.mp4',
          });
        }
        return { jobId: 'j2' };
      },
      cancelJob: async () => null,
    } as unknown as KeyposeApi;
    const reported: string[] = [];
    const commands = {
      reportError: (title: string, error: unknown) => reported.push(`${title}: ${String(error)}`),
    } as unknown as Commands;
    const controller = createExportController(editor, api, commands, null, (question) => {
      questions.push(question);
      return answerConfirm;
    });
    return { controller, requests, questions, reported };
  }

  it('asks before replacing, and replaces only when the user agrees', async () => {
    const t = withExisting(true);
    await t.controller.start({ ...DEFAULT_EXPORT_PREFERENCES, presetId: 'mp4-h264', fileName: 'hero' });
    expect(t.questions).toEqual(['/p/exports/hero.mp4 already exists\n\nReplace it?']);
    expect(t.requests.map((r) => [r.fileName, r.overwrite])).toEqual([
      ['hero', undefined],
      ['hero', true],
    ]);
    expect(t.controller.store.getState().running?.jobId).toBe('j2');
    expect(t.reported).toEqual([]);
  });

  it('keeps the file and starts nothing when the user declines', async () => {
    const t = withExisting(false);
    await t.controller.start({ ...DEFAULT_EXPORT_PREFERENCES, presetId: 'mp4-h264', fileName: 'hero' });
    expect(t.requests).toHaveLength(1);
    expect(t.controller.store.getState()).toMatchObject({
      running: null,
      lastMessage: 'Export not started; the existing file is kept.',
    });
    expect(t.reported).toEqual([]);
  });
});
