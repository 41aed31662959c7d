import { type ReactElement, useEffect, useMemo, useRef } from 'react';
import type { JointId } from '../../core/ids.js';
import { quatFromEulerDeg, quatToEulerDeg } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { evaluateMotion } from '../../core/motion/evaluate.js';
import { descendantsOf, jointById } from '../../core/skeleton/query.js';
import { useEditor, useServices } from '../context.js';
import { FaceSection } from '../face/FaceSection.js';
import { IkSection } from '../motion/IkSection.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { NumberField } from './NumberField.js';

/** Euler order of the rotation fields: X, then Y, then Z (intrinsic), as three.js and Blender default. */
const EULER_ORDER = 'XYZ';
const AXES = ['X', 'Y', 'Z'] as const;

/** The joint's FK rotation at the playhead: its keys over any clip layers (what keying edits). */
function rotationAt(editor: Editor, jointId: JointId): Quat {
  const character = activeCharacter(editor.store.getState());
  if (!character) return [0, 0, 0, 1];
  return (
    evaluateMotion(character.motion, editor.playhead.getState().frame).rotations[jointId] ?? [0, 0, 0, 1]
  );
}

function rootTranslationAt(editor: Editor): Vec3 {
  const character = activeCharacter(editor.store.getState());
  if (!character) return [0, 0, 0];
  return evaluateMotion(character.motion, editor.playhead.getState().frame).rootTranslation;
}

/** Calls `update` now and whenever the document or the playhead changes. */
function subscribeBoth(editor: Editor, update: () => void): () => void {
  update();
  const offDocument = editor.store.subscribe((state, previous) => {
    if (state.document !== previous.document || state.selectedJointId !== previous.selectedJointId) update();
  });
  const offPlayhead = editor.playhead.subscribe(update);
  return () => {
    offDocument();
    offPlayhead();
  };
}

function withAxis(values: Vec3, axis: number, value: number): Vec3 {
  const out: [number, number, number] = [values[0], values[1], values[2]];
  out[axis] = value;
  return out;
}

type Binder = (display: (value: number) => void) => () => void;

/**
 * X, Y and Z fields editing one vector: typing a value and pressing Enter sets that axis; dragging
 * a label is one gesture (one undo step) named `gesture`. The values are either per-frame
 * (`binders`, one per axis, so playback never re-renders) or the document's (`value`).
 */
function Vec3Fields(props: {
  testIdPrefix: string;
  unit: string;
  dragStep?: number;
  gesture: string;
  binders?: readonly Binder[];
  value?: Vec3;
  /** Sets one axis; `scrubbing` is true during a label drag. */
  setAxis: (axis: number, value: number, scrubbing: boolean) => void;
  /** Runs before the gesture begins, e.g. to remember the value the drag starts from. */
  onScrubStart?: () => void;
}): ReactElement {
  const { editor } = useServices();
  return (
    <div className="field-group">
      {AXES.map((name, axis) => (
        <NumberField
          key={name}
          label={name}
          unit={props.unit}
          testId={`${props.testIdPrefix}-${name.toLowerCase()}`}
          dragStep={props.dragStep}
          bind={props.binders?.[axis]}
          value={props.value?.[axis]}
          onCommit={(value) => props.setAxis(axis, value, false)}
          onScrubStart={() => {
            props.onScrubStart?.();
            editor.actions.beginGesture(props.gesture);
          }}
          onScrub={(value) => props.setAxis(axis, value, true)}
          onScrubEnd={() => editor.actions.endGesture()}
        />
      ))}
    </div>
  );
}

