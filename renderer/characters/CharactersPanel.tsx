import type { ReactElement } from 'react';
import type { Placement } from '../../core/document/schema.js';
import { useEditor, useServices } from '../context.js';
import { NumberField } from '../panels/NumberField.js';
import { CommandButton, ToolButton } from '../panels/ToolButton.js';
import { activeCharacter } from '../state/editorStore.js';
import {
  deleteCharacter,
  moveCharacterInDepth,
  placeCharacter,
  selectCharacter,
} from './characterActions.js';
import { IMPORT_FOLDER_INPUT_ID } from './importFolder.js';
import { useFitTools } from './useCharacters.js';

/**
 * The characters of the scene, front-most first (as layer panels list them): click one to make it
 * the character the outliner, timeline and gizmos edit. Below: the active one's placement and
 * depth order.
 */
export function CharactersPanel(): ReactElement | null {
  const { editor } = useServices();
  const characters = useEditor((s) => s.document?.characters ?? null);
  const activeIndex = useEditor((s) => s.characterIndex);
  const active = useEditor(activeCharacter);
  if (!characters || !active) return null;
  const count = characters.length;
  const place = (next: Partial<Placement> & { x?: number; y?: number }) => {
    const [x, y, z] = active.placement.offset;
    placeCharacter(editor, active.id, {
      offset: [next.x ?? x, next.y ?? y, z],
      scale: next.scale ?? active.placement.scale,
    });
  };
  const scrub = {
    onScrubStart: () => editor.actions.beginGesture(`Place ${active.name}`),
    onScrubEnd: () => editor.actions.endGesture(),
  };

  return (
    <div className="characters-panel" data-testid="characters-panel">
      <h2 className="panel-title">Characters</h2>
      <ul className="character-list" data-testid="character-list">
        {characters
          .map((character, index) => ({ character, index }))
          .reverse()
          .map(({ character, index }) => (
            <li key={character.id}>
              <button
                type="button"
                className={`character-item${index === activeIndex ? ' active' : ''}`}
                data-testid={`character-item-${index}`}
                title={`${character.name} (depth ${index + 1} of ${count}, 1 = back)`}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => selectCharacter(editor, index)}
              >
                <span className="character-depth">{index + 1}</span>
                {character.name}
              </button>
            </li>
          ))}
      </ul>
      <div className="character-tools">
        <ToolButton
          label="Forward"
          showLabel
          testId="character-forward"
          disabled={activeIndex >= count - 1}
          onClick={() => moveCharacterInDepth(editor, active.id, 1)}
        />
        <ToolButton
          label="Back"
          showLabel
          testId="character-back"
          disabled={activeIndex <= 0}
          onClick={() => moveCharacterInDepth(editor, active.id, -1)}
        />
        <ToolButton
          label="Delete"
          showLabel
          testId="character-delete"
          disabled={count <= 1}
          onClick={() => deleteCharacter(editor, active.id)}
        />
      </div>
      <div className="character-placement">
        <NumberField
          label="X"
          unit="px"
          testId="placement-x"
          decimals={0}
          dragStep={1}
          value={active.placement.offset[0]}
          onCommit={(x) => place({ x })}
          onScrub={(x) => place({ x })}
          {...scrub}
        />
        <NumberField
          label="Y"
          unit="px"
          testId="placement-y"
          decimals={0}
          dragStep={1}
          value={active.placement.offset[1]}
          onCommit={(y) => place({ y })}
          onScrub={(y) => place({ y })}
          {...scrub}
        />
        <NumberField
          label="Scale"
          testId="placement-scale"
          decimals={3}
          dragStep={0.005}
          min={0.01}
          max={100}
          value={active.placement.scale}
          onCommit={(scale) => place({ scale })}
          onScrub={(scale) => place({ scale })}
          {...scrub}
        />
      </div>
    </div>
  );
}

/** Toolbar: File ▸ Import, a picture or an Animated Drawings folder. */
export function ImportButton(): ReactElement {
  return (
    <>
      <CommandButton icon="open" label="Import character" command="file.import" testId="btn-import" />
      <ToolButton
        icon="open"
        label="Import folder… (Animated Drawings: char_cfg.yaml, texture.png, mask.png)"
        testId="btn-import-folder"
        onClick={() => document.getElementById(IMPORT_FOLDER_INPUT_ID)?.click()}
      />
    </>
  );
}

/** Toolbar: the Fit-mode tools (weight overlay, mask brush). */
export function FitToolButtons(): ReactElement {
  const mode = useEditor((s) => s.mode);
  const weights = useFitTools((s) => s.weights);
  const brush = useFitTools((s) => s.brush);
  return (
    <>
      <CommandButton
        label="Weights"
        showLabel
        command="fit.weights"
        active={mode === 'fit' && weights}
        testId="btn-weights"
      />
      <CommandButton
        label="Mask brush"
        showLabel
        command="fit.brush"
        active={mode === 'fit' && brush}
        testId="btn-brush"
      />
    </>
  );
}
