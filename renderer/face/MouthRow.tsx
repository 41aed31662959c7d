import { type PointerEvent, type ReactElement, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { setFaceMotion } from '../../core/document/faceEdits.js';
import type { Character } from '../../core/document/schema.js';
import { EMPTY_FACE_MOTION, moveMouthKey, setMouthKey } from '../../core/face/edits.js';
import { MOUTH_SHAPE_DOCS, type MouthShape } from '../../core/face/mouthShapes.js';
import type { MouthKey } from '../../core/face/schema.js';
import { useServices } from '../context.js';
import type { Editor } from '../state/editorStore.js';
import { faceUiFor } from './faceUi.js';

/**
 * The timeline's mouth-shape row (docs/face.md): one key per shape change, shown as its letter.
 * Click selects a key (the Face section then changes or deletes it), drag moves it (one undo
 * step), double-click on the row adds a key there.
 */

const pct = (frame: number, durationFrames: number) => `${((frame + 0.5) / durationFrames) * 100}%`;

export function editMouthKeys(
  editor: Editor,
  character: Character,
  label: string,
  fn: (keys: readonly MouthKey[]) => MouthKey[],
): void {
  editor.actions.edit(label, (doc) => {
    const current = doc.characters.find((c) => c.id === character.id);
    if (!current) return doc;
    const motion = current.faceMotion ?? EMPTY_FACE_MOTION;
    return setFaceMotion(doc, character.id, { ...motion, mouth: fn(motion.mouth) });
  });
}

function frameAt(track: HTMLElement, clientX: number, durationFrames: number): number {
  const rect = track.getBoundingClientRect();
  const f = Math.floor(((clientX - rect.left) / Math.max(1, rect.width)) * durationFrames);
  return Math.min(durationFrames - 1, Math.max(0, f));
}

export function MouthRow({
  character,
  durationFrames,
}: {
  character: Character;
  durationFrames: number;
}): ReactElement | null {
  const { editor, commands } = useServices();
  const ui = faceUiFor(editor);
  const selected = useStore(ui, (s) => s.selectedMouthKey);
  const trackRef = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const lastPress = useRef<{ at: number; frame: number } | null>(null);
  const keys = character.faceMotion?.mouth ?? [];
  if (!character.face && keys.length === 0) return null;

  const onKeyDown = (event: PointerEvent<HTMLButtonElement>, key: MouthKey) => {
    event.stopPropagation();
    event.preventDefault();
    ui.setState({ selectedMouthKey: key.frame });
    commands.setFrame(key.frame);
    event.currentTarget.setPointerCapture(event.pointerId);
    setDrag({ from: key.frame, to: key.frame });
  };
  const onKeyMove = (event: PointerEvent<HTMLButtonElement>) => {
    if (!drag || !trackRef.current) return;
    const to = frameAt(trackRef.current, event.clientX, durationFrames);
    if (to !== drag.to) setDrag({ ...drag, to });
  };
  const onKeyUp = () => {
    if (!drag) return;
    const { from, to } = drag;
    setDrag(null);
    if (to === from) return;
    editMouthKeys(editor, character, `Move mouth key to frame ${to}`, (k) => moveMouthKey(k, from, to));
    ui.setState({ selectedMouthKey: to });
  };
  return (
    <div className="tl-row tl-mouth" data-testid="tl-row-mouth">
      <div
        className="tl-label"
        title="Mouth shapes (lip sync): drag a key to move it, double-click the row to add one"
      >
        Mouth
      </div>
      <div
        className="tl-track tl-mouth-track"
        ref={trackRef}
        data-scrub="true"
        data-testid="tl-mouth-track"
        onPointerDown={(event) => {
          // A second press within 400 ms at the same frame: a double-click adds a key there.
          if (!trackRef.current || event.target !== event.currentTarget) return;
          const frame = frameAt(trackRef.current, event.clientX, durationFrames);
          const now = performance.now();
          const last = lastPress.current;
          lastPress.current = { at: now, frame };
          if (!last || now - last.at > 400 || Math.abs(last.frame - frame) > 1) return;
          lastPress.current = null;
          event.stopPropagation();
          editMouthKeys(editor, character, `Add mouth key at frame ${frame}`, (k) =>
            setMouthKey(k, frame, 'C'),
          );
          ui.setState({ selectedMouthKey: frame });
        }}
      >
        {keys.map((key) => {
          const frame = drag && drag.from === key.frame ? drag.to : key.frame;
          return (
            <button
              type="button"
              key={key.frame}
              className={`tl-mouth-key${selected === key.frame ? ' selected' : ''}`}
              style={{ left: pct(frame, durationFrames) }}
              title={`Frame ${key.frame}: ${key.shape} — ${MOUTH_SHAPE_DOCS[key.shape as MouthShape]}`}
              data-testid={`tl-mouth-key-${key.frame}`}
              data-shape={key.shape}
              onPointerDown={(event) => onKeyDown(event, key)}
              onPointerMove={onKeyMove}
              onPointerUp={onKeyUp}
              onPointerCancel={() => setDrag(null)}
            >
              {key.shape}
            </button>
          );
        })}
      </div>
    </div>
  );
}
