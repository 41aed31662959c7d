import {
  ApiError,
  type ApiMethodName,
  type ApiResponse,
  apiErrorSchema,
  apiMethods,
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
): KeyposeApi {
  const api: Record<string, unknown> = { onMenuCommand };
  for (const method of Object.keys(apiMethods) as ApiMethodName[]) {
    api[method] = async (...args: unknown[]) => {
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
