import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ShellInfo } from '../../core/contract/api.js';
import { setProjectAudio } from '../../core/document/audio.js';
import { setDuration, setFps, setProjectName } from '../../core/document/edits.js';
import type { Character, ProjectAudio, ProjectDocument } from '../../core/document/schema.js';
import { diff } from '../../core/history/diff.js';
import { UndoHistory } from '../../core/history/history.js';
import type { CharacterId, JointId } from '../../core/ids.js';
import { IDENTITY_QUAT } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { add, length, scale, sub } from '../../core/math/vec3.js';
import { deleteKeysAt } from '../../core/motion/edit.js';
import { mirrorPose } from '../../core/motion/pose.js';
import type { Interpolation, Pose } from '../../core/motion/types.js';
import {
  addJoint,
  removeJoint,
  renameJoint,
  reparentJoint,
  setRestPosition,
} from '../../core/skeleton/edit.js';
import { childrenOf, jointById } from '../../core/skeleton/query.js';
import { followActiveCharacter } from '../characters/activeCharacter.js';
import { createEditorEvents, type EditorEvents } from './editorEvents.js';
import {
  keyJointRotation,
  keyPoseAt,
  keyRootTranslation,
  poseAtFrame,
  updateMotion,
  updateSkeleton,
} from './edits.js';
import { type PlayheadStore, setPlayheadFrame } from './playheadStore.js';
import {
  EDITOR_PREFERENCE_KEYS,
  type EditorPreferences,
  loadEditorPreferences,
  type PreferenceStorage,
  saveEditorPreferences,
} from './preferences.js';

export type EditorMode = 'fit' | 'pose';
export type GizmoMode = 'rotate' | 'translate';
export type DialogKind =
  | 'none'
  | 'help'
  | 'open'
  | 'save'
  | 'import'
  | 'export'
  | 'motion-import'
  | 'motion-library'
  | 'motion-video';

/** An error shown in the banner until dismissed: what failed, why, and which file. */
export interface EditorError {
  readonly id: number;
  readonly title: string;
  readonly message: string;
  readonly file?: string;
}

/**
 * Three scopes of state live here and are kept apart (EDITOR_STATE_SCOPES, docs/state.md):
 * - the document (undoable, saved in the .keypose): `document` is always `history.present`; it
 *   only changes through the actions below, which go through the UndoHistory; the keys about it
 *   (path, saved copy, undo labels) follow it;
 * - the session (mode, selection, hover, dialogs, errors): ephemeral, not undoable, never saved;
 * - preferences (onion skin, new-key interpolation, frames or art, X-mirror, gizmo): the user's,
 *   kept in localStorage across reloads (preferences.ts), never in the document.
 * The playhead is per-frame session state in its own store (playheadStore.ts); requests such as
 * "camera view" are events (editorEvents.ts), not state.
 */
export interface EditorState extends EditorPreferences {
  readonly document: ProjectDocument | null;
  /** Where the project was loaded from / saved to; null for a never-saved project. */
  readonly projectPath: string | null;
  /** The document as last loaded or saved. */
  readonly savedDocument: ProjectDocument | null;
  /** True when the document differs from the last loaded or saved one (undoing back clears it). */
  readonly dirty: boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly undoLabel: string | null;
  readonly redoLabel: string | null;
  /** Label of the drag in progress (one undo step once it ends), or null. */
  readonly gestureLabel: string | null;
  readonly characterIndex: number;
  readonly mode: EditorMode;
  readonly selectedJointId: JointId | null;
  readonly hoveredJointId: JointId | null;
  readonly clipboard: Pose | null;
  readonly dialog: DialogKind;
  readonly errors: readonly EditorError[];
  /** A short confirmation for the status bar ("Saved to …"). */
  readonly notice: string | null;
  readonly shell: ShellInfo | null;
}

export type StateScope = 'document' | 'session' | 'preference';

/**
 * Every key of the editor state with its scope, as Excalidraw's APP_STATE_STORAGE_CONF does it:
 * 'document' keys are the project (saved in the .keypose file, undoable) or about it; 'session'
 * keys live until the page goes; 'preference' keys are kept in localStorage (preferences.ts).
 * docs/state.md shows this table; tests/renderer/state-scopes.test.ts keeps the two equal.
 */
