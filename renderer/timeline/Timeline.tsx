import { type ReactElement, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { Character } from '../../core/document/schema.js';
import type { JointId } from '../../core/ids.js';
import { deleteKeysAt, keyedFrames, moveKeys, setKeyInterpolation } from '../../core/motion/edit.js';
import { DEFAULT_EASE, type Interpolation, type Motion, type Track } from '../../core/motion/types.js';
import { AudioRow } from '../audio/AudioUI.js';
import { useEditor, useServices } from '../context.js';
import { jointSide, SIDE_COLOURS } from '../panels/jointStyle.js';
import { NumberField } from '../panels/NumberField.js';
import { CommandButton, ToolButton } from '../panels/ToolButton.js';
import { RenderBar } from '../render/RenderBar.js';
import { activeCharacter } from '../state/editorStore.js';
import { updateMotion } from '../state/edits.js';

/** Which tracks a timeline row shows (and which keys dragging one of its diamonds moves). */
type RowTarget = { kind: 'summary' } | { kind: 'root' } | { kind: 'joint'; jointId: JointId };

interface RowKey {
  readonly frame: number;
  readonly interpolation: Interpolation | 'mixed';
}

function keysOf<T>(track: Track<T> | undefined): RowKey[] {
  return (track ?? []).map((k) => ({ frame: k.frame, interpolation: k.interpolation }));
}

function summaryKeys(motion: Motion): RowKey[] {
  return keyedFrames(motion).map((frame) => ({ frame, interpolation: 'mixed' }));
}

function moveRowKeys(motion: Motion, target: RowTarget, from: number, to: number): Motion {
  if (target.kind === 'summary') return moveKeys(motion, from, to);
  if (target.kind === 'root') return moveKeys(motion, from, to, [], { rootTranslation: true });
  return moveKeys(motion, from, to, [target.jointId]);
}

function setRowInterpolation(
  motion: Motion,
  target: RowTarget,
  frame: number,
  interpolation: Interpolation,
): Motion {
  const ease = interpolation === 'bezier' ? DEFAULT_EASE : undefined;
  if (target.kind === 'summary') return setKeyInterpolation(motion, frame, interpolation, ease);
  if (target.kind === 'joint')
    return setKeyInterpolation(motion, frame, interpolation, ease, [target.jointId]);
  // The root translation track alone (core's helper changes it only together with every joint).
  return {
    ...motion,
    rootTranslation: motion.rootTranslation.map((key) => {
      if (key.frame !== frame) return key;
      const { ease: _previous, ...rest } = key;
      return ease ? { ...rest, interpolation, ease } : { ...rest, interpolation };
    }),
  };
}

function deleteRowKeys(motion: Motion, target: RowTarget, frame: number): Motion {
  if (target.kind === 'summary') return deleteKeysAt(motion, frame);
  if (target.kind === 'root') return deleteKeysAt(motion, frame, [], { rootTranslation: true });
  return deleteKeysAt(motion, frame, [target.jointId]);
}

interface KeyMenuState {
  readonly x: number;
  readonly y: number;
  readonly target: RowTarget;
  readonly frame: number;
  readonly label: string;
}

/** Right-click menu of a key: its interpolation (for the segment that starts there) or delete it. */
function KeyMenu({ menu, onClose }: { menu: KeyMenuState; onClose: () => void }): ReactElement {
  const { editor } = useServices();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    const onDown = () => onClose();
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onDown);
    };
  }, [onClose]);
  const apply = (label: string, update: (motion: Motion) => Motion) => {
    const characterId = activeCharacter(editor.store.getState())?.id;
    if (characterId) editor.actions.edit(label, (doc) => updateMotion(doc, characterId, update));
    onClose();
  };
  const choices: [Interpolation, string][] = [
    ['step', 'Step (hold)'],
    ['linear', 'Linear'],
    ['bezier', 'Bezier (ease in/out)'],
  ];
  return (
    <div
      className="context-menu"
      role="menu"
      data-testid="key-menu"
      style={{
        // Kept inside the window: the timeline sits at the bottom, so the menu often opens upwards.
        left: Math.min(menu.x, window.innerWidth - 200),
        top: Math.min(menu.y, window.innerHeight - 170),
      }}
      onPointerDown={(event) => event.stopPropagation()}
    >
      <div className="context-title">
        {menu.label} · frame {menu.frame}
      </div>
      {choices.map(([interpolation, label]) => (
        <button
          key={interpolation}
          type="button"
          role="menuitem"
          data-testid={`key-menu-${interpolation}`}
          onClick={() =>
            apply('Set interpolation', (motion) =>
              setRowInterpolation(motion, menu.target, menu.frame, interpolation),
            )
          }
        >
          {label}
        </button>
      ))}
      <hr />
      <button
        type="button"
        role="menuitem"
        data-testid="key-menu-delete"
        onClick={() => apply('Delete keys', (motion) => deleteRowKeys(motion, menu.target, menu.frame))}
      >
        Delete key
      </button>
    </div>
  );
}

