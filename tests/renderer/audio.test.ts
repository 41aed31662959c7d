import { describe, expect, it } from 'vitest';
import { parseProjectJson, serializeProject } from '../../core/document/parse.js';
import { decodeBase64 } from '../../core/util/base64.js';
import { runAudioCommand } from '../../renderer/audio/audioCommands.js';
import { audioFromFile } from '../../renderer/audio/audioFile.js';
import { type AudioElementLike, syncAudio } from '../../renderer/audio/audioSync.js';
import { audioUiFor } from '../../renderer/audio/audioUi.js';
import { reduceSamples } from '../../renderer/audio/waveform.js';
import { isDirty } from '../../renderer/state/editorStore.js';
import { makeEditor, setFrame } from './fixtures.js';

const file = (name: string, type: string, bytes: number[]) => ({
  name,
  type,
  arrayBuffer: async () => new Uint8Array(bytes).buffer,
});

describe('editor store: the project audio', () => {
  it('attaching is one undo step that makes the project dirty; the saved file holds the sound', async () => {
    const editor = makeEditor();
    const audio = await audioFromFile(file('line.wav', 'audio/wav', [82, 73, 70, 70]));
    editor.actions.attachAudio(audio);
    const state = editor.store.getState();
    expect(state.document?.audio).toMatchObject({ fileName: 'line.wav', mime: 'audio/wav', startFrame: 0 });
    expect(state.undoLabel).toBe('Attach audio line.wav');
    expect(isDirty(state)).toBe(true);
    const saved = parseProjectJson(serializeProject(state.document!), 'talk.keypose');
    expect(Array.from(decodeBase64(saved.audio!.dataBase64))).toEqual([82, 73, 70, 70]);

    editor.actions.undo();
    expect(editor.store.getState().document?.audio).toBeUndefined();
    expect(isDirty(editor.store.getState())).toBe(false);
    editor.actions.redo();
    expect(editor.store.getState().document?.audio?.fileName).toBe('line.wav');
  });

  it('removing is one undo step; removing when there is none does nothing', async () => {
    const editor = makeEditor();
    editor.actions.removeAudio();
    expect(editor.store.getState().canUndo).toBe(false);
    editor.actions.attachAudio(await audioFromFile(file('a.mp3', '', [1, 2])));
    editor.actions.removeAudio();
    expect(editor.store.getState().document?.audio).toBeUndefined();
    expect(editor.store.getState().undoLabel).toBe('Remove audio');
    editor.actions.undo();
    expect(editor.store.getState().document?.audio?.mime).toBe('audio/mpeg');
  });

  it('refuses a file that is not audio, naming it', async () => {
    await expect(audioFromFile(file('notes.txt', 'text/plain', [1]))).rejects.toThrow(/notes\.txt.*WAV/);
    await expect(audioFromFile(file('empty.wav', 'audio/wav', []))).rejects.toThrow(/empty/);
  });
});

class FakeAudio implements AudioElementLike {
  currentTime = 0;
  muted = false;
  paused = true;
  duration = 4;
  plays = 0;
  play(): void {
    this.paused = false;
    this.plays += 1;
  }
  pause(): void {
    this.paused = true;
  }
}

describe('audio playback follows the playhead', () => {
  async function editorWithSound(startFrame: number) {
    const editor = makeEditor();
    editor.actions.setFps(24);
    editor.actions.setDurationFrames(120);
    editor.actions.attachAudio(await audioFromFile(file('line.wav', 'audio/wav', [1]), startFrame));
    return editor;
  }

  it('plays from the playhead time when playback starts, stops with it, seeks on scrub', async () => {
    const editor = await editorWithSound(0);
    const element = new FakeAudio();
    const off = syncAudio(editor, element);
    setFrame(editor, 12);
    expect(element.currentTime).toBeCloseTo(0.5);
    expect(element.paused).toBe(true);

    editor.playhead.setState({ playing: true });
    expect(element.paused).toBe(false);
    expect(element.currentTime).toBeCloseTo(0.5);
    // Small clock differences are left alone; a loop back to frame 0 re-seeks.
    element.currentTime = 0.58;
    setFrame(editor, 13);
    expect(element.currentTime).toBeCloseTo(0.58);
    setFrame(editor, 0);
    expect(element.currentTime).toBe(0);
    expect(element.plays).toBe(1);

    editor.playhead.setState({ playing: false });
    expect(element.paused).toBe(true);
    setFrame(editor, 48);
    expect(element.currentTime).toBeCloseTo(2);
    off();
  });

  it('stays silent before the sound starts and begins on its start frame', async () => {
    const editor = await editorWithSound(24);
    const element = new FakeAudio();
    syncAudio(editor, element);
    setFrame(editor, 10);
    editor.playhead.setState({ playing: true });
    expect(element.paused).toBe(true);
    setFrame(editor, 24);
    expect(element.paused).toBe(false);
    expect(element.currentTime).toBe(0);
    // The fake's clock stands still: half a second behind the playhead, it is put back in step.
    setFrame(editor, 36);
    expect(element.currentTime).toBeCloseTo(0.5);
    // Past the sound's end: silent.
    setFrame(editor, 24 + 5 * 24);
    expect(element.paused).toBe(true);
  });

  it('mute (Shift+M) silences the element without stopping it; removing the sound stops it', async () => {
    const editor = await editorWithSound(0);
    const element = new FakeAudio();
    syncAudio(editor, element);
    editor.playhead.setState({ playing: true });
    runAudioCommand('audio.mute', editor);
    expect(audioUiFor(editor).getState().muted).toBe(true);
    expect(element.muted).toBe(true);
    expect(element.paused).toBe(false);
    runAudioCommand('audio.mute', editor);
    expect(element.muted).toBe(false);
    editor.actions.removeAudio();
    expect(element.paused).toBe(true);
  });
});

describe('waveform reduction', () => {
  it('keeps each bucket’s extremes of the mixed channels', () => {
    const left = new Float32Array([0, 0.5, -0.25, 0, 1, 0]);
    const right = new Float32Array([0, 0.5, -0.25, 0, -1, 0]);
    expect(Array.from(reduceSamples([left, right], 3))).toEqual([0, 0.5, -0.25, 0, 0, 0]);
    expect(Array.from(reduceSamples([left], 2))).toEqual([-0.25, 0.5, 0, 1]);
  });
});
