import { describe, expect, it } from 'vitest';
import { chordOf, displayBinding, SHORTCUTS, shortcutForChord } from '../../renderer/shortcuts.js';

const key = (over: Partial<Parameters<typeof chordOf>[0]>) => ({
  key: '',
  code: '',
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...over,
});

describe('shortcut table', () => {
  it('binds every chord to at most one command', () => {
    const seen = new Map<string, string>();
    for (const shortcut of SHORTCUTS) {
      for (const binding of shortcut.bindings) {
        expect(seen.get(binding), `${binding} is bound twice`).toBeUndefined();
        seen.set(binding, shortcut.command);
      }
    }
    expect(seen.size).toBeGreaterThan(20);
  });

  it('lists every command once, each with a binding and a label', () => {
    const commands = SHORTCUTS.map((s) => s.command);
    expect(new Set(commands).size).toBe(commands.length);
    for (const shortcut of SHORTCUTS) {
      expect(shortcut.bindings.length).toBeGreaterThan(0);
      expect(shortcut.label.length).toBeGreaterThan(3);
    }
  });

  it('has the bindings the issue asks for', () => {
    const expected: Record<string, string> = {
      Space: 'playback.toggle',
      I: 'key.add',
      K: 'key.add',
      ArrowLeft: 'frame.prev',
      ArrowRight: 'frame.next',
      'Mod+Z': 'edit.undo',
      'Mod+Shift+Z': 'edit.redo',
      'Mod+Y': 'edit.redo',
      'Mod+S': 'file.save',
      '?': 'help.toggle',
      Delete: 'key.delete',
      'Mod+C': 'pose.copy',
      'Mod+V': 'pose.paste',
      M: 'pose.mirror',
      F: 'mode.fit',
      P: 'mode.pose',
      C: 'view.camera',
      Numpad0: 'view.camera',
      'Shift+I': 'key.addAll',
    };
    for (const [chord, command] of Object.entries(expected))
      expect(shortcutForChord(chord)?.command).toBe(command);
  });

  it('turns key events into chords by physical key, with symbols carrying their own shift', () => {
    expect(chordOf(key({ key: 'i', code: 'KeyI' }))).toBe('I');
    expect(chordOf(key({ key: 'I', code: 'KeyI', shiftKey: true }))).toBe('Shift+I');
    expect(chordOf(key({ key: 'z', code: 'KeyZ', ctrlKey: true, shiftKey: true }))).toBe('Mod+Shift+Z');
    expect(chordOf(key({ key: 'z', code: 'KeyZ', metaKey: true }))).toBe('Mod+Z');
    // A Cyrillic layout still types Ш on the I key: the physical key decides.
    expect(chordOf(key({ key: 'ш', code: 'KeyI' }))).toBe('I');
    expect(chordOf(key({ key: '?', code: 'Slash', shiftKey: true }))).toBe('?');
    expect(chordOf(key({ key: ' ', code: 'Space' }))).toBe('Space');
    expect(chordOf(key({ key: 'ArrowRight', code: 'ArrowRight', shiftKey: true }))).toBe('Shift+ArrowRight');
    expect(chordOf(key({ key: '0', code: 'Numpad0' }))).toBe('Numpad0');
    expect(chordOf(key({ key: 'Shift', code: 'ShiftLeft', shiftKey: true }))).toBeNull();
  });

  it('shows bindings in platform notation', () => {
    expect(displayBinding('Mod+Shift+Z')).toBe('Ctrl+Shift+Z');
    expect(displayBinding('Mod+S', true)).toBe('⌘S');
    expect(displayBinding('Shift+ArrowLeft')).toBe('Shift+←');
  });
});
