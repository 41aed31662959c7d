import type { z } from 'zod';
import type { ApiMethodName, ApiMethods } from '../../core/contract/api.js';

/**
 * The host's side of the contract in core/contract/api.ts: one async function per method, taking
 * the parsed arguments and returning the result. In a file of its own so the service groups
 * (character, export, render) can type their part of it without importing services.ts, which
 * assembles them (no import cycles; docs/ARCHITECTURE.md).
 */
export type ApiImplementation = {
  [K in ApiMethodName]: (
    ...args: z.output<ApiMethods[K]['args']>
  ) => Promise<z.output<ApiMethods[K]['result']>>;
};
