import { describe, expect, it } from 'vitest';
import { parseTimelinePreferences, TIMELINE_PREFERENCES_KEY } from '../../renderer/timeline/timelinePrefs.js';
import { timelineUiFor } from '../../renderer/timeline/timelineUi.js';
import { makeEditor } from './fixtures.js';

/** The graph editor's toggle outlives a reload: a new editor on the same storage opens with it. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

describe('timeline preferences', () => {
  it('keeps the graph editor open across a reload, and closed once closed', () => {
    const storage = memoryStorage();
    const first = timelineUiFor(makeEditor(), storage);
    expect(first.getState().graphOpen).toBe(false);
    first.setState({ graphOpen: true });
    expect(JSON.parse(storage.items.get(TIMELINE_PREFERENCES_KEY)!)).toEqual({ graphOpen: true });
    // A reload: a new editor, the same storage.
    const second = timelineUiFor(makeEditor(), storage);
    expect(second.getState().graphOpen).toBe(true);
    second.setState({ graphOpen: false });
    expect(timelineUiFor(makeEditor(), storage).getState().graphOpen).toBe(false);
    // Zoom and selection are not kept.
    second.setState({ zoom: 3 });
    expect(timelineUiFor(makeEditor(), storage).getState().zoom).toBe(1);
  });

  it('falls back to closed on a bad or missing value, and works without storage', () => {
    expect(parseTimelinePreferences(null)).toEqual({ graphOpen: false });
    expect(parseTimelinePreferences('{')).toEqual({ graphOpen: false });
    expect(parseTimelinePreferences('{"graphOpen":"yes"}')).toEqual({ graphOpen: false });
    const throwing = {
      getItem: () => {
        throw new Error('disabled');
      },
      setItem: () => {
        throw new Error('disabled');
      },
    };
    const store = timelineUiFor(makeEditor(), throwing);
    store.setState({ graphOpen: true });
    expect(store.getState().graphOpen).toBe(true);
  });
});
