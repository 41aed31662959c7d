import { type ReactElement, useEffect, useMemo, useRef, useState } from 'react';
import type { JointId } from '../../core/ids.js';
import { quatFromEulerDeg, quatToEulerDeg } from '../../core/math/quat.js';
import type { Quat } from '../../core/math/types.js';
import { setKey } from '../../core/motion/edit.js';
import { evaluateRotationTrack } from '../../core/motion/evaluate.js';
import { type BezierEase, DEFAULT_EASE, type Keyframe, type Track } from '../../core/motion/types.js';
import { jointById } from '../../core/skeleton/query.js';
import { useEditor, useServices } from '../context.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { updateMotion } from '../state/edits.js';

/**
 * The graph (curve) editor of the selected joint's rotation keys: X, Y and Z (degrees, XYZ
 * Euler, as the Inspector shows them) drawn from the evaluated track, one point per key. A
 * segment's bezier handles are its ease (core/motion/types.ts BezierEase, the timing of the slerp
 * between its two keys): the out-handle of the key that starts it (x1, y1) and the in-handle of
 * the key that ends it (x2, y2), drawn on the channel that changes most over the segment.
 * Dragging a handle makes the segment bezier and sets its ease; dragging a key up or down sets
 * that channel of the key. Each drag is one undo step.
 */

const AXES = ['x', 'y', 'z'] as const;
const COLOURS = ['#ef6b6b', '#7fd47a', '#6fa8ef'];
const PAD = { left: 44, right: 12, top: 12, bottom: 18 };
/** The ease a linear segment already has, as a bezier (so converting it changes nothing). */
const LINEAR_EASE: BezierEase = { x1: 1 / 3, y1: 1 / 3, x2: 2 / 3, y2: 2 / 3 };

const unwrap = (deg: number, previous: number | undefined) =>
  previous === undefined ? deg : deg - 360 * Math.round((deg - previous) / 360);

interface Curves {
  readonly frames: number[];
  /** Per axis, the value at each sampled frame (unwrapped: no jumps at ±180°). */
  readonly values: [number[], number[], number[]];
  readonly min: number;
  readonly max: number;
}

