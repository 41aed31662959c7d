import { type DragEvent, type ReactElement, useEffect, useState } from 'react';
import { useEditor, useServices } from './context.js';
import { ErrorBanner } from './panels/ErrorBanner.js';
import { OpenDialog, SaveDialog } from './panels/FileDialogs.js';
import { HelpPanel } from './panels/HelpPanel.js';
import { Inspector } from './panels/Inspector.js';
import { NewProjectInput, projectFromPicture } from './panels/NewProject.js';
import { Outliner } from './panels/Outliner.js';
import { StatusBar } from './panels/StatusBar.js';
import { Toolbar } from './panels/Toolbar.js';
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
  const { editor, commands } = useServices();
  const dialog = useEditor((s) => s.dialog);
  const hasDocument = useEditor((s) => s.document !== null);
  const [dropping, setDropping] = useState(false);
  useWindowTitle();

  // Dropping a picture anywhere on the window starts a new project from it.
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDropping(false);
    const file = event.dataTransfer.files[0];
    if (!file) return;
    if (isDirty(editor.store.getState()) && !window.confirm('Discard the unsaved changes of this project?'))
      return;
    projectFromPicture(file).then(
      (doc) => {
        editor.actions.load(doc, null, { unsaved: true });
        editor.actions.setMode('fit');
      },
      (error: unknown) => commands.reportError('Could not start a project from this picture', error),
    );
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
      {dialog === 'help' ? <HelpPanel /> : null}
      {dialog === 'open' ? <OpenDialog /> : null}
      {dialog === 'save' ? <SaveDialog /> : null}
    </div>
  );
}
