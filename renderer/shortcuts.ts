/**
 * Every keyboard shortcut of the editor, in one table. The key handler (keyboard.ts) and the help
 * panel both read this table, so what the help panel lists is exactly what the keys do.
 *
 * A binding is a chord string: optional modifiers in the order `Mod+Alt+Shift+` then a key name.
 * `Mod` is Ctrl (Windows/Linux) or Cmd (macOS). Letters and digits are named by their physical key
 * (KeyboardEvent.code, so shortcuts stay put on non-Latin layouts); symbols such as `?` are named
 * by the character they type, without `Shift+` (the symbol already implies it).
 */

export type CommandId =
  | 'playback.toggle'
  | 'frame.next'
  | 'frame.prev'
  | 'frame.first'
  | 'frame.last'
  | 'key.next'
  | 'key.prev'
  | 'key.add'
  | 'key.addAll'
  | 'key.delete'
  | 'pose.copy'
  | 'pose.paste'
  | 'pose.mirror'
  | 'pose.resetJoint'
  | 'edit.undo'
  | 'edit.redo'
  | 'file.new'
  | 'file.open'
  | 'file.save'
  | 'file.saveAs'
  | 'mode.fit'
  | 'mode.pose'
  | 'mode.toggle'
  | 'gizmo.rotate'
  | 'gizmo.translate'
  | 'view.camera'
  | 'view.onionSkin'
  | 'view.frames'
  | 'view.reference'
  | 'export.open'
  | 'export.repeat'
  | 'fit.mirror'
  | 'select.parent'
  | 'select.child'
  | 'select.none'
  | 'help.toggle'
  | 'file.import'
  | 'file.audio'
  | 'audio.mute'
  | 'fit.weights'
  | 'fit.brush'
  | 'brush.smaller'
  | 'brush.larger'
  | 'file.importMotion'
  | 'view.library'
  | 'ik.toggle'
  | 'ik.pin'
  | 'timeline.graph'
  | 'timeline.fit';

export type ShortcutGroup = 'Playback' | 'Keys' | 'Pose' | 'Edit' | 'File' | 'View' | 'Help';

