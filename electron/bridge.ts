import {
  type ApiMethodName,
  apiMethods,
  type JobEvent,
  jobEventSchema,
  type KeyposeBridge,
  type MenuCommand,
  menuCommandSchema,
} from '../core/contract/api.js';
import { apiChannel, JOB_EVENT_CHANNEL, MENU_CHANNEL } from './channels.js';

/** What the bridge needs from ipcRenderer: invoke and a subscribe that returns its undo. */
export type InvokeFn = (channel: string, ...args: unknown[]) => Promise<unknown>;
export type SubscribeFn = (channel: string, listener: (...args: unknown[]) => void) => () => void;

/**
 * The object the preload exposes as window.keypose: one function per method NAME of the
 * contract, each invoking that method's channel. Nothing else of ipcRenderer is reachable from
 * the page. Menu commands are checked against the contract before a listener sees them.
 */
export function createBridge(invoke: InvokeFn, subscribe: SubscribeFn): KeyposeBridge {
  const bridge: Record<string, unknown> = {};
  for (const method of Object.keys(apiMethods) as ApiMethodName[]) {
    const channel = apiChannel(method);
    // The main process answers with the ApiResponse envelope; the renderer's client unwraps it.
    bridge[method] = (...args: unknown[]) => invoke(channel, ...args);
  }
  bridge.onMenuCommand = (listener: (command: MenuCommand) => void) =>
    subscribe(MENU_CHANNEL, (_event, command) => {
      const parsed = menuCommandSchema.safeParse(command);
      if (parsed.success) listener(parsed.data);
    });
  bridge.onJobEvent = (listener: (event: JobEvent) => void) =>
    subscribe(JOB_EVENT_CHANNEL, (_event, data) => {
      const parsed = jobEventSchema.safeParse(data);
      if (parsed.success) listener(parsed.data);
    });
  return bridge as KeyposeBridge;
}
