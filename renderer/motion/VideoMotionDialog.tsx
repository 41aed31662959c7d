import { type ReactElement, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { VideoMotionResult } from '../../core/contract/api.js';
import { useEditor, useServices } from '../context.js';
import { Modal } from '../panels/Modal.js';
import {
  applyAssignedPeople,
  applyPickedPerson,
  assignPerson,
  cancelVideoImport,
  pickCharacter,
  pickPerson,
  setVideoImportOption,
  videoImportFor,
} from './videoImport.js';

/** Bones drawn over the video for the picked person (Keypose joint names). */
const OVERLAY_BONES: readonly [string, string][] = [
  ['Hips', 'Chest'],
  ['Chest', 'Neck'],
  ['Neck', 'Head'],
  ['LeftArm', 'RightArm'],
  ['LeftArm', 'LeftForeArm'],
  ['LeftForeArm', 'LeftHand'],
  ['RightArm', 'RightForeArm'],
  ['RightForeArm', 'RightHand'],
  ['LeftUpLeg', 'RightUpLeg'],
  ['LeftUpLeg', 'LeftLeg'],
  ['LeftLeg', 'LeftFoot'],
  ['RightUpLeg', 'RightLeg'],
  ['RightLeg', 'RightFoot'],
];

function formatEta(etaSec: number | null): string {
  if (etaSec === null || !Number.isFinite(etaSec)) return '';
  return etaSec < 1 ? 'almost done' : `about ${Math.ceil(etaSec)} s left`;
}

/** The video with every person's track drawn over it (the picked one bright), following playback. */
function TrackPreview(props: { result: VideoMotionResult; videoUrl: string; trackId: number }): ReactElement {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const { result, trackId } = props;
  useEffect(() => {
    let raf = 0;
    const draw = () => {
      raf = requestAnimationFrame(draw);
      const v = video.current;
      const c = canvas.current;
      const ctx = c?.getContext('2d');
      if (!v || !c || !ctx) return;
      const frame = Math.min(
        result.frameCount - 1,
        Math.max(0, Math.floor(v.currentTime * result.fps + 1e-6)),
      );
      c.dataset.frame = String(frame);
      ctx.clearRect(0, 0, c.width, c.height);
      for (const person of result.people) {
        const joints = person.joints2d[frame];
        if (!joints) continue;
        const picked = person.trackId === trackId;
        ctx.strokeStyle = picked ? '#ffcc33' : 'rgba(120, 200, 255, 0.6)';
        ctx.lineWidth = picked ? 3 : 1.5;
        ctx.beginPath();
        for (const [a, b] of OVERLAY_BONES) {
          const pa = joints[a];
          const pb = joints[b];
          if (!pa || !pb) continue;
          ctx.moveTo(pa[0], pa[1]);
          ctx.lineTo(pb[0], pb[1]);
        }
        ctx.stroke();
        const hips = joints.Hips;
        if (hips) {
          ctx.fillStyle = ctx.strokeStyle;
          ctx.font = '14px sans-serif';
          ctx.fillText(String(person.trackId), hips[0] + 6, hips[1]);
        }
      }
    };
    draw();
    return () => cancelAnimationFrame(raf);
  }, [result, trackId]);
  return (
    <div className="video-preview" style={{ position: 'relative', width: '100%', maxWidth: 480 }}>
      <video
        ref={video}
        src={props.videoUrl}
        controls
        loop
        muted
        data-testid="video-motion-preview"
        style={{ width: '100%', display: 'block' }}
      />
      <canvas
        ref={canvas}
        width={result.width}
        height={result.height}
        data-testid="video-motion-overlay"
        style={{ position: 'absolute', left: 0, top: 0, width: '100%', pointerEvents: 'none' }}
      />
    </div>
  );
}

/** Import motion from video…: progress and Cancel, then the person picker and preview. */
export function VideoMotionDialog(): ReactElement | null {
  const { editor, api } = useServices();
  const phase = useStore(videoImportFor(editor), (s) => s.phase);
  const characters = useEditor((s) => s.document?.characters ?? []);
  if (phase.kind === 'idle') return null;
  if (phase.kind === 'running') {
    const percent = phase.total > 0 ? Math.round((phase.done / phase.total) * 100) : null;
    return (
      <Modal title="Motion from video" className="video-motion-dialog" testId="video-motion-dialog">
        <p data-testid="video-motion-stage">
          Finding the people in {phase.fileName}
          {phase.total > 0 ? `: frame ${phase.done} of ${phase.total}` : '…'} {formatEta(phase.etaSec)}
        </p>
        <progress max={100} value={percent ?? undefined} data-testid="video-motion-progress" />
        <div className="dialog-buttons">
          <button
            type="button"
            onClick={() => cancelVideoImport(editor, api)}
            data-testid="video-motion-cancel"
          >
            Cancel
          </button>
        </div>
      </Modal>
    );
  }
  const { result } = phase;
  return (
    <Modal title="Motion from video" className="video-motion-dialog" testId="video-motion-dialog">
      <p data-testid="video-motion-summary">
        {result.fileName}: {result.frameCount} frames at {result.fps} fps, {result.people.length}{' '}
        {result.people.length === 1 ? 'person' : 'people'}{' '}
        {result.fromCache
          ? '(analysed before: read from the cache)'
          : `(analysed in ${result.elapsedSec.toFixed(1)} s)`}
      </p>
      <div
        className="video-motion-people"
        role="listbox"
        aria-label="People in the video"
        style={{ display: 'flex', gap: 8 }}
      >
        {result.people.map((p) => (
          <div
            key={p.trackId}
            className="video-motion-person"
            style={{ display: 'flex', flexDirection: 'column', alignItems: 'stretch', gap: 4 }}
          >
            <button
              type="button"
              role="option"
              aria-selected={p.trackId === phase.trackId}
              className={p.trackId === phase.trackId ? 'tool-button active' : 'tool-button'}
              data-testid={`video-person-${p.trackId}`}
              onClick={() => pickPerson(editor, p.trackId)}
              style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', height: 'auto' }}
            >
              {p.thumbnailPngBase64 ? (
                <img
                  src={`data:image/png;base64,${p.thumbnailPngBase64}`}
                  alt={`Person ${p.trackId}`}
                  height={96}
                />
              ) : null}
              <span>
                Person {p.trackId}: {p.seenFrames} frames
              </span>
            </button>
            <select
              aria-label={`Character for person ${p.trackId}`}
              value={phase.assignments[p.trackId] ?? ''}
              data-testid={`video-assign-${p.trackId}`}
              onChange={(event) => assignPerson(editor, p.trackId, event.currentTarget.value || null)}
            >
              <option value="">(not used)</option>
              {characters.map((c) => (
                <option key={c.id} value={c.id}>
                  → {c.name}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
      <TrackPreview result={result} videoUrl={phase.videoUrl} trackId={phase.trackId} />
      <label>
        Picked person onto{' '}
        <select
          value={phase.characterId ?? ''}
          data-testid="video-motion-character"
          onChange={(event) => pickCharacter(editor, event.currentTarget.value)}
        >
          {characters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label title="Sideways spacing and depth order from where the people stood in the video">
        <input
          type="checkbox"
          checked={phase.place}
          data-testid="video-motion-place"
          onChange={(event) => setVideoImportOption(editor, { place: event.currentTarget.checked })}
        />{' '}
        Place the characters as the people stood
      </label>
      <label
        title={
          phase.reference
            ? 'Shown faintly behind the viewport, in step with the playhead (Shift+V)'
            : 'This video type (or size) cannot be kept in the project'
        }
      >
        <input
          type="checkbox"
          checked={phase.keepReference}
          disabled={!phase.reference}
          data-testid="video-motion-reference"
          onChange={(event) => setVideoImportOption(editor, { keepReference: event.currentTarget.checked })}
        />{' '}
        Keep the video as the reference behind the viewport
      </label>
      <div className="dialog-buttons">
        <button
          type="button"
          onClick={() => cancelVideoImport(editor, api)}
          data-testid="video-motion-cancel"
        >
          Cancel
        </button>
        <button
          type="button"
          disabled={!Object.values(phase.assignments).some((c) => c)}
          onClick={() => applyAssignedPeople(editor)}
          title="Every person onto the character chosen under them, as keys, in one undo step"
          data-testid="video-motion-apply-all"
        >
          Apply to characters
        </button>
        <button
          type="button"
          className="primary"
          disabled={!phase.characterId}
          onClick={() => void applyPickedPerson(editor)}
          data-testid="video-motion-use"
        >
          Use this person…
        </button>
      </div>
    </Modal>
  );
}
