import type { KeyposeApi } from '../../core/contract/api.js';
import type { CommandId } from '../shortcuts.js';
import type { Editor } from '../state/editorStore.js';
import { fitToolsFor, resizeBrush } from './fitTools.js';

/** The commands of the characters feature (import, weight overlay, mask brush). */
export type CharacterCommandId = Extract<
  CommandId,
  'file.import' | 'fit.weights' | 'fit.brush' | 'brush.smaller' | 'brush.larger'
>;

export const CHARACTER_COMMANDS: ReadonlySet<CommandId> = new Set<CharacterCommandId>([
  'file.import',
  'fit.weights',
  'fit.brush',
  'brush.smaller',
  'brush.larger',
]);

/** The hidden file chooser of File ▸ Import (ImportUI.tsx). */
export const IMPORT_INPUT_ID = 'keypose-import-input';

export function runCharacterCommand(command: CharacterCommandId, editor: Editor, _api: KeyposeApi): void {
  const tools = fitToolsFor(editor);
  const { mode } = editor.store.getState();
  switch (command) {
    case 'file.import':
      if (typeof document !== 'undefined') document.getElementById(IMPORT_INPUT_ID)?.click();
      return;
    case 'fit.weights':
      if (mode !== 'fit') editor.actions.setMode('fit');
      tools.setState({ weights: !(mode === 'fit' && tools.getState().weights) });
      return;
    case 'fit.brush':
      if (mode !== 'fit') editor.actions.setMode('fit');
      tools.setState({ brush: !(mode === 'fit' && tools.getState().brush) });
      return;
    case 'brush.smaller':
    case 'brush.larger':
      tools.setState({
        brushSizePx: resizeBrush(tools.getState().brushSizePx, command === 'brush.larger' ? 1 : -1),
      });
      return;
  }
}
