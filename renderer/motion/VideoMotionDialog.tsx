import { type ReactElement, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { VideoMotionResult } from '../../core/contract/api.js';
import { useEditor, useServices } from '../context.js';
import { Modal } from '../panels/Modal.js';
import {
  applyPickedPerson,
  cancelVideoImport,
  pickCharacter,
  pickPerson,
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
        {result.people.length === 1 ? 'person' : 'people'} (analysed in {result.elapsedSec.toFixed(1)} s)
      </p>
      <div
        className="video-motion-people"
        role="listbox"
        aria-label="People in the video"
        style={{ display: 'flex', gap: 8 }}
      >
        {result.people.map((p) => (
          <button
            key={p.trackId}
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
        ))}
      </div>
      <TrackPreview result={result} videoUrl={phase.videoUrl} trackId={phase.trackId} />
      <label>
        Onto{' '}
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
