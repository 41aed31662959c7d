import { describe, expect, it } from 'vitest';
import { ApiError, type KeyposeApi, type MenuCommand } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { jointId } from '../../core/ids.js';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import { type Commands, createCommands } from '../../renderer/commands.js';
import { type Clock, createPlayback } from '../../renderer/playback.js';
import type { Editor } from '../../renderer/state/editorStore.js';
import { makeDocument, makeEditor, setFrame } from './fixtures.js';

interface FakeShell {
  api: KeyposeApi;
  saved: { document: ProjectDocument; path: string | undefined }[];
  failSaveWith: ApiError | null;
}

/** An in-memory shell: the same contract the preload and the studio client implement. */
function fakeShell(shell: 'studio' | 'electron'): FakeShell {
  const state: FakeShell = { api: null as unknown as KeyposeApi, saved: [], failSaveWith: null };
  state.api = {
    getShellInfo: async () => ({
      shell,
      version: '0.0.0',
      projectsDir: shell === 'studio' ? '/projects' : null,
    }),
    openSample: async () => ({ path: null, document: makeDocument('Sample') }),
    openProject: async (path?: string) => {
      if (path === '/projects/broken.keypose') {
        throw new ApiError({
          code: 'corrupt-file',
          message: 'broken.keypose is truncated or damaged',
          file: '/projects/broken.keypose',
        });
      }
      return { path: path ?? '/picked.keypose', document: makeDocument('Opened') };
    },
    saveProject: async (document: ProjectDocument, path?: string) => {
      if (state.failSaveWith) throw state.failSaveWith;
      state.saved.push({ document, path });
      return { path: path ?? `/projects/${document.name}.keypose` };
    },
    listProjects: async () => [],
    onMenuCommand: () => () => undefined,
  } as unknown as KeyposeApi;
  return state;
}

class ManualClock implements Clock {
  nowMs = 0;
  callbacks = new Map<number, () => void>();
  nextHandle = 1;
  now() {
    return this.nowMs;
  }
  requestFrame(callback: () => void) {
    const handle = this.nextHandle++;
    this.callbacks.set(handle, callback);
    return handle;
  }
  cancelFrame(handle: number) {
    this.callbacks.delete(handle);
  }
  advance(ms: number) {
    this.nowMs += ms;
    const pending = [...this.callbacks.values()];
    this.callbacks.clear();
    for (const callback of pending) callback();
  }
}

function setup(shellKind: 'studio' | 'electron' = 'studio') {
  const editor: Editor = makeEditor();
  const shell = fakeShell(shellKind);
  const clock = new ManualClock();
  const playback = createPlayback(editor, clock);
  let confirmAnswer = true;
  const asked: string[] = [];
  let picked = 0;
  const commands: Commands = createCommands(editor, shell.api, playback, {
    confirm: (message) => {
      asked.push(message);
      return confirmAnswer;
    },
    pickPicture: () => {
      picked++;
    },
  });
  return {
    editor,
    shell,
    clock,
    playback,
    commands,
    asked,
    picks: () => picked,
    answer: (yes: boolean) => {
      confirmAnswer = yes;
    },
  };
}

const FOREARM = jointId('LeftForeArm');

