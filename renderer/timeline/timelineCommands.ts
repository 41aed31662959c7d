import {
  copySelectedKeys,
  deleteSelectedKeys,
  type KeyRef,
  pasteKeys,
} from '../../core/motion/keySelection.js';
import type { Motion } from '../../core/motion/types.js';
import type { CommandId } from '../shortcuts.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { updateMotion } from '../state/edits.js';
import { timelineUiFor } from './timelineUi.js';

/** Applies an edit of the active character's motion as one undo step. */
export function editKeys(editor: Editor, label: string, fn: (motion: Motion) => Motion): void {
  const character = activeCharacter(editor.store.getState());
  if (!character) return;
  editor.actions.edit(label, (doc) => updateMotion(doc, character.id, fn));
}

const plural = (n: number) => `${n} key${n === 1 ? '' : 's'}`;

/**
 * The timeline's part of the editor's commands: with keys selected, Delete deletes them, Ctrl+C
 * copies them, Escape clears the selection; Ctrl+V pastes copied keys at the playhead when keys
 * were copied last; the graph editor and zoom-to-fit. Returns false for commands it leaves to
 * the editor (the pose commands when no keys are selected).
 */
export function runTimelineCommand(command: CommandId, editor: Editor): boolean {
  const ui = timelineUiFor(editor);
  const { selection, clipboard, lastCopied } = ui.getState();
  const character = activeCharacter(editor.store.getState());
  switch (command) {
    case 'timeline.graph':
      ui.setState({ graphOpen: !ui.getState().graphOpen });
      return true;
    case 'timeline.fit':
      ui.setState({ zoom: 1, fitRequest: ui.getState().fitRequest + 1 });
      return true;
    case 'key.delete':
      if (selection.length === 0) return false;
      editKeys(editor, `Delete ${plural(selection.length)}`, (m) => deleteSelectedKeys(m, selection));
      ui.setState({ selection: [] });
      return true;
    case 'pose.copy': {
      if (selection.length === 0 || !character) {
        ui.setState({ lastCopied: 'pose' });
        return false;
      }
      const copied = copySelectedKeys(character.motion, selection);
      if (!copied) return false;
      ui.setState({ clipboard: copied, lastCopied: 'keys' });
      editor.actions.setNotice(`Copied ${plural(selection.length)}`);
      return true;
    }
    case 'pose.paste': {
      if (lastCopied !== 'keys' || !clipboard || !character) return false;
      const at = editor.playhead.getState().frame;
      let pasted: KeyRef[] = [];
      editKeys(editor, 'Paste keys', (m) => {
        const result = pasteKeys(
          m,
          clipboard,
          at,
          character.skeleton.joints.map((j) => j.id),
        );
        pasted = result.refs;
        return result.motion;
      });
      ui.setState({ selection: pasted });
      return true;
    }
    case 'select.none':
      if (selection.length === 0 || editor.store.getState().dialog !== 'none') return false;
      ui.setState({ selection: [] });
      return true;
    default:
      return false;
  }
}