export const EDITOR_STATE_SCOPES: { readonly [K in keyof EditorState]: StateScope } = {
  document: 'document',
  projectPath: 'document',
  savedDocument: 'document',
  dirty: 'document',
  canUndo: 'document',
  canRedo: 'document',
  undoLabel: 'document',
  redoLabel: 'document',
  gestureLabel: 'document',
  characterIndex: 'session',
  mode: 'session',
  selectedJointId: 'session',
  hoveredJointId: 'session',
  clipboard: 'session',
  dialog: 'session',
  errors: 'session',
  notice: 'session',
  shell: 'session',
  onionSkin: 'preference',
  newKeyInterpolation: 'preference',
  showFrames: 'preference',
  fitMirror: 'preference',
  gizmo: 'preference',
};

export interface EditorActions {
  /**
   * Opens a document (not an undo step). `unsaved` marks a project that exists nowhere on disk yet
   * (made from a picture), so closing it warns like any other unsaved change.
   */
  load(document: ProjectDocument, path: string | null, opts?: { unsaved?: boolean }): void;
  markSaved(document: ProjectDocument, path: string): void;
  undo(): void;
  redo(): void;
  /** Applies one edit as one undo step; inside a gesture it replaces the gesture's preview. */
  edit(label: string, recipe: (doc: ProjectDocument) => ProjectDocument): void;
  beginGesture(label: string): void;
  endGesture(): void;
  cancelGesture(): void;

  setMode(mode: EditorMode): void;
  selectJoint(jointId: JointId | null): void;
  hoverJoint(jointId: JointId | null): void;
  selectParent(): void;
  selectChild(): void;
  setOnionSkin(on: boolean): void;
  setFitMirror(on: boolean): void;
  setGizmo(gizmo: GizmoMode): void;
  setNewKeyInterpolation(interpolation: Interpolation): void;
  openDialog(dialog: DialogKind): void;
  closeDialog(): void;
  pushError(error: Omit<EditorError, 'id'>): void;
  dismissError(id: number): void;
  setNotice(notice: string | null): void;
  setShell(shell: ShellInfo): void;
  requestCameraView(): void;
  setShowFrames(on: boolean): void;
  requestRepeatExport(): void;

  /** Sets a joint's local rotation at the current frame. Auto-key: this writes a key. */
  setJointRotation(jointId: JointId, rotation: Quat): void;
  /** Sets the root translation at the current frame (auto-key). */
  setRootTranslation(translation: Vec3): void;
  setRestPosition(jointId: JointId, position: Vec3): void;
  /** Adds a joint under the selected one (under the root if none) and selects it. */
  addChildJoint(): void;
  /** Removes the selected joint (not the root); its children move to its parent, its keys go. */
  removeSelectedJoint(): void;
  renameJoint(jointId: JointId, name: string): void;
  reparentJoint(jointId: JointId, parentId: JointId): void;
  /** Keys the selected joint at the current frame (every joint and the root if none selected). */
  keySelected(): void;
  keyAll(): void;
  /** Deletes the selected joint's key at the current frame (all keys at the frame if none). */
  deleteKeysAtFrame(): void;
  copyPose(): void;
  pastePose(): void;
  mirrorPose(): void;
  resetSelectedJoint(): void;
  setFps(fps: number): void;
  setDurationFrames(frames: number): void;
  renameProject(name: string): void;
  /** Attaches (or replaces) the project's audio track: one undo step. */
  attachAudio(audio: ProjectAudio): void;
  /** Removes the project's audio track: one undo step. */
  removeAudio(): void;
}

export interface Editor {
  readonly store: StoreApi<EditorState>;
  readonly actions: EditorActions;
  readonly playhead: PlayheadStore;
  readonly events: EditorEvents;
}

export interface EditorOptions {
  /** Where preferences are kept (the page's localStorage in the app); null: this session only. */
  readonly preferences?: PreferenceStorage | null;
}

