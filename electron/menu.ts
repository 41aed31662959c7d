import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../core/contract/api.js';

/**
 * The application menu as data. Items that act on the document only send a MenuCommand to the
 * renderer (which owns the document and its undo history); the main process does nothing itself
 * but quit and toggle devtools. The shortcuts are shown but not registered: the renderer's own
 * keyboard table (renderer/shortcuts.ts) handles the same keys in both shells, and a registered
 * accelerator would fire the command a second time.
 */
export function buildMenuTemplate(
  send: (command: MenuCommand) => void,
  opts: { isMac: boolean },
): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: () => send(command),
    ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
  });
  return [
    ...(opts.isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('New', 'file.new', 'CmdOrCtrl+N'),
        item('Open…', 'file.open', 'CmdOrCtrl+O'),
        item('Import Character…', 'file.import', 'CmdOrCtrl+I'),
        item('Import Motion…', 'file.importMotion', 'CmdOrCtrl+Shift+M'),
        { type: 'separator' },
        item('Save', 'file.save', 'CmdOrCtrl+S'),
        item('Save As…', 'file.saveAs', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        item('Export…', 'file.export', 'CmdOrCtrl+E'),
        item('Export Again', 'file.exportAgain', 'CmdOrCtrl+Shift+E'),
        { type: 'separator' },
        opts.isMac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        // Undo/redo act on the document history, so they are commands, not the built-in roles.
        item('Undo', 'edit.undo', 'CmdOrCtrl+Z'),
        item('Redo', 'edit.redo', opts.isMac ? 'Cmd+Shift+Z' : 'Ctrl+Shift+Z'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        item('Camera view', 'view.cameraView', 'C'),
        item('Onion skin', 'view.toggleOnionSkin', 'O'),
        { type: 'separator' },
        { role: 'toggleDevTools' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Help', submenu: [item('Keyboard shortcuts', 'help.shortcuts', 'F1')] },
  ];
}
