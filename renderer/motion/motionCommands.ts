import type { CommandId } from '../shortcuts.js';
import type { Editor } from '../state/editorStore.js';
import { MOTION_INPUT_ID } from './importFlow.js';
import { motionUiFor, togglePin } from './motionUi.js';
import { referencePreferences, setReferenceShown } from './referenceVideoPrefs.js';

/** The commands of the motion feature: import, the library, IK drag and pins. */
export type MotionCommandId = Extract<
  CommandId,
  'file.importMotion' | 'view.library' | 'ik.toggle' | 'ik.pin' | 'view.reference'
>;

export const MOTION_COMMANDS: ReadonlySet<CommandId> = new Set<MotionCommandId>([
  'file.importMotion',
  'view.library',
  'ik.toggle',
  'ik.pin',
  'view.reference',
]);

export function runMotionCommand(command: MotionCommandId, editor: Editor): void {
  const state = editor.store.getState();
  switch (command) {
    case 'file.importMotion':
      if (!state.document) return;
      if (typeof document !== 'undefined') document.getElementById(MOTION_INPUT_ID)?.click();
      return;
    case 'view.library':
      if (!state.document) return;
      if (state.dialog === 'motion-library') editor.actions.closeDialog();
      else editor.actions.openDialog('motion-library');
      return;
    case 'ik.toggle': {
      const ui = motionUiFor(editor);
      ui.setState({ ikDrag: !ui.getState().ikDrag });
      editor.actions.setNotice(
        ui.getState().ikDrag ? 'IK drag on: drag a hand or foot to move its limb' : 'IK drag off',
      );
      return;
    }
    case 'ik.pin':
      if (state.selectedJointId) togglePin(editor, state.selectedJointId);
      return;
    case 'view.reference': {
      if (!state.document?.referenceVideo) return;
      const shown = !referencePreferences().getState().shown;
      setReferenceShown(shown);
      editor.actions.setNotice(shown ? 'Reference video shown' : 'Reference video hidden');
      return;
    }
  }
}
