import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProjectDocument } from '../../core/document/schema.js';
import type { JointId } from '../../core/ids.js';
import type { PreparedImport } from '../../core/motion/importMotion.js';
import type { ReductionTolerance } from '../../core/motion/keyReduction.js';
import type { JointMapping } from '../../core/retarget/mapping.js';
import type { RootMotion } from '../../core/retarget/retarget.js';
import type { Editor } from '../state/editorStore.js';

/**
 * Ephemeral motion UI state (not saved, not undoable), one store per editor: the import in
 * progress (reading a file, then the mapping panel), IK drag, pinned effectors.
 */

/** The options of the mapping panel, as the animator sets them. */
export interface ImportPanelOptions {
  readonly as: 'keys' | 'layer';
  readonly tolerance: ReductionTolerance;
  readonly startFrame: number;
  readonly rootMotion: RootMotion;
  readonly fixFeet: boolean;
  /** Source frames, inclusive. */
  readonly trimStart: number;
  readonly trimEnd: number;
  readonly loopBlendFrames: number;
  readonly repeat: number;
  readonly blendFrames: number;
}

export type ImportSession =
  | {
      readonly phase: 'reading';
      readonly fileName: string;
      readonly framesRead: number;
      readonly frameCount: number;
      readonly cancel: () => void;
    }
  | {
      readonly phase: 'ready';
      readonly fileName: string;
      readonly prepared: PreparedImport;
      readonly mapping: JointMapping;
      readonly options: ImportPanelOptions;
      /** Source frames per second. */
      readonly sourceFps: number;
      /**
       * More to change in the same undo step as the import (the video import keeps its video as
       * the reference, lined up with where the clip starts).
       */
      readonly alsoEdit?: (doc: ProjectDocument, options: ImportPanelOptions) => ProjectDocument;
    };

export interface MotionUiState {
  readonly session: ImportSession | null;
  /** Pose mode: dragging an effector moves its limb by IK (else it swings its parent bone). */
  readonly ikDrag: boolean;
  /** Effectors that stay where they are while other joints move (ephemeral, per editor). */
  readonly pins: readonly JointId[];
}

const stores = new WeakMap<Editor, StoreApi<MotionUiState>>();

export function motionUiFor(editor: Editor): StoreApi<MotionUiState> {
  let store = stores.get(editor);
  if (!store) {
    const created = createStore<MotionUiState>(() => ({ session: null, ikDrag: false, pins: [] }));
    editor.store.subscribe((s, p) => {
      // Pins name joints of the open project: a newly opened one starts without any.
      if (s.document?.id !== p.document?.id && created.getState().pins.length > 0)
        created.setState({ pins: [] });
      // Closing the mapping panel (Escape, the backdrop, Cancel) ends the import; a read stops.
      if (p.dialog === 'motion-import' && s.dialog !== 'motion-import') {
        const session = created.getState().session;
        if (session?.phase === 'reading') session.cancel();
        if (session) created.setState({ session: null });
      }
    });
    store = created;
    stores.set(editor, store);
  }
  return store;
}

export function togglePin(editor: Editor, jointId: JointId): void {
  const ui = motionUiFor(editor);
  const pins = ui.getState().pins;
  ui.setState({ pins: pins.includes(jointId) ? pins.filter((p) => p !== jointId) : [...pins, jointId] });
}
