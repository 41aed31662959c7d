import { type ReactElement, useEffect, useState } from 'react';
import type { ProjectListEntry } from '../../core/contract/api.js';
import { useEditor, useServices } from '../context.js';
import { Modal } from './Modal.js';

/** The studio's Open dialog: the projects in its projects folder (Electron uses a native dialog). */
export function OpenDialog(): ReactElement {
  const { api, commands } = useServices();
  const projectsDir = useEditor((s) => s.shell?.projectsDir ?? null);
  const [entries, setEntries] = useState<readonly ProjectListEntry[] | null>(null);

  useEffect(() => {
    let live = true;
    api.listProjects().then(
      (list) => {
        if (live) setEntries([...list].sort((a, b) => b.modifiedMs - a.modifiedMs));
      },
      (error: unknown) => {
        if (live) setEntries([]);
        commands.reportError('Could not list the projects', error);
      },
    );
    return () => {
      live = false;
    };
  }, [api, commands]);

  return (
    <Modal title="Open project" className="file-dialog" testId="open-dialog">
      {projectsDir ? <p className="dialog-note">Projects in {projectsDir}</p> : null}
      <ul className="project-list" data-testid="project-list">
        {entries === null ? <li className="dialog-note">Loading…</li> : null}
        {entries?.length === 0 ? <li className="dialog-note">No saved projects yet.</li> : null}
        {entries?.map((entry) => (
          <li key={entry.path}>
            <button
              type="button"
              className="project-item"
              data-testid={`project-item-${entry.name}`}
              title={entry.path}
              onClick={() => void commands.openProject(entry.path)}
            >
              <span className="project-name">{entry.name}</span>
              <span className="project-date">{new Date(entry.modifiedMs).toLocaleString()}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="dialog-actions">
        <button
          type="button"
          className="button"
          data-testid="open-sample"
          onClick={() => void commands.openSample()}
        >
          Open the sample character
        </button>
      </div>
    </Modal>
  );
}

/** The studio's first save: a name for the project (saved into the projects folder). */
export function SaveDialog(): ReactElement {
  const { commands } = useServices();
  const currentName = useEditor((s) => s.document?.name ?? 'Untitled');
  const projectsDir = useEditor((s) => s.shell?.projectsDir ?? null);
  const [name, setName] = useState(currentName);
  const submit = () => {
    if (name.trim()) void commands.saveWithName(name.trim());
  };
  return (
    <Modal title="Save project" className="file-dialog" testId="save-dialog">
      <form
        className="save-form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label className="text-field">
          Name
          <input
            // biome-ignore lint/a11y/noAutofocus: the dialog exists to type this name
            autoFocus
            value={name}
            data-testid="save-name-input"
            onChange={(event) => setName(event.currentTarget.value)}
            onFocus={(event) => event.currentTarget.select()}
          />
        </label>
        {projectsDir ? <p className="dialog-note">Saved as a .keypose file in {projectsDir}</p> : null}
        <div className="dialog-actions">
          <button type="submit" className="button primary" data-testid="save-confirm" disabled={!name.trim()}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
