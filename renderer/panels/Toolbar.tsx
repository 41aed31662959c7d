import type { ReactElement } from 'react';
import { AudioButton } from '../audio/AudioUI.js';
import { FitToolButtons, ImportButton } from '../characters/CharactersPanel.js';
import { useEditor } from '../context.js';
import { MotionButtons } from '../motion/MotionButtons.js';
import { isDirty } from '../state/editorStore.js';
import { CommandButton } from './ToolButton.js';

export function Toolbar(): ReactElement {
  const mode = useEditor((s) => s.mode);
  const gizmo = useEditor((s) => s.gizmo);
  const canUndo = useEditor((s) => s.canUndo);
  const canRedo = useEditor((s) => s.canRedo);
  const onionSkin = useEditor((s) => s.onionSkin);
  const fitMirror = useEditor((s) => s.fitMirror);
  const hasDocument = useEditor((s) => s.document !== null);
  const dirty = useEditor(isDirty);

  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand" title="Keypose">
        <span className="brand-mark">◆</span> Keypose
      </div>
      <div className="tool-group">
        <CommandButton icon="newFile" label="New from picture" command="file.new" />
        <CommandButton icon="open" label="Open" command="file.open" testId="btn-open" />
        <ImportButton />
        <AudioButton />
        <CommandButton
          icon="save"
          label={dirty ? 'Save (unsaved changes)' : 'Save'}
          command="file.save"
          disabled={!hasDocument}
          testId="btn-save"
        >
          {dirty ? <span className="dirty-dot" /> : null}
        </CommandButton>
      </div>
      <div className="tool-group">
        <CommandButton icon="undo" label="Undo" command="edit.undo" disabled={!canUndo} testId="btn-undo" />
        <CommandButton icon="redo" label="Redo" command="edit.redo" disabled={!canRedo} testId="btn-redo" />
      </div>
      <div className="tool-group segmented" role="radiogroup" aria-label="Mode">
        <CommandButton
          icon="fit"
          label="Fit"
          showLabel
          command="mode.fit"
          active={mode === 'fit'}
          testId="mode-fit"
        />
        <CommandButton
          icon="pose"
          label="Pose"
          showLabel
          command="mode.pose"
          active={mode === 'pose'}
          testId="mode-pose"
        />
      </div>
      <div className="tool-group">
        <CommandButton
          icon="mirror"
          label="X-mirror"
          command="fit.mirror"
          active={fitMirror}
          disabled={mode !== 'fit'}
          testId="btn-fit-mirror"
        />
        <FitToolButtons />
      </div>
      <div className="tool-group segmented">
        <CommandButton
          icon="rotate"
          label="Rotate"
          command="gizmo.rotate"
          active={gizmo === 'rotate'}
          disabled={mode !== 'pose'}
          testId="gizmo-rotate"
        />
        <CommandButton
          icon="move"
          label="Move root"
          command="gizmo.translate"
          active={gizmo === 'translate'}
          disabled={mode !== 'pose'}
          testId="gizmo-translate"
        />
      </div>
      <MotionButtons />
      <div className="tool-group">
        <CommandButton
          icon="onion"
          label="Onion skin"
          command="view.onionSkin"
          active={onionSkin}
          testId="btn-onion"
        />
        <CommandButton
          icon="camera"
          label="Camera view"
          showLabel
          command="view.camera"
          testId="btn-camera-view"
        />
      </div>
      <div className="toolbar-spacer" />
      <CommandButton icon="help" label="Shortcuts" command="help.toggle" testId="btn-help" />
    </header>
  );
}
