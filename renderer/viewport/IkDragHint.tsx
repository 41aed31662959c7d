import type { ReactElement } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../context.js';
import { motionUiFor } from '../motion/motionUi.js';

/** The viewport hint's IK part: IK drag on, and how many joints are pinned. */
export function IkDragHint(): ReactElement | null {
  const { editor } = useServices();
  const ikDrag = useStore(motionUiFor(editor), (s) => s.ikDrag);
  const pins = useStore(motionUiFor(editor), (s) => s.pins.length);
  if (!ikDrag && pins === 0) return null;
  return (
    <span data-testid="ik-hint">
      {ikDrag ? ' · IK drag (E)' : ''}
      {pins > 0 ? ` · ${pins} pinned` : ''}
    </span>
  );
}
