import type { CommandId } from '../shortcuts.js';
import type { Editor } from '../state/editorStore.js';
import { audioUiFor } from './audioUi.js';

/** The commands of the audio feature: attach a sound (file chooser) and mute it. */
export type AudioCommandId = Extract<CommandId, 'file.audio' | 'audio.mute'>;

export const AUDIO_COMMANDS: ReadonlySet<CommandId> = new Set<AudioCommandId>(['file.audio', 'audio.mute']);

/** The hidden file chooser behind File ▸ Audio… (AudioInput.tsx). */
export const AUDIO_INPUT_ID = 'keypose-audio-input';

/** Accepted by the file chooser: the types the document stores (core/document/schema.ts). */
export const AUDIO_ACCEPT = 'audio/*,.wav,.mp3,.ogg,.oga,.opus,.flac,.aac,.m4a';

export function runAudioCommand(command: AudioCommandId, editor: Editor): void {
  switch (command) {
    case 'file.audio':
      if (!editor.store.getState().document) return;
      if (typeof document !== 'undefined') document.getElementById(AUDIO_INPUT_ID)?.click();
      return;
    case 'audio.mute': {
      const ui = audioUiFor(editor);
      ui.setState({ muted: !ui.getState().muted });
      return;
    }
  }
}
