import { type ReactElement, useEffect } from 'react';
import type { JointId } from '../../core/ids.js';
import { deleteKeysAt, setKeyInterpolation } from '../../core/motion/edit.js';
import { DEFAULT_EASE, type Interpolation, type Motion } from '../../core/motion/types.js';
import { useServices } from '../context.js';
import { activeCharacter } from '../state/editorStore.js';
import { updateMotion } from '../state/edits.js';

/** Which tracks a timeline row shows (and which keys dragging one of its diamonds moves). */
export type RowTarget = { kind: 'summary' } | { kind: 'root' } | { kind: 'joint'; jointId: JointId };

function setRowInterpolation(
  motion: Motion,
  target: RowTarget,
  frame: number,
  interpolation: Interpolation,
): Motion {
  const ease = interpolation === 'bezier' ? DEFAULT_EASE : undefined;
  if (target.kind === 'summary') return setKeyInterpolation(motion, frame, interpolation, ease);
  if (target.kind === 'joint')
    return setKeyInterpolation(motion, frame, interpolation, ease, [target.jointId]);
  // The root translation track alone (core's helper changes it only together with every joint).
  return {
    ...motion,
    rootTranslation: motion.rootTranslation.map((key) => {
      if (key.frame !== frame) return key;
      const { ease: _previous, ...rest } = key;
      return ease ? { ...rest, interpolation, ease } : { ...rest, interpolation };
    }),
  };
}

function deleteRowKeys(motion: Motion, target: RowTarget, frame: number): Motion {
  if (target.kind === 'summary') return deleteKeysAt(motion, frame);
  if (target.kind === 'root') return deleteKeysAt(motion, frame, [], { rootTranslation: true });
  return deleteKeysAt(motion, frame, [target.jointId]);
}

export interface KeyMenuState {
  readonly x: number;
  readonly y: number;
  readonly target: RowTarget;
  readonly frame: number;
  readonly label: string;
}

/** Right-click menu of a key: its interpolation (for the segment that starts there) or delete it. */
export function KeyMenu({ menu, onClose }: { menu: KeyMenuState; onClose: () => void }): ReactElement {
  const { editor } = useServices();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    const onDown = () => onClose();
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onDown);
    };
  }, [onClose]);
  const apply = (label: string, update: (motion: Motion) => Motion) => {
    const characterId = activeCharacter(editor.store.getState())?.id;
    if (characterId) editor.actions.edit(label, (doc) => updateMotion(doc, characterId, update));
    onClose();
  };
  const choices: [Interpolation, string][] = [
    ['step', 'Step (hold)'],
    ['linear', 'Linear'],
    ['bezier', 'Bezier (ease in/out)'],
  ];
  return (
    <div
      className="context-menu"
      role="menu"
      data-testid="key-menu"
      style={{
        // Kept inside the window: the timeline sits at the bottom, so the menu often opens upwards.
        left: Math.min(menu.x, window.innerWidth - 200),
        top: Math.min(menu.y, window.innerHeight - 170),
      }}
      onPointerDown={(event) => event.stopPropagation()}
    >
      <div className="context-title">
        {menu.label} · frame {menu.frame}
      </div>
      {choices.map(([interpolation, label]) => (
        <button
          key={interpolation}
          type="button"
          role="menuitem"
          data-testid={`key-menu-${interpolation}`}
          onClick={() =>
            apply('Set interpolation', (motion) =>
              setRowInterpolation(motion, menu.target, menu.frame, interpolation),
            )
          }
        >
          {label}
        </button>
      ))}
      <hr />
      <button
        type="button"
        role="menuitem"
        data-testid="key-menu-delete"
        onClick={() => apply('Delete keys', (motion) => deleteRowKeys(motion, menu.target, menu.frame))}
      >
        Delete key
      </button>
    </div>
  );
}
