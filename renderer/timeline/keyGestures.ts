import {
  type KeyRef,
  keyRefId,
  keysAtFrame,
  moveSelectedKeys,
  ROOT_TRACK,
  scaleSelectedKeys,
} from '../../core/motion/keySelection.js';
import type { Motion } from '../../core/motion/types.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { updateMotion } from '../state/edits.js';
import { timelineUiFor } from './timelineUi.js';

/**
 * The timeline's pointer gestures on keys: box selection over the rows, dragging the selected
 * keys (move), dragging the selection bar's ends (scale their timing). Each drag is one undo
 * step (a gesture on the editor's history); the selection follows the keys it moved.
 */

/** The track id a summary-row diamond carries (it stands for every key at its frame). */
export const SUMMARY_TRACK = '@summary';

/** Frame under a pointer, from the x position in a track (frames are equal-width cells). */
export function frameAtClientX(track: HTMLElement, clientX: number, durationFrames: number): number {
  const rect = track.getBoundingClientRect();
  const u = (clientX - rect.left) / Math.max(1, rect.width);
  return Math.min(durationFrames - 1, Math.max(0, Math.floor(u * durationFrames)));
}

/** The keys a diamond stands for: one key, or every key at the frame for the summary row. */
export function refsOfDiamond(motion: Motion, track: string, frame: number): KeyRef[] {
  return track === SUMMARY_TRACK ? keysAtFrame(motion, frame) : [{ track, frame }];
}

export function mergeRefs(a: readonly KeyRef[], b: readonly KeyRef[]): KeyRef[] {
  const seen = new Map<string, KeyRef>();
  for (const ref of [...a, ...b]) seen.set(keyRefId(ref), ref);
  return [...seen.values()];
}

/** The keys whose diamonds' centres lie in a client-space rectangle. */
export function refsInBox(
  grid: HTMLElement,
  motion: Motion,
  box: { left: number; top: number; right: number; bottom: number },
): KeyRef[] {
  let out: KeyRef[] = [];
  for (const node of grid.querySelectorAll<HTMLElement>('[data-key-track]')) {
    const r = node.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (x < box.left || x > box.right || y < box.top || y > box.bottom) continue;
    out = mergeRefs(out, refsOfDiamond(motion, node.dataset.keyTrack!, Number(node.dataset.frame)));
  }
  return out;
}

function characterId(editor: Editor) {
  return activeCharacter(editor.store.getState())?.id ?? null;
}

/**
 * Tracks a drag from `startX` over `track`: calls `apply(deltaFrames)` with the whole change
 * since the start (applied to the document as it was when the drag began), as one undo step.
 * Returns the handlers to attach; resolves the final delta on release.
 */
export function dragFrames(
  editor: Editor,
  label: string,
  track: HTMLElement,
  startClientX: number,
  durationFrames: number,
  onDelta: (delta: number) => void,
  onEnd: (delta: number, dragged: boolean) => void,
): { move(event: PointerEvent): void; up(): void } {
  const from = frameAtClientX(track, startClientX, durationFrames);
  let delta = 0;
  let dragging = false;
  return {
    move(event) {
      const next = frameAtClientX(track, event.clientX, durationFrames) - from;
      if (next === delta) return;
      if (!dragging) {
        dragging = true;
        editor.actions.beginGesture(label);
      }
      delta = next;
      onDelta(delta);
    },
    up() {
      if (dragging) editor.actions.endGesture();
      onEnd(delta, dragging);
    },
  };
}

/** The document edit that moves the selected keys by `delta` frames (inside a gesture). */
export function moveSelection(editor: Editor, refs: readonly KeyRef[], delta: number): KeyRef[] {
  const id = characterId(editor);
  let moved: KeyRef[] = [...refs];
  if (!id) return moved;
  editor.actions.edit('Move keys', (doc) =>
    updateMotion(doc, id, (motion) => {
      const result = moveSelectedKeys(motion, refs, delta);
      moved = result.refs;
      return result.motion;
    }),
  );
  return moved;
}

/** The document edit that scales the selected keys' timing about `pivot` (inside a gesture). */
export function scaleSelection(
  editor: Editor,
  refs: readonly KeyRef[],
  pivot: number,
  factor: number,
): KeyRef[] {
  const id = characterId(editor);
  let moved: KeyRef[] = [...refs];
  if (!id) return moved;
  editor.actions.edit('Scale keys', (doc) =>
    updateMotion(doc, id, (motion) => {
      const result = scaleSelectedKeys(motion, refs, pivot, factor);
      moved = result.refs;
      return result.motion;
    }),
  );
  return moved;
}

export function setSelection(editor: Editor, refs: readonly KeyRef[]): void {
  timelineUiFor(editor).setState({ selection: [...refs] });
}

export function selectionIds(refs: readonly KeyRef[]): ReadonlySet<string> {
  return new Set(refs.map(keyRefId));
}

export { ROOT_TRACK };
