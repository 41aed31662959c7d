import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  shell,
  utilityProcess,
} from 'electron';
import type { MenuCommand } from '../core/contract/api.js';
import { createServiceContext } from '../host/api/context.js';
import { createServices } from '../host/api/services.js';
import { findAppRoot, PathAccess } from '../host/paths.js';
import { PROJECT_EXTENSION } from '../host/project/store.js';
import { contentTypeOf } from '../host/staticFiles.js';
import { CONTENT_SECURITY_POLICY } from '../host/studio/csp.js';
import { appFrameResponse, frameKeyOfAppUrl, resolveAppUrl } from './appProtocol.js';
import { APP_INDEX_URL, APP_ORIGIN, APP_SCHEME, JOB_EVENT_CHANNEL, MENU_CHANNEL } from './channels.js';
import { withDialogs } from './dialogs.js';
import { isAllowedExternalUrl } from './externalLinks.js';
import { isAppUrl, registerHandlers } from './ipcHandlers.js';
import { buildMenuTemplate } from './menu.js';
import { builtWorkerEntry, utilityWorkerFactory } from './workerFactory.js';

/**
 * The desktop shell: one window showing the renderer, the application menu, open/save dialogs,
 * and the IPC handlers of the shared host services. No domain logic lives here.
 */

const appRoot = findAppRoot() ?? app.getAppPath();
const rendererDir = join(appRoot, 'build', 'renderer');
// build/electron/main.js sits next to build/electron/preload.cjs.
const preloadPath = join(import.meta.dirname, 'preload.cjs');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let mainWindow: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Keypose',
    backgroundColor: '#1e1f22',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // A middle click must not open a link in a new window (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  // The renderer blocks unloading while the project has unsaved changes (beforeunload); Electron
  // would then silently keep the window open, so ask here, as the browser does in the studio.
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Discard changes', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'Close without saving?',
      detail: 'The project has unsaved changes. They will be lost.',
    });
    if (choice === 0) event.preventDefault();
  });
  // The app is one page: any navigation away from it (a dropped file, a link) is refused, and
  // links meant for the web open in the user's browser instead of inside the app.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, APP_ORIGIN)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Only the project's documentation pages (electron/externalLinks.ts); anything else is dropped.
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void window.loadURL(APP_INDEX_URL);
  return window;
}

function sendMenuCommand(command: MenuCommand): void {
  const target = BrowserWindow.getFocusedWindow() ?? mainWindow;
  target?.webContents.send(MENU_CHANNEL, command);
}

async function main(): Promise<void> {
  await app.whenReady();

  // Shared by every service group: the job manager, the render service and the frame worker
  // (a utilityProcess running build/worker/main.js, started on the first render).
  // The page may only name files the user chose in a dialog (withDialogs allows each choice).
  const access = new PathAccess(
    "the files you chose in Keypose's dialogs (open, save or export it from the File menu)",
  );
  const serviceOptions = {
    shell: 'electron' as const,
    projectsDir: null,
    confineToProjectsDir: false,
    access,
    version: app.getVersion(),
    cacheRoot: join(app.getPath('sessionData'), 'frame-cache'),
    workerFactory: utilityWorkerFactory(utilityProcess, builtWorkerEntry(appRoot)),
  };
  const context = createServiceContext(serviceOptions);
  // The frame worker and its engine session start with the app, not with the first frame.
  context.render.warmUp();
  context.jobs.subscribe((event) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(JOB_EVENT_CHANNEL, event);
  });
  app.on('will-quit', () => {
    void context.dispose();
  });

  protocol.handle(APP_SCHEME, async (request) => {
    // app://keypose/frames/<key>: a rendered frame's raw RGBA8 bytes, from the frame cache.
    const frameKey = frameKeyOfAppUrl(request.url);
    if (frameKey) return appFrameResponse(frameKey, (key) => context.render.getFrame(key));
    const file = resolveAppUrl(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': contentTypeOf(file),
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      // The URL's own path, not the file's: a response never shows where the app is installed.
      return new Response(`Not found: ${new URL(request.url).pathname}`, { status: 404 });
    }
  });

  // The same policy on every response the session sees, in case anything is ever loaded by
  // another scheme; the app:// handler above already sets it on the app's own files.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  // The app asks for no device permissions (camera, notifications, …).
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) => grant(false));

  const services = withDialogs(
    createServices(serviceOptions, context),
    {
      async chooseProjectToOpen() {
        const options: Electron.OpenDialogOptions = {
          title: 'Open Keypose project',
          properties: ['openFile'],
          filters: [{ name: 'Keypose project', extensions: [PROJECT_EXTENSION.slice(1)] }],
        };
        const result = mainWindow
          ? await dialog.showOpenDialog(mainWindow, options)
          : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      async chooseSaveLocation(suggestedName) {
        const options: Electron.SaveDialogOptions = {
          title: 'Save Keypose project',
          defaultPath: join(app.getPath('documents'), suggestedName),
          properties: ['showOverwriteConfirmation', 'createDirectory'],
          filters: [{ name: 'Keypose project', extensions: [PROJECT_EXTENSION.slice(1)] }],
        };
        const result = mainWindow
          ? await dialog.showSaveDialog(mainWindow, options)
          : await dialog.showSaveDialog(options);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
      async chooseExportLocation(suggestedName, extension) {
        const options: Electron.SaveDialogOptions = {
          title: 'Export',
          defaultPath: join(app.getPath('videos'), suggestedName),
          properties: ['showOverwriteConfirmation', 'createDirectory'],
          ...(extension ? { filters: [{ name: extension.toUpperCase(), extensions: [extension] }] } : {}),
        };
        const result = mainWindow
          ? await dialog.showSaveDialog(mainWindow, options)
          : await dialog.showSaveDialog(options);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
    },
    (chosen) => access.allowFile(chosen),
  );
  registerHandlers(ipcMain, services, (event) => isAppUrl(event.senderFrame?.url, APP_ORIGIN));

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(buildMenuTemplate(sendMenuCommand, { isMac: process.platform === 'darwin' })),
  );

  mainWindow = createWindow();
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

main().catch((error: unknown) => {
  dialog.showErrorBox('Keypose could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
