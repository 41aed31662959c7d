import { z } from 'zod';
import { interpolationSchema } from '../../core/document/schema.js';
import type { Interpolation } from '../../core/motion/types.js';

/**
 * The editor's preferences: choices of the user that outlive a project and a reload (onion skin,
 * the interpolation of new keys, frames or art, X-mirror, the gizmo), kept in the page's
 * localStorage (in Electron the app:// origin's, persisted in the user-data folder). Never in the
 * project document, never undoable. Which editor state key has which scope, and where it is kept:
 * docs/state.md. Pure apart from the storage handed in, so it is unit-tested without a page.
 */

export const EDITOR_PREFERENCES_KEY = 'keypose.editor.v1';

export interface EditorPreferences {
  readonly onionSkin: boolean;
  /** Interpolation given to keys created from now on (existing keys keep theirs). */
  readonly newKeyInterpolation: Interpolation;
  /** Pose mode's camera view shows the engine's generated frames (else the static art). */
  readonly showFrames: boolean;
  /** Fit mode: dragging a Left/Right joint moves its counterpart mirrored across x = 0. */
  readonly fitMirror: boolean;
  readonly gizmo: 'rotate' | 'translate';
}

export const DEFAULT_EDITOR_PREFERENCES: EditorPreferences = {
  onionSkin: false,
  newKeyInterpolation: 'linear',
  showFrames: true,
  fitMirror: false,
  gizmo: 'rotate',
};

export const EDITOR_PREFERENCE_KEYS = Object.keys(DEFAULT_EDITOR_PREFERENCES) as (keyof EditorPreferences)[];

/** Each field is read on its own: one bad field (an older version, a hand edit) keeps the rest. */
const fieldSchemas: { [K in keyof EditorPreferences]: z.ZodType<EditorPreferences[K]> } = {
  onionSkin: z.boolean(),
  newKeyInterpolation: interpolationSchema,
  showFrames: z.boolean(),
  fitMirror: z.boolean(),
  gizmo: z.enum(['rotate', 'translate']),
};

/**
 * The stored JSON object of a preferences key, or {} for nothing stored, bad JSON or a non-object:
 * each preference module then reads its fields one by one and falls back to defaults.
 */
export function storedRecord(text: string | null): Record<string, unknown> {
  let raw: unknown = null;
  try {
    raw = text ? JSON.parse(text) : null;
  } catch {
    raw = null;
  }
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
}

export function parseEditorPreferences(text: string | null): EditorPreferences {
  const record = storedRecord(text);
  const out: Record<string, unknown> = {};
  for (const key of EDITOR_PREFERENCE_KEYS) {
    const parsed = fieldSchemas[key].safeParse(record[key]);
    out[key] = parsed.success ? parsed.data : DEFAULT_EDITOR_PREFERENCES[key];
  }
  return out as unknown as EditorPreferences;
}

/** The preference fields of any object that has them (the editor state), in a stable order. */
export function pickEditorPreferences(from: EditorPreferences): EditorPreferences {
  const out: Record<string, unknown> = {};
  for (const key of EDITOR_PREFERENCE_KEYS) out[key] = from[key];
  return out as unknown as EditorPreferences;
}

export type PreferenceStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function loadEditorPreferences(storage: PreferenceStorage | null): EditorPreferences {
  try {
    return parseEditorPreferences(storage?.getItem(EDITOR_PREFERENCES_KEY) ?? null);
  } catch {
    // Storage can be disabled (privacy settings): the editor still works, it just forgets.
    return DEFAULT_EDITOR_PREFERENCES;
  }
}

export function saveEditorPreferences(storage: PreferenceStorage | null, prefs: EditorPreferences): void {
  try {
    storage?.setItem(EDITOR_PREFERENCES_KEY, JSON.stringify(pickEditorPreferences(prefs)));
  } catch {
    // Full or disabled storage: the choice holds for this session only.
  }
}

/** The page's localStorage, or null where the page may not use it. */
export function pageStorage(): PreferenceStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
