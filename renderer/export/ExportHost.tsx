import { type ReactElement, useEffect } from 'react';
import { useEditor, useServices } from '../context.js';
import { useRenderSystem } from '../render/useRenderSystem.js';
import { ExportDialog, useExportController } from './ExportDialog.js';

/**
 * Mounted once in App: routes job events to the export controller, runs Ctrl+Shift+E (the
 * editor's 'repeat-export' event), and shows the dialog when it is open.
 */
export function ExportHost(): ReactElement | null {
  const { editor } = useServices();
  const controller = useExportController();
  const system = useRenderSystem();
  const open = useEditor((s) => s.dialog === 'export');

  useEffect(() => system.onJobEvent((event) => controller.handleEvent(event)), [system, controller]);

  useEffect(
    () => editor.events.on('repeat-export', () => void controller.repeatLast()),
    [editor, controller],
  );

  return open ? <ExportDialog /> : null;
}