describe('commands', () => {
  it('first save in the studio asks for a name, then saves into the projects folder', async () => {
    const { editor, shell, commands } = setup('studio');
    await commands.loadShellInfo();
    editor.actions.setJointRotation(FOREARM, quatFromAxisAngle([0, 0, 1], 0.5));
    await commands.save();
    expect(editor.store.getState().dialog).toBe('save');
    expect(shell.saved).toHaveLength(0);

    await commands.saveWithName('My walk');
    expect(shell.saved).toHaveLength(1);
    expect(shell.saved[0]?.document.name).toBe('My walk');
    expect(shell.saved[0]?.path).toBeUndefined();
    const state = editor.store.getState();
    expect(state.projectPath).toBe('/projects/My walk.keypose');
    expect(state.dirty).toBe(false);
    expect(state.dialog).toBe('none');

    // Later saves go to the same file without asking.
    editor.actions.setJointRotation(FOREARM, quatFromAxisAngle([0, 0, 1], 0.9));
    await commands.save();
    expect(shell.saved[1]?.path).toBe('/projects/My walk.keypose');
    expect(editor.store.getState().dirty).toBe(false);
  });

  it('in Electron the first save lets the shell show its dialog', async () => {
    const { editor, shell, commands } = setup('electron');
    await commands.loadShellInfo();
    await commands.save();
    expect(editor.store.getState().dialog).toBe('none');
    expect(shell.saved).toHaveLength(1);
    expect(editor.store.getState().projectPath).toBe('/projects/Test.keypose');
  });

  it('a failed save shows the error with its file and keeps the changes marked unsaved', async () => {
    const { editor, shell, commands } = setup('electron');
    await commands.loadShellInfo();
    editor.actions.setJointRotation(FOREARM, quatFromAxisAngle([0, 0, 1], 0.5));
    shell.failSaveWith = new ApiError({ code: 'io-error', message: 'disk full', file: '/x/walk.keypose' });
    await commands.save();
    const { errors, dirty } = editor.store.getState();
    expect(dirty).toBe(true);
    expect(errors).toEqual([
      expect.objectContaining({
        title: 'Could not save the project',
        message: 'disk full',
        file: '/x/walk.keypose',
      }),
    ]);
  });

  it('opening a damaged file reports it and keeps the open project', async () => {
    const { editor, commands } = setup('electron');
    await commands.loadShellInfo();
    await commands.openProject('/projects/broken.keypose');
    const state = editor.store.getState();
    expect(state.document?.name).toBe('Test');
    expect(state.errors[0]).toMatchObject({
      file: '/projects/broken.keypose',
      title: 'Could not open the project',
    });
  });

  it('asks before discarding unsaved changes, and keeps them when told no', async () => {
    const { editor, commands, asked, answer } = setup('electron');
    editor.actions.setJointRotation(FOREARM, quatFromAxisAngle([0, 0, 1], 0.5));
    answer(false);
    await commands.openSample();
    expect(asked).toHaveLength(1);
    expect(editor.store.getState().document?.name).toBe('Test');
    answer(true);
    await commands.openSample();
    expect(editor.store.getState().document?.name).toBe('Sample');
  });

  it('steps frames and jumps between keys, clamped to the animation', () => {
    const { editor, commands } = setup();
    for (const frame of [4, 10, 30]) {
      setFrame(editor, frame);
      editor.actions.setJointRotation(FOREARM, quatFromAxisAngle([0, 0, 1], frame / 10));
    }
    setFrame(editor, 0);
    commands.run('key.next');
    expect(editor.playhead.getState().frame).toBe(4);
    commands.run('key.next');
    commands.run('key.next');
    expect(editor.playhead.getState().frame).toBe(30);
    commands.run('key.next');
    expect(editor.playhead.getState().frame).toBe(30);
    commands.run('key.prev');
    expect(editor.playhead.getState().frame).toBe(10);
    commands.run('frame.next');
    expect(editor.playhead.getState().frame).toBe(11);
    commands.run('frame.last');
    expect(editor.playhead.getState().frame).toBe(47);
    commands.run('frame.next');
    expect(editor.playhead.getState().frame).toBe(47);
    commands.run('frame.first');
    commands.run('frame.prev');
    expect(editor.playhead.getState().frame).toBe(0);
  });

  it('menu commands run the same actions as the shortcuts', async () => {
    const { editor, commands, picks } = setup();
    editor.actions.setJointRotation(FOREARM, quatFromAxisAngle([0, 0, 1], 0.5));
    const run = (c: MenuCommand) => commands.runMenu(c);
    run('edit.undo');
    expect(editor.store.getState().canUndo).toBe(false);
    run('edit.redo');
    expect(editor.store.getState().canUndo).toBe(true);
    run('view.toggleOnionSkin');
    expect(editor.store.getState().onionSkin).toBe(true);
    run('help.shortcuts');
    expect(editor.store.getState().dialog).toBe('help');
    run('help.shortcuts');
    expect(editor.store.getState().dialog).toBe('none');
    let cameraViews = 0;
    const off = editor.events.on('camera-view', () => cameraViews++);
    run('view.cameraView');
    expect(cameraViews).toBe(1);
    off();
    run('view.cameraView');
    expect(cameraViews).toBe(1);
    run('file.new');
    expect(picks()).toBe(1);
  });

  it('mode switching and Escape', () => {
    const { editor, commands } = setup();
    commands.run('mode.fit');
    expect(editor.store.getState().mode).toBe('fit');
    commands.run('mode.toggle');
    expect(editor.store.getState().mode).toBe('pose');
    editor.actions.selectJoint(FOREARM);
    commands.run('help.toggle');
    commands.run('select.none');
    expect(editor.store.getState().dialog).toBe('none');
    expect(editor.store.getState().selectedJointId).toBe(FOREARM);
    commands.run('select.none');
    expect(editor.store.getState().selectedJointId).toBeNull();
  });
});

describe('playback', () => {
  it('plays at the document fps from the current frame, loops, and pauses', () => {
    const { editor, clock, playback } = setup();
    setFrame(editor, 40);
    playback.play();
    expect(editor.playhead.getState().playing).toBe(true);
    clock.advance(1000 / 24 + 1);
    expect(editor.playhead.getState().frame).toBe(41);
    // 48 frames at 24 fps: half a second later we are 12 frames on, wrapped past the end.
    clock.advance(500);
    expect(editor.playhead.getState().frame).toBe((41 + 12) % 48);
    playback.pause();
    const stopped = editor.playhead.getState().frame;
    clock.advance(1000);
    expect(editor.playhead.getState().frame).toBe(stopped);
    expect(editor.playhead.getState().playing).toBe(false);
  });

  it('keeps time from the wall clock when frames are dropped', () => {
    const { editor, clock, playback } = setup();
    playback.toggle();
    clock.advance(250);
    expect(editor.playhead.getState().frame).toBe(6);
    playback.toggle();
    expect(editor.playhead.getState().playing).toBe(false);
  });
});

describe('commands while a dialog is open', () => {
  it('ignore editing shortcuts but still close the dialog', () => {
    const { editor, commands } = setup();
    editor.actions.openDialog('open');
    commands.run('key.addAll');
    commands.run('mode.fit');
    expect(editor.store.getState().canUndo).toBe(false);
    expect(editor.store.getState().mode).toBe('pose');
    commands.run('select.none');
    expect(editor.store.getState().dialog).toBe('none');
    commands.run('key.addAll');
    expect(editor.store.getState().canUndo).toBe(true);
  });
});