export interface Shortcut {
  readonly command: CommandId;
  readonly bindings: readonly string[];
  readonly label: string;
  readonly group: ShortcutGroup;
  /** Also fires while a text field has focus (otherwise the field keeps its own keys). */
  readonly inTextFields?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { command: 'playback.toggle', bindings: ['Space'], label: 'Play / pause (loops)', group: 'Playback' },
  { command: 'frame.prev', bindings: ['ArrowLeft'], label: 'Previous frame', group: 'Playback' },
  { command: 'frame.next', bindings: ['ArrowRight'], label: 'Next frame', group: 'Playback' },
  { command: 'key.prev', bindings: ['Shift+ArrowLeft'], label: 'Jump to previous key', group: 'Playback' },
  { command: 'key.next', bindings: ['Shift+ArrowRight'], label: 'Jump to next key', group: 'Playback' },
  { command: 'frame.first', bindings: ['Home'], label: 'First frame', group: 'Playback' },
  { command: 'frame.last', bindings: ['End'], label: 'Last frame', group: 'Playback' },
  {
    command: 'audio.mute',
    bindings: ['Shift+M'],
    label: "Mute / unmute the project's audio",
    group: 'Playback',
  },
  {
    command: 'key.add',
    bindings: ['I', 'K'],
    label: 'Key the selected joint at this frame (all joints if none is selected)',
    group: 'Keys',
  },
  {
    command: 'key.addAll',
    bindings: ['Shift+I', 'Shift+K'],
    label: 'Key every joint and the root',
    group: 'Keys',
  },
  {
    command: 'key.delete',
    bindings: ['Delete', 'Backspace'],
    label:
      "Delete the keys selected in the timeline, else the selected joint's key at this frame (all keys at this frame if none is selected)",
    group: 'Keys',
  },
  {
    command: 'pose.copy',
    bindings: ['Mod+C'],
    label: 'Copy the keys selected in the timeline, else the pose at this frame',
    group: 'Pose',
  },
  {
    command: 'pose.paste',
    bindings: ['Mod+V'],
    label: 'Paste the copied keys (or pose) at this frame',
    group: 'Pose',
  },
  {
    command: 'pose.mirror',
    bindings: ['M', 'Mod+M'],
    label: 'Mirror the pose left/right (keys it)',
    group: 'Pose',
  },
  {
    command: 'pose.resetJoint',
    bindings: ['Alt+R'],
    label: 'Reset the selected joint to its rest rotation (keys it)',
    group: 'Pose',
  },
  { command: 'gizmo.rotate', bindings: ['R'], label: 'Rotate gizmo', group: 'Pose' },
  {
    command: 'ik.toggle',
    bindings: ['E'],
    label: 'IK drag on/off: dragging a hand, foot, head or tail tip moves the joints above it',
    group: 'Pose',
  },
  {
    command: 'ik.pin',
    bindings: ['Alt+P'],
    label: 'Pin / unpin the selected joint (it stays put while other joints move)',
    group: 'Pose',
  },
  { command: 'gizmo.translate', bindings: ['G'], label: 'Move gizmo (root joint only)', group: 'Pose' },
  { command: 'select.parent', bindings: ['ArrowUp'], label: 'Select the parent joint', group: 'Pose' },
  { command: 'select.child', bindings: ['ArrowDown'], label: 'Select the first child joint', group: 'Pose' },
  { command: 'select.none', bindings: ['Escape'], label: 'Deselect / close panel', group: 'Pose' },
  { command: 'edit.undo', bindings: ['Mod+Z'], label: 'Undo', group: 'Edit' },
  { command: 'edit.redo', bindings: ['Mod+Shift+Z', 'Mod+Y'], label: 'Redo', group: 'Edit' },
  { command: 'mode.fit', bindings: ['F'], label: 'Fit mode: drag joints onto the art', group: 'Edit' },
  { command: 'mode.pose', bindings: ['P'], label: 'Pose mode: rotate joints, key poses', group: 'Edit' },
  { command: 'mode.toggle', bindings: ['Tab'], label: 'Switch between Fit and Pose mode', group: 'Edit' },
  {
    command: 'fit.mirror',
    bindings: ['X'],
    label: 'Fit mode: X-mirror on/off (a Left joint drags its Right twin)',
    group: 'Edit',
  },
  {
    command: 'fit.weights',
    bindings: ['W'],
    label: 'Fit mode: show which pixels move with the selected joint',
    group: 'Edit',
  },
  { command: 'fit.brush', bindings: ['B'], label: 'Fit mode: mask brush (Alt-drag removes)', group: 'Edit' },
  { command: 'brush.smaller', bindings: ['['], label: 'Mask brush smaller', group: 'Edit' },
  { command: 'brush.larger', bindings: [']'], label: 'Mask brush larger', group: 'Edit' },
  {
    command: 'file.new',
    bindings: ['Mod+N'],
    label: 'New project from a picture',
    group: 'File',
    inTextFields: true,
  },
  {
    command: 'file.import',
    bindings: ['Mod+I'],
    label: 'Import a character picture (PNG, JPEG, WebP, PSD) and rig it',
    group: 'File',
    inTextFields: true,
  },
  {
    command: 'file.importMotion',
    bindings: ['Mod+Shift+M'],
    label:
      'Import motion… (BVH or JSON pose sequence; or drop the file on the window): mapping panel, then Apply',
    group: 'File',
    inTextFields: true,
  },
  {
    command: 'file.audio',
    bindings: ['Alt+A'],
    label: 'Audio…: attach a sound track (WAV, MP3, OGG, FLAC, AAC, M4A); × on its row removes it',
    group: 'File',
  },
  { command: 'file.open', bindings: ['Mod+O'], label: 'Open project', group: 'File', inTextFields: true },
  { command: 'file.save', bindings: ['Mod+S'], label: 'Save', group: 'File', inTextFields: true },
  { command: 'file.saveAs', bindings: ['Mod+Shift+S'], label: 'Save as…', group: 'File', inTextFields: true },
  {
    command: 'view.camera',
    bindings: ['C', 'Numpad0'],
    label: 'Snap back to the camera view',
    group: 'View',
  },
  {
    command: 'view.onionSkin',
    bindings: ['O'],
    label: 'Onion skin on/off (ghosts of the previous and next key, generated frames too)',
    group: 'View',
  },
  {
    command: 'view.library',
    bindings: ['L'],
    label: 'Motion library: preview and apply motions',
    group: 'View',
  },
  {
    command: 'timeline.graph',
    bindings: ['Shift+G'],
    label: "Timeline: graph editor of the selected joint's rotation curves",
    group: 'View',
  },
  {
    command: 'timeline.fit',
    bindings: ['\\'],
    label: 'Timeline: zoom to fit the whole animation',
    group: 'View',
  },
  {
    command: 'view.frames',
    bindings: ['V'],
    label: 'Show generated frames / show the static art (Pose mode, camera view)',
    group: 'View',
  },
  {
    command: 'view.reference',
    bindings: ['Shift+V'],
    label: 'Show / hide the reference video behind the viewport',
    group: 'View',
  },
  {
    command: 'export.open',
    bindings: ['Mod+E'],
    label: 'Export… (video, image sequence, motion)',
    group: 'File',
    inTextFields: true,
  },
  {
    command: 'export.repeat',
    bindings: ['Mod+Shift+E'],
    label: 'Repeat the last export without the dialog',
    group: 'File',
    inTextFields: true,
  },
  { command: 'help.toggle', bindings: ['?', 'F1'], label: 'This help panel', group: 'Help' },
];

