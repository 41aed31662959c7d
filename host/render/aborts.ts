import { ApiError } from '../../core/contract/api.js';

/** Cancellation of render work as the API reports it ('cancelled', or the reason the caller gave). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof ApiError
    ? signal.reason
    : new ApiError({ code: 'cancelled', message: 'Rendering was cancelled.' });
}

export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelledError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function cancelledError(signal: AbortSignal): ApiError {
  return signal.reason instanceof ApiError
    ? signal.reason
    : new ApiError({ code: 'cancelled', message: 'Rendering was cancelled.' });
}
