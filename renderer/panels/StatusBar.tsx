import { type ReactElement, useEffect, useRef } from 'react';
import { useEditor, useServices } from '../context.js';
import { EngineStatusItem } from '../render/EngineStatusItem.js';
import { activeCharacter, isDirty } from '../state/editorStore.js';

/** Project, unsaved marker, frame (updated from the playhead store, not React), selection, shell. */
export function StatusBar(): ReactElement {
  const { editor } = useServices();
  const name = useEditor((s) => s.document?.name ?? 'No project');
  const path = useEditor((s) => s.projectPath);
  const dirty = useEditor(isDirty);
  const mode = useEditor((s) => s.mode);
  const shell = useEditor((s) => s.shell);
  const notice = useEditor((s) => s.notice);
  const gesture = useEditor((s) => s.gestureLabel);
  const fps = useEditor((s) => s.document?.fps ?? 24);
  const selectedName = useEditor((s) => {
    const character = activeCharacter(s);
    return character?.skeleton.joints.find((j) => j.id === s.selectedJointId)?.name ?? null;
  });
  const frameRef = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const show = () => {
      const doc = editor.store.getState().document;
      const { frame } = editor.playhead.getState();
      if (frameRef.current) {
        frameRef.current.textContent = doc
          ? `Frame ${frame} / ${doc.durationFrames - 1} · ${(frame / doc.fps).toFixed(2)} s`
          : 'Frame –';
      }
    };
    show();
    const off1 = editor.playhead.subscribe(show);
    const off2 = editor.store.subscribe(show);
    return () => {
      off1();
      off2();
    };
  }, [editor]);

  return (
    <footer className="status-bar" data-testid="status-bar">
      <span
        className="status-item status-project"
        title={path ?? 'Not saved yet'}
        data-testid="status-project"
      >
        {name}
        {dirty ? (
          <span className="status-dirty" data-testid="status-dirty">
            {' '}
            ● modified
          </span>
        ) : null}
      </span>
      <span className="status-item" ref={frameRef} data-testid="status-frame" />
      <span className="status-item">{fps} fps</span>
      <span className="status-item">{mode === 'fit' ? 'Fit mode' : 'Pose mode · auto-key'}</span>
      <span className="status-item" data-testid="status-selection">
        {selectedName ? `Selected: ${selectedName}` : 'Nothing selected'}
      </span>
      {gesture ? <span className="status-item status-gesture">{gesture}…</span> : null}
      <EngineStatusItem />
      <span className="status-notice">{notice}</span>
      <span className="status-item status-shell" data-testid="status-shell">
        {shell ? `${shell.shell === 'studio' ? 'Studio' : 'Desktop'} ${shell.version}` : 'connecting…'}
      </span>
    </footer>
  );
}
