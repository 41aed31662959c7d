import { type ApiMethodName, type ApiResponse, apiMethods } from '../core/contract/api.js';
import { type ApiImplementation, callApi } from '../host/api/services.js';
import { apiChannel } from './channels.js';

/** The part of ipcMain this needs (so tests can pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** The part of an IpcMainInvokeEvent the sender check reads. */
export interface IpcEventLike {
  senderFrame?: { url: string } | null;
}

/**
 * Registers one handler per contract method. Arguments are validated with the method's zod schema
 * (in callApi) and every outcome, failures included, is returned as the ApiResponse envelope, so
 * error codes survive the trip. Calls from any page other than the app's own are refused.
 * Returns a function that removes the handlers.
 */
export function registerHandlers(
  ipcMain: IpcMainLike,
  services: ApiImplementation,
  isTrustedSender: (event: IpcEventLike) => boolean,
): () => void {
  const methods = Object.keys(apiMethods) as ApiMethodName[];
  for (const method of methods) {
    ipcMain.handle(apiChannel(method), async (event, ...args): Promise<ApiResponse<unknown>> => {
      if (!isTrustedSender(event)) {
        return {
          ok: false,
          error: {
            code: 'invalid-argument',
            message: `Refused ${method}: the call did not come from Keypose's own page.`,
          },
        };
      }
      return callApi(services, method, args);
    });
  }
  return () => {
    for (const method of methods) ipcMain.removeHandler(apiChannel(method));
  };
}

/** True for frames showing the app's own page (app://keypose/…), false for anything navigated elsewhere. */
export function isAppUrl(url: string | undefined, appOrigin: string): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === appOrigin;
  } catch {
    return false;
  }
}
