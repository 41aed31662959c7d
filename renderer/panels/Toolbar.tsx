import type { ReactElement } from 'react';
import { FitToolButtons, ImportButton } from '../characters/CharactersPanel.js';
import { useEditor, useServices } from '../context.js';
import { isDirty } from '../state/editorStore.js';
import { ToolButton } from './ToolButton.js';

export function Toolbar(): ReactElement {
  const { commands } = useServices();
  const mode = useEditor((s) => s.mode);
  const gizmo = useEditor((s) => s.gizmo);
  const canUndo = useEditor((s) => s.canUndo);
  const canRedo = useEditor((s) => s.canRedo);
  const onionSkin = useEditor((s) => s.onionSkin);
  const fitMirror = useEditor((s) => s.fitMirror);
  const hasDocument = useEditor((s) => s.document !== null);
  const dirty = useEditor(isDirty);
  const run = commands.run;

  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand" title="Keypose">
        <span className="brand-mark">◆</span> Keypose
      </div>
      <div className="tool-group">
        <ToolButton
          icon="newFile"
          label="New from picture"
          command="file.new"
          onClick={() => run('file.new')}
        />
        <ToolButton
          icon="open"
          label="Open"
          command="file.open"
          onClick={() => run('file.open')}
          testId="btn-open"
        />
        <ImportButton />
        <ToolButton
          icon="save"
          label={dirty ? 'Save (unsaved changes)' : 'Save'}
          command="file.save"
          onClick={() => run('file.save')}
          disabled={!hasDocument}
          testId="btn-save"
        >
          {dirty ? <span className="dirty-dot" /> : null}
        </ToolButton>
      </div>
      <div className="tool-group">
        <ToolButton
          icon="undo"
          label="Undo"
          command="edit.undo"
          onClick={() => run('edit.undo')}
          disabled={!canUndo}
          testId="btn-undo"
        />
        <ToolButton
          icon="redo"
          label="Redo"
          command="edit.redo"
          onClick={() => run('edit.redo')}
          disabled={!canRedo}
          testId="btn-redo"
        />
      </div>
      <div className="tool-group segmented" role="radiogroup" aria-label="Mode">
        <ToolButton
          icon="fit"
          label="Fit"
          showLabel
          command="mode.fit"
          active={mode === 'fit'}
          onClick={() => run('mode.fit')}
          testId="mode-fit"
        />
        <ToolButton
          icon="pose"
          label="Pose"
          showLabel
          command="mode.pose"
          active={mode === 'pose'}
          onClick={() => run('mode.pose')}
          testId="mode-pose"
        />
      </div>
      <div className="tool-group">
        <ToolButton
          icon="mirror"
          label="X-mirror"
          command="fit.mirror"
          active={fitMirror}
          disabled={mode !== 'fit'}
          onClick={() => run('fit.mirror')}
          testId="btn-fit-mirror"
        />
        <FitToolButtons />
      </div>
      <div className="tool-group segmented">
        <ToolButton
          icon="rotate"
          label="Rotate"
          command="gizmo.rotate"
          active={gizmo === 'rotate'}
          disabled={mode !== 'pose'}
          onClick={() => run('gizmo.rotate')}
          testId="gizmo-rotate"
        />
        <ToolButton
          icon="move"
          label="Move root"
          command="gizmo.translate"
          active={gizmo === 'translate'}
          disabled={mode !== 'pose'}
          onClick={() => run('gizmo.translate')}
          testId="gizmo-translate"
        />
      </div>
      <div className="tool-group">
        <ToolButton
          icon="onion"
          label="Onion skin"
          command="view.onionSkin"
          active={onionSkin}
          onClick={() => run('view.onionSkin')}
          testId="btn-onion"
        />
        <ToolButton
          icon="camera"
          label="Camera view"
          showLabel
          command="view.camera"
          onClick={() => run('view.camera')}
          testId="btn-camera-view"
        />
      </div>
      <div className="toolbar-spacer" />
      <ToolButton
        icon="help"
        label="Shortcuts"
        command="help.toggle"
        onClick={() => run('help.toggle')}
        testId="btn-help"
      />
    </header>
  );
}
