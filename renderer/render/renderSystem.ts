import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineStatus, JobEvent, KeyposeApi } from '../../core/contract/api.js';
import type { Commands } from '../commands.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { createFrameFetcher, FramePixelCache } from './framePixels.js';
import { type RenderInput, RenderScheduler, type SchedulerClock } from './scheduler.js';

/**
 * The page's frame engine client: the render scheduler fed from the editor's stores, the pixel
 * cache fed from the scheduler, and the engine status for the status bar. One per page (per
 * editor), created on first use and alive as long as the page.
 */

export interface EngineState {
  /** The execution provider in use ('cpu', 'cuda', …); null until the worker has started. */
  readonly provider: string | null;
  readonly messages: readonly string[];
  /** The host could not be asked (e.g. a shell without a frame engine). */
  readonly unavailable: string | null;
}

export interface RenderSystem {
  readonly scheduler: RenderScheduler;
  readonly pixels: FramePixelCache;
  readonly engine: StoreApi<EngineState>;
  /** Every job event of the shell (export dialogs listen here too). */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /** Subscribes to the editor and the shell; returns the function that stops it. Idempotent. */
  start(): () => void;
}

/** How execution providers are named in the status bar. */
export function providerLabel(provider: string | null): string {
  if (provider === null) return 'starting…';
  const names: Record<string, string> = {
    cpu: 'CPU',
    cuda: 'CUDA',
    tensorrt: 'TensorRT',
    dml: 'DirectML',
    directml: 'DirectML',
    coreml: 'CoreML',
    webgpu: 'WebGPU',
  };
  return names[provider.toLowerCase()] ?? provider;
}

const browserClock: SchedulerClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

const systems = new WeakMap<Editor, RenderSystem>();

export function renderSystemFor(editor: Editor, api: KeyposeApi, commands: Commands): RenderSystem {
  let system = systems.get(editor);
  if (!system) {
    system = createRenderSystem(editor, api, commands);
    systems.set(editor, system);
  }
  return system;
}

function createRenderSystem(editor: Editor, api: KeyposeApi, commands: Commands): RenderSystem {
  const scheduler = new RenderScheduler(
    {
      renderFrames: (request) => api.renderFrames(request),
      cancelJob: (jobId) => api.cancelJob(jobId),
      reportError: (error) => commands.reportError('Could not render frames', error),
    },
    browserClock,
  );
  const pixels = new FramePixelCache(
    createFrameFetcher((key) => api.frameUrl(key), window.fetch.bind(window)),
  );
  const engine = createStore<EngineState>(() => ({ provider: null, messages: [], unavailable: null }));
  const jobListeners = new Set<(event: JobEvent) => void>();

  let stop: (() => void) | null = null;

  function input(): RenderInput | null {
    const state = editor.store.getState();
    if (!state.document || !activeCharacter(state)) return null;
    return {
      document: state.document,
      // The camera view shows the scene: every character, composed in depth order by the host.
      characterId: undefined,
      currentFrame: editor.playhead.getState().frame,
      dragging: state.gestureLabel !== null,
    };
  }

  /**
   * Fetches the pixels of the frames that have some, from the playhead onwards (the order playback
   * needs them), as many as fit in three quarters of the cache: a long project must not make the
   * prefetch evict what it fetched a moment ago.
   */
  let prefetchQueued = false;
  function prefetch(): void {
    if (prefetchQueued) return;
    prefetchQueued = true;
    queueMicrotask(() => {
      prefetchQueued = false;
      const wanted = new Set<string>();
      const total = scheduler.frameCount;
      const first = editor.playhead.getState().frame;
      const budgetBytes = pixels.capacityBytes * 0.75;
      let bytes = 0;
      for (let i = 0; i < total; i++) {
        const frame = (first + i) % total;
        const ref = scheduler.slot(frame).ref;
        if (!ref) continue;
        bytes += ref.width * ref.height * 4;
        if (bytes > budgetBytes && i > 0) break;
        wanted.add(ref.key);
        pixels.request(ref.key, { urgent: i === 0, expected: { width: ref.width, height: ref.height } });
      }
      pixels.retainQueued((key) => wanted.has(key));
    });
  }

  function setEngine(status: EngineStatus): void {
    engine.setState({ provider: status.provider, messages: status.messages, unavailable: null });
  }

  const system: RenderSystem = {
    scheduler,
    pixels,
    engine,
    onJobEvent(listener) {
      jobListeners.add(listener);
      return () => {
        jobListeners.delete(listener);
      };
    },
    start() {
      if (stop) return stop;
      const offs: (() => void)[] = [];
      const feed = () => {
        const next = input();
        if (next) scheduler.update(next);
      };
      offs.push(
        editor.store.subscribe((s, p) => {
          if (
            s.document !== p.document ||
            s.characterIndex !== p.characterIndex ||
            s.gestureLabel !== p.gestureLabel
          ) {
            feed();
          }
        }),
      );
      offs.push(editor.playhead.subscribe(feed));
      offs.push(scheduler.subscribe(prefetch));
      if (typeof api.onJobEvent === 'function') {
        offs.push(
          api.onJobEvent((event) => {
            if (event.type === 'engine') setEngine(event.status);
            scheduler.handleEvent(event);
            for (const listener of jobListeners) listener(event);
          }),
        );
      }
      api.getEngineStatus().then(
        (status) => {
          // An 'engine' event may have arrived first with newer news.
          if (engine.getState().provider === null) setEngine(status);
        },
        (error: unknown) =>
          engine.setState({ unavailable: error instanceof Error ? error.message : String(error) }),
      );
      feed();
      stop = () => {
        for (const off of offs) off();
        stop = null;
      };
      return stop;
    },
  };
  return system;
}
