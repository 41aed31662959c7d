import { type ReactElement, useState } from 'react';
import { useStore } from 'zustand';
import type { MatchKind } from '../../core/retarget/mapping.js';
import { useEditor, useServices } from '../context.js';
import { Modal } from '../panels/Modal.js';
import { activeCharacter } from '../state/editorStore.js';
import { applyMotionImport, updateSession } from './importFlow.js';
import { type ImportPanelOptions, motionUiFor } from './motionUi.js';
import './motion.css';

/**
 * The mapping panel: what the file is, which of its joints drives each joint of the character
 * (every pair can be changed), and how the clip goes in (keys or a clip layer, tolerance, where,
 * trim, loop, blend, root motion, feet). Apply is one undo step.
 */

const HOW: Readonly<Record<MatchKind, string>> = {
  root: 'hips',
  name: 'name',
  junction: 'attachment',
  shape: 'shape',
  chain: 'chain',
  user: 'yours',
};

const axisName = (v: readonly number[]) => {
  const names = ['X', 'Y', 'Z'];
  const i = v.findIndex((c) => Math.abs(c) > 0.9);
  return i >= 0 ? `${v[i]! > 0 ? '+' : '−'}${names[i]}` : `(${v.map((c) => c.toFixed(2)).join(', ')})`;
};

function NumberInput(props: {
  label: string;
  testId: string;
  value: number;
  min?: number;
  max?: number;
  step?: number;
  onChange: (value: number) => void;
}): ReactElement {
  return (
    <label className="motion-field">
      <span>{props.label}</span>
      <input
        type="number"
        data-testid={props.testId}
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        onChange={(event) => {
          const n = Number(event.currentTarget.value);
          if (Number.isFinite(n)) props.onChange(n);
        }}
      />
    </label>
  );
}

function Options({ options, frames }: { options: ImportPanelOptions; frames: number }): ReactElement {
  const { editor } = useServices();
  const set = (change: Partial<ImportPanelOptions>) => updateSession(editor, { options: change });
  const whole = (n: number, min = 0) => Math.max(min, Math.round(n));
  return (
    <div className="motion-options">
      <label className="motion-field">
        <span>As</span>
        <select
          data-testid="motion-as"
          value={options.as}
          onChange={(e) => set({ as: e.currentTarget.value as 'keys' | 'layer' })}
        >
          <option value="keys">Keys (editable, reduced)</option>
          <option value="layer">Clip layer (keys go on top)</option>
        </select>
      </label>
      <NumberInput
        label="Tolerance °"
        testId="motion-tolerance"
        value={options.tolerance.rotationDeg}
        min={0}
        step={0.1}
        onChange={(v) => set({ tolerance: { rotationDeg: Math.max(0, v), translationPx: Math.max(0, v) } })}
      />
      <NumberInput
        label="At frame"
        testId="motion-start"
        value={options.startFrame}
        min={0}
        onChange={(v) => set({ startFrame: whole(v) })}
      />
      <div className="motion-field">
        <span>Trim (file frames)</span>
        <div className="motion-pair">
          <input
            type="number"
            aria-label="First file frame"
            data-testid="motion-trim-start"
            value={options.trimStart}
            min={0}
            max={frames - 1}
            onChange={(e) =>
              set({ trimStart: Math.min(whole(Number(e.currentTarget.value)), options.trimEnd) })
            }
          />
          <span>to</span>
          <input
            type="number"
            aria-label="Last file frame"
            data-testid="motion-trim-end"
            value={options.trimEnd}
            min={0}
            max={frames - 1}
            onChange={(e) =>
              set({
                trimEnd: Math.max(
                  options.trimStart,
                  Math.min(frames - 1, whole(Number(e.currentTarget.value))),
                ),
              })
            }
          />
        </div>
      </div>
      <label className="motion-field">
        <span>Root motion</span>
        <select
          data-testid="motion-root"
          value={options.rootMotion}
          onChange={(e) => set({ rootMotion: e.currentTarget.value as ImportPanelOptions['rootMotion'] })}
        >
          <option value="keep">Travel (scaled by leg length)</option>
          <option value="in-place">In place</option>
          <option value="none">None</option>
        </select>
      </label>
      <label className="motion-field motion-check">
        <span>Feet</span>
        <span>
          <input
            type="checkbox"
            data-testid="motion-feet"
            checked={options.fixFeet}
            onChange={(e) => set({ fixFeet: e.currentTarget.checked })}
          />{' '}
          keep planted feet on the ground
        </span>
      </label>
      <NumberInput
        label="Loop blend frames"
        testId="motion-loop"
        value={options.loopBlendFrames}
        min={0}
        onChange={(v) => set({ loopBlendFrames: whole(v) })}
      />
      <NumberInput
        label="Repeat"
        testId="motion-repeat"
        value={options.repeat}
        min={1}
        onChange={(v) => set({ repeat: whole(v, 1) })}
      />
      <NumberInput
        label="Blend in frames"
        testId="motion-blend"
        value={options.blendFrames}
        min={0}
        onChange={(v) => set({ blendFrames: whole(v) })}
      />
    </div>
  );
}

