import type { ReactElement } from 'react';
import { useStore } from 'zustand';
import type { KeyRef } from '../../core/motion/keySelection.js';
import { useServices } from '../context.js';
import { dragFrames, moveSelection, scaleSelection, setSelection } from './keyGestures.js';
import { timelineUiFor } from './timelineUi.js';

/**
 * Under the ruler, the span of the selected keys: drag it to move them, drag an end to scale
 * their timing about the other end (one undo step each).
 */
export function SelectionBar({ durationFrames }: { durationFrames: number }): ReactElement | null {
  const { editor } = useServices();
  const selection = useStore(timelineUiFor(editor), (s) => s.selection);
  const frames = selection.map((r) => r.frame);
  if (frames.length < 2) return null;
  const first = Math.min(...frames);
  const last = Math.max(...frames);
  if (first === last) return null;
  const pct = (frame: number) => `${((frame + 0.5) / durationFrames) * 100}%`;

  const start = (event: React.PointerEvent<HTMLElement>, mode: 'move' | 'start' | 'end') => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    const track = event.currentTarget.closest<HTMLElement>('.tl-track');
    if (!track) return;
    const node = event.currentTarget;
    node.setPointerCapture(event.pointerId);
    const base: readonly KeyRef[] = selection;
    let latest: KeyRef[] = [...base];
    const label = mode === 'move' ? 'Move keys' : 'Scale keys';
    const drag = dragFrames(
      editor,
      label,
      track,
      event.clientX,
      durationFrames,
      (delta) => {
        if (mode === 'move') latest = moveSelection(editor, base, delta);
        else {
          // Scale about the other end: that end stays, this one follows the pointer.
          const pivot = mode === 'start' ? last : first;
          const moving = mode === 'start' ? first : last;
          const factor = Math.max(0, (moving + delta - pivot) / (moving - pivot));
          latest = scaleSelection(editor, base, pivot, factor);
        }
      },
      (_delta, dragged) => {
        if (dragged) setSelection(editor, latest);
      },
    );
    const onUp = () => {
      window.removeEventListener('pointermove', drag.move);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onUp);
      drag.up();
    };
    window.addEventListener('pointermove', drag.move);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onUp);
  };

  return (
    <div
      className="tl-selection-bar"
      data-testid="tl-selection-bar"
      style={{ left: pct(first), width: `calc(${pct(last)} - ${pct(first)})` }}
      title={`${selection.length} keys, frames ${first}–${last}: drag to move, drag an end to scale`}
      onPointerDown={(event) => start(event, 'move')}
    >
      <span
        className="tl-selection-handle start"
        data-testid="tl-selection-start"
        onPointerDown={(event) => start(event, 'start')}
      />
      <span
        className="tl-selection-handle end"
        data-testid="tl-selection-end"
        onPointerDown={(event) => start(event, 'end')}
      />
    </div>
  );
}
