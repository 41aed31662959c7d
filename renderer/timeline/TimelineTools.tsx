import { type ReactElement, useCallback } from 'react';
import { useStore } from 'zustand';
import type { Interpolation } from '../../core/motion/types.js';
import { useEditor, useServices } from '../context.js';
import { NumberField } from '../panels/NumberField.js';
import { CommandButton, ToolButton } from '../panels/ToolButton.js';
import { activeCharacter } from '../state/editorStore.js';
import { clampZoom, timelineUiFor } from './timelineUi.js';

/** The timeline header's tool groups: transport, keys, view (zoom and the graph editor). */

export function Transport(): ReactElement {
  const { editor, commands, playback } = useServices();
  const playing = useStore(editor.playhead, (s) => s.playing);
  const duration = useEditor((s) => s.document?.durationFrames ?? 1);
  const bindFrame = useCallback(
    (display: (value: number) => void) => {
      display(editor.playhead.getState().frame);
      return editor.playhead.subscribe((s) => display(s.frame));
    },
    [editor],
  );
  return (
    <div className="tool-group transport">
      <CommandButton icon="first" label="First frame" command="frame.first" />
      <CommandButton icon="prevKey" label="Previous key" command="key.prev" testId="btn-prev-key" />
      <CommandButton icon="prevFrame" label="Previous frame" command="frame.prev" testId="btn-prev-frame" />
      <ToolButton
        icon={playing ? 'pause' : 'play'}
        filledIcon
        label={playing ? 'Pause' : 'Play'}
        command="playback.toggle"
        active={playing}
        onClick={() => playback.toggle()}
        testId="btn-play"
      />
      <CommandButton icon="nextFrame" label="Next frame" command="frame.next" testId="btn-next-frame" />
      <CommandButton icon="nextKey" label="Next key" command="key.next" testId="btn-next-key" />
      <CommandButton icon="last" label="Last frame" command="frame.last" />
      <NumberField
        label="Frame"
        testId="frame-input"
        decimals={0}
        min={0}
        max={duration - 1}
        dragStep={0.25}
        bind={bindFrame}
        onCommit={(frame) => commands.setFrame(frame)}
      />
      <span className="frame-total">/ {duration - 1}</span>
    </div>
  );
}

export function KeyTools(): ReactElement {
  const { editor } = useServices();
  const interpolation = useEditor((s) => s.newKeyInterpolation);
  const selectedName = useEditor((s) => {
    const character = activeCharacter(s);
    return character?.skeleton.joints.find((j) => j.id === s.selectedJointId)?.name ?? null;
  });
  const hasClipboard = useEditor((s) => s.clipboard !== null);
  return (
    <div className="tool-group key-tools">
      <label className="select-field" title="Interpolation of keys created from now on">
        New keys
        <select
          data-testid="interp-select"
          value={interpolation}
          onChange={(event) => {
            editor.actions.setNewKeyInterpolation(event.currentTarget.value as Interpolation);
            // Hand the keyboard back to the shortcuts (Space, arrows) once a choice is made.
            event.currentTarget.blur();
          }}
        >
          <option value="step">Step</option>
          <option value="linear">Linear</option>
          <option value="bezier">Bezier (ease)</option>
        </select>
      </label>
      <CommandButton
        icon="keyAdd"
        label={selectedName ? `Key ${selectedName}` : 'Key all'}
        showLabel
        command="key.add"
        testId="btn-key"
      />
      <CommandButton icon="key" label="Key all" command="key.addAll" testId="btn-key-all" />
      <CommandButton icon="keyDelete" label="Delete key" command="key.delete" testId="btn-delete-key" />
      <CommandButton icon="copy" label="Copy pose" command="pose.copy" testId="btn-copy-pose" />
      <CommandButton
        icon="paste"
        label="Paste pose"
        command="pose.paste"
        disabled={!hasClipboard}
        testId="btn-paste-pose"
      />
      <CommandButton icon="mirror" label="Mirror pose" command="pose.mirror" testId="btn-mirror-pose" />
    </div>
  );
}

export function ViewTools(): ReactElement {
  const { editor } = useServices();
  const ui = timelineUiFor(editor);
  const zoom = useStore(ui, (s) => s.zoom);
  const graphOpen = useStore(ui, (s) => s.graphOpen);
  return (
    <div className="tool-group view-tools">
      <button
        type="button"
        className="tool-button tl-zoom"
        aria-label="Zoom out the timeline"
        title="Zoom out (Ctrl+wheel)"
        data-testid="tl-zoom-out"
        onClick={() => ui.setState({ zoom: clampZoom(zoom / 1.5) })}
      >
        −
      </button>
      <span className="tl-zoom-value" data-testid="tl-zoom">
        {Math.round(zoom * 100)}%
      </span>
      <button
        type="button"
        className="tool-button tl-zoom"
        aria-label="Zoom in the timeline"
        title="Zoom in (Ctrl+wheel)"
        data-testid="tl-zoom-in"
        onClick={() => ui.setState({ zoom: clampZoom(zoom * 1.5) })}
      >
        +
      </button>
      <ToolButton
        label="Fit"
        showLabel
        command="timeline.fit"
        onClick={() => ui.setState({ zoom: 1, fitRequest: ui.getState().fitRequest + 1 })}
        testId="tl-fit"
      />
      <ToolButton
        label="Graph"
        showLabel
        command="timeline.graph"
        active={graphOpen}
        onClick={() => ui.setState({ graphOpen: !graphOpen })}
        testId="btn-graph"
      />
    </div>
  );
}
