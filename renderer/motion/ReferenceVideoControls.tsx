import type { ReactElement } from 'react';
import { useStore } from 'zustand';
import { setReferenceVideo } from '../../core/document/referenceVideo.js';
import { useEditor, useServices } from '../context.js';
import { ToolButton } from '../panels/ToolButton.js';
import { MIN_REFERENCE_OPACITY, referencePreferences, setReferenceOpacity } from './referenceVideoPrefs.js';

/**
 * The viewport corner's reference video controls, while the project has one: show or hide it
 * (Shift+V), its opacity, and Remove (an undo step; the motion stays).
 */
export function ReferenceVideoControls(): ReactElement | null {
  const { editor, commands } = useServices();
  const reference = useEditor((s) => s.document?.referenceVideo ?? null);
  const { shown, opacity } = useStore(referencePreferences());
  if (!reference) return null;
  return (
    <span
      className="reference-controls"
      data-testid="reference-controls"
      title={`${reference.fileName}, from frame ${reference.startFrame}`}
      style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
    >
      <ToolButton
        label="Reference"
        showLabel
        command="view.reference"
        active={shown}
        testId="btn-reference"
        onClick={() => commands.run('view.reference')}
      />
      <input
        type="range"
        min={MIN_REFERENCE_OPACITY}
        max={1}
        step={0.05}
        value={opacity}
        disabled={!shown}
        aria-label="Reference video opacity"
        data-testid="reference-opacity"
        onChange={(event) => setReferenceOpacity(Number(event.currentTarget.value))}
        style={{ width: 80 }}
      />
      <button
        type="button"
        className="tool-button"
        aria-label="Remove the reference video"
        title="Remove the reference video (the motion stays)"
        data-testid="reference-remove"
        onMouseDown={(event) => event.preventDefault()}
        onClick={() => editor.actions.edit('Remove reference video', (doc) => setReferenceVideo(doc, null))}
      >
        ×
      </button>
    </span>
  );
}
