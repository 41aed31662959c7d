import type { ApiMethodName, KeyposeApi, KeyposeBridge, MenuCommand } from '../../core/contract/api.js';
import { createApiClient, createStudioJobs, createStudioTransport, ELECTRON_FRAMES_BASE } from './client.js';

export type { KeyposeApi, MenuCommand } from '../../core/contract/api.js';
export { ApiError } from '../../core/contract/api.js';
export { createApiClient, createStudioJobs, createStudioTransport, fetchFrame } from './client.js';

declare global {
  interface Window {
    /** Set by Electron's preload; absent in the studio (a plain browser tab). */
    keypose?: KeyposeBridge;
  }
}

let cached: KeyposeApi | null = null;

/**
 * The typed API of whichever shell the page runs in: Electron's preload bridge when present,
 * otherwise the studio server this page was loaded from. Results are validated and failures
 * reject with ApiError in both cases.
 */
export function getApi(): KeyposeApi {
  if (cached) return cached;
  const bridge = typeof window !== 'undefined' ? window.keypose : undefined;
  if (bridge) {
    cached = createApiClient(
      (method, args) =>
        (bridge[method] as (...a: unknown[]) => ReturnType<KeyposeBridge[ApiMethodName]>)(...args),
      (listener: (command: MenuCommand) => void) => bridge.onMenuCommand(listener),
      {
        onJobEvent: (listener) => bridge.onJobEvent(listener),
        frameUrl: (key) => `${ELECTRON_FRAMES_BASE}${encodeURIComponent(key)}`,
      },
    );
  } else {
    const base = `${window.location.origin}/`;
    // The studio has no menu bar; its keyboard shortcuts live in the renderer.
    cached = createApiClient(
      createStudioTransport(base, fetch.bind(window)),
      () => () => undefined,
      createStudioJobs(base, (url) => new EventSource(url)),
    );
  }
  return cached;
}
