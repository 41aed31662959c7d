import { type ReactElement, useEffect, useRef } from 'react';
import { useEditor, useServices } from '../context.js';
import { ToolButton } from '../panels/ToolButton.js';
import { useRenderSystem } from './useRenderSystem.js';

const STATUS_TEXT = {
  missing: 'not rendered',
  rendering: 'rendering…',
  stale: 'updating…',
  draft: 'draft',
  ready: '',
} as const;

/**
 * "Frames | Art" in the viewport's corner (V toggles it): whether Pose mode's camera view shows the
 * engine's generated frame or the static picture, and how far the frame under the playhead is.
 */
export function FramesToggle(): ReactElement {
  const { editor, commands } = useServices();
  const system = useRenderSystem();
  const showFrames = useEditor((s) => s.showFrames);
  const mode = useEditor((s) => s.mode);
  const statusRef = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const show = () => {
      const node = statusRef.current;
      if (!node) return;
      const { showFrames: on, mode: now } = editor.store.getState();
      const status = system.scheduler.slot(editor.playhead.getState().frame).status;
      node.textContent = on && now === 'pose' ? STATUS_TEXT[status] : '';
      node.dataset.status = status;
    };
    show();
    const offs = [
      system.scheduler.subscribe(show),
      editor.playhead.subscribe(show),
      editor.store.subscribe(show),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [editor, system]);

  /** Both buttons go through the command, so they and the V key behave the same. */
  const show = (frames: boolean) => {
    if (editor.store.getState().showFrames !== frames) commands.run('view.frames');
  };
  return (
    <span className="frames-toggle" data-testid="frames-toggle" data-mode={mode}>
      <span className="frames-toggle-status" ref={statusRef} data-testid="frame-status" />
      <ToolButton
        label="Frames"
        showLabel
        command="view.frames"
        active={showFrames}
        testId="btn-show-frames"
        onClick={() => show(true)}
      />
      <ToolButton
        label="Art"
        showLabel
        command="view.frames"
        active={!showFrames}
        testId="btn-show-art"
        onClick={() => show(false)}
      />
    </span>
  );
}