const initialState: EditorState = {
  document: null,
  projectPath: null,
  savedDocument: null,
  dirty: false,
  canUndo: false,
  canRedo: false,
  undoLabel: null,
  redoLabel: null,
  gestureLabel: null,
  characterIndex: 0,
  mode: 'pose',
  selectedJointId: null,
  hoveredJointId: null,
  onionSkin: false,
  fitMirror: false,
  gizmo: 'rotate',
  newKeyInterpolation: 'linear',
  clipboard: null,
  dialog: 'none',
  errors: [],
  notice: null,
  shell: null,
  showFrames: true,
};

export function activeCharacter(state: EditorState): Character | null {
  return state.document?.characters[state.characterIndex] ?? null;
}

export function isDirty(state: EditorState): boolean {
  return state.dirty;
}

export function createEditor(playhead: PlayheadStore, options: EditorOptions = {}): Editor {
  const storage = options.preferences ?? null;
  const store = createStore<EditorState>(() => ({ ...initialState, ...loadEditorPreferences(storage) }));
  // A preference is written through as soon as it changes, so a reload or a crash keeps it.
  store.subscribe((state, previous) => {
    if (EDITOR_PREFERENCE_KEYS.some((key) => state[key] !== previous[key])) {
      saveEditorPreferences(storage, state);
    }
  });
  const events = createEditorEvents();
  let history: UndoHistory<ProjectDocument> | null = null;
  /** The document when the current gesture began: each preview is computed from it. */
  let gestureBase: ProjectDocument | null = null;
  let nextErrorId = 1;

  const get = store.getState;
  const set = (partial: Partial<EditorState>) => store.setState(partial);
  const frame = () => playhead.getState().frame;

  function sync(): void {
    if (!history) return;
    const document = history.present;
    const saved = get().savedDocument;
    set({
      document,
      // Undo/redo may add, remove or reorder characters: stay on the same character when it exists.
      characterIndex: followActiveCharacter(get().document, document, get().characterIndex),
      // diff() skips shared references, so this visits only the paths edited since the save.
      dirty: saved === null || (document !== saved && diff(saved, document).length > 0),
      canUndo: history.canUndo,
      canRedo: history.canRedo,
      undoLabel: history.undoLabel,
      redoLabel: history.redoLabel,
    });
  }

  function pushError(error: Omit<EditorError, 'id'>): void {
    set({ errors: [...get().errors, { ...error, id: nextErrorId++ }] });
  }

  function edit(label: string, recipe: (doc: ProjectDocument) => ProjectDocument): void {
    if (!history) return;
    try {
      if (gestureBase) {
        history.preview(recipe(gestureBase));
      } else {
        const next = recipe(history.present);
        if (next === history.present) return;
        history.apply(next, label);
      }
    } catch (error) {
      pushError({
        title: `${label} failed`,
        message: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    sync();
  }

  function endGesture(): void {
    if (!history || !gestureBase) return;
    history.end();
    gestureBase = null;
    set({ gestureLabel: null });
    sync();
  }

  /** Id of the character being edited; edits are addressed by id, not by list position. */
  function characterId(): CharacterId {
    const character = activeCharacter(get());
    if (!character) throw new Error('no character is open');
    return character.id;
  }

  const editMotion = (label: string, update: Parameters<typeof updateMotion>[2]) =>
    edit(label, (doc) => updateMotion(doc, characterId(), update));

  function jointName(jointId: JointId | null): string {
    const character = activeCharacter(get());
    if (!character || !jointId) return 'joint';
    return jointById(character.skeleton, jointId)?.name ?? 'joint';
  }

  function allJointIds(): JointId[] {
    return activeCharacter(get())?.skeleton.joints.map((j) => j.id) ?? [];
  }

  function rootJointId(): JointId | null {
    return activeCharacter(get())?.skeleton.joints.find((j) => j.parentId === null)?.id ?? null;
  }

  function keyPose(label: string, pose: Pose, jointIds: readonly JointId[], includeRoot: boolean): void {
    const at = frame();
    const interpolation = get().newKeyInterpolation;
    editMotion(label, (motion) => keyPoseAt(motion, at, pose, jointIds, includeRoot, interpolation));
  }

  const actions: EditorActions = {
    load(document, path, opts = {}) {
      if (gestureBase) {
        history?.cancel();
        gestureBase = null;
      }
      if (history) history.reset(document);
      else history = new UndoHistory<ProjectDocument>(document);
      const root = document.characters[0]?.skeleton.joints.find((j) => j.parentId === null);
      set({
        projectPath: path,
        savedDocument: opts.unsaved ? null : document,
        characterIndex: 0,
        selectedJointId: null,
        hoveredJointId: null,
        gestureLabel: null,
        notice: root ? null : 'The project has no root joint',
      });
      sync();
      setPlayheadFrame(playhead, 0, document.durationFrames);
    },
    markSaved(document, path) {
      set({ savedDocument: document, projectPath: path, notice: `Saved ${path}` });
      sync();
    },
    undo() {
      if (!history) return;
      endGesture();
      history.undo();
      sync();
    },
    redo() {
      if (!history) return;
      endGesture();
      history.redo();
      sync();
    },
    edit,
    beginGesture(label) {
      if (!history) return;
      if (gestureBase) endGesture();
      history.begin(label);
      gestureBase = history.present;
      set({ gestureLabel: label });
    },
    endGesture,
    cancelGesture() {
      if (!history || !gestureBase) return;
      history.cancel();
      gestureBase = null;
      set({ gestureLabel: null });
      sync();
    },

    setMode(mode) {
      set({ mode });
    },
    selectJoint(jointId) {
      set({ selectedJointId: jointId });
    },
    hoverJoint(jointId) {
      if (get().hoveredJointId !== jointId) set({ hoveredJointId: jointId });
    },
    selectParent() {
      const character = activeCharacter(get());
      const selected = get().selectedJointId;
      if (!character || !selected) return;
      const parentId = jointById(character.skeleton, selected)?.parentId;
      if (parentId) set({ selectedJointId: parentId });
    },
    selectChild() {
      const character = activeCharacter(get());
      if (!character) return;
      const selected = get().selectedJointId;
      if (!selected) {
        set({ selectedJointId: rootJointId() });
        return;
      }
      const child = childrenOf(character.skeleton, selected)[0];
      if (child) set({ selectedJointId: child.id });
    },
    setOnionSkin(on) {
      set({ onionSkin: on });
    },
    setFitMirror(on) {
      set({ fitMirror: on });
    },
    setGizmo(gizmo) {
      set({ gizmo });
    },
    setNewKeyInterpolation(interpolation) {
      set({ newKeyInterpolation: interpolation });
    },
    openDialog(dialog) {
      set({ dialog });
    },
    closeDialog() {
      set({ dialog: 'none' });
    },
    pushError,
    dismissError(id) {
      set({ errors: get().errors.filter((e) => e.id !== id) });
    },
    setNotice(notice) {
      set({ notice });
    },
    setShell(shell) {
      set({ shell });
    },
    requestCameraView() {
      events.emit('camera-view');
    },
    setShowFrames(on) {
      set({ showFrames: on });
    },
    requestRepeatExport() {
      events.emit('repeat-export');
    },

    setJointRotation(jointId, rotation) {
      const at = frame();
      const interpolation = get().newKeyInterpolation;
      editMotion(`Rotate ${jointName(jointId)}`, (motion) =>
        keyJointRotation(motion, jointId, at, rotation, interpolation),
      );
    },
    setRootTranslation(translation) {
      const at = frame();
      const interpolation = get().newKeyInterpolation;
      editMotion('Move root', (motion) => keyRootTranslation(motion, at, translation, interpolation));
    },
    setRestPosition(jointId, position) {
      edit(`Fit ${jointName(jointId)}`, (doc) =>
        updateSkeleton(doc, characterId(), (skeleton) => setRestPosition(skeleton, jointId, position)),
      );
    },
    addChildJoint() {
      const character = activeCharacter(get());
      if (!character) return;
      const parentId = get().selectedJointId ?? rootJointId();
      const parent = parentId ? jointById(character.skeleton, parentId) : undefined;
      if (!parent) return;
      const names = new Set(character.skeleton.joints.map((j) => j.name));
      let name = 'Joint';
      for (let n = 2; names.has(name); n++) name = `Joint ${n}`;
      // Continue the parent bone's direction for a quarter of its length (40 px up from a root).
      const grandParent = parent.parentId ? jointById(character.skeleton, parent.parentId) : undefined;
      const bone = grandParent ? sub(parent.restPosition, grandParent.restPosition) : ([0, 0, 0] as Vec3);
      const offset: Vec3 = length(bone) > 1e-6 ? scale(bone, 0.25) : [0, 40, 0];
      const restPosition = add(parent.restPosition, offset);
      let added: JointId | null = null;
      edit(`Add joint ${name}`, (doc) =>
        updateSkeleton(doc, characterId(), (skeleton) => {
          const result = addJoint(skeleton, { name, parentId: parent.id, restPosition });
          added = result.jointId;
          return result.skeleton;
        }),
      );
      if (added) set({ selectedJointId: added });
    },
    removeSelectedJoint() {
      const selected = get().selectedJointId;
      const character = activeCharacter(get());
      if (!selected || !character) return;
      const parentId = jointById(character.skeleton, selected)?.parentId ?? null;
      const before = get().document;
      edit(`Delete joint ${jointName(selected)}`, (doc) =>
        updateSkeleton(doc, characterId(), (skeleton) => removeJoint(skeleton, selected)),
      );
      if (get().document !== before) set({ selectedJointId: parentId });
    },
    renameJoint(jointId, name) {
      edit(`Rename ${jointName(jointId)}`, (doc) =>
        updateSkeleton(doc, characterId(), (skeleton) => renameJoint(skeleton, jointId, name.trim())),
      );
    },
    reparentJoint(jointId, parentId) {
      edit(`Reparent ${jointName(jointId)}`, (doc) =>
        updateSkeleton(doc, characterId(), (skeleton) => reparentJoint(skeleton, jointId, parentId)),
      );
    },
    keySelected() {
      const character = activeCharacter(get());
      if (!character) return;
      const selected = get().selectedJointId;
      if (!selected) {
        actions.keyAll();
        return;
      }
      const pose = poseAtFrame(character, frame());
      keyPose(`Key ${jointName(selected)}`, pose, [selected], selected === rootJointId());
    },
    keyAll() {
      const character = activeCharacter(get());
      if (!character) return;
      keyPose('Key all joints', poseAtFrame(character, frame()), allJointIds(), true);
    },
    deleteKeysAtFrame() {
      const at = frame();
      const selected = get().selectedJointId;
      editMotion(selected ? `Delete key of ${jointName(selected)}` : 'Delete keys', (motion) => {
        if (!selected) return deleteKeysAt(motion, at);
        // The root's translation key belongs to the root joint's row.
        return deleteKeysAt(motion, at, [selected], { rootTranslation: selected === rootJointId() });
      });
    },
    copyPose() {
      const character = activeCharacter(get());
      if (!character) return;
      set({ clipboard: poseAtFrame(character, frame()), notice: `Copied the pose at frame ${frame()}` });
    },
    pastePose() {
      const clipboard = get().clipboard;
      const character = activeCharacter(get());
      if (!clipboard || !character) return;
      const ids = allJointIds().filter((id) => id in clipboard.rotations);
      keyPose('Paste pose', clipboard, ids, true);
    },
    mirrorPose() {
      const character = activeCharacter(get());
      if (!character) return;
      const mirrored = mirrorPose(character.skeleton, poseAtFrame(character, frame()));
      keyPose('Mirror pose', mirrored, allJointIds(), true);
    },
    resetSelectedJoint() {
      const selected = get().selectedJointId;
      if (selected) actions.setJointRotation(selected, IDENTITY_QUAT);
    },
    setFps(fps) {
      edit('Change frame rate', (doc) => setFps(doc, fps));
    },
    setDurationFrames(frames) {
      const whole = Math.max(1, Math.round(frames));
      edit('Change duration', (doc) => setDuration(doc, whole));
      setPlayheadFrame(playhead, frame(), get().document?.durationFrames ?? whole);
    },
    renameProject(name) {
      edit('Rename project', (doc) => setProjectName(doc, name.trim()));
    },
    attachAudio(audio) {
      edit(`Attach audio ${audio.fileName}`, (doc) => setProjectAudio(doc, audio));
    },
    removeAudio() {
      edit('Remove audio', (doc) => setProjectAudio(doc, null));
    },
  };

  return { store, actions, playhead, events };
}

export function useEditorState<T>(editor: Editor, selector: (state: EditorState) => T): T {
  return useStore(editor.store, selector);
}