function RotationFields({ jointId, jointName }: { jointId: JointId; jointName: string }): ReactElement {
  const { editor } = useServices();
  /** Euler angles at the start of a label drag: the other two axes stay exactly as they were. */
  const scrubBase = useRef<Vec3 | null>(null);
  const eulerNow = () => quatToEulerDeg(rotationAt(editor, jointId), EULER_ORDER);

  const binders = useMemo(
    () =>
      AXES.map(
        (_, axis): Binder =>
          (display) =>
            subscribeBoth(editor, () =>
              display(quatToEulerDeg(rotationAt(editor, jointId), EULER_ORDER)[axis] ?? 0),
            ),
      ),
    [editor, jointId],
  );

  return (
    <Vec3Fields
      testIdPrefix="rot"
      unit="°"
      dragStep={0.5}
      gesture={`Rotate ${jointName}`}
      binders={binders}
      onScrubStart={() => {
        scrubBase.current = eulerNow();
      }}
      setAxis={(axis, value, scrubbing) => {
        const euler = (scrubbing ? scrubBase.current : null) ?? eulerNow();
        editor.actions.setJointRotation(jointId, quatFromEulerDeg(withAxis(euler, axis, value), EULER_ORDER));
      }}
    />
  );
}

function RootFields(): ReactElement {
  const { editor } = useServices();
  const binders = useMemo(
    () =>
      AXES.map(
        (_, axis): Binder =>
          (display) =>
            subscribeBoth(editor, () => display(rootTranslationAt(editor)[axis] ?? 0)),
      ),
    [editor],
  );
  return (
    <Vec3Fields
      testIdPrefix="root"
      unit="px"
      gesture="Move root"
      binders={binders}
      setAxis={(axis, value) =>
        editor.actions.setRootTranslation(withAxis(rootTranslationAt(editor), axis, value))
      }
    />
  );
}

function RestFields({ jointId, jointName }: { jointId: JointId; jointName: string }): ReactElement {
  const { editor } = useServices();
  const rest = useEditor((s) => {
    const character = activeCharacter(s);
    return character ? jointById(character.skeleton, jointId)?.restPosition : undefined;
  });
  return (
    <Vec3Fields
      testIdPrefix="rest"
      unit="px"
      gesture={`Fit ${jointName}`}
      value={rest ?? [0, 0, 0]}
      setAxis={(axis, value) => {
        if (rest) editor.actions.setRestPosition(jointId, withAxis(rest, axis, value));
      }}
    />
  );
}

/** Shows whether the selected joint has a key at the playhead (updated per frame, no re-render). */
function KeyState({ jointId }: { jointId: JointId }): ReactElement {
  const { editor, commands } = useServices();
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    return subscribeBoth(editor, () => {
      const character = activeCharacter(editor.store.getState());
      const frame = editor.playhead.getState().frame;
      const keyed = character?.motion.rotations[jointId]?.some((k) => k.frame === frame) ?? false;
      node.classList.toggle('keyed', keyed);
      node.title = keyed ? `Keyed at frame ${frame} (click to re-key)` : `Key at frame ${frame}`;
    });
  }, [editor, jointId]);
  return (
    <button
      type="button"
      ref={ref}
      className="key-state"
      data-testid="btn-key-joint"
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => commands.run('key.add')}
    >
      <span className="key-glyph">◆</span> Key
    </button>
  );
}

/**
 * Fit mode: the joint itself (name, parent) and building custom skeletons (add a child joint,
 * delete a joint). Every change is one undo step; core rejects cycles and duplicate names, and
 * the refusal shows in the error banner.
 */
