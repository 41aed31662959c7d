import { type ReactElement, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { keyedFrames } from '../../core/motion/edit.js';
import { type KeyRef, keyRefId, ROOT_TRACK } from '../../core/motion/keySelection.js';
import type { Interpolation, Motion, Track } from '../../core/motion/types.js';
import { AudioRow } from '../audio/AudioUI.js';
import { useEditor, useServices } from '../context.js';
import { MouthRow } from '../face/MouthRow.js';
import { jointSide, SIDE_COLOURS } from '../panels/jointStyle.js';
import { RenderBar } from '../render/RenderBar.js';
import { activeCharacter } from '../state/editorStore.js';
import { GraphEditor } from './GraphEditor.js';
import { KeyMenu, type KeyMenuState, type RowTarget } from './KeyMenu.js';
import {
  dragFrames,
  frameAtClientX,
  mergeRefs,
  moveSelection,
  refsInBox,
  refsOfDiamond,
  SUMMARY_TRACK,
  selectionIds,
  setSelection,
} from './keyGestures.js';
import { LayerRows } from './LayerRows.js';
import { SelectionBar } from './SelectionBar.js';
import { KeyTools, Transport, ViewTools } from './TimelineTools.js';
import { clampZoom, timelineUiFor } from './timelineUi.js';
import './timeline.css';

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

const pct = (frame: number, durationFrames: number) => `${((frame + 0.5) / durationFrames) * 100}%`;

function rulerStep(durationFrames: number, widthPx: number): number {
  const pxPerFrame = widthPx / durationFrames;
  for (const step of [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000]) if (step * pxPerFrame >= 34) return step;
  return 2000;
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
  /** Ids (keyRefId) of the selected keys, to mark the diamonds. */
  readonly selectedKeys: ReadonlySet<string>;
  readonly onSelect?: () => void;
  readonly onKeyMenu: (menu: KeyMenuState) => void;
}

/** The track id a row's diamonds carry (keyGestures.ts, core/motion/keySelection.ts). */
function trackOf(target: RowTarget): string {
  return target.kind === 'summary' ? SUMMARY_TRACK : target.kind === 'root' ? ROOT_TRACK : target.jointId;
}

function TimelineRow(props: RowProps): ReactElement {
  const { editor, commands, playback } = useServices();
  const rowRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.selected) rowRef.current?.scrollIntoView({ block: 'nearest' });
  }, [props.selected]);
  const track = trackOf(props.target);
  const isSelected = (frame: number): boolean => {
    const motion = activeCharacter(editor.store.getState())?.motion;
    if (!motion) return false;
    const refs = refsOfDiamond(motion, track, frame);
    return refs.length > 0 && refs.every((r) => props.selectedKeys.has(keyRefId(r)));
  };

  /**
   * A press on a diamond selects its keys (Shift adds them to the selection); dragging then moves
   * every selected key by the same number of frames, as one undo step.
   */
  const onKeyPointerDown = (event: React.PointerEvent<HTMLButtonElement>, from: number) => {
    if (event.button !== 0) return;
    event.stopPropagation();
    event.preventDefault();
    playback.pause();
    props.onSelect?.();
    commands.setFrame(from);
    const motion = activeCharacter(editor.store.getState())?.motion;
    const trackNode = event.currentTarget.parentElement;
    if (!motion || !trackNode) return;
    const mine = refsOfDiamond(motion, track, from);
    const ui = timelineUiFor(editor);
    const already = mine.every((r) => props.selectedKeys.has(keyRefId(r)));
    const selection = event.shiftKey
      ? mergeRefs(ui.getState().selection, mine)
      : already
        ? [...ui.getState().selection]
        : mine;
    setSelection(editor, selection);
    const node = event.currentTarget;
    node.setPointerCapture(event.pointerId);
    let moved: KeyRef[] = selection;
    const drag = dragFrames(
      editor,
      'Move keys',
      trackNode,
      event.clientX,
      props.durationFrames,
      (delta) => {
        moved = moveSelection(editor, selection, delta);
        commands.setFrame(from + delta);
      },
      (_delta, dragged) => {
        if (dragged) setSelection(editor, moved);
      },
    );
    const onUp = () => {
      window.removeEventListener('pointermove', drag.move);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onUp);
      drag.up();
    };
    window.addEventListener('pointermove', drag.move);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onUp);
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
      <div className="tl-track" data-scrub="true" data-box="true">
        {props.keys.map((key) => (
          <button
            type="button"
            tabIndex={-1}
            key={key.frame}
            aria-label={`${props.label} key at frame ${key.frame}`}
            className={`tl-key interp-${key.interpolation}${isSelected(key.frame) ? ' key-selected' : ''}`}
            style={{ left: pct(key.frame, props.durationFrames) }}
            data-testid={`${props.testId}-key-${key.frame}`}
            data-frame={key.frame}
            data-key-track={track}
            title={`Frame ${key.frame}${key.interpolation === 'mixed' ? '' : ` · ${key.interpolation}`} — click to select (Shift adds), drag to move the selected keys, right-click for interpolation`}
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
        <SelectionBar durationFrames={durationFrames} />
        <span className="tl-playhead-badge" ref={badgeRef} data-testid="playhead-badge" />
      </div>
    </div>
  );
}

/** Client-space rectangle of a box selection, and its overlay box inside the grid. */
interface BoxState {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export function Timeline(): ReactElement {
  const { editor, commands, playback } = useServices();
  const character = useEditor(activeCharacter);
  const durationFrames = useEditor((s) => s.document?.durationFrames ?? 1);
  const selected = useEditor((s) => s.selectedJointId);
  const ui = timelineUiFor(editor);
  const zoom = useStore(ui, (s) => s.zoom);
  const selection = useStore(ui, (s) => s.selection);
  const graphOpen = useStore(ui, (s) => s.graphOpen);
  const fitRequest = useStore(ui, (s) => s.fitRequest);
  const selectedKeys = useMemo(() => selectionIds(selection), [selection]);
  const bodyRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const playheadRef = useRef<HTMLDivElement>(null);
  const badgeRef = useRef<HTMLSpanElement>(null);
  const [menu, setMenu] = useState<KeyMenuState | null>(null);
  const [box, setBox] = useState<BoxState | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  /** After a zoom about the pointer: the scroll position that keeps its frame under it. */
  const pendingScroll = useRef<number | null>(null);

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

  // biome-ignore lint/correctness/useExhaustiveDependencies: applies the scroll a zoom asked for once the grid has its new width
  useLayoutEffect(() => {
    const body = bodyRef.current;
    if (body && pendingScroll.current !== null) body.scrollLeft = pendingScroll.current;
    pendingScroll.current = null;
  }, [zoom]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a fit is requested
  useEffect(() => {
    if (bodyRef.current) bodyRef.current.scrollLeft = 0;
  }, [fitRequest]);

  // Ctrl+wheel zooms about the pointer (a non-passive listener: the page must not zoom instead).
  useEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      const label = gridRef.current?.querySelector<HTMLElement>('.tl-label')?.offsetWidth ?? 150;
      const rect = body.getBoundingClientRect();
      const x = event.clientX - rect.left - label;
      const oldZoom = ui.getState().zoom;
      const next = clampZoom(oldZoom * Math.exp(-event.deltaY * 0.0015));
      if (next === oldZoom) return;
      const trackWidth = body.clientWidth - label;
      const u = (body.scrollLeft + x) / Math.max(1, trackWidth * oldZoom);
      pendingScroll.current = Math.max(0, u * trackWidth * next - x);
      ui.setState({ zoom: next });
    };
    body.addEventListener('wheel', onWheel, { passive: false });
    return () => body.removeEventListener('wheel', onWheel);
  }, [ui]);

  /**
   * A press on a track: on the ruler (and rows without keys) a drag scrubs; on a key row a click
   * moves the playhead and clears the key selection (Shift keeps it), and a drag draws a box that
   * selects the keys in it (Shift adds them).
   */
  const onPointerDown = (event: React.PointerEvent<HTMLDivElement>) => {
    const track = (event.target as HTMLElement).closest<HTMLElement>('[data-scrub]');
    if (!track || event.button !== 0) return;
    event.preventDefault();
    playback.pause();
    const body = event.currentTarget;
    body.setPointerCapture(event.pointerId);
    const scrub = (clientX: number) => commands.setFrame(frameAtClientX(track, clientX, durationFrames));
    const boxing = track.dataset.box === 'true';
    const startX = event.clientX;
    const startY = event.clientY;
    const additive = event.shiftKey;
    const before = ui.getState().selection;
    let drawing = false;
    if (!boxing) scrub(event.clientX);
    const onMove = (move: PointerEvent) => {
      if (!boxing) {
        scrub(move.clientX);
        return;
      }
      if (!drawing && Math.hypot(move.clientX - startX, move.clientY - startY) < 4) return;
      drawing = true;
      const grid = gridRef.current;
      const motion = activeCharacter(editor.store.getState())?.motion;
      if (!grid || !motion) return;
      const rect = {
        left: Math.min(startX, move.clientX),
        top: Math.min(startY, move.clientY),
        right: Math.max(startX, move.clientX),
        bottom: Math.max(startY, move.clientY),
      };
      const inBox = refsInBox(grid, motion, rect);
      setSelection(editor, additive ? mergeRefs(before, inBox) : inBox);
      const g = grid.getBoundingClientRect();
      setBox({
        left: rect.left - g.left,
        top: rect.top - g.top,
        width: rect.right - rect.left,
        height: rect.bottom - rect.top,
      });
    };
    const onUp = (up: PointerEvent) => {
      body.removeEventListener('pointermove', onMove);
      body.removeEventListener('pointerup', onUp);
      body.removeEventListener('pointercancel', onUp);
      if (boxing && !drawing) {
        scrub(up.clientX);
        if (!additive) setSelection(editor, []);
      }
      setBox(null);
    };
    body.addEventListener('pointermove', onMove);
    body.addEventListener('pointerup', onUp);
    body.addEventListener('pointercancel', onUp);
  };

  const motion = character?.motion ?? null;
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
        <ViewTools />
        {selection.length > 0 ? (
          <span className="tl-selection-count" data-testid="tl-selection-count">
            {selection.length} key{selection.length === 1 ? '' : 's'} selected
          </span>
        ) : null}
      </div>
      {graphOpen ? (
        <GraphEditor durationFrames={durationFrames} />
      ) : (
        <div
          className="timeline-body tl-zoomable"
          ref={bodyRef}
          onPointerDown={onPointerDown}
          data-testid="timeline-body"
        >
          <div
            className="tl-grid"
            ref={gridRef}
            style={{ width: `calc(var(--label-w) + (100% - var(--label-w)) * ${zoom})` }}
          >
            <Ruler durationFrames={durationFrames} badgeRef={badgeRef} />
            {motion && character ? (
              <>
                <TimelineRow
                  label="Summary"
                  testId="tl-row-summary"
                  target={{ kind: 'summary' }}
                  keys={summaryKeys(motion)}
                  durationFrames={durationFrames}
                  selectedKeys={selectedKeys}
                  onKeyMenu={setMenu}
                />
                <TimelineRow
                  label="Root position"
                  testId="tl-row-root"
                  target={{ kind: 'root' }}
                  keys={keysOf(motion.rootTranslation)}
                  durationFrames={durationFrames}
                  selectedKeys={selectedKeys}
                  onKeyMenu={setMenu}
                />
                <AudioRow durationFrames={durationFrames} />
                <MouthRow character={character} durationFrames={durationFrames} />
                <LayerRows character={character} durationFrames={durationFrames} />
                {character.skeleton.joints.map((joint) => (
                  <TimelineRow
                    key={joint.id}
                    label={joint.name}
                    testId={`tl-row-${joint.name}`}
                    target={{ kind: 'joint', jointId: joint.id }}
                    keys={keysOf(motion.rotations[joint.id])}
                    durationFrames={durationFrames}
                    selected={joint.id === selected}
                    selectedKeys={selectedKeys}
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
            {box ? <div className="tl-box" data-testid="tl-box" style={box} /> : null}
          </div>
        </div>
      )}
      {menu ? <KeyMenu menu={menu} onClose={closeMenu} /> : null}
    </section>
  );
}
