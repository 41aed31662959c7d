import type { ReactElement } from 'react';
import { displayBinding, SHORTCUTS, type ShortcutGroup } from '../shortcuts.js';
import { Modal } from './Modal.js';

const GROUPS: readonly ShortcutGroup[] = ['Playback', 'Keys', 'Pose', 'Edit', 'File', 'View', 'Help'];

const MOUSE: readonly [string, string][] = [
  ['Click a joint or bone', 'Select it (a bone selects the joint that rotates it)'],
  [
    'Drag a joint (Pose mode)',
    'Swing its parent bone in the view plane; dragging the root moves the character',
  ],
  ['Drag a joint (Fit mode)', 'Move it onto the art; Shift-drag moves it with its children'],
  ['Gizmo rings', 'Rotate the selected joint in 3D; the Move gizmo moves the root'],
  ['Drag empty space', 'Orbit the view (right-drag pans, wheel zooms; C returns to the camera view)'],
  ['Timeline: drag the ruler or a row', 'Scrub'],
  ['Timeline: drag a key', 'Move the key (the summary row moves every key of that frame)'],
  ['Drag a field label', 'Scrub the value (Shift for fine steps)'],
];

/** The shortcut table from shortcuts.ts, grouped, plus mouse controls and the auto-key rule. */
export function HelpPanel(): ReactElement {
  return (
    <Modal
      title="Keyboard shortcuts and controls"
      label="Keyboard shortcuts"
      className="help-panel"
      testId="help-panel"
    >
      <p className="help-note">
        <strong>Auto-key:</strong> in Pose mode every rotation or root move you make is keyed at the current
        frame for that joint (with the interpolation chosen under “New keys”; re-keying a frame keeps its
        key’s interpolation). Use I to key the joint as it is, Shift+I to key the whole pose.
      </p>
      <div className="help-columns">
        {GROUPS.map((group) => (
          <table className="help-table" key={group}>
            <caption>{group}</caption>
            <tbody>
              {SHORTCUTS.filter((s) => s.group === group).map((shortcut) => (
                <tr key={shortcut.command} data-command={shortcut.command}>
                  <td className="help-keys">
                    {shortcut.bindings.map((binding) => (
                      <kbd key={binding}>{displayBinding(binding)}</kbd>
                    ))}
                  </td>
                  <td>{shortcut.label}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
        <table className="help-table help-wide">
          <caption>Mouse</caption>
          <tbody>
            {MOUSE.map(([what, does]) => (
              <tr key={what}>
                <td className="help-keys">{what}</td>
                <td>{does}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Modal>
  );
}
