import { z } from 'zod';
import { type PreferenceStorage, storedRecord } from '../state/preferences.js';

/**
 * The timeline's choices that outlive a reload: whether the graph editor is open (a user who works
 * in curves opens it every time otherwise). The page's localStorage under `keypose.timeline.v1`
 * (docs/state.md); the rest of the timeline's state (zoom, key selection, clipboard) is session
 * state in timelineUi.ts. Pure apart from the storage handed in.
 */

export const TIMELINE_PREFERENCES_KEY = 'keypose.timeline.v1';

export interface TimelinePreferences {
  readonly graphOpen: boolean;
}

export const DEFAULT_TIMELINE_PREFERENCES: TimelinePreferences = { graphOpen: false };

/** A bad or missing field (an older version, a hand edit) falls back to its default. */
export function parseTimelinePreferences(text: string | null): TimelinePreferences {
  const record = storedRecord(text);
  const graphOpen = z.boolean().safeParse(record.graphOpen);
  return { graphOpen: graphOpen.success ? graphOpen.data : DEFAULT_TIMELINE_PREFERENCES.graphOpen };
}

export function loadTimelinePreferences(storage: PreferenceStorage | null): TimelinePreferences {
  try {
    return parseTimelinePreferences(storage?.getItem(TIMELINE_PREFERENCES_KEY) ?? null);
  } catch {
    // Storage can be disabled (privacy settings): the editor still works, it just forgets.
    return DEFAULT_TIMELINE_PREFERENCES;
  }
}

export function saveTimelinePreferences(storage: PreferenceStorage | null, prefs: TimelinePreferences): void {
  try {
    storage?.setItem(TIMELINE_PREFERENCES_KEY, JSON.stringify(prefs));
  } catch {
    // A full or disabled storage only means the choice is not remembered.
  }
}
