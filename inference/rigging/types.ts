/** A binary figure mask over the picture: 1 = figure, 0 = background; row-major, y down. */
export interface Mask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type RiggingErrorCode = 'no-figure' | 'cancelled' | 'invalid-input';

/** A rigging failure the user can act on (a picture with no figure, a cancelled job, bad input). */
export class RiggingError extends Error {
  readonly code: RiggingErrorCode;
  constructor(code: RiggingErrorCode, message: string) {
    super(message);
    this.name = 'RiggingError';
    this.code = code;
  }
}

/** Throws a 'cancelled' RiggingError once the signal has fired; long loops call it now and then. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RiggingError('cancelled', 'rigging was cancelled');
}
