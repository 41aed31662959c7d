import { type ReactElement, useMemo } from 'react';
import { CharactersPanel } from '../characters/CharactersPanel.js';
import { useEditor, useServices } from '../context.js';
import { activeCharacter } from '../state/editorStore.js';
import { jointDepths, jointSide, SIDE_COLOURS } from './jointStyle.js';

/** The joint hierarchy; clicking a name selects the joint (also how tests pick one exactly). */
export function Outliner(): ReactElement {
  const { editor } = useServices();
  const skeleton = useEditor((s) => activeCharacter(s)?.skeleton ?? null);
  const selected = useEditor((s) => s.selectedJointId);
  const depths = useMemo(() => (skeleton ? jointDepths(skeleton) : new Map<string, number>()), [skeleton]);

  return (
    <section className="panel outliner" aria-label="Joints">
      <CharactersPanel />
      <h2 className="panel-title">Joints</h2>
      <ul className="joint-list" data-testid="joint-list">
        {skeleton?.joints.map((joint) => (
          <li key={joint.id}>
            <button
              type="button"
              className={`joint-item${joint.id === selected ? ' selected' : ''}`}
              style={{ paddingLeft: 8 + (depths.get(joint.id) ?? 0) * 10 }}
              data-testid={`joint-item-${joint.name}`}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => editor.actions.selectJoint(joint.id)}
              onPointerEnter={() => editor.actions.hoverJoint(joint.id)}
              onPointerLeave={() => editor.actions.hoverJoint(null)}
            >
              <span className="joint-swatch" style={{ background: SIDE_COLOURS[jointSide(joint)] }} />
              {joint.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
