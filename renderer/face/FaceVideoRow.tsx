import { type ReactElement, useState } from 'react';
import { useStore } from 'zustand';
import type { Character } from '../../core/document/schema.js';
import { useServices } from '../context.js';
import { HiddenFileInput } from '../panels/HiddenFileInput.js';
import { FrameRangeFields, useFrameRange } from './FrameRangeFields.js';
import {
  applyFaceFromVideo,
  cancelFaceVideo,
  FACE_VIDEO_ACCEPT,
  FACE_VIDEO_INPUT_ID,
  faceVideoFor,
  runFaceVideo,
} from './faceVideo.js';

function formatEta(etaSec: number | null): string {
  if (etaSec === null || !Number.isFinite(etaSec)) return '';
  const s = Math.max(0, Math.round(etaSec));
  return ` · ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} left`;
}

/**
 * The Face section's "From face video…" row (docs/face.md, "Head pose and face from a video"):
 * the frames to key (video frame 0 lands on the first), the rest frame (the video frame where the
 * face looks into the camera, neutral; empty: the first with a face), the button, then the job's
 * progress with ETA and Cancel, a face picker when the video shows several, and what was keyed.
 */
export function FaceVideoRow({ character }: { character: Character }): ReactElement {
  const { editor, api, commands } = useServices();
  const phase = useStore(faceVideoFor(editor), (s) => s.phase);
  const range = useFrameRange();
  const [rest, setRest] = useState('');
  const restFrame = rest.trim() === '' ? undefined : Math.max(0, Math.round(Number(rest) || 0));

  return (
    <fieldset className="face-group face-video" data-testid="face-video">
      <legend>From a face video</legend>
      <HiddenFileInput
        id={FACE_VIDEO_INPUT_ID}
        accept={FACE_VIDEO_ACCEPT}
        testId="face-video-input"
        onFile={(file) =>
          void runFaceVideo(editor, api, commands, file, {
            characterId: character.id,
            from: range.from,
            to: range.end,
            ...(restFrame !== undefined ? { restFrame } : {}),
          })
        }
      />
      <FrameRangeFields
        range={range}
        testId="face-video"
        firstLabel="First frame to key from the video"
        lastLabel="Last frame to key from the video"
      />
      <label
        className="face-field"
        title="The video frame where the face looks into the camera with a neutral face"
      >
        Rest frame
        <input
          type="number"
          min={0}
          value={rest}
          placeholder="first"
          className="face-video-rest"
          data-testid="face-video-rest"
          onChange={(event) => setRest(event.currentTarget.value)}
        />
      </label>
      {phase.kind === 'running' ? (
        <div className="face-progress" data-testid="face-video-progress">
          <progress max={Math.max(1, phase.total)} value={phase.done} />
          <span>
            Reading the face in {phase.fileName}
            {phase.total > 0 ? ` ${phase.done}/${phase.total} frames` : '…'}
            {formatEta(phase.etaSec)}
          </span>
          <button
            type="button"
            className="tool-button"
            onClick={() => cancelFaceVideo(editor, api)}
            data-testid="face-video-cancel"
          >
            Cancel
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="tool-button"
          title="Key the head's turn and the face (blinks, brows, mouth) from a video of a face"
          onClick={() => document.getElementById(FACE_VIDEO_INPUT_ID)?.click()}
          data-testid="face-video-run"
        >
          From face video…
        </button>
      )}
      {phase.kind === 'pick' ? (
        <div className="face-video-pick" data-testid="face-video-pick">
          <span>{phase.result.faces.length} faces in the video: use</span>
          {phase.result.faces.map((face) => (
            <button
              key={face.trackId}
              type="button"
              className="tool-button"
              data-testid={`face-video-face-${face.trackId}`}
              onClick={() => applyFaceFromVideo(editor, commands, phase.result, face.trackId, phase.target)}
            >
              {face.thumbnailPngBase64 ? (
                <img alt="" height={40} src={`data:image/png;base64,${face.thumbnailPngBase64}`} />
              ) : null}
              Face {face.trackId}
            </button>
          ))}
          <button type="button" className="tool-button" onClick={() => cancelFaceVideo(editor, api)}>
            Cancel
          </button>
        </div>
      ) : null}
      {phase.kind === 'done' ? (
        <p className="hint" data-testid="face-video-done">
          {phase.message}
        </p>
      ) : null}
    </fieldset>
  );
}
