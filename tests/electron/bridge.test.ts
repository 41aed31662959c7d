import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  type ApiMethodName,
  apiMethods,
  type MenuCommand,
  menuCommandSchema,
} from '../../core/contract/api.js';
import { resolveAppUrl } from '../../electron/appProtocol.js';
import { createBridge } from '../../electron/bridge.js';
import { APP_INDEX_URL, APP_ORIGIN, apiChannel, MENU_CHANNEL } from '../../electron/channels.js';
import { withDialogs } from '../../electron/dialogs.js';
import { type IpcEventLike, isAppUrl, registerHandlers } from '../../electron/ipcHandlers.js';
import { buildMenuTemplate } from '../../electron/menu.js';
import { createServices } from '../../host/api/services.js';
import { createApiClient } from '../../renderer/api/client.js';
import { makeDocument } from '../host/fixtures.js';

type Handler = (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>;

/** Stand-ins for ipcMain and ipcRenderer that pass messages the way Electron does: by structured clone. */
function fakeIpc(senderUrl = APP_INDEX_URL) {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const ipcMain = {
    handle(channel: string, handler: Handler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
  const invoke = async (channel: string, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler({ senderFrame: { url: senderUrl } }, ...structuredClone(args)));
  };
  const subscribe = (channel: string, listener: (...args: unknown[]) => void) => {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return () => set.delete(listener);
  };
  const sendToRenderer = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? [])
      listener({ sender: 'main' }, structuredClone(payload));
  };
  return { ipcMain, handlers, invoke, subscribe, sendToRenderer };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-electron-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const electronServices = () =>
  createServices({ shell: 'electron', projectsDir: null, confineToProjectsDir: false, version: '1.2.3' });

describe('Electron IPC wiring', () => {
  it('registers one handler per contract method and exposes exactly those methods', () => {
    const ipc = fakeIpc();
    registerHandlers(ipc.ipcMain, electronServices(), () => true);
    expect([...ipc.handlers.keys()].sort()).toEqual(
      (Object.keys(apiMethods) as ApiMethodName[]).map(apiChannel).sort(),
    );
    const bridge = createBridge(ipc.invoke, ipc.subscribe);
    expect(Object.keys(bridge).sort()).toEqual(
      [...Object.keys(apiMethods), 'onMenuCommand', 'onJobEvent'].sort(),
    );
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('carries calls, results and error codes end to end (bridge -> handlers -> services -> client)', async () => {
    const ipc = fakeIpc();
    registerHandlers(ipc.ipcMain, electronServices(), (event) =>
      isAppUrl(event.senderFrame?.url, APP_ORIGIN),
    );
    const bridge = createBridge(ipc.invoke, ipc.subscribe);
    const api = createApiClient(
      (method, args) => (bridge[method] as (...a: unknown[]) => Promise<never>)(...args),
      (listener) => bridge.onMenuCommand(listener),
    );
    expect(await api.getShellInfo()).toEqual({ shell: 'electron', version: '1.2.3', projectsDir: null });
    const path = join(dir, 'p.keypose');
    const doc = makeDocument();
    expect(await api.saveProject(doc, path)).toEqual({ path });
    expect((await api.openProject(path))?.document).toEqual(doc);

    const error = await api.openProject(join(dir, 'missing.keypose')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not-found', file: join(dir, 'missing.keypose') });

    // Arguments are validated in the main process, whatever the page sends.
    const bad = await (bridge.openProject as (...a: unknown[]) => Promise<unknown>)({ path: '/etc/passwd' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('refuses calls from pages that are not the app', async () => {
    const ipc = fakeIpc('https://evil.example/');
    registerHandlers(ipc.ipcMain, electronServices(), (event) =>
      isAppUrl(event.senderFrame?.url, APP_ORIGIN),
    );
    const bridge = createBridge(ipc.invoke, ipc.subscribe);
    expect(await bridge.getShellInfo()).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(isAppUrl('app://keypose/index.html', APP_ORIGIN)).toBe(true);
    expect(isAppUrl('app://other/index.html', APP_ORIGIN)).toBe(false);
    expect(isAppUrl('file:///tmp/x.html', APP_ORIGIN)).toBe(false);
    expect(isAppUrl(undefined, APP_ORIGIN)).toBe(false);
  });

  it('removes its handlers', () => {
    const ipc = fakeIpc();
    const unregister = registerHandlers(ipc.ipcMain, electronServices(), () => true);
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('delivers valid menu commands and drops anything else', () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc.invoke, ipc.subscribe);
    const received: MenuCommand[] = [];
    const unsubscribe = bridge.onMenuCommand((command) => received.push(command));
    ipc.sendToRenderer(MENU_CHANNEL, 'edit.undo');
    ipc.sendToRenderer(MENU_CHANNEL, 'rm -rf');
    ipc.sendToRenderer(MENU_CHANNEL, { command: 'file.save' });
    unsubscribe();
    ipc.sendToRenderer(MENU_CHANNEL, 'edit.redo');
    expect(received).toEqual(['edit.undo']);
  });
});

describe('dialogs around the shared services', () => {
  it('asks for a path only when none is given, and returns null when cancelled', async () => {
    const asked: string[] = [];
    let answer: string | null = null;
    const services = withDialogs(electronServices(), {
      chooseProjectToOpen: async () => {
        asked.push('open');
        return answer;
      },
      chooseSaveLocation: async (suggested) => {
        asked.push(`save:${suggested}`);
        return answer;
      },
    });
    const doc = makeDocument({ name: 'Run cycle' });
    expect(await services.saveProject(doc)).toBeNull();
    expect(await services.openProject()).toBeNull();
    answer = join(dir, 'chosen');
    // The extension is added when the dialog's name lacks it.
    expect(await services.saveProject(doc)).toEqual({ path: `${answer}.keypose` });
    answer = `${answer}.keypose`;
    expect((await services.openProject())?.document.name).toBe('Run cycle');
    expect(await services.saveProject(doc, join(dir, 'direct.keypose'))).toEqual({
      path: join(dir, 'direct.keypose'),
    });
    expect(asked).toEqual(['save:Run cycle.keypose', 'open', 'save:Run cycle.keypose', 'open']);
    expect(JSON.parse(await readFile(join(dir, 'direct.keypose'), 'utf8')).name).toBe('Run cycle');
  });
});

describe('application menu', () => {
  it('offers every menu command, each sending itself', () => {
    const sent: MenuCommand[] = [];
    const template = buildMenuTemplate((c) => sent.push(c), { isMac: false });
    expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    const items = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
    for (const item of items) {
      (item.click as (() => void) | undefined)?.();
    }
    expect([...sent].sort()).toEqual([...menuCommandSchema.options].sort());
    const labels = items.map((i) => i.label ?? i.role);
    expect(labels).toEqual(
      expect.arrayContaining(['New', 'Open…', 'Save', 'Save As…', 'Quit', 'Undo', 'Redo']),
    );
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(true);
    // Shown but not registered: the renderer's keyboard table handles these keys itself.
    expect(items.filter((i) => i.accelerator).every((i) => i.registerAccelerator === false)).toBe(true);
  });
});

describe('app:// protocol', () => {
  it('maps URLs to files inside build/renderer only', () => {
    const root = '/opt/keypose/build/renderer';
    expect(resolveAppUrl('app://keypose/index.html', root)).toBe(`${root}/index.html`);
    expect(resolveAppUrl('app://keypose/', root)).toBe(`${root}/index.html`);
    expect(resolveAppUrl('app://keypose/assets/a%20b.js', root)).toBe(`${root}/assets/a b.js`);
    // The URL parser already folds `..` and `%2e%2e` segments at the root.
    expect(resolveAppUrl('app://keypose/../../etc/passwd', root)).toBe(`${root}/etc/passwd`);
    expect(resolveAppUrl('app://keypose/%2e%2e/%2e%2e/etc/passwd', root)).toBe(`${root}/etc/passwd`);
    expect(resolveAppUrl('app://keypose/..%2f..%2fetc%2fpasswd', root)).toBeNull();
    expect(resolveAppUrl('app://other/index.html', root)).toBeNull();
    expect(resolveAppUrl('file:///etc/passwd', root)).toBeNull();
    expect(resolveAppUrl('app://keypose/%E0%A4%A', root)).toBeNull();
  });
});
