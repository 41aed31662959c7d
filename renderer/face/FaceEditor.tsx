import { type PointerEvent, type ReactElement, useMemo, useRef, useState } from 'react';
import { setFaceRig } from '../../core/document/faceEdits.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import { keepMouthOf } from '../../core/face/mouthArt.js';
import type { FaceRig, Point } from '../../core/face/schema.js';
import { useServices } from '../context.js';
import { faceUiFor } from './faceUi.js';

/**
 * The face rig's points over the character's picture, to drag into place (the manual adjust after
 * automatic detection). Apply stores them as one undoable edit ("Edit face points"); Cancel or
 * Escape leaves the rig as it was.
 */

type Handle = { id: string; label: string; at: Point };

function handlesOf(rig: FaceRig): Handle[] {
  const eye = (side: 'left' | 'right') => {
    const e = rig.eyes[side];
    return [
      { id: `eyes.${side}.center`, label: `${side} eye`, at: e.center },
      {
        id: `eyes.${side}.size`,
        label: `${side} eye size`,
        at: [e.center[0] + e.halfWidth, e.center[1] + e.halfHeight] as Point,
      },
    ];
  };
  const brow = (side: 'left' | 'right') =>
    rig.brows[side].map((p, i) => ({
      id: `brows.${side}.${i}`,
      label: `${side} brow ${['inner', 'middle', 'outer'][i]}`,
      at: p,
    }));
  return [
    ...eye('left'),
    ...eye('right'),
    ...brow('left'),
    ...brow('right'),
    { id: 'nose', label: 'nose', at: rig.nose },
    { id: 'mouth.left', label: 'mouth left corner', at: rig.mouth.left },
    { id: 'mouth.right', label: 'mouth right corner', at: rig.mouth.right },
    { id: 'mouth.upper', label: 'upper lip', at: rig.mouth.upper },
    { id: 'mouth.lower', label: 'lower lip', at: rig.mouth.lower },
    { id: 'chin', label: 'chin', at: rig.chin },
  ];
}

/** The rig with one handle moved to `p` (art pixels). */
export function moveHandle(rig: FaceRig, id: string, p: Point): FaceRig {
  const [group, side, part] = id.split('.');
  if (group === 'eyes' && (side === 'left' || side === 'right')) {
    const e = rig.eyes[side];
    const moved =
      part === 'center'
        ? { ...e, center: p }
        : {
            ...e,
            halfWidth: Math.max(1, Math.abs(p[0] - e.center[0])),
            halfHeight: Math.max(1, Math.abs(p[1] - e.center[1])),
          };
    return { ...rig, eyes: { ...rig.eyes, [side]: moved } };
  }
  if (group === 'brows' && (side === 'left' || side === 'right')) {
    const points = rig.brows[side].map((q, i) => (String(i) === part ? p : q)) as FaceRig['brows']['left'];
    return { ...rig, brows: { ...rig.brows, [side]: points } };
  }
  if (group === 'mouth' && side) return { ...rig, mouth: { ...rig.mouth, [side]: p } };
  if (group === 'nose') return { ...rig, nose: p };
  if (group === 'chin') return { ...rig, chin: p };
  return rig;
}

export function FaceEditor({
  document,
  character,
}: {
  document: ProjectDocument;
  character: Character;
}): ReactElement | null {
  const { editor } = useServices();
  const ui = faceUiFor(editor);
  const asset = document.assets[character.artAssetId];
  const [rig, setRig] = useState<FaceRig | null>(character.face ?? null);
  const [dragging, setDragging] = useState<string | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const url = useMemo(() => (asset ? `data:${asset.mime};base64,${asset.dataBase64}` : ''), [asset]);
  if (!asset || !rig) return null;
  // The view: the head's box with a margin, in art pixels.
  const xs = rig.outline.map((p) => p[0]);
  const ys = rig.outline.map((p) => p[1]);
  const margin = (Math.max(...xs) - Math.min(...xs)) * 0.15;
  const view = {
    x: Math.min(...xs) - margin,
    y: Math.min(...ys) - margin,
    w: Math.max(...xs) - Math.min(...xs) + 2 * margin,
    h: Math.max(...ys) - Math.min(...ys) + 2 * margin,
  };
  const r = view.w / 90;
  const toArt = (event: PointerEvent): Point => {
    const svg = svgRef.current as SVGSVGElement;
    const rect = svg.getBoundingClientRect();
    const s = Math.max(view.w / rect.width, view.h / rect.height);
    // preserveAspectRatio xMidYMid meet: the view is centred in the element.
    const ox = (rect.width - view.w / s) / 2;
    const oy = (rect.height - view.h / s) / 2;
    return [view.x + (event.clientX - rect.left - ox) * s, view.y + (event.clientY - rect.top - oy) * s];
  };
  const close = () => ui.setState({ editorOpen: false });
  const apply = () => {
    // The points from the editor; the mouth style and drawings as the document has them now.
    editor.actions.edit('Edit face points', (doc) =>
      setFaceRig(
        doc,
        character.id,
        keepMouthOf({ ...rig, source: 'manual' }, doc.characters.find((c) => c.id === character.id)?.face),
      ),
    );
    close();
  };
  return (
    <div className="modal-backdrop" onPointerDown={close}>
      <div
        className="modal face-editor"
        role="dialog"
        aria-label="Face points"
        data-testid="face-editor"
        onPointerDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') close();
        }}
      >
        <div className="modal-head">
          <h2>Face points</h2>
        </div>
        <p className="hint">Drag the points onto the eyes, brows, nose, mouth and chin.</p>
        <svg
          ref={svgRef}
          className="face-editor-view"
          viewBox={`${view.x} ${view.y} ${view.w} ${view.h}`}
          data-testid="face-editor-view"
          onPointerMove={(event) => {
            if (dragging)
              setRig((current) => (current ? moveHandle(current, dragging, toArt(event)) : current));
          }}
          onPointerUp={() => setDragging(null)}
        >
          <title>The character's face with its rig points</title>
          <image href={url} x={0} y={0} width={asset.width} height={asset.height} />
          <polygon points={rig.outline.map((p) => p.join(',')).join(' ')} className="face-outline" />
          {(['left', 'right'] as const).map((side) => (
            <ellipse
              key={side}
              className="face-eye"
              cx={rig.eyes[side].center[0]}
              cy={rig.eyes[side].center[1]}
              rx={rig.eyes[side].halfWidth}
              ry={rig.eyes[side].halfHeight}
            />
          ))}
          <polyline
            className="face-mouth"
            points={[rig.mouth.right, rig.mouth.upper, rig.mouth.left, rig.mouth.lower, rig.mouth.right]
              .map((p) => p.join(','))
              .join(' ')}
          />
          {handlesOf(rig).map((h) => (
            <circle
              key={h.id}
              className={`face-handle${dragging === h.id ? ' dragging' : ''}`}
              cx={h.at[0]}
              cy={h.at[1]}
              r={r}
              data-testid={`face-handle-${h.id}`}
              onPointerDown={(event) => {
                event.stopPropagation();
                (event.currentTarget.ownerSVGElement as SVGSVGElement).setPointerCapture(event.pointerId);
                setDragging(h.id);
              }}
            >
              <title>{h.label}</title>
            </circle>
          ))}
        </svg>
        <div className="modal-actions">
          <button type="button" className="tool-button" onClick={close} data-testid="face-editor-cancel">
            Cancel
          </button>
          <button
            type="button"
            className="tool-button primary"
            onClick={apply}
            data-testid="face-editor-apply"
          >
            Apply
          </button>
        </div>
      </div>
    </div>
  );
}
