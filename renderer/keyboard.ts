import type { Commands } from './commands.js';
import { chordOf, shortcutForChord } from './shortcuts.js';

/** Commands that make sense to repeat while a key is held (stepping through frames). */
const REPEATABLE = new Set(['frame.next', 'frame.prev', 'key.next', 'key.prev']);

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit'].includes(target.type);
  }
  return false;
}

/**
 * Routes key presses through the shortcut table (shortcuts.ts) to the commands. Text fields keep
 * their own keys (typing "i" in a name field must not key a joint) except for the file commands.
 */
export function installKeyboard(commands: Commands, target: Window = window): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    const chord = chordOf(event);
    if (!chord) return;
    const shortcut = shortcutForChord(chord);
    if (!shortcut) return;
    if (isTextField(event.target) && !shortcut.inTextFields) return;
    event.preventDefault();
    if (event.repeat && !REPEATABLE.has(shortcut.command)) return;
    commands.run(shortcut.command);
  };
  target.addEventListener('keydown', onKeyDown);
  return () => target.removeEventListener('keydown', onKeyDown);
}
