import { applyPatches, diff, type Patch } from './diff.js';

interface Step {
  readonly label: string;
  /** Patches from the state before the step to the state after it. */
  readonly redo: readonly Patch[];
  /** Patches back from after to before. */
  readonly undo: readonly Patch[];
}

export const DEFAULT_HISTORY_DEPTH = 500;

/**
 * Undo history of an immutable document, stored as patches (diffs) rather than snapshots.
 *
 * - apply(next, label): one undo step; the redo stack is dropped.
 * - begin(label) / preview(next)* / end(): a gesture (drag). Previews change `present` without
 *   recording; end() records the whole gesture as one step; cancel() returns to where begin() was.
 * - reset(doc): a new document (e.g. a loaded file): clears both stacks, not undoable.
 * - At most `maxDepth` steps are kept; the oldest are dropped.
 */
export class UndoHistory<T> {
  #present: T;
  #undo: Step[] = [];
  #redo: Step[] = [];
  #gesture: { label: string; base: T } | null = null;
  readonly maxDepth: number;

  constructor(initial: T, opts: { maxDepth?: number } = {}) {
    this.#present = initial;
    this.maxDepth = Math.max(1, opts.maxDepth ?? DEFAULT_HISTORY_DEPTH);
  }

  get present(): T {
    return this.#present;
  }
  get canUndo(): boolean {
    return this.#undo.length > 0 || this.#gesture !== null;
  }
  get canRedo(): boolean {
    return this.#redo.length > 0 && this.#gesture === null;
  }
  get undoLabel(): string | null {
    return this.#gesture?.label ?? this.#undo[this.#undo.length - 1]?.label ?? null;
  }
  get redoLabel(): string | null {
    return this.#redo[this.#redo.length - 1]?.label ?? null;
  }
  get undoDepth(): number {
    return this.#undo.length;
  }
  get redoDepth(): number {
    return this.#redo.length;
  }
  get inGesture(): boolean {
    return this.#gesture !== null;
  }

  #record(before: T, after: T, label: string): void {
    const redo = diff(before, after);
    if (redo.length === 0) return;
    this.#undo.push({ label, redo, undo: diff(after, before) });
    if (this.#undo.length > this.maxDepth) this.#undo.splice(0, this.#undo.length - this.maxDepth);
    this.#redo = [];
  }

  /** Records `next` as one step. An open gesture is ended (recorded) first. */
  apply(next: T, label: string): void {
    if (this.#gesture) this.end();
    const before = this.#present;
    this.#present = next;
    this.#record(before, next, label);
  }

  /** Starts a gesture; an open one is ended (recorded) first. */
  begin(label: string): void {
    if (this.#gesture) this.end();
    this.#gesture = { label, base: this.#present };
  }

  /** Shows an intermediate state of the gesture (no step). Outside a gesture, it starts one. */
  preview(next: T): void {
    if (!this.#gesture) this.begin('Edit');
    this.#present = next;
  }

  /** Ends the gesture as a single step (none if nothing changed). */
  end(): void {
    const gesture = this.#gesture;
    if (!gesture) return;
    this.#gesture = null;
    this.#record(gesture.base, this.#present, gesture.label);
  }

  /** Abandons the gesture: back to the state at begin(). */
  cancel(): void {
    const gesture = this.#gesture;
    if (!gesture) return;
    this.#gesture = null;
    this.#present = gesture.base;
  }

  /** Undoes the last step (an open gesture is cancelled, which counts as the undo). */
  undo(): boolean {
    if (this.#gesture) {
      this.cancel();
      return true;
    }
    const step = this.#undo.pop();
    if (!step) return false;
    this.#present = applyPatches(this.#present, step.undo);
    this.#redo.push(step);
    return true;
  }

  redo(): boolean {
    if (this.#gesture) return false;
    const step = this.#redo.pop();
    if (!step) return false;
    this.#present = applyPatches(this.#present, step.redo);
    this.#undo.push(step);
    return true;
  }

  /** Replaces the document without an undo step and forgets all history (loading a file). */
  reset(doc: T): void {
    this.#present = doc;
    this.#undo = [];
    this.#redo = [];
    this.#gesture = null;
  }
}
