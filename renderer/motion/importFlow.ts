import { applyImportedMotion } from '../../core/document/motionEdits.js';
import { BvhError, startBvhRead } from '../../core/io/bvh.js';
import { PoseSequenceError, readPoseSequence } from '../../core/io/poseSequence.js';
import {
  type ImportResult,
  importClip,
  prepareImport,
  type SourceMotion,
} from '../../core/motion/importMotion.js';
import { setMappingPair } from '../../core/retarget/mapping.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { type ImportPanelOptions, type ImportSession, motionUiFor } from './motionUi.js';

/**
 * Motion import in the editor: a chosen or dropped .bvh / .json is read in the page (core's
 * reader, in steps between which the page stays responsive, with progress and Cancel), prepared
 * for the active character (the automatic mapping), shown in the mapping panel, and applied as one
 * undo step. The library panel goes through the same path (applySource).
 */

export const MOTION_INPUT_ID = 'keypose-motion-input';
export const MOTION_ACCEPT = '.bvh,.json,application/json';

/** Frames read per step: ~10 ms of work on these machines, so the progress bar keeps moving. */
const FRAMES_PER_STEP = 3000;

export function isMotionFileName(name: string): boolean {
  return /\.(bvh|json)$/i.test(name);
}

/** What the reader needs of a File (unit tests pass plain objects). */
export interface NamedText {
  readonly name: string;
  text(): Promise<string>;
}

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function reportError(editor: Editor, fileName: string, error: unknown): void {
  const message = error instanceof Error ? error.message.replace(/^BVH: /, '') : String(error);
  editor.actions.pushError({
    title: `Could not import ${fileName}`,
    message: `${fileName}: ${message}`,
    file: fileName,
  });
}

export function defaultOptions(editor: Editor, frameCount: number): ImportPanelOptions {
  return {
    as: 'keys',
    tolerance: { rotationDeg: 0.5, translationPx: 0.5 },
    startFrame: editor.playhead.getState().frame,
    rootMotion: 'keep',
    fixFeet: true,
    trimStart: 0,
    trimEnd: Math.max(0, frameCount - 1),
    loopBlendFrames: 0,
    repeat: 1,
    blendFrames: 0,
  };
}

/** What the caller sets on the panel it opens (the video import: where the clip starts, the reference). */
export interface MotionImportExtras {
  readonly options?: Partial<ImportPanelOptions>;
  readonly alsoEdit?: Extract<ImportSession, { phase: 'ready' }>['alsoEdit'];
}

/** Reads a motion file and opens the mapping panel for it. Errors go to the error banner. */
export async function beginMotionImport(
  editor: Editor,
  file: NamedText,
  extras: MotionImportExtras = {},
): Promise<void> {
  const character = activeCharacter(editor.store.getState());
  if (!character) return;
  const ui = motionUiFor(editor);
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
    ui.setState({ session: null });
    editor.actions.closeDialog();
  };
  ui.setState({ session: { phase: 'reading', fileName: file.name, framesRead: 0, frameCount: 0, cancel } });
  editor.actions.openDialog('motion-import');
  try {
    const text = await file.text();
    let source: SourceMotion;
    let sourceFps: number;
    if (/\.json$/i.test(file.name)) {
      const seq = readPoseSequence(text, file.name, character.skeleton);
      source = seq;
      sourceFps = seq.fps;
    } else {
      const reader = startBvhRead(text);
      while (!reader.step(FRAMES_PER_STEP)) {
        ui.setState({
          session: {
            phase: 'reading',
            fileName: file.name,
            framesRead: reader.framesRead,
            frameCount: reader.frameCount,
            cancel,
          },
        });
        await yieldToPage();
        if (cancelled) return;
      }
      const clip = reader.finish();
      source = { name: file.name, ...clip };
      sourceFps = clip.fps.numerator / clip.fps.denominator;
    }
    if (cancelled) return;
    openPrepared(editor, source, sourceFps, extras.options, extras.alsoEdit);
  } catch (error) {
    if (cancelled) return;
    ui.setState({ session: null });
    editor.actions.closeDialog();
    if (error instanceof BvhError || error instanceof PoseSequenceError || error instanceof Error)
      reportError(editor, file.name, error);
  }
}

/** Opens the mapping panel for an already-read source (the library uses this too). */
export function openPrepared(
  editor: Editor,
  source: SourceMotion,
  sourceFps: number,
  options?: Partial<ImportPanelOptions>,
  alsoEdit?: MotionImportExtras['alsoEdit'],
): void {
  const character = activeCharacter(editor.store.getState());
  if (!character) return;
  const prepared = prepareImport(source, character.skeleton);
  const session: ImportSession = {
    phase: 'ready',
    fileName: source.name,
    prepared,
    mapping: prepared.mapping,
    options: { ...defaultOptions(editor, source.clip.frameCount), ...options },
    sourceFps,
    ...(alsoEdit ? { alsoEdit } : {}),
  };
  motionUiFor(editor).setState({ session });
  editor.actions.openDialog('motion-import');
}

export function updateSession(
  editor: Editor,
  change: { mapping?: [string, string | null]; options?: Partial<ImportPanelOptions> },
): void {
  const ui = motionUiFor(editor);
  const session = ui.getState().session;
  if (session?.phase !== 'ready') return;
  ui.setState({
    session: {
      ...session,
      mapping: change.mapping
        ? setMappingPair(session.mapping, change.mapping[0], change.mapping[1])
        : session.mapping,
      options: { ...session.options, ...change.options },
    },
  });
}

/** The import's result on the active character with the panel's options (null when nothing is open). */
export function computeImport(
  editor: Editor,
  options: ImportPanelOptions,
  session: Extract<ImportSession, { phase: 'ready' }>,
): ImportResult | null {
  const state = editor.store.getState();
  const character = activeCharacter(state);
  if (!character || !state.document) return null;
  const frames = session.prepared.source.clip.frameCount;
  const trimmed = options.trimStart > 0 || options.trimEnd < frames - 1;
  return importClip(session.prepared, character.skeleton, character.motion, {
    mapping: session.mapping,
    fps: state.document.fps,
    startFrame: options.startFrame,
    as: options.as,
    tolerance: options.tolerance,
    rootMotion: options.rootMotion,
    fixFeet: options.fixFeet,
    loopBlendFrames: options.loopBlendFrames,
    repeat: options.repeat,
    blendFrames: options.blendFrames,
    ...(trimmed ? { trim: { start: options.trimStart, end: options.trimEnd } } : {}),
  });
}

/** Applies the open import as one undo step and closes the panel. */
export function applyMotionImport(editor: Editor): ImportResult | null {
  const session = motionUiFor(editor).getState().session;
  const character = activeCharacter(editor.store.getState());
  if (session?.phase !== 'ready' || !character) return null;
  let result: ImportResult | null;
  try {
    result = computeImport(editor, session.options, session);
  } catch (error) {
    reportError(editor, session.fileName, error);
    return null;
  }
  if (!result) return null;
  const done = result;
  const { alsoEdit, options } = session;
  editor.actions.edit(`Import motion ${session.fileName}`, (doc) => {
    const imported = applyImportedMotion(doc, character.id, done);
    return alsoEdit ? alsoEdit(imported, options) : imported;
  });
  motionUiFor(editor).setState({ session: null });
  editor.actions.closeDialog();
  editor.actions.setNotice(
    `Imported ${session.fileName}: frames ${done.frames[0]}–${done.frames[1]}, ${done.keyCount} keys${session.options.as === 'layer' ? ' (clip layer)' : ''}`,
  );
  return done;
}
