import { describe, expect, it } from 'vitest';
import { applyPatches, diff } from '../../core/history/diff.js';
import { UndoHistory } from '../../core/history/history.js';

interface Doc {
  readonly name: string;
  readonly fps: number;
  readonly joints: readonly { readonly id: string; readonly x: number }[];
  readonly tracks: Readonly<Record<string, readonly number[]>>;
  readonly big: readonly { readonly payload: string }[];
}

const initial: Doc = {
  name: 'hero',
  fps: 24,
  joints: [
    { id: 'Hips', x: 0 },
    { id: 'Head', x: 0 },
  ],
  tracks: { Hips: [0, 10] },
  big: Array.from({ length: 5000 }, (_, i) => ({ payload: `asset-${i}` })),
};

const moveHead = (d: Doc, x: number): Doc => ({
  ...d,
  joints: d.joints.map((j) => (j.id === 'Head' ? { ...j, x } : j)),
});

describe('diff / applyPatches', () => {
  it('round-trips object, array and primitive changes without mutating the input', () => {
    const a = { x: 1, arr: [1, 2, 3], nested: { keep: { deep: true }, drop: 1 }, list: [{ v: 1 }, { v: 2 }] };
    const b = { x: 2, arr: [1, 2], nested: { keep: a.nested.keep, add: 'new' }, list: [{ v: 1 }, { v: 3 }] };
    const snapshot = JSON.stringify(a);
    const patches = diff(a, b);
    const result = applyPatches(a, patches);
    expect(result).toEqual(b);
    expect(JSON.stringify(a)).toBe(snapshot);
    // Unchanged parts stay shared.
    expect(result.nested.keep).toBe(a.nested.keep);
    expect(result.list[0]).toBe(a.list[0]);
    expect(applyPatches(b, diff(b, a))).toEqual(a);
  });

  it('skips identical references, so a small edit to a big document yields one small patch', () => {
    const next = moveHead(initial, 42);
    const patches = diff(initial, next);
    expect(patches).toEqual([{ op: 'set', path: ['joints', 1, 'x'], value: 42 }]);
    expect(diff(initial, initial)).toEqual([]);
    const result = applyPatches(initial, patches);
    expect(result.big).toBe(initial.big);
    expect(result.joints[0]).toBe(initial.joints[0]);
  });
});

describe('UndoHistory', () => {
  it('undoes and redoes edits in order', () => {
    const h = new UndoHistory<Doc>(initial);
    expect(h.canUndo).toBe(false);
    h.apply({ ...h.present, name: 'villain' }, 'Rename');
    h.apply({ ...h.present, fps: 30 }, 'Set fps');
    expect(h.undoLabel).toBe('Set fps');
    expect(h.undo()).toBe(true);
    expect(h.present.fps).toBe(24);
    expect(h.present.name).toBe('villain');
    expect(h.undo()).toBe(true);
    expect(h.present).toEqual(initial);
    expect(h.undo()).toBe(false);
    expect(h.canRedo).toBe(true);
    h.redo();
    h.redo();
    expect(h.present.fps).toBe(30);
    expect(h.present.name).toBe('villain');
    expect(h.redo()).toBe(false);
  });

  it('an edit after undo drops the redo stack; a no-op edit records nothing', () => {
    const h = new UndoHistory<Doc>(initial);
    h.apply({ ...h.present, fps: 30 }, 'a');
    h.undo();
    h.apply({ ...h.present, fps: 12 }, 'b');
    expect(h.canRedo).toBe(false);
    h.apply(h.present, 'nothing');
    h.apply({ ...h.present }, 'structurally the same');
    expect(h.undoDepth).toBe(1);
  });

  it('a drag (begin, many previews, end) is one undo step', () => {
    const h = new UndoHistory<Doc>(initial);
    h.begin('Move Head');
    for (let x = 1; x <= 100; x++) h.preview(moveHead(h.present, x));
    expect(h.present.joints[1]!.x).toBe(100);
    h.end();
    expect(h.undoDepth).toBe(1);
    expect(h.undoLabel).toBe('Move Head');
    h.undo();
    expect(h.present.joints[1]!.x).toBe(0);
    expect(h.present).toEqual(initial);
    h.redo();
    expect(h.present.joints[1]!.x).toBe(100);
    // The unchanged big part of the document is still shared after undo/redo.
    expect(h.present.big).toBe(initial.big);
  });

  it('cancel reverts the previews without a step; undo during a drag cancels it', () => {
    const h = new UndoHistory<Doc>(initial);
    h.begin('Move');
    h.preview(moveHead(h.present, 5));
    h.cancel();
    expect(h.present).toBe(initial);
    expect(h.canUndo).toBe(false);
    h.begin('Move');
    h.preview(moveHead(h.present, 7));
    h.undo();
    expect(h.present).toBe(initial);
    expect(h.undoDepth).toBe(0);
  });

  it('reset loads a document that cannot be undone', () => {
    const h = new UndoHistory<Doc>(initial);
    h.apply({ ...h.present, fps: 30 }, 'edit');
    const loaded: Doc = { ...initial, name: 'loaded' };
    h.reset(loaded);
    expect(h.present).toBe(loaded);
    expect(h.canUndo).toBe(false);
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe(false);
    expect(h.present).toBe(loaded);
  });

  it('keeps at most maxDepth steps', () => {
    const h = new UndoHistory<Doc>(initial, { maxDepth: 10 });
    for (let i = 1; i <= 25; i++) h.apply({ ...h.present, fps: i }, `fps ${i}`);
    expect(h.undoDepth).toBe(10);
    while (h.undo()) {}
    expect(h.present.fps).toBe(15);
  });
});
