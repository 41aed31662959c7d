import type { ReactElement } from 'react';
import { useStore } from 'zustand';
import { useEditor, useServices } from '../context.js';
import { ToolButton } from '../panels/ToolButton.js';
import { motionUiFor } from './motionUi.js';
import { VIDEO_INPUT_ID } from './videoImport.js';

/** Toolbar: Import motion…, motion from video…, the motion library, IK drag. */
export function MotionButtons(): ReactElement {
  const { editor, commands } = useServices();
  const hasDocument = useEditor((s) => s.document !== null);
  const mode = useEditor((s) => s.mode);
  const ikDrag = useStore(motionUiFor(editor), (s) => s.ikDrag);
  return (
    <div className="tool-group">
      <ToolButton
        label="Motion…"
        showLabel
        command="file.importMotion"
        disabled={!hasDocument}
        onClick={() => commands.run('file.importMotion')}
        testId="btn-import-motion"
      />
      <ToolButton
        label="Video…"
        showLabel
        disabled={!hasDocument}
        onClick={() => document.getElementById(VIDEO_INPUT_ID)?.click()}
        testId="btn-motion-video"
      />
      <ToolButton
        label="Library"
        showLabel
        command="view.library"
        disabled={!hasDocument}
        onClick={() => commands.run('view.library')}
        testId="btn-library"
      />
      <ToolButton
        label="IK"
        showLabel
        command="ik.toggle"
        active={ikDrag}
        disabled={mode !== 'pose'}
        onClick={() => commands.run('ik.toggle')}
        testId="btn-ik"
      />
    </div>
  );
}
