import { type ReactElement, useCallback } from 'react';
import { useStore } from 'zustand';
import type { JointId } from '../../core/ids.js';
import { ikChainFor } from '../../core/ik/posing.js';
import { bakeIkToFk, ikBlendValue, keyIkBlend, removeIk, switchToIk } from '../../core/motion/ikEdit.js';
import { jointById } from '../../core/skeleton/query.js';
import { useEditor, useServices } from '../context.js';
import { NumberField } from '../panels/NumberField.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { updateMotion } from '../state/edits.js';
import { motionUiFor, togglePin } from './motionUi.js';

/**
 * The Inspector's IK section for a joint that can be an effector (a hand, a foot, a head, a tail
 * tip): which joints its chain moves, the FK/IK switch of its limb with the keyable blend, the pin.
 */

function editMotion(editor: Editor, label: string, fn: Parameters<typeof updateMotion>[2]): void {
  const character = activeCharacter(editor.store.getState());
  if (!character) return;
  editor.actions.edit(label, (doc) => updateMotion(doc, character.id, fn));
}

export function IkSection({ jointId }: { jointId: JointId }): ReactElement | null {
  const { editor } = useServices();
  const chainText = useEditor((s) => {
    const character = activeCharacter(s);
    const chain = character ? ikChainFor(character.skeleton, jointId) : null;
    if (!character || !chain) return null;
    const names = chain.joints.map((id) => jointById(character.skeleton, id)?.name ?? id);
    return `${names.join(' → ')} (${chain.kind === 'two-bone' ? 'two-bone' : 'CCD'})`;
  });
  const hasIk = useEditor((s) => activeCharacter(s)?.motion.ik?.[jointId] !== undefined);
  const name = useEditor((s) =>
    activeCharacter(s) ? (jointById(activeCharacter(s)!.skeleton, jointId)?.name ?? jointId) : jointId,
  );
  const pinned = useStore(motionUiFor(editor), (s) => s.pins.includes(jointId));
  const bindBlend = useCallback(
    (display: (value: number) => void) => {
      const update = () => {
        const character = activeCharacter(editor.store.getState());
        display(character ? ikBlendValue(character.motion, jointId, editor.playhead.getState().frame) : 0);
      };
      update();
      const off1 = editor.store.subscribe(update);
      const off2 = editor.playhead.subscribe(update);
      return () => {
        off1();
        off2();
      };
    },
    [editor, jointId],
  );
  if (!chainText) return null;
  const frame = () => editor.playhead.getState().frame;
  const interpolation = () => editor.store.getState().newKeyInterpolation;
  return (
    <div className="ik-section" data-testid="ik-section">
      <div className="section-head">
        <span>IK</span>
      </div>
      <p className="hint ik-chain">Moves {chainText}</p>
      <div className="ik-buttons">
        {hasIk ? (
          <>
            <button
              type="button"
              className="button"
              data-testid="ik-bake"
              title="Key the limb's solved rotations here and go back to FK"
              onClick={() =>
                editMotion(editor, `Bake ${name} to FK`, (motion, character) =>
                  bakeIkToFk(character.skeleton, motion, jointId, frame(), interpolation()),
                )
              }
            >
              Bake to FK
            </button>
            <button
              type="button"
              className="button"
              data-testid="ik-remove"
              onClick={() =>
                editMotion(editor, `Remove IK of ${name}`, (motion) => removeIk(motion, jointId))
              }
            >
              Remove IK
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button"
            data-testid="ik-switch"
            title="Put the limb under an IK target, keyed where it is now"
            onClick={() =>
              editMotion(editor, `IK for ${name}`, (motion, character) =>
                switchToIk(character.skeleton, motion, jointId, frame(), interpolation()),
              )
            }
          >
            Switch to IK
          </button>
        )}
        <button
          type="button"
          className={`button${pinned ? ' active' : ''}`}
          data-testid="ik-pin"
          aria-pressed={pinned}
          title="Pinned effectors stay where they are while other joints move (Alt+P)"
          onClick={() => togglePin(editor, jointId)}
        >
          {pinned ? 'Pinned' : 'Pin'}
        </button>
      </div>
      {hasIk ? (
        <NumberField
          label="FK ⟷ IK"
          testId="ik-blend"
          decimals={2}
          dragStep={0.01}
          min={0}
          max={1}
          bind={bindBlend}
          onCommit={(value) =>
            editMotion(editor, `Key IK blend of ${name}`, (motion) =>
              keyIkBlend(motion, jointId, frame(), value, interpolation()),
            )
          }
          onScrubStart={() => editor.actions.beginGesture(`Key IK blend of ${name}`)}
          onScrub={(value) =>
            editMotion(editor, `Key IK blend of ${name}`, (motion) =>
              keyIkBlend(motion, jointId, frame(), value, interpolation()),
            )
          }
          onScrubEnd={() => editor.actions.endGesture()}
        />
      ) : null}
    </div>
  );
}
