import type { ProjectDocument } from '../core/document/schema.js';
import type { JointId } from '../core/ids.js';
import { evaluateCharacterPose } from '../core/motion/characterPose.js';
import type { Pose } from '../core/motion/types.js';
import { activeCharacter, type Editor, type EditorMode, isDirty } from './state/editorStore.js';
import { type EditorPreferences, pickEditorPreferences } from './state/preferences.js';
import { jointScreenPosition } from './viewport/probe.js';

/** A read-only snapshot for browser tests and for poking at the editor from the devtools console. */
export interface DebugSnapshot {
  readonly document: ProjectDocument | null;
  readonly projectPath: string | null;
  readonly dirty: boolean;
  readonly frame: number;
  readonly playing: boolean;
  readonly mode: EditorMode;
  readonly selectedJointId: JointId | null;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly errors: readonly { title: string; message: string; file?: string }[];
  /** The preference scope (docs/state.md): what a reload must keep. */
  readonly preferences: EditorPreferences;
}

export interface KeyposeDebug {
  getState(): DebugSnapshot;
  /** The active character's pose at a (possibly fractional) frame, as core evaluates it. */
  evaluatePoseAt(frame: number): Pose | null;
  /** Where the viewport draws a joint now (client CSS pixels), or null when not on screen. */
  jointScreenPosition(jointId: string): { x: number; y: number } | null;
}

declare global {
  interface Window {
    __keyposeDebug?: KeyposeDebug;
  }
}

export function createDebugHook(editor: Editor): KeyposeDebug {
  // structuredClone: callers get a copy, so the hook can never be used to mutate the document.
  return Object.freeze({
    getState(): DebugSnapshot {
      const state = editor.store.getState();
      const playhead = editor.playhead.getState();
      return structuredClone({
        document: state.document,
        projectPath: state.projectPath,
        dirty: isDirty(state),
        frame: playhead.frame,
        playing: playhead.playing,
        mode: state.mode,
        selectedJointId: state.selectedJointId,
        canUndo: state.canUndo,
        canRedo: state.canRedo,
        preferences: pickEditorPreferences(state),
        errors: state.errors.map(({ title, message, file }) => ({
          title,
          message,
          ...(file ? { file } : {}),
        })),
      });
    },
    evaluatePoseAt(frame: number): Pose | null {
      const character = activeCharacter(editor.store.getState());
      return character
        ? structuredClone(evaluateCharacterPose(character.skeleton, character.motion, frame))
        : null;
    },
    jointScreenPosition(id: string) {
      return jointScreenPosition(id as JointId);
    },
  });
}