/** Frame under a pointer, from the x position in a track (frames are equal-width cells). */
function frameAtClientX(track: HTMLElement, clientX: number, durationFrames: number): number {
  const rect = track.getBoundingClientRect();
  const u = (clientX - rect.left) / Math.max(1, rect.width);
  return Math.min(durationFrames - 1, Math.max(0, Math.floor(u * durationFrames)));
}

const pct = (frame: number, durationFrames: number) => `${((frame + 0.5) / durationFrames) * 100}%`;

function rulerStep(durationFrames: number, widthPx: number): number {
  const pxPerFrame = widthPx / durationFrames;
  for (const step of [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000]) if (step * pxPerFrame >= 34) return step;
  return 2000;
}

function Transport(): ReactElement {
  const { editor, commands, playback } = useServices();
  const playing = useStore(editor.playhead, (s) => s.playing);
  const duration = useEditor((s) => s.document?.durationFrames ?? 1);
  const bindFrame = useCallback(
    (display: (value: number) => void) => {
      display(editor.playhead.getState().frame);
      return editor.playhead.subscribe((s) => display(s.frame));
    },
    [editor],
  );
  return (
    <div className="tool-group transport">
      <CommandButton icon="first" label="First frame" command="frame.first" />
      <CommandButton icon="prevKey" label="Previous key" command="key.prev" testId="btn-prev-key" />
      <CommandButton icon="prevFrame" label="Previous frame" command="frame.prev" testId="btn-prev-frame" />
      <ToolButton
        icon={playing ? 'pause' : 'play'}
        filledIcon
        label={playing ? 'Pause' : 'Play'}
        command="playback.toggle"
        active={playing}
        onClick={() => playback.toggle()}
        testId="btn-play"
      />
      <CommandButton icon="nextFrame" label="Next frame" command="frame.next" testId="btn-next-frame" />
      <CommandButton icon="nextKey" label="Next key" command="key.next" testId="btn-next-key" />
      <CommandButton icon="last" label="Last frame" command="frame.last" />
      <NumberField
        label="Frame"
        testId="frame-input"
        decimals={0}
        min={0}
        max={duration - 1}
        dragStep={0.25}
        bind={bindFrame}
        onCommit={(frame) => commands.setFrame(frame)}
      />
      <span className="frame-total">/ {duration - 1}</span>
    </div>
  );
}

function KeyTools(): ReactElement {
  const { editor } = useServices();
  const interpolation = useEditor((s) => s.newKeyInterpolation);
  const selectedName = useEditor((s) => {
    const character = activeCharacter(s);
    return character?.skeleton.joints.find((j) => j.id === s.selectedJointId)?.name ?? null;
  });
  const hasClipboard = useEditor((s) => s.clipboard !== null);
  return (
    <div className="tool-group key-tools">
      <label className="select-field" title="Interpolation of keys created from now on">
        New keys
        <select
          data-testid="interp-select"
          value={interpolation}
          onChange={(event) => {
            editor.actions.setNewKeyInterpolation(event.currentTarget.value as Interpolation);
            // Hand the keyboard back to the shortcuts (Space, arrows) once a choice is made.
            event.currentTarget.blur();
          }}
        >
          <option value="step">Step</option>
          <option value="linear">Linear</option>
          <option value="bezier">Bezier (ease)</option>
        </select>
      </label>
      <CommandButton
        icon="keyAdd"
        label={selectedName ? `Key ${selectedName}` : 'Key all'}
        showLabel
        command="key.add"
        testId="btn-key"
      />
      <CommandButton icon="key" label="Key all" command="key.addAll" testId="btn-key-all" />
      <CommandButton icon="keyDelete" label="Delete key" command="key.delete" testId="btn-delete-key" />
      <CommandButton icon="copy" label="Copy pose" command="pose.copy" testId="btn-copy-pose" />
      <CommandButton
        icon="paste"
        label="Paste pose"
        command="pose.paste"
        disabled={!hasClipboard}
        testId="btn-paste-pose"
      />
      <CommandButton icon="mirror" label="Mirror pose" command="pose.mirror" testId="btn-mirror-pose" />
    </div>
  );
}

interface RowProps {
  readonly label: string;
  readonly testId: string;
  readonly target: RowTarget;
  readonly keys: readonly RowKey[];
  readonly durationFrames: number;
  readonly selected?: boolean;
  readonly swatch?: string;
  readonly depth?: number;
  readonly onSelect?: () => void;
  readonly onKeyMenu: (menu: KeyMenuState) => void;
}

