import type { ReactElement } from 'react';
import { TEMPLATE_KINDS, TEMPLATE_LABELS, type TemplateKind } from '../../core/skeleton/templates.js';
import { useEditor, useServices } from '../context.js';
import { HiddenFileInput } from '../panels/HiddenFileInput.js';
import { Icon } from '../panels/icons.js';
import { IMPORT_INPUT_ID } from './commands.js';
import { FIT_METHOD_LABELS, IMPORT_ACCEPT, IMPORT_STAGES } from './importFlow.js';
import { folderFromInputFiles, IMPORT_FOLDER_INPUT_ID } from './importFolder.js';
import { useImportFlow, useImportState } from './useCharacters.js';
import './characters.css';

/** The hidden file chooser behind File ▸ Import (Ctrl+I) and the toolbar's Import button. */
export function ImportInput(): ReactElement {
  const flow = useImportFlow();
  return (
    <HiddenFileInput
      id={IMPORT_INPUT_ID}
      accept={IMPORT_ACCEPT}
      testId="import-input"
      onFile={(file) => void flow.start(file, 'ask')}
    />
  );
}

/** React's input props lack the non-standard folder-chooser attribute; it is set as given. */
const FOLDER_CHOOSER = { webkitdirectory: '' } as Record<string, string>;

/** The hidden folder chooser behind Import folder (an Animated Drawings character folder). */
export function ImportFolderInput(): ReactElement {
  const flow = useImportFlow();
  return (
    <input
      id={IMPORT_FOLDER_INPUT_ID}
      type="file"
      {...FOLDER_CHOOSER}
      hidden
      data-testid="import-folder-input"
      onChange={(event) => {
        const input = event.currentTarget;
        const folder = folderFromInputFiles([...(input.files ?? [])]);
        input.value = '';
        if (folder) void flow.startFolder(folder.folderName, folder.files, 'ask');
      }}
    />
  );
}

function formatEta(etaSec: number | null): string {
  if (etaSec === null || !Number.isFinite(etaSec)) return '';
  return etaSec < 1 ? 'almost done' : `about ${Math.ceil(etaSec)} s left`;
}

/** The import job's progress (stage, bar, Cancel), then the choice of where the character goes. */
export function ImportDialog(): ReactElement | null {
  const flow = useImportFlow();
  const phase = useImportState((s) => s.phase);
  const hasDocument = useEditor((s) => s.document !== null);
  if (phase.kind === 'idle') return null;

  if (phase.kind === 'running') {
    const percent = phase.fraction === null ? null : Math.round(phase.fraction * 100);
    return (
      <div className="modal-backdrop">
        <div className="modal import-dialog" role="dialog" aria-label="Importing" data-testid="import-dialog">
          <div className="modal-head">
            <h2>Importing {phase.fileName}</h2>
          </div>
          <div className="import-body">
            <div className="import-stage" data-testid="import-stage">
              {phase.stage}
            </div>
            <ol className="import-stages" data-testid="import-stages">
              {IMPORT_STAGES.map((stage, i) => {
                const current = IMPORT_STAGES.indexOf(phase.stage);
                const state = current < 0 ? '' : i < current ? 'done' : i === current ? 'current' : '';
                return (
                  <li key={stage} className={state} aria-current={state === 'current' ? 'step' : undefined}>
                    {stage}
                  </li>
                );
              })}
            </ol>
            <div
              className={`import-progress${percent === null ? ' indeterminate' : ''}`}
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent ?? undefined}
              data-testid="import-progress"
            >
              <div className="import-progress-fill" style={{ width: `${percent ?? 30}%` }} />
            </div>
            <div className="import-meta">
              <span>{percent === null ? 'Starting…' : `${percent}%`}</span>
              <span>{formatEta(phase.etaSec)}</span>
            </div>
          </div>
          <div className="dialog-actions">
            <button
              type="button"
              className="button"
              data-testid="import-cancel"
              disabled={phase.cancelling}
              onClick={() => flow.cancel()}
            >
              {phase.cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          </div>
        </div>
      </div>
    );
  }

  const { imported } = phase;
  const art = imported.assets[imported.character.artAssetId];
  return (
    <div className="modal-backdrop">
      <div
        className="modal import-dialog"
        role="dialog"
        aria-label="Character imported"
        data-testid="import-choice"
      >
        <div className="modal-head">
          <h2>{imported.character.name} is rigged</h2>
        </div>
        <div className="import-body">
          {art ? (
            <img
              className="import-thumb"
              alt={imported.character.name}
              src={`data:${art.mime};base64,${art.dataBase64}`}
            />
          ) : null}
          <p className="import-summary">
            {imported.character.skeleton.joints.length} joints, {FIT_METHOD_LABELS[imported.fit.method]}
            {art ? ` · ${art.width}×${art.height} px` : ''}
          </p>
          <label className="import-template">
            Skeleton{' '}
            <select
              data-testid="import-template"
              value={imported.fit.template ?? 'custom'}
              onChange={(e) => void flow.retemplate(e.target.value as TemplateKind | 'auto')}
            >
              {imported.fit.template ? null : <option value="custom">Custom (from the file)</option>}
              {TEMPLATE_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {TEMPLATE_LABELS[kind]}
                </option>
              ))}
              <option value="auto">Choose from the figure</option>
            </select>
          </label>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" data-testid="import-discard" onClick={() => flow.cancel()}>
            Discard
          </button>
          <button
            type="button"
            className="button"
            data-testid="import-new"
            onClick={() => flow.choose('new')}
          >
            New project from this character
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="import-add"
            disabled={!hasDocument}
            onClick={() => flow.choose('add')}
          >
            Add to this scene
          </button>
        </div>
      </div>
    </div>
  );
}

/** After an import: how the skeleton was fitted and which joints to check in Fit mode. */
export function FitHintToast(): ReactElement | null {
  const flow = useImportFlow();
  const hint = useImportState((s) => s.hint);
  const { editor } = useServices();
  if (!hint) return null;
  return (
    <div className="fit-hint" role="status" data-testid="fit-hint">
      <div className="fit-hint-text">
        <strong>
          {hint.characterName}:{' '}
          {hint.template ? `${TEMPLATE_LABELS[hint.template].toLowerCase()} skeleton` : 'skeleton'}{' '}
          {FIT_METHOD_LABELS[hint.method]}.
        </strong>{' '}
        {hint.templatedJoints.length > 0 ? (
          <span data-testid="fit-hint-joints">
            Check these joints in Fit mode: {hint.templatedJoints.join(', ')}.
          </span>
        ) : (
          <span>Drag any joint in Fit mode to correct it.</span>
        )}
        {hint.warnings.map((warning) => (
          <div className="fit-hint-warning" key={warning}>
            {warning}
          </div>
        ))}
      </div>
      {hint.templatedJoints.length > 0 ? (
        <button
          type="button"
          className="button"
          onClick={() => {
            const character =
              editor.store.getState().document?.characters[editor.store.getState().characterIndex];
            const first = character?.skeleton.joints.find((j) => j.name === hint.templatedJoints[0]);
            editor.actions.setMode('fit');
            if (first) editor.actions.selectJoint(first.id);
          }}
        >
          Show
        </button>
      ) : null}
      <button
        type="button"
        className="tool-button"
        aria-label="Dismiss"
        data-testid="fit-hint-dismiss"
        onClick={() => flow.dismissHint()}
      >
        <Icon name="close" />
      </button>
    </div>
  );
}
