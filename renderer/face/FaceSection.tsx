import type { ReactElement } from 'react';
import { useStore } from 'zustand';
import { setFaceMotion, setFaceRig } from '../../core/document/faceEdits.js';
import type { Character } from '../../core/document/schema.js';
import { deleteMouthKey, EMPTY_FACE_MOTION, setMouthKey } from '../../core/face/edits.js';
import { keepMouthOf } from '../../core/face/mouthArt.js';
import { MOUTH_SHAPE_DOCS, MOUTH_SHAPES } from '../../core/face/mouthShapes.js';
import type { FaceMotion } from '../../core/face/schema.js';
import { SPEECH_MOTION_LAYER_ID } from '../../core/face/speechMotion.js';
import {
  mouthTrackToMohoDat,
  mouthTrackToRhubarbJson,
  mouthTrackToRhubarbTsv,
} from '../../core/face/trackFormats.js';
import { useEditor, useServices } from '../context.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { ExpressionRow } from './ExpressionRow.js';
import { FaceEditor } from './FaceEditor.js';
import { FaceVideoRow } from './FaceVideoRow.js';
import { cancelLipSync, faceUiFor, runLipSync } from './faceUi.js';
import { MouthArtRow } from './MouthArtRow.js';
import { editMouthKeys } from './MouthRow.js';
import './face.css';

/**
 * The Inspector's Face section (docs/face.md): set up the face rig (found on the picture, then
 * adjusted in the face editor), "Lip sync from audio" with progress and cancel, the
 * selected mouth key's shape, the speech-motion layer's weight and mute, the track's exports.
 */

function editFaceMotion(
  editor: Editor,
  character: Character,
  label: string,
  fn: (m: FaceMotion) => FaceMotion,
) {
  editor.actions.edit(label, (doc) => {
    const current = doc.characters.find((c) => c.id === character.id);
    return current ? setFaceMotion(doc, character.id, fn(current.faceMotion ?? EMPTY_FACE_MOTION)) : doc;
  });
}