function TimelineRow(props: RowProps): ReactElement {
  const { editor, commands, playback } = useServices();
  const rowRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.selected) rowRef.current?.scrollIntoView({ block: 'nearest' });
  }, [props.selected]);

  const onKeyPointerDown = (event: React.PointerEvent<HTMLButtonElement>, from: number) => {
    if (event.button !== 0) return;
    event.stopPropagation();
    event.preventDefault();
    playback.pause();
    props.onSelect?.();
    commands.setFrame(from);
    const track = event.currentTarget.parentElement;
    if (!track) return;
    const node = event.currentTarget;
    node.setPointerCapture(event.pointerId);
    let dragging = false;
    let to = from;
    const onMove = (move: PointerEvent) => {
      const frame = frameAtClientX(track, move.clientX, props.durationFrames);
      if (frame === to) return;
      if (!dragging) {
        dragging = true;
        editor.actions.beginGesture('Move keys');
      }
      to = frame;
      const characterId = activeCharacter(editor.store.getState())?.id;
      if (!characterId) return;
      editor.actions.edit('Move keys', (doc) =>
        updateMotion(doc, characterId, (motion) => moveRowKeys(motion, props.target, from, to)),
      );
      commands.setFrame(to);
    };
    const onUp = () => {
      node.removeEventListener('pointermove', onMove);
      node.removeEventListener('pointerup', onUp);
      node.removeEventListener('pointercancel', onUp);
      if (dragging) editor.actions.endGesture();
    };
    node.addEventListener('pointermove', onMove);
    node.addEventListener('pointerup', onUp);
    node.addEventListener('pointercancel', onUp);
  };

  return (
    <div
      ref={rowRef}
      className={`tl-row${props.selected ? ' selected' : ''} tl-${props.target.kind}`}
      data-testid={props.testId}
    >
      <button
        type="button"
        className="tl-label"
        style={{ paddingLeft: 8 + (props.depth ?? 0) * 8 }}
        onMouseDown={(event) => event.preventDefault()}
        onClick={props.onSelect}
        disabled={!props.onSelect}
      >
        {props.swatch ? <span className="joint-swatch" style={{ background: props.swatch }} /> : null}
        {props.label}
      </button>
      <div className="tl-track" data-scrub="true">
        {props.keys.map((key) => (
          <button
            type="button"
            tabIndex={-1}
            key={key.frame}
            aria-label={`${props.label} key at frame ${key.frame}`}
            className={`tl-key interp-${key.interpolation}`}
            style={{ left: pct(key.frame, props.durationFrames) }}
            data-testid={`${props.testId}-key-${key.frame}`}
            data-frame={key.frame}
            title={`Frame ${key.frame}${key.interpolation === 'mixed' ? '' : ` · ${key.interpolation}`} — drag to move, right-click for interpolation`}
            onPointerDown={(event) => onKeyPointerDown(event, key.frame)}
            onContextMenu={(event) => {
              event.preventDefault();
              props.onSelect?.();
              commands.setFrame(key.frame);
              props.onKeyMenu({
                x: event.clientX,
                y: event.clientY,
                target: props.target,
                frame: key.frame,
                label: props.label,
              });
            }}
          />
        ))}
      </div>
    </div>
  );
}

function Ruler({
  durationFrames,
  badgeRef,
}: {
  durationFrames: number;
  badgeRef: React.RefObject<HTMLSpanElement | null>;
}): ReactElement {
  const ref = useRef<HTMLDivElement>(null);
  const [widthPx, setWidthPx] = useState(800);
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    // Resizes are rare (window, panels), so React state is fine here.
    const observer = new ResizeObserver(() => setWidthPx(node.clientWidth));
    observer.observe(node);
    setWidthPx(node.clientWidth);
    return () => observer.disconnect();
  }, []);
  const ticks = useMemo(() => {
    const step = rulerStep(durationFrames, widthPx);
    const out: number[] = [];
    for (let f = 0; f < durationFrames; f += step) out.push(f);
    return out;
  }, [durationFrames, widthPx]);
  return (
    <div className="tl-row tl-ruler-row">
      <div className="tl-label tl-ruler-label">Frame</div>
      <div className="tl-track tl-ruler" ref={ref} data-scrub="true" data-testid="timeline-ruler">
        {ticks.map((f) => (
          <span key={f} className="tl-tick" style={{ left: pct(f, durationFrames) }}>
            {f}
          </span>
        ))}
        <RenderBar durationFrames={durationFrames} />
        <span className="tl-playhead-badge" ref={badgeRef} data-testid="playhead-badge" />
      </div>
    </div>
  );
}

