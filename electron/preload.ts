import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.js';

// Sandboxed preload (bundled to CommonJS by scripts/build.mjs): exposes exactly the contract's
// methods and the menu subscription; the page never touches ipcRenderer itself.
const bridge = createBridge(
  (channel, ...args) => ipcRenderer.invoke(channel, ...args),
  (channel, listener) => {
    const wrapped = (event: Electron.IpcRendererEvent, ...args: unknown[]) => listener(event, ...args);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld('keypose', bridge);