function JointFields({ jointId }: { jointId: JointId }): ReactElement | null {
  const { editor } = useServices();
  const skeleton = useEditor((s) => activeCharacter(s)?.skeleton ?? null);
  const joint = skeleton ? jointById(skeleton, jointId) : undefined;
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (nameRef.current && joint) nameRef.current.value = joint.name;
  }, [joint]);
  if (!skeleton || !joint) return null;
  const below = descendantsOf(skeleton, jointId);
  const parents = skeleton.joints.filter((j) => j.id !== jointId && !below.has(j.id));
  const commitName = () => {
    const input = nameRef.current;
    if (!input) return;
    if (input.value.trim() && input.value.trim() !== joint.name)
      editor.actions.renameJoint(jointId, input.value);
    input.value =
      jointById(activeCharacter(editor.store.getState())?.skeleton ?? skeleton, jointId)?.name ?? '';
  };
  return (
    <div className="field-group">
      <label className="text-row">
        <span>Name</span>
        <input
          ref={nameRef}
          defaultValue={joint.name}
          data-testid="joint-name"
          spellCheck={false}
          onBlur={commitName}
          onKeyDown={(event) => {
            if (event.key === 'Enter') event.currentTarget.blur();
            if (event.key === 'Escape') {
              event.currentTarget.value = joint.name;
              event.currentTarget.blur();
            }
          }}
        />
      </label>
      {joint.parentId !== null ? (
        <label className="text-row">
          <span>Parent</span>
          <select
            value={joint.parentId}
            data-testid="joint-parent"
            onChange={(event) => {
              editor.actions.reparentJoint(jointId, event.currentTarget.value as JointId);
              event.currentTarget.blur();
            }}
          >
            {parents.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <div className="button-row">
        <button
          type="button"
          className="button"
          data-testid="btn-add-joint"
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => editor.actions.addChildJoint()}
        >
          Add child joint
        </button>
        <button
          type="button"
          className="button"
          data-testid="btn-delete-joint"
          disabled={joint.parentId === null}
          title={joint.parentId === null ? 'The root joint cannot be deleted' : 'Children move to its parent'}
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => editor.actions.removeSelectedJoint()}
        >
          Delete joint
        </button>
      </div>
    </div>
  );
}

function ProjectFields(): ReactElement {
  const { editor } = useServices();
  const fps = useEditor((s) => s.document?.fps ?? 24);
  const duration = useEditor((s) => s.document?.durationFrames ?? 1);
  const resolution = useEditor((s) => s.document?.resolution);
  return (
    <div className="field-group">
      <NumberField
        label="FPS"
        testId="fps-field"
        value={fps}
        decimals={3}
        min={1}
        max={240}
        dragStep={0.1}
        onCommit={(value) => editor.actions.setFps(value)}
      />
      <NumberField
        label="Frames"
        testId="duration-field"
        value={duration}
        decimals={0}
        min={1}
        max={100000}
        dragStep={0.25}
        onCommit={(value) => editor.actions.setDurationFrames(value)}
      />
      {resolution ? (
        <div className="readout">
          Output {resolution.width} × {resolution.height}px · {(duration / fps).toFixed(2)} s
        </div>
      ) : null}
    </div>
  );
}

export function Inspector(): ReactElement {
  const selected = useEditor((s) => s.selectedJointId);
  const mode = useEditor((s) => s.mode);
  const joint = useEditor((s) => {
    const character = activeCharacter(s);
    return character && s.selectedJointId ? (jointById(character.skeleton, s.selectedJointId) ?? null) : null;
  });
  const isRoot = joint?.parentId === null;

  return (
    <section className="panel inspector" aria-label="Properties" data-testid="inspector">
      <h2 className="panel-title">{joint ? joint.name : 'No joint selected'}</h2>
      {joint && selected ? (
        mode === 'pose' ? (
          <>
            <div className="section-head">
              <span>Rotation ({EULER_ORDER})</span>
              <KeyState jointId={selected} />
            </div>
            <RotationFields jointId={selected} jointName={joint.name} />
            <IkSection jointId={selected} />
            {isRoot ? (
              <>
                <div className="section-head">
                  <span>Root position</span>
                </div>
                <RootFields />
              </>
            ) : null}
          </>
        ) : (
          <>
            <div className="section-head">
              <span>Joint</span>
            </div>
            <JointFields jointId={selected} />
            <div className="section-head">
              <span>Rest position</span>
            </div>
            <RestFields jointId={selected} jointName={joint.name} />
          </>
        )
      ) : (
        <p className="hint">
          {mode === 'pose'
            ? 'Click a joint in the viewport or the list to pose it.'
            : 'Drag joints onto the art. Shift-drag moves a joint with its children. Select a joint to rename it, reparent it or add joints below it.'}
        </p>
      )}
      <div className="section-head">
        <span>Animation</span>
      </div>
      <ProjectFields />
      <FaceSection />
    </section>
  );
}
