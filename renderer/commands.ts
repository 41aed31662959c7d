import { ApiError, type KeyposeApi, type MenuCommand } from '../core/contract/api.js';
import type { ProjectDocument } from '../core/document/schema.js';
import { keyedFrames } from '../core/motion/edit.js';
import { AUDIO_COMMANDS, type AudioCommandId, runAudioCommand } from './audio/audioCommands.js';
import { CHARACTER_COMMANDS, type CharacterCommandId, runCharacterCommand } from './characters/commands.js';
import { MOTION_COMMANDS, type MotionCommandId, runMotionCommand } from './motion/motionCommands.js';
import type { Playback } from './playback.js';
import type { CommandId } from './shortcuts.js';
import { activeCharacter, type Editor, isDirty } from './state/editorStore.js';
import { setPlayheadFrame } from './state/playheadStore.js';
import { runTimelineCommand } from './timeline/timelineCommands.js';

/** What the commands need from the page that unit tests replace (confirmation prompts). */
export interface CommandEnvironment {
  confirm(message: string): boolean;
  /** Asks the user for a picture to start a new project from (a file chooser in the page). */
  pickPicture(): void;
}

export interface Commands {
  run(command: CommandId): void;
  runMenu(command: MenuCommand): void;
  setFrame(frame: number): void;
  save(saveAs?: boolean): Promise<void>;
  saveWithName(name: string): Promise<void>;
  openSample(): Promise<void>;
  openProject(path?: string): Promise<void>;
  loadShellInfo(): Promise<void>;
  /** Reports a failed API call in the error banner, naming the file when the host says which. */
  reportError(title: string, error: unknown): void;
}

const MODAL_COMMANDS: ReadonlySet<CommandId> = new Set<CommandId>([
  'select.none',
  'help.toggle',
  'file.open',
  'file.save',
  'file.saveAs',
  'file.new',
  'file.import',
  'file.importMotion',
  'view.library',
]);

function describe(error: unknown): { message: string; file?: string } {
  if (error instanceof ApiError)
    return { message: error.message, ...(error.file ? { file: error.file } : {}) };
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}

/**
 * The editor's commands: what a shortcut, a toolbar button or an application-menu item does.
 * Everything that edits the document goes through the editor store's actions; this layer adds the
 * playhead, file operations through the shell's API, and confirmation of lost changes.
 */