export function MotionImportDialog(): ReactElement | null {
  const { editor } = useServices();
  const session = useStore(motionUiFor(editor), (s) => s.session);
  const [applying, setApplying] = useState(false);
  const character = useEditor(activeCharacter);
  if (!session || !character) return null;
  if (session.phase === 'reading') {
    const fraction = session.frameCount > 0 ? session.framesRead / session.frameCount : 0;
    return (
      <Modal
        title={`Import motion — ${session.fileName}`}
        className="motion-dialog"
        testId="motion-import-dialog"
      >
        <div className="motion-reading" data-testid="motion-reading">
          <progress max={1} value={fraction} aria-label={`Reading ${Math.round(fraction * 100)}%`} />
          <span>
            Reading frame {session.framesRead} of {session.frameCount || '…'}
          </span>
          <button
            type="button"
            className="button"
            data-testid="motion-cancel"
            onClick={() => session.cancel()}
          >
            Cancel
          </button>
        </div>
      </Modal>
    );
  }
  const { prepared, mapping, options } = session;
  const source = prepared.source;
  const frames = source.clip.frameCount;
  const sourceJoints = source.skeleton.joints;
  const mapped = character.skeleton.joints.filter((j) => mapping.pairs[j.id]).length;
  const frame = prepared.sourceRig.frame;
  return (
    <Modal
      title={`Import motion — ${session.fileName}`}
      className="motion-dialog"
      testId="motion-import-dialog"
    >
      <form
        className="motion-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (applying) return;
          // A long capture takes seconds to retarget and reduce: say so before the work starts.
          setApplying(true);
          setTimeout(() => {
            applyMotionImport(editor);
            setApplying(false);
          }, 30);
        }}
      >
        <p className="motion-summary" data-testid="motion-summary">
          {sourceJoints.length} joints, {frames} frames at {Math.round(session.sourceFps * 1000) / 1000} fps (
          {(frames / session.sourceFps).toFixed(2)} s). Up {axisName(frame.up)} ({frame.source.up}), facing{' '}
          {axisName(frame.forward)} ({frame.source.forward}). Onto {character.name}:{' '}
          <strong data-testid="motion-mapped-count">
            {mapped} of {character.skeleton.joints.length}
          </strong>{' '}
          joints mapped.
        </p>
        {source.warnings.length > 0 ? (
          <ul className="motion-warnings" data-testid="motion-warnings">
            {source.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
        <div className="motion-columns">
          <div className="motion-mapping" data-testid="motion-mapping">
            <table>
              <thead>
                <tr>
                  <th>Character joint</th>
                  <th>Follows</th>
                  <th>by</th>
                </tr>
              </thead>
              <tbody>
                {character.skeleton.joints.map((joint) => {
                  const pair = mapping.pairs[joint.id] ?? '';
                  return (
                    <tr
                      key={joint.id}
                      data-testid={`map-row-${joint.name}`}
                      className={pair ? '' : 'unmapped'}
                    >
                      <td>{joint.name}</td>
                      <td>
                        <select
                          aria-label={`Source joint for ${joint.name}`}
                          data-testid={`map-select-${joint.name}`}
                          value={pair}
                          onChange={(e) =>
                            updateSession(editor, { mapping: [joint.id, e.currentTarget.value || null] })
                          }
                        >
                          <option value="">— none (rest) —</option>
                          {sourceJoints.map((s) => (
                            <option key={s.id} value={s.id}>
                              {s.name}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td className="motion-how">{pair ? HOW[mapping.how[joint.id] ?? 'user'] : ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Options options={options} frames={frames} />
        </div>
        <div className="dialog-actions">
          <button
            type="button"
            className="button"
            data-testid="motion-cancel"
            onClick={() => editor.actions.closeDialog()}
          >
            Cancel
          </button>
          <button
            type="submit"
            className="button primary"
            data-testid="motion-import-apply"
            disabled={mapped === 0 || applying}
          >
            {applying ? 'Applying…' : 'Apply'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