function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function FaceSection(): ReactElement | null {
  const { editor, api, commands } = useServices();
  const ui = faceUiFor(editor);
  const character = useEditor(activeCharacter);
  const document = useEditor((s) => s.document);
  const lipSync = useStore(ui, (s) => s.lipSync);
  const text = useStore(ui, (s) => s.text);
  const selectedKey = useStore(ui, (s) => s.selectedMouthKey);
  const editorOpen = useStore(ui, (s) => s.editorOpen);
  if (!character || !document) return null;
  const rig = character.face;
  const motion = character.faceMotion;
  const key = selectedKey === null ? undefined : motion?.mouth.find((k) => k.frame === selectedKey);
  const layer = motion?.layers?.find((l) => l.id === SPEECH_MOTION_LAYER_ID);
  const running = lipSync.kind === 'running';
  const hasAudio = document.audio !== undefined;

  const setUp = () =>
    api.detectFace({ document, characterId: character.id }).then(
      ({ rig: found, found: features, modelError }) => {
        editor.actions.edit('Set up face', (doc) =>
          setFaceRig(
            doc,
            character.id,
            keepMouthOf(found, doc.characters.find((c) => c.id === character.id)?.face),
          ),
        );
        // The landmark model could not run: said first, since the finder's guess on a photo is poor.
        const unavailable = modelError ? `The face landmark model could not run (${modelError}). ` : '';
        editor.actions.setNotice(
          unavailable +
            (found.source === 'facemesh'
              ? 'Face found by the landmark model. Check the points (Edit points…).'
              : found.source === 'psd'
                ? `Face placed from the PSD's layers: ${features.join(', ')}. Check the points (Edit points…).`
                : features.length > 0
                  ? `Face found: ${features.join(', ')}. Check the points (Edit points…).`
                  : 'No face features found: the points are placed by proportion. Drag them into place (Edit points…).'),
        );
      },
      (error: unknown) => commands.reportError('Could not set up the face', error),
    );

  const exportTrack = (ext: 'tsv' | 'json' | 'dat') => {
    const input = {
      keys: motion?.mouth ?? [],
      fps: document.fps,
      durationFrames: document.durationFrames,
      soundFile: document.audio?.fileName ?? '',
    };
    const write = { tsv: mouthTrackToRhubarbTsv, json: mouthTrackToRhubarbJson, dat: mouthTrackToMohoDat }[
      ext
    ];
    download(`${character.name}-mouth.${ext}`, write(input));
  };

  return (
    <div className="face-section" data-testid="face-section">
      <div className="section-head">
        <span>Face</span>
      </div>
      {rig ? (
        <div className="field-group face-rig-row">
          <span className="face-source" data-testid="face-source">
            Rig: {rig.source}
          </span>
          <button
            type="button"
            className="tool-button"
            onClick={() => ui.setState({ editorOpen: true })}
            data-testid="face-edit-points"
          >
            Edit points…
          </button>
          <button
            type="button"
            className="tool-button"
            onClick={setUp}
            data-testid="face-redetect"
            title="Find the face again"
          >
            Find again
          </button>
        </div>
      ) : (
        <button type="button" className="tool-button" onClick={setUp} data-testid="face-setup">
          Set up face
        </button>
      )}
      <label className="face-field face-text">
        Dialogue (optional)
        <textarea
          rows={2}
          value={text}
          placeholder="What is said: helps the recogniser"
          data-testid="lipsync-text"
          onChange={(event) => ui.setState({ text: event.currentTarget.value })}
        />
      </label>
      {running ? (
        <div className="face-progress" data-testid="lipsync-progress">
          <progress max={1} value={lipSync.fraction} />
          <span>{lipSync.stage || 'Lip sync…'}</span>
          <button
            type="button"
            className="tool-button"
            onClick={() => cancelLipSync(editor, api, commands)}
            data-testid="lipsync-cancel"
          >
            Cancel
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="tool-button"
          disabled={!hasAudio}
          title={
            hasAudio
              ? 'Find the mouth shapes in the project’s sound'
              : 'Attach the voice recording first (Audio…)'
          }
          onClick={() => void runLipSync(editor, api, commands)}
          data-testid="lipsync-run"
        >
          Lip sync from audio
        </button>
      )}
      {lipSync.kind === 'done' ? (
        <p className="hint" data-testid="lipsync-done">
          {lipSync.keys} mouth keys from {lipSync.durationSec.toFixed(1)} s of speech (
          {lipSync.elapsedSec.toFixed(1)} s).
        </p>
      ) : null}
      {key ? (
        <div className="face-key" data-testid="mouth-key-editor">
          <span>Frame {key.frame}:</span>
          {MOUTH_SHAPES.map((shape) => (
            <button
              key={shape}
              type="button"
              className={`face-shape${shape === key.shape ? ' current' : ''}`}
              title={MOUTH_SHAPE_DOCS[shape]}
              aria-pressed={shape === key.shape}
              data-testid={`mouth-shape-${shape}`}
              onClick={() =>
                editMouthKeys(editor, character, `Mouth shape ${shape}`, (k) =>
                  setMouthKey(k, key.frame, shape),
                )
              }
            >
              {shape}
            </button>
          ))}
          <button
            type="button"
            className="tool-button"
            data-testid="mouth-key-delete"
            onClick={() => {
              editMouthKeys(editor, character, 'Delete mouth key', (k) => deleteMouthKey(k, key.frame));
              ui.setState({ selectedMouthKey: null });
            }}
          >
            Delete
          </button>
        </div>
      ) : null}
      <MouthArtRow
        character={character}
        artSize={{
          width: document.assets[character.artAssetId]?.width ?? 1,
          height: document.assets[character.artAssetId]?.height ?? 1,
        }}
      />
      <ExpressionRow character={character} />
      <FaceVideoRow character={character} />
      {layer ? (
        <div className="field-group face-layer" data-testid="speech-motion">
          <label className="face-field">
            <input
              type="checkbox"
              checked={!layer.muted}
              data-testid="speech-motion-on"
              onChange={(event) => {
                const on = event.currentTarget.checked;
                editFaceMotion(editor, character, on ? 'Speech motion on' : 'Speech motion off', (m) => ({
                  ...m,
                  layers: (m.layers ?? []).map((l) => (l.id === layer.id ? { ...l, muted: !on } : l)),
                }));
              }}
            />
            Speech motion (brows, blinks)
          </label>
          <input
            type="range"
            min={0}
            max={2}
            step={0.1}
            value={layer.weight}
            aria-label="Speech motion strength"
            data-testid="speech-motion-weight"
            onChange={(event) => {
              const weight = Number(event.currentTarget.value);
              editFaceMotion(editor, character, 'Speech motion strength', (m) => ({
                ...m,
                layers: (m.layers ?? []).map((l) => (l.id === layer.id ? { ...l, weight } : l)),
              }));
            }}
          />
        </div>
      ) : null}
      {motion && motion.mouth.length > 0 ? (
        <div className="field-group face-export">
          <span>Export track:</span>
          <button
            type="button"
            className="tool-button"
            onClick={() => exportTrack('tsv')}
            data-testid="mouth-export-tsv"
          >
            Rhubarb TSV
          </button>
          <button
            type="button"
            className="tool-button"
            onClick={() => exportTrack('json')}
            data-testid="mouth-export-json"
          >
            JSON
          </button>
          <button
            type="button"
            className="tool-button"
            onClick={() => exportTrack('dat')}
            data-testid="mouth-export-dat"
          >
            Moho .dat
          </button>
        </div>
      ) : null}
      {editorOpen && rig ? <FaceEditor document={document} character={character} /> : null}
    </div>
  );
}
