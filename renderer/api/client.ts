import {
  ApiError,
  type ApiMethodName,
  type ApiResponse,
  apiErrorSchema,
  apiMethods,
  type JobEvent,
  jobEventSchema,
  type KeyposeApi,
  type MenuCommand,
} from '../../core/contract/api.js';

/** One call across the shell boundary, answered with the response envelope. */
export type ApiTransport = (method: ApiMethodName, args: unknown[]) => Promise<ApiResponse<unknown>>;

/**
 * Builds the typed API from a transport: every method in the contract table, each result checked
 * against its zod schema (the renderer trusts no process boundary) and every failure rejected as
 * an ApiError carrying the code and file.
 */
export function createApiClient(
  transport: ApiTransport,
  onMenuCommand: (listener: (command: MenuCommand) => void) => () => void,
  jobs: ShellJobs = {
    onJobEvent: () => () => undefined,
    frameUrl: (key) => `/frames/${encodeURIComponent(key)}`,
  },
): KeyposeApi {
  const api: Record<string, unknown> = {
    onMenuCommand,
    // Validated here as well as by the transport: the renderer trusts no process boundary.
    onJobEvent: (listener: (event: JobEvent) => void) =>
      jobs.onJobEvent((raw) => {
        const parsed = jobEventSchema.safeParse(raw);
        if (parsed.success) listener(parsed.data);
      }),
    frameUrl: jobs.frameUrl,
  };
  for (const method of Object.keys(apiMethods) as ApiMethodName[]) {
    api[method] = async (...args: unknown[]) => {
      // Optional trailing arguments left undefined would travel as null (JSON) and fail the
      // host's validation; dropping them keeps "argument omitted" meaning the same in both shells.
      while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
      let response: ApiResponse<unknown>;
      try {
        response = await transport(method, args);
      } catch (error) {
        throw asApiError(error, method);
      }
      if (!response || typeof response !== 'object' || !('ok' in response)) {
        throw new ApiError({ code: 'internal', message: `${method}: the shell sent a malformed response.` });
      }
      if (!response.ok) {
        const error = apiErrorSchema.safeParse(response.error);
        throw new ApiError(
          error.success
            ? error.data
            : { code: 'internal', message: `${method} failed with a malformed error.` },
        );
      }
      const result = apiMethods[method].result.safeParse(response.value);
      if (!result.success) {
        throw new ApiError({
          code: 'internal',
          message: `${method}: unexpected result from the shell (${result.error.issues[0]?.message ?? 'invalid'}).`,
        });
      }
      return result.data;
    };
  }
  return api as KeyposeApi;
}

/** How a shell delivers job events and where it serves frames (see KeyposeApi). */
export interface ShellJobs {
  onJobEvent(listener: (event: unknown) => void): () => void;
  frameUrl(key: string): string;
}

/** The part of EventSource this needs (the browser's; tests may pass another implementation). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
}

/**
 * The studio's job events: one EventSource on GET /api/events, opened with the first listener and
 * closed with the last, its 'job' events parsed and validated with jobEventSchema. EventSource
 * reconnects by itself (the server sends retry: 2000); events sent while disconnected are lost,
 * so the UI re-requests frames it still lacks (renderFrames answers cached ones at once).
 */
export function createStudioJobs(
  baseUrl: string,
  openEventSource: (url: string) => EventSourceLike,
): ShellJobs {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const listeners = new Set<(event: JobEvent) => void>();
  let source: EventSourceLike | null = null;
  const onJob = (message: { data?: unknown }) => {
    if (typeof message.data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(message.data);
    } catch {
      return;
    }
    const parsed = jobEventSchema.safeParse(raw);
    if (!parsed.success) return;
    for (const listener of [...listeners]) listener(parsed.data);
  };
  return {
    onJobEvent(listener) {
      listeners.add(listener);
      if (!source) {
        source = openEventSource(`${base}api/events`);
        source.addEventListener('job', onJob);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
    frameUrl: (key) => `${base}frames/${encodeURIComponent(key)}`,
  };
}

/** Electron: app://keypose/frames/<key>, served by the main process from the frame cache. */
export const ELECTRON_FRAMES_BASE = 'app://keypose/frames/';

/**
 * Fetches a frame's raw RGBA8 bytes from frameUrl(key) (studio or Electron alike) with its size
 * from the X-Frame-Width / X-Frame-Height headers; null when the key is not cached (404).
 */
export async function fetchFrame(
  url: string,
  fetchImpl: (url: string) => Promise<Response> = (u) => fetch(u),
): Promise<{ width: number; height: number; data: Uint8Array } | null> {
  const res = await fetchImpl(url);
  if (res.status === 404) return null;
  if (!res.ok) throw new ApiError({ code: 'io-error', message: `Frame ${url}: HTTP ${res.status}` });
  const width = Number(res.headers.get('x-frame-width'));
  const height = Number(res.headers.get('x-frame-height'));
  const data = new Uint8Array(await res.arrayBuffer());
  if (!(width > 0 && height > 0) || data.length !== width * height * 4) {
    throw new ApiError({
      code: 'internal',
      message: `Frame ${url}: ${data.length} bytes for ${width}x${height}`,
    });
  }
  return { width, height, data };
}

function asApiError(error: unknown, method: string): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError({ code: 'internal', message: `${method}: ${message}` });
}

type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

/** The studio's transport: POST /api/<method> with {args}; the body is the envelope. */
export function createStudioTransport(baseUrl: string, fetchImpl: FetchLike): ApiTransport {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (method, args) => {
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await fetchImpl(`${base}api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      });
    } catch (error) {
      throw new ApiError({
        code: 'io-error',
        message: `The studio server cannot be reached (${error instanceof Error ? error.message : String(error)}). Is \`npm run studio\` still running?`,
      });
    }
    try {
      return (await response.json()) as ApiResponse<unknown>;
    } catch {
      throw new ApiError({
        code: 'internal',
        message: `${method}: the studio answered HTTP ${response.status}.`,
      });
    }
  };
}