export function createCommands(
  editor: Editor,
  api: KeyposeApi,
  playback: Playback,
  env: CommandEnvironment,
): Commands {
  const { actions, playhead } = editor;
  const state = () => editor.store.getState();

  function setFrame(frame: number): void {
    const doc = state().document;
    if (!doc) return;
    setPlayheadFrame(playhead, frame, doc.durationFrames);
  }

  function stepKey(direction: 1 | -1): void {
    const character = activeCharacter(state());
    if (!character) return;
    const current = playhead.getState().frame;
    const frames = keyedFrames(character.motion);
    const target =
      direction > 0 ? frames.find((f) => f > current) : [...frames].reverse().find((f) => f < current);
    if (target !== undefined) setFrame(target);
  }

  function reportError(title: string, error: unknown): void {
    actions.pushError({ title, ...describe(error) });
  }

  function confirmDiscard(): boolean {
    return !isDirty(state()) || env.confirm('Discard the unsaved changes of this project?');
  }

  async function finishSave(document: ProjectDocument, path: string | undefined): Promise<void> {
    // No path: the shell decides (dialog or projects folder). The argument is left out rather
    // than passed as undefined, which JSON would turn into null on the way to the studio.
    const result =
      path === undefined ? await api.saveProject(document) : await api.saveProject(document, path);
    if (result) actions.markSaved(document, result.path);
  }

  const commands: Commands = {
    setFrame,
    reportError,
    async loadShellInfo() {
      try {
        actions.setShell(await api.getShellInfo());
      } catch (error) {
        reportError('Could not reach the Keypose host', error);
      }
    },
    async save(saveAs = false) {
      const { document, projectPath, shell } = state();
      if (!document) return;
      actions.endGesture();
      try {
        if (projectPath && !saveAs) {
          await finishSave(document, projectPath);
        } else if (shell?.shell === 'studio') {
          // The studio has no native dialog: ask for a name, then save into its projects folder.
          actions.openDialog('save');
        } else {
          await finishSave(document, undefined);
        }
      } catch (error) {
        reportError('Could not save the project', error);
      }
    },
    async saveWithName(name) {
      actions.renameProject(name);
      actions.closeDialog();
      const document = state().document;
      if (!document) return;
      try {
        await finishSave(document, undefined);
      } catch (error) {
        reportError('Could not save the project', error);
      }
    },
    async openSample() {
      if (!confirmDiscard()) return;
      try {
        const opened = await api.openSample();
        actions.load(opened.document, opened.path);
      } catch (error) {
        reportError('Could not open the sample project', error);
      }
    },
    async openProject(path) {
      if (!path && state().shell?.shell === 'studio') {
        actions.openDialog('open');
        return;
      }
      if (!confirmDiscard()) return;
      try {
        const opened = path === undefined ? await api.openProject() : await api.openProject(path);
        if (opened) {
          actions.load(opened.document, opened.path);
          actions.closeDialog();
        }
      } catch (error) {
        reportError('Could not open the project', error);
      }
    },
    runMenu(command) {
      const map: Record<MenuCommand, CommandId> = {
        'file.new': 'file.new',
        'file.import': 'file.import',
        'file.importMotion': 'file.importMotion',
        'file.open': 'file.open',
        'file.save': 'file.save',
        'file.saveAs': 'file.saveAs',
        'file.export': 'export.open',
        'file.exportAgain': 'export.repeat',
        'edit.undo': 'edit.undo',
        'edit.redo': 'edit.redo',
        'view.cameraView': 'view.camera',
        'view.toggleOnionSkin': 'view.onionSkin',
        'help.shortcuts': 'help.toggle',
      };
      commands.run(map[command]);
    },
    run(command) {
      // While a dialog is open only the file commands, help and Escape act; keys typed at the
      // dialog must not edit the project behind it.
      if (state().dialog !== 'none' && !MODAL_COMMANDS.has(command)) return;
      if (CHARACTER_COMMANDS.has(command)) {
        return runCharacterCommand(command as CharacterCommandId, editor, api);
      }
      if (AUDIO_COMMANDS.has(command)) return runAudioCommand(command as AudioCommandId, editor);
      if (MOTION_COMMANDS.has(command)) return runMotionCommand(command as MotionCommandId, editor);
      // The timeline's key selection takes copy, paste, delete and Escape while it has keys.
      if (runTimelineCommand(command, editor)) return;
      const frame = playhead.getState().frame;
      switch (command) {
        case 'playback.toggle':
          return playback.toggle();
        case 'frame.next':
          playback.pause();
          return setFrame(frame + 1);
        case 'frame.prev':
          playback.pause();
          return setFrame(frame - 1);
        case 'frame.first':
          return setFrame(0);
        case 'frame.last':
          return setFrame(Number.MAX_SAFE_INTEGER);
        case 'key.next':
          playback.pause();
          return stepKey(1);
        case 'key.prev':
          playback.pause();
          return stepKey(-1);
        case 'key.add':
          return actions.keySelected();
        case 'key.addAll':
          return actions.keyAll();
        case 'key.delete':
          return actions.deleteKeysAtFrame();
        case 'pose.copy':
          return actions.copyPose();
        case 'pose.paste':
          return actions.pastePose();
        case 'pose.mirror':
          return actions.mirrorPose();
        case 'pose.resetJoint':
          return actions.resetSelectedJoint();
        case 'edit.undo':
          return actions.undo();
        case 'edit.redo':
          return actions.redo();
        case 'file.new':
          if (confirmDiscard()) env.pickPicture();
          return;
        case 'file.open':
          void commands.openProject();
          return;
        case 'file.save':
          void commands.save(false);
          return;
        case 'file.saveAs':
          void commands.save(true);
          return;
        case 'mode.fit':
          return actions.setMode('fit');
        case 'mode.pose':
          return actions.setMode('pose');
        case 'mode.toggle':
          return actions.setMode(state().mode === 'fit' ? 'pose' : 'fit');
        case 'gizmo.rotate':
          return actions.setGizmo('rotate');
        case 'gizmo.translate':
          return actions.setGizmo('translate');
        case 'view.camera':
          return actions.requestCameraView();
        case 'fit.mirror':
          return actions.setFitMirror(!state().fitMirror);
        case 'view.onionSkin':
          return actions.setOnionSkin(!state().onionSkin);
        case 'view.frames':
          return actions.setShowFrames(!state().showFrames);
        case 'export.open':
          if (state().document) actions.openDialog('export');
          return;
        case 'export.repeat':
          if (state().document) actions.requestRepeatExport();
          return;
        case 'select.parent':
          return actions.selectParent();
        case 'select.child':
          return actions.selectChild();
        case 'select.none':
          if (state().dialog !== 'none') return actions.closeDialog();
          return actions.selectJoint(null);
        case 'help.toggle':
          return state().dialog === 'help' ? actions.closeDialog() : actions.openDialog('help');
      }
    },
  };
  return commands;
}