/** Modifier state of a key event, as the chord normaliser needs it. */
export interface KeyLike {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

/** The chord string of a key event, in the table's notation, or null for a lone modifier key. */
export function chordOf(event: KeyLike): string | null {
  const { key, code } = event;
  if (key === 'Control' || key === 'Shift' || key === 'Alt' || key === 'Meta') return null;
  let name: string;
  let shiftImplied = false;
  if (code.startsWith('Key') && code.length === 4) name = code.slice(3);
  else if (code.startsWith('Digit') && code.length === 6) name = code.slice(5);
  else if (code.startsWith('Numpad')) name = code;
  else if (code === 'Space' || key === ' ') name = 'Space';
  else if (key.length > 1) name = key;
  else {
    // A symbol: its character already says whether Shift was held.
    name = key;
    shiftImplied = true;
  }
  const mods = [
    event.ctrlKey || event.metaKey ? 'Mod+' : '',
    event.altKey ? 'Alt+' : '',
    event.shiftKey && !shiftImplied ? 'Shift+' : '',
  ].join('');
  return `${mods}${name}`;
}

const byChord = new Map<string, Shortcut>();
for (const shortcut of SHORTCUTS) for (const binding of shortcut.bindings) byChord.set(binding, shortcut);

export function shortcutForChord(chord: string): Shortcut | undefined {
  return byChord.get(chord);
}

/** How a binding reads in the help panel and in tooltips (Ctrl on Windows/Linux, ⌘ on macOS). */
export function displayBinding(binding: string, isMac = false): string {
  return binding
    .split('+')
    .map((part) => {
      if (part === 'Mod') return isMac ? '⌘' : 'Ctrl';
      if (part === 'ArrowLeft') return '←';
      if (part === 'ArrowRight') return '→';
      if (part === 'ArrowUp') return '↑';
      if (part === 'ArrowDown') return '↓';
      if (part === 'Numpad0') return 'Numpad 0';
      return part;
    })
    .join(isMac ? '' : '+');
}

/** The first binding of a command, for button tooltips ("Undo (Ctrl+Z)"). */
export function hintFor(command: CommandId): string {
  const shortcut = SHORTCUTS.find((s) => s.command === command);
  const first = shortcut?.bindings[0];
  return first ? displayBinding(first) : '';
}
