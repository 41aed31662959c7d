import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { getApi } from './api/index.js';
import { createCommands } from './commands.js';
import { type AppServices, ServicesContext } from './context.js';
import { createDebugHook } from './debug.js';
import { installKeyboard } from './keyboard.js';
import { NEW_PROJECT_INPUT_ID } from './panels/NewProject.js';
import { createPlayback } from './playback.js';
import { createEditor, isDirty } from './state/editorStore.js';
import { createPlayheadStore } from './state/playheadStore.js';
import { pageStorage } from './state/preferences.js';
import './styles.css';

const api = getApi();
// Preferences (onion skin, new-key interpolation, …) persist in the page's localStorage (docs/state.md).
const editor = createEditor(createPlayheadStore(), { preferences: pageStorage() });
const playback = createPlayback(editor);
const commands = createCommands(editor, api, playback, {
  confirm: (message) => window.confirm(message),
  pickPicture: () => document.getElementById(NEW_PROJECT_INPUT_ID)?.click(),
});
const services: AppServices = { editor, commands, playback, api };

installKeyboard(commands);
api.onMenuCommand((command) => commands.runMenu(command));
window.__keyposeDebug = createDebugHook(editor);

// Closing the tab (or the Electron window) with unsaved work asks first.
window.addEventListener('beforeunload', (event) => {
  if (isDirty(editor.store.getState())) event.preventDefault();
});

// Anything that escapes a handler still reaches the user, not only the console.
window.addEventListener('unhandledrejection', (event) =>
  commands.reportError('Unexpected error', event.reason),
);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);

void commands.loadShellInfo().then(() => commands.openSample());