function sampleCurves(track: Track<Quat>, durationFrames: number): Curves {
  const frames: number[] = [];
  const values: [number[], number[], number[]] = [[], [], []];
  const step = Math.max(1, Math.floor(durationFrames / 600));
  const wanted = new Set<number>(track.map((k) => k.frame));
  for (let f = 0; f < durationFrames; f += step) wanted.add(f);
  wanted.add(durationFrames - 1);
  const sorted = [...wanted].filter((f) => f >= 0).sort((a, b) => a - b);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const f of sorted) {
    const e = quatToEulerDeg(evaluateRotationTrack(track, f), 'XYZ');
    frames.push(f);
    for (let c = 0; c < 3; c++) {
      const v = unwrap(e[c]!, values[c]!.at(-1));
      values[c]!.push(v);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (!Number.isFinite(min)) [min, max] = [-10, 10];
  if (max - min < 20) {
    const mid = (max + min) / 2;
    [min, max] = [mid - 10, mid + 10];
  }
  const pad = (max - min) * 0.08;
  return { frames, values, min: min - pad, max: max + pad };
}

function easeOf(key: Keyframe<Quat>): BezierEase | null {
  if (key.interpolation === 'step') return null;
  if (key.interpolation === 'linear') return LINEAR_EASE;
  return key.ease ?? DEFAULT_EASE;
}

function editTrack(
  editor: Editor,
  jointId: JointId,
  label: string,
  fn: (track: Track<Quat>) => Track<Quat>,
): void {
  const character = activeCharacter(editor.store.getState());
  if (!character) return;
  editor.actions.edit(label, (doc) =>
    updateMotion(doc, character.id, (motion) => ({
      ...motion,
      rotations: { ...motion.rotations, [jointId]: fn(motion.rotations[jointId] ?? []) },
    })),
  );
}

export function GraphEditor({ durationFrames }: { durationFrames: number }): ReactElement {
  const { editor, commands } = useServices();
  const selected = useEditor((s) => s.selectedJointId);
  const character = useEditor(activeCharacter);
  const track = selected ? character?.motion.rotations[selected] : undefined;
  const name = selected && character ? (jointById(character.skeleton, selected)?.name ?? selected) : null;
  const ref = useRef<HTMLDivElement>(null);
  const playheadRef = useRef<SVGLineElement>(null);
  const [size, setSize] = useState({ width: 800, height: 200 });
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: node.clientWidth, height: node.clientHeight }),
    );
    observer.observe(node);
    setSize({ width: node.clientWidth, height: node.clientHeight });
    return () => observer.disconnect();
  }, []);
  // The playhead follows the playhead store directly (no React render per frame).
  useEffect(() => {
    const place = () => {
      const line = playheadRef.current;
      if (!line) return;
      const x =
        PAD.left +
        ((editor.playhead.getState().frame + 0.5) / durationFrames) *
          Math.max(10, size.width - PAD.left - PAD.right);
      line.setAttribute('x1', String(x));
      line.setAttribute('x2', String(x));
    };
    place();
    return editor.playhead.subscribe(place);
  });
  const curves = useMemo(
    () => (track && track.length > 0 ? sampleCurves(track, durationFrames) : null),
    [track, durationFrames],
  );

  const plotW = Math.max(10, size.width - PAD.left - PAD.right);
  const plotH = Math.max(10, size.height - PAD.top - PAD.bottom);
  const xOf = (frame: number) => PAD.left + ((frame + 0.5) / durationFrames) * plotW;
  const yOf = (value: number) =>
    curves ? PAD.top + ((curves.max - value) / (curves.max - curves.min)) * plotH : 0;
  const frameOfX = (x: number) => ((x - PAD.left) / plotW) * durationFrames - 0.5;
  const valueOfY = (y: number) =>
    curves ? curves.max - ((y - PAD.top) / plotH) * (curves.max - curves.min) : 0;
  const valueAt = (axis: number, frame: number) => {
    if (!curves) return 0;
    const i = curves.frames.indexOf(frame);
    return i >= 0 ? curves.values[axis]![i]! : 0;
  };

  /** A drag inside the SVG, one undo step: `apply` gets the pointer in graph units. */
  const drag = (
    event: React.PointerEvent<SVGElement>,
    label: string,
    apply: (frame: number, value: number) => void,
  ) => {
    if (event.button !== 0 || !selected) return;
    event.preventDefault();
    event.stopPropagation();
    const svg = (event.currentTarget as SVGElement).ownerSVGElement ?? (event.currentTarget as SVGSVGElement);
    const node = event.currentTarget;
    node.setPointerCapture(event.pointerId);
    let started = false;
    const onMove = (move: PointerEvent) => {
      const rect = svg.getBoundingClientRect();
      if (!started) {
        started = true;
        editor.actions.beginGesture(label);
      }
      apply(frameOfX(move.clientX - rect.left), valueOfY(move.clientY - rect.top));
    };
    const onUp = () => {
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onUp);
      if (started) editor.actions.endGesture();
    };
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onUp);
  };

  const body = (() => {
    if (!selected || !name) return <p className="graph-empty">Select a joint to see its rotation curves.</p>;
    if (!track || track.length === 0 || !curves)
      return <p className="graph-empty">{name} has no rotation keys.</p>;
    const keys = track;
    const jointId = selected;
    const handles: ReactElement[] = [];
    keys.forEach((key, k) => {
      const next = keys[k + 1];
      const ease = next ? easeOf(key) : null;
      if (!next || !ease) return;
      const deltas = [0, 1, 2].map((c) => valueAt(c, next.frame) - valueAt(c, key.frame));
      const axis = deltas.reduce((best, d, c) => (Math.abs(d) > Math.abs(deltas[best]!) ? c : best), 0);
      const dv = deltas[axis]!;
      if (Math.abs(dv) < 0.01) return;
      const v0 = valueAt(axis, key.frame);
      const span = next.frame - key.frame;
      const out = { x: xOf(key.frame + ease.x1 * span), y: yOf(v0 + ease.y1 * dv) };
      const inn = { x: xOf(key.frame + ease.x2 * span), y: yOf(v0 + ease.y2 * dv) };
      const setEase = (which: 'out' | 'in', frame: number, value: number) => {
        const x = Math.min(1, Math.max(0, (frame - key.frame) / span));
        const y = (value - v0) / dv;
        const now = easeOf(key) ?? LINEAR_EASE;
        const ease2: BezierEase = which === 'out' ? { ...now, x1: x, y1: y } : { ...now, x2: x, y2: y };
        editTrack(editor, jointId, 'Edit curve handle', (t) =>
          setKey(t, { ...key, interpolation: 'bezier', ease: ease2 }),
        );
      };
      handles.push(
        <g key={`h-${key.frame}`} className="graph-handles">
          <line x1={xOf(key.frame)} y1={yOf(v0)} x2={out.x} y2={out.y} />
          <line x1={xOf(next.frame)} y1={yOf(v0 + dv)} x2={inn.x} y2={inn.y} />
          <circle
            cx={out.x}
            cy={out.y}
            r={5}
            className="graph-handle"
            data-testid={`graph-handle-out-${key.frame}`}
            onPointerDown={(e) => drag(e, 'Edit curve handle', (f, v) => setEase('out', f, v))}
          />
          <circle
            cx={inn.x}
            cy={inn.y}
            r={5}
            className="graph-handle"
            data-testid={`graph-handle-in-${next.frame}`}
            onPointerDown={(e) => drag(e, 'Edit curve handle', (f, v) => setEase('in', f, v))}
          />
        </g>,
      );
    });
    return (
      <svg
        width={size.width}
        height={size.height}
        className="graph-svg"
        data-joint={name}
        role="img"
        aria-label={`Rotation curves of ${name}`}
        onPointerDown={(event) => {
          // A press on the background (not a key or a handle) moves the playhead there.
          if (event.button !== 0 || event.target !== event.currentTarget) return;
          const rect = event.currentTarget.getBoundingClientRect();
          commands.setFrame(Math.round(frameOfX(event.clientX - rect.left)));
        }}
      >
        <line ref={playheadRef} className="graph-playhead" y1={PAD.top} y2={PAD.top + plotH} />
        {[0, 0.25, 0.5, 0.75, 1].map((u) => {
          const value = curves.min + (curves.max - curves.min) * u;
          return (
            <g key={u} className="graph-grid">
              <line x1={PAD.left} x2={PAD.left + plotW} y1={yOf(value)} y2={yOf(value)} />
              <text x={PAD.left - 4} y={yOf(value) + 3} textAnchor="end">
                {Math.round(value)}°
              </text>
            </g>
          );
        })}
        {AXES.map((axis, c) => (
          <polyline
            key={axis}
            className="graph-curve"
            data-testid={`graph-curve-${axis}`}
            stroke={COLOURS[c]}
            points={curves.frames
              .map((f, i) => `${xOf(f).toFixed(1)},${yOf(curves.values[c]![i]!).toFixed(1)}`)
              .join(' ')}
          />
        ))}
        {handles}
        {keys.map((key) =>
          AXES.map((axis, c) => (
            <rect
              key={`${key.frame}-${axis}`}
              x={xOf(key.frame) - 4}
              y={yOf(valueAt(c, key.frame)) - 4}
              width={8}
              height={8}
              fill={COLOURS[c]}
              className="graph-key"
              data-testid={`graph-key-${key.frame}-${axis}`}
              onPointerDown={(e) =>
                drag(e, `Edit ${name} ${axis.toUpperCase()}`, (_f, v) => {
                  const euler = quatToEulerDeg(key.value, 'XYZ');
                  const changed: [number, number, number] = [euler[0], euler[1], euler[2]];
                  changed[c] = v;
                  editTrack(editor, jointId, `Edit ${name} ${axis.toUpperCase()}`, (t) =>
                    setKey(t, { ...key, value: quatFromEulerDeg(changed, 'XYZ') }),
                  );
                })
              }
            />
          )),
        )}
      </svg>
    );
  })();

  return (
    <div className="graph-editor" ref={ref} data-testid="graph-editor">
      <div className="graph-legend">
        {name ? `${name} rotation (XYZ °)` : ''}
        {AXES.map((axis, c) => (
          <span key={axis} style={{ color: COLOURS[c] }}>
            {axis.toUpperCase()}
          </span>
        ))}
      </div>
      {body}
    </div>
  );
}