function tracksOf(character: Character) {
  return character.motion;
}

export function Timeline(): ReactElement {
  const { editor, commands, playback } = useServices();
  const character = useEditor(activeCharacter);
  const durationFrames = useEditor((s) => s.document?.durationFrames ?? 1);
  const selected = useEditor((s) => s.selectedJointId);
  const bodyRef = useRef<HTMLDivElement>(null);
  const playheadRef = useRef<HTMLDivElement>(null);
  const badgeRef = useRef<HTMLSpanElement>(null);
  const [menu, setMenu] = useState<KeyMenuState | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  // The playhead line follows the playhead store directly: no React render per frame.
  useEffect(() => {
    const place = () => {
      const line = playheadRef.current;
      const badge = badgeRef.current;
      const doc = editor.store.getState().document;
      if (!line || !badge || !doc) return;
      const { frame } = editor.playhead.getState();
      line.style.left = pct(frame, doc.durationFrames);
      line.dataset.frame = String(frame);
      badge.style.left = pct(frame, doc.durationFrames);
      badge.textContent = String(frame);
    };
    place();
    const off1 = editor.playhead.subscribe(place);
    const off2 = editor.store.subscribe((s, p) => {
      if (s.document?.durationFrames !== p.document?.durationFrames) place();
    });
    return () => {
      off1();
      off2();
    };
  }, [editor]);

  // Scrubbing: press on any track (or the ruler) and drag; keys handle their own presses.
  const onPointerDown = (event: React.PointerEvent<HTMLDivElement>) => {
    const track = (event.target as HTMLElement).closest<HTMLElement>('[data-scrub]');
    if (!track || event.button !== 0) return;
    event.preventDefault();
    playback.pause();
    const body = event.currentTarget;
    body.setPointerCapture(event.pointerId);
    const scrub = (clientX: number) => commands.setFrame(frameAtClientX(track, clientX, durationFrames));
    scrub(event.clientX);
    const onMove = (move: PointerEvent) => scrub(move.clientX);
    const onUp = () => {
      body.removeEventListener('pointermove', onMove);
      body.removeEventListener('pointerup', onUp);
      body.removeEventListener('pointercancel', onUp);
    };
    body.addEventListener('pointermove', onMove);
    body.addEventListener('pointerup', onUp);
    body.addEventListener('pointercancel', onUp);
  };

  const motion = character ? tracksOf(character) : null;
  const depths = useMemo(() => {
    const out = new Map<string, number>();
    for (const joint of character?.skeleton.joints ?? []) {
      out.set(joint.id, joint.parentId === null ? 0 : (out.get(joint.parentId) ?? 0) + 1);
    }
    return out;
  }, [character?.skeleton]);

  return (
    <section className="timeline" data-testid="timeline" aria-label="Timeline">
      <div className="timeline-header">
        <Transport />
        <KeyTools />
      </div>
      <div className="timeline-body" ref={bodyRef} onPointerDown={onPointerDown}>
        <div className="tl-grid">
          <Ruler durationFrames={durationFrames} badgeRef={badgeRef} />
          {motion && character ? (
            <>
              <TimelineRow
                label="Summary"
                testId="tl-row-summary"
                target={{ kind: 'summary' }}
                keys={summaryKeys(motion)}
                durationFrames={durationFrames}
                onKeyMenu={setMenu}
              />
              <TimelineRow
                label="Root position"
                testId="tl-row-root"
                target={{ kind: 'root' }}
                keys={keysOf(motion.rootTranslation)}
                durationFrames={durationFrames}
                onKeyMenu={setMenu}
              />
              <AudioRow durationFrames={durationFrames} />
              {character.skeleton.joints.map((joint) => (
                <TimelineRow
                  key={joint.id}
                  label={joint.name}
                  testId={`tl-row-${joint.name}`}
                  target={{ kind: 'joint', jointId: joint.id }}
                  keys={keysOf(motion.rotations[joint.id])}
                  durationFrames={durationFrames}
                  selected={joint.id === selected}
                  swatch={SIDE_COLOURS[jointSide(joint)]}
                  depth={depths.get(joint.id) ?? 0}
                  onSelect={() => editor.actions.selectJoint(joint.id)}
                  onKeyMenu={setMenu}
                />
              ))}
            </>
          ) : null}
          <div className="tl-playhead-layer" aria-hidden="true">
            <div className="tl-playhead" ref={playheadRef} data-testid="playhead" />
          </div>
        </div>
      </div>
      {menu ? <KeyMenu menu={menu} onClose={closeMenu} /> : null}
    </section>
  );
}
