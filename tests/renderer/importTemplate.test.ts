import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportedCharacter, ImportSource, JobEvent, KeyposeApi } from '../../core/contract/api.js';
import { assetId } from '../../core/ids.js';
import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import { createImportFlow, HINT_DURATION_MS } from '../../renderer/characters/importFlow.js';
import { makeEditor } from './fixtures.js';

/** The import dialog's skeleton choice (rig again with another template) and the timed fit hint. */
const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR4nGP4z8DwnwEKGBgYGAAAMFQB/wTtFoMAAAAASUVORK5CYII=';

const imported: ImportedCharacter = {
  character: {
    id: 'char_new' as never,
    name: 'pet',
    artAssetId: assetId('sha256-pet'),
    skeleton: createDefaultHumanoid({ heightPx: 300 }) as never,
    motion: { rotations: {}, rootTranslation: [] },
    placement: { offset: [0, 0, 0], scale: 1 },
  },
  assets: { 'sha256-pet': { mime: 'image/png', width: 300, height: 400, dataBase64: TINY_PNG_BASE64 } },
  fit: { method: 'silhouette', templatedJoints: [], template: 'humanoid' },
  warnings: [],
};

function shell() {
  const listeners = new Set<(event: JobEvent) => void>();
  const requests: ImportSource[] = [];
  let n = 0;
  const api = {
    onJobEvent(listener: (event: JobEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async importCharacter(request: ImportSource) {
      requests.push(request);
      return { jobId: `job_${++n}` };
    },
    async cancelJob() {
      return null;
    },
  } as unknown as KeyposeApi;
  const finish = (jobId: string) => {
    for (const l of [...listeners]) l({ type: 'done', jobId, kind: 'import', result: imported });
  };
  return { api, requests, finish };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('import dialog: skeleton template and hint', () => {
  it('rigs the same picture again with the template chosen in the dialog', async () => {
    const editor = makeEditor();
    const s = shell();
    const flow = createImportFlow(editor, s.api, { confirm: () => true });
    await flow.start(new File([new Uint8Array([1, 2, 3])], 'pet.png'), 'ask');
    s.finish('job_1');
    expect(flow.store.getState().phase.kind).toBe('choose');
    await flow.retemplate('quadruped');
    expect(s.requests).toHaveLength(2);
    expect(s.requests[1]).toMatchObject({ fileName: 'pet.png', template: 'quadruped' });
    expect(s.requests[1]).toHaveProperty('dataBase64', (s.requests[0] as { dataBase64: string }).dataBase64);
    expect(flow.store.getState().phase.kind).toBe('running');
  });

  it('shows the fit hint with the template, and takes it away by itself', async () => {
    vi.useFakeTimers();
    const editor = makeEditor();
    const s = shell();
    const flow = createImportFlow(editor, s.api, { confirm: () => true });
    await flow.start(new File([new Uint8Array([1, 2, 3])], 'pet.png'), 'new');
    s.finish('job_1');
    expect(flow.store.getState().hint?.template).toBe('humanoid');
    vi.advanceTimersByTime(HINT_DURATION_MS - 100);
    expect(flow.store.getState().hint).not.toBeNull();
    vi.advanceTimersByTime(200);
    expect(flow.store.getState().hint).toBeNull();
  });
});
