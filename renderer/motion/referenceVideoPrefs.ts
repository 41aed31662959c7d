import { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { type PreferenceStorage, pageStorage, storedRecord } from '../state/preferences.js';

/**
 * Whether the reference video shows behind the viewport, and how strongly: preferences of the
 * user (the page's localStorage under `keypose.reference.v1`, docs/state.md), not part of the
 * project: the video itself is (document.referenceVideo). Pure apart from the storage handed in.
 */

export const REFERENCE_PREFERENCES_KEY = 'keypose.reference.v1';

export interface ReferencePreferences {
  readonly shown: boolean;
  /** 0..1: how strongly the video shows over the art (under the skeleton). */
  readonly opacity: number;
}

export const DEFAULT_REFERENCE_PREFERENCES: ReferencePreferences = { shown: true, opacity: 0.4 };
export const MIN_REFERENCE_OPACITY = 0.05;

const fieldSchemas = {
  shown: z.boolean(),
  opacity: z.number().min(MIN_REFERENCE_OPACITY).max(1),
} as const;

/** Each field is read on its own: one bad field (an older version, a hand edit) keeps the rest. */
export function parseReferencePreferences(text: string | null): ReferencePreferences {
  const record = storedRecord(text);
  const shown = fieldSchemas.shown.safeParse(record.shown);
  const opacity = fieldSchemas.opacity.safeParse(record.opacity);
  return {
    shown: shown.success ? shown.data : DEFAULT_REFERENCE_PREFERENCES.shown,
    opacity: opacity.success ? opacity.data : DEFAULT_REFERENCE_PREFERENCES.opacity,
  };
}

/** A store of the preferences, written to `storage` as they change. */
export function createReferencePreferences(
  storage: PreferenceStorage | null = pageStorage(),
): StoreApi<ReferencePreferences> {
  let initial = DEFAULT_REFERENCE_PREFERENCES;
  try {
    initial = parseReferencePreferences(storage?.getItem(REFERENCE_PREFERENCES_KEY) ?? null);
  } catch {
    // Storage can be disabled (privacy settings): the editor still works, it just forgets.
  }
  const store = createStore<ReferencePreferences>(() => initial);
  store.subscribe((state) => {
    try {
      storage?.setItem(REFERENCE_PREFERENCES_KEY, JSON.stringify(state));
    } catch {
      // As above: a full or disabled storage only means the choice is not remembered.
    }
  });
  return store;
}

let shared: StoreApi<ReferencePreferences> | null = null;

/** The page's preferences (one per page: they are the user's, not a project's or an editor's). */
export function referencePreferences(): StoreApi<ReferencePreferences> {
  shared ??= createReferencePreferences();
  return shared;
}

export function setReferenceShown(shown: boolean): void {
  referencePreferences().setState({ shown });
}

export function setReferenceOpacity(opacity: number): void {
  if (!Number.isFinite(opacity)) return;
  referencePreferences().setState({ opacity: Math.min(1, Math.max(MIN_REFERENCE_OPACITY, opacity)) });
}
