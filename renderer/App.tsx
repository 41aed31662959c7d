import { type DragEvent, type ReactElement, useEffect, useState } from 'react';
import { AudioHost, AudioInput } from './audio/AudioUI.js';
import { ImportDialog, ImportFolderInput, ImportInput } from './characters/ImportUI.js';
import { importFlowFor } from './characters/importFlow.js';
import { importDropped } from './characters/importFolder.js';
import { useEditor, useServices } from './context.js';
import { ExportHost } from './export/ExportHost.js';
import { dropMotion, MotionHost } from './motion/MotionHost.js';
import { ErrorBanner } from './panels/ErrorBanner.js';
import { OpenDialog, SaveDialog } from './panels/FileDialogs.js';
import { HelpPanel } from './panels/HelpPanel.js';
import { Inspector } from './panels/Inspector.js';
import { NewProjectInput } from './panels/NewProject.js';
import { Outliner } from './panels/Outliner.js';
import { StatusBar } from './panels/StatusBar.js';
import { Toolbar } from './panels/Toolbar.js';
import { FrameEngineHost } from './render/FrameEngineHost.js';
import { isDirty } from './state/editorStore.js';
import { Timeline } from './timeline/Timeline.js';
import { Viewport } from './viewport/Viewport.js';

/** The window title carries the project name and an unsaved-changes marker, as desktop apps do. */
function useWindowTitle(): void {
  const name = useEditor((s) => s.document?.name ?? null);
  const dirty = useEditor(isDirty);
  useEffect(() => {
    document.title = name ? `${dirty ? '● ' : ''}${name} — Keypose` : 'Keypose';
  }, [name, dirty]);
}

export function App(): ReactElement {
  const { editor, api } = useServices();
  const dialog = useEditor((s) => s.dialog);
  const hasDocument = useEditor((s) => s.document !== null);
  const [dropping, setDropping] = useState(false);
  useWindowTitle();

  // Dropping a picture (or an Animated Drawings folder) anywhere on the window imports and rigs it
  // (then: new project or add it).
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDropping(false);
    // A .bvh, a pose sequence or a video is motion for the scene's characters; anything else a character.
    if (dropMotion(editor, event.dataTransfer, api)) return;
    importDropped(importFlowFor(editor, api), event.dataTransfer);
  };

  return (
    <div
      className={`app${dropping ? ' dropping' : ''}`}
      role="application"
      data-testid="app"
      data-ready={hasDocument ? 'true' : 'false'}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        if (!dropping) setDropping(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDropping(false);
      }}
      onDrop={onDrop}
    >
      <Toolbar />
      <ErrorBanner />
      <main className="workspace">
        <Outliner />
        <Viewport />
        <Inspector />
      </main>
      <Timeline />
      <StatusBar />
      <NewProjectInput />
      <ImportInput />
      <ImportFolderInput />
      <AudioInput />
      <AudioHost />
      {dialog === 'import' ? <ImportDialog /> : null}
      {dialog === 'help' ? <HelpPanel /> : null}
      {dialog === 'open' ? <OpenDialog /> : null}
      {dialog === 'save' ? <SaveDialog /> : null}
      <MotionHost />
      <FrameEngineHost />
      <ExportHost />
    </div>
  );
}
