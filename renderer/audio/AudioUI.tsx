import { type ReactElement, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { decodeBase64 } from '../../core/util/base64.js';
import { useEditor, useServices } from '../context.js';
import { HiddenFileInput } from '../panels/HiddenFileInput.js';
import { ToolButton } from '../panels/ToolButton.js';
import { AUDIO_ACCEPT, AUDIO_INPUT_ID } from './audioCommands.js';
import { audioFromFile } from './audioFile.js';
import { syncAudio } from './audioSync.js';
import { audioUiFor } from './audioUi.js';
import { decodeWaveform, drawWaveform, type Waveform } from './waveform.js';
import './audio.css';

/** The hidden file chooser behind File ▸ Audio… (Alt+A) and the toolbar's Audio button. */
export function AudioInput(): ReactElement {
  const { editor, commands } = useServices();
  return (
    <HiddenFileInput
      id={AUDIO_INPUT_ID}
      accept={AUDIO_ACCEPT}
      testId="audio-input"
      onFile={(file) =>
        audioFromFile(file, editor.store.getState().document?.audio?.startFrame ?? 0).then(
          (audio) => editor.actions.attachAudio(audio),
          (error: unknown) => commands.reportError('Could not attach the audio', error),
        )
      }
    />
  );
}

/** Toolbar, File area: "Audio…" opens the chooser. */
export function AudioButton(): ReactElement {
  const { commands } = useServices();
  const hasDocument = useEditor((s) => s.document !== null);
  const fileName = useEditor((s) => s.document?.audio?.fileName ?? null);
  return (
    <ToolButton
      label={fileName ? `Audio… (${fileName})` : 'Audio…'}
      command="file.audio"
      showLabel
      disabled={!hasDocument}
      onClick={() => commands.run('file.audio')}
      testId="btn-audio"
    />
  );
}

/**
 * The project's sound as an <audio> element kept in step with the playhead (audioSync.ts). In the
 * page (hidden) so tests and devtools can see what plays.
 */
export function AudioHost(): ReactElement | null {
  const { editor } = useServices();
  const audio = useEditor((s) => s.document?.audio ?? null);
  const ref = useRef<HTMLAudioElement>(null);
  const mime = audio?.mime;
  const data = audio?.dataBase64;
  useEffect(() => {
    const element = ref.current;
    if (!element || !data || !mime) return;
    const url = URL.createObjectURL(new Blob([decodeBase64(data).slice()], { type: mime }));
    element.src = url;
    const off = syncAudio(editor, element);
    return () => {
      off();
      element.removeAttribute('src');
      element.load();
      URL.revokeObjectURL(url);
    };
  }, [editor, data, mime]);
  if (!audio) return null;
  // biome-ignore lint/a11y/useMediaCaption: the project's own sound track, played with the animation
  return <audio ref={ref} preload="auto" data-testid="project-audio" hidden />;
}

function useWaveform(dataBase64: string | undefined): Waveform | null {
  const [waveform, setWaveform] = useState<Waveform | null>(null);
  useEffect(() => {
    setWaveform(null);
    if (!dataBase64) return;
    let live = true;
    decodeWaveform(dataBase64).then(
      (decoded) => {
        if (live) setWaveform(decoded);
      },
      // A sound the browser cannot decode still plays nowhere; the row shows its name only.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [dataBase64]);
  return waveform;
}

/** The timeline's audio row: the file name, mute and remove, and the waveform at its frames. */
export function AudioRow({ durationFrames }: { durationFrames: number }): ReactElement | null {
  const { editor } = useServices();
  const audio = useEditor((s) => s.document?.audio ?? null);
  const fps = useEditor((s) => s.document?.fps ?? 24);
  const muted = useStore(audioUiFor(editor), (s) => s.muted);
  const waveform = useWaveform(audio?.dataBase64);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !waveform) return;
    const draw = () => drawWaveform(canvas, waveform, '#6fb3d9');
    draw();
    const observer = new ResizeObserver(draw);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [waveform]);
  if (!audio) return null;
  const startPct = (audio.startFrame / durationFrames) * 100;
  const widthPct = waveform ? ((waveform.durationSec * fps) / durationFrames) * 100 : 100 - startPct;
  return (
    <div className="tl-row tl-audio" data-testid="tl-row-audio">
      <div
        className="tl-label tl-audio-label"
        title={`${audio.fileName} (starts at frame ${audio.startFrame})`}
      >
        <button
          type="button"
          className={`tl-audio-mute${muted ? ' muted' : ''}`}
          aria-label={muted ? 'Unmute audio' : 'Mute audio'}
          aria-pressed={muted}
          title={muted ? 'Unmute (Shift+M)' : 'Mute (Shift+M)'}
          data-testid="audio-mute"
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => audioUiFor(editor).setState({ muted: !muted })}
        >
          {muted ? '🔇' : '🔊'}
        </button>
        <span className="tl-audio-name" data-testid="audio-name">
          {audio.fileName}
        </span>
        <button
          type="button"
          className="tl-audio-remove"
          aria-label="Remove audio"
          title="Remove the audio track"
          data-testid="audio-remove"
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => editor.actions.removeAudio()}
        >
          ×
        </button>
      </div>
      <div className="tl-track tl-audio-track" data-scrub="true">
        <canvas
          ref={canvasRef}
          className="tl-waveform"
          data-testid="audio-waveform"
          data-state={waveform ? 'ready' : 'decoding'}
          style={{ left: `${startPct}%`, width: `${widthPct}%` }}
        />
      </div>
    </div>
  );
}
