import { type ReactElement, useEffect, useRef, useState } from 'react';
import { type LibraryMotion, MOTION_LIBRARY } from '../../core/motion/library.js';
import { useEditor, useServices } from '../context.js';
import { Modal } from '../panels/Modal.js';
import { activeCharacter } from '../state/editorStore.js';
import { openPrepared } from './importFlow.js';
import { applyLibraryMotion, librarySource, type PreviewFrames, previewFrames } from './library.js';
import './motion.css';

/**
 * The motion library panel: each motion previewed on the current character (its own bones,
 * retargeted, looping in a small canvas), applied at the playhead with one click; Options… opens
 * the mapping panel for it (trim, layer, blend…).
 */

const PREVIEW_W = 112;
const PREVIEW_H = 132;

function Preview({ preview, testId }: { preview: PreviewFrames | null; testId: string }): ReactElement {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !preview || preview.frames.length === 0) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const [minX, minY, maxX, maxY] = preview.bounds;
    const scale = Math.min(
      (PREVIEW_W - 12) / Math.max(1, maxX - minX),
      (PREVIEW_H - 12) / Math.max(1, maxY - minY),
    );
    const ox = PREVIEW_W / 2 - ((minX + maxX) / 2) * scale;
    const oy = PREVIEW_H / 2 + ((minY + maxY) / 2) * scale;
    let raf = 0;
    const started = performance.now();
    const draw = (now: number) => {
      // rAF times can precede the effect's own clock reading: never a negative frame.
      const frame = Math.floor((Math.max(0, now - started) / 1000) * preview.fps) % preview.frames.length;
      const segments = preview.frames[frame]!;
      ctx.clearRect(0, 0, PREVIEW_W, PREVIEW_H);
      ctx.strokeStyle = '#8ab4f8';
      ctx.lineWidth = 2;
      ctx.lineCap = 'round';
      ctx.beginPath();
      for (let i = 0; i < segments.length; i += 4) {
        // Character space is y up; the canvas is y down.
        ctx.moveTo(ox + segments[i]! * scale, oy - segments[i + 1]! * scale);
        ctx.lineTo(ox + segments[i + 2]! * scale, oy - segments[i + 3]! * scale);
      }
      ctx.stroke();
      canvas.dataset.frame = String(frame);
      raf = requestAnimationFrame(draw);
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [preview]);
  return (
    <canvas
      ref={ref}
      width={PREVIEW_W}
      height={PREVIEW_H}
      className="library-preview"
      data-testid={testId}
      data-ready={preview ? 'true' : 'false'}
    />
  );
}

function LibraryItem({
  entry,
  inPlace,
  fill,
}: {
  entry: LibraryMotion;
  inPlace: boolean;
  fill: boolean;
}): ReactElement {
  const { editor, api, commands } = useServices();
  // The preview follows the character's skeleton, not its motion (editing keys keeps it).
  const skeleton = useEditor((s) => activeCharacter(s)?.skeleton ?? null);
  const fps = useEditor((s) => s.document?.fps ?? 24);
  const [preview, setPreview] = useState<PreviewFrames | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (!skeleton) return;
    let live = true;
    librarySource(api, entry).then(
      (source) => {
        if (live) setPreview(previewFrames(skeleton, source, fps));
      },
      (error: unknown) => {
        if (live) setFailed(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      live = false;
    };
  }, [api, entry, skeleton, fps]);
  const apply = async () => {
    try {
      const source = await librarySource(api, entry);
      applyLibraryMotion(editor, entry, source, { inPlace, fill });
      editor.actions.closeDialog();
    } catch (error) {
      commands.reportError(`Could not apply ${entry.label}`, error);
    }
  };
  const customise = async () => {
    try {
      const source = await librarySource(api, entry);
      openPrepared(editor, source, source.fps, { rootMotion: inPlace ? 'in-place' : 'keep' });
    } catch (error) {
      commands.reportError(`Could not open ${entry.label}`, error);
    }
  };
  return (
    <li className="library-item" data-testid={`library-item-${entry.id}`}>
      <Preview preview={preview} testId={`library-preview-${entry.id}`} />
      <div className="library-text">
        <strong>{entry.label}</strong>
        <span>{entry.description}</span>
        <span className="library-tags">
          {entry.body}
          {entry.loops ? ' · loops' : ''}
          {entry.travels ? ' · travels' : ''}
        </span>
        {failed ? <span className="library-error">{failed}</span> : null}
        <div className="library-buttons">
          <button
            type="button"
            className="button primary"
            data-testid={`library-apply-${entry.id}`}
            onClick={() => void apply()}
          >
            Apply
          </button>
          <button
            type="button"
            className="button"
            data-testid={`library-options-${entry.id}`}
            onClick={() => void customise()}
          >
            Options…
          </button>
        </div>
      </div>
    </li>
  );
}

export function MotionLibraryPanel(): ReactElement {
  const [inPlace, setInPlace] = useState(false);
  const [fill, setFill] = useState(true);
  return (
    <Modal title="Motion library" className="library-panel" testId="motion-library">
      <div className="library-head">
        <span>Applied at the playhead onto the selected character, as keys (one undo step).</span>
        <label>
          <input
            type="checkbox"
            data-testid="library-in-place"
            checked={inPlace}
            onChange={(e) => setInPlace(e.currentTarget.checked)}
          />{' '}
          In place
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="library-fill"
            checked={fill}
            onChange={(e) => setFill(e.currentTarget.checked)}
          />{' '}
          Loops fill the project
        </label>
      </div>
      <ul className="library-list">
        {MOTION_LIBRARY.map((entry) => (
          <LibraryItem key={entry.id} entry={entry} inPlace={inPlace} fill={fill} />
        ))}
      </ul>
    </Modal>
  );
}
