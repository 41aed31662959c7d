import { describe, expect, it } from 'vitest';
import type { ExportPresetInfo } from '../../../core/contract/api.js';
import {
  buildExportRequest,
  DEFAULT_EXPORT_PREFERENCES,
  EXPORT_PREFERENCES_KEY,
  effectiveRange,
  formatEta,
  loadExportPreferences,
  parseExportPreferences,
  saveExportPreferences,
  standardRateFor,
  validateExportChoice,
} from '../../../renderer/export/preferences.js';
import { makeDocument } from '../fixtures.js';

const PRESETS: ExportPresetInfo[] = [
  {
    id: 'prores4444',
    label: 'After Effects / Premiere: ProRes 4444 with alpha',
    extension: 'mov',
    alpha: true,
    kind: 'video',
  },
  { id: 'mp4-h264', label: 'Web: MP4 (H.264)', extension: 'mp4', alpha: false, kind: 'video' },
  {
    id: 'png-sequence',
    label: 'PNG sequence with alpha',
    extension: '',
    alpha: true,
    kind: 'image-sequence',
  },
  { id: 'bvh', label: 'BVH motion', extension: 'bvh', alpha: false, kind: 'motion' },
];

/** localStorage's two methods over a Map. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      items.set(key, value);
    },
  };
}

const doc = { ...makeDocument(), durationFrames: 48, fps: 24 };

describe('export preferences', () => {
  it('remember the last choice across a save and a load', () => {
    const storage = memoryStorage();
    const choice = {
      presetId: 'mp4-h264',
      fps: '29.97' as const,
      scale: 0.5,
      range: { start: 2, end: 9 },
      startTimecode: '01:00:00:00',
      background: '#102030',
      fileName: 'hero walk',
    };
    saveExportPreferences(storage, choice);
    expect(storage.items.has(EXPORT_PREFERENCES_KEY)).toBe(true);
    expect(loadExportPreferences(storage)).toEqual(choice);
  });

  it('fall back to the defaults, field by field, for missing or damaged values', () => {
    expect(parseExportPreferences(null)).toEqual(DEFAULT_EXPORT_PREFERENCES);
    expect(parseExportPreferences('{not json')).toEqual(DEFAULT_EXPORT_PREFERENCES);
    expect(parseExportPreferences('[1,2]').presetId).toBeNull();
    const mixed = parseExportPreferences(
      JSON.stringify({
        presetId: 'gif',
        fps: '23.98',
        scale: 9,
        range: { start: 5, end: 2 },
        background: 'red',
      }),
    );
    expect(mixed).toEqual({ ...DEFAULT_EXPORT_PREFERENCES, presetId: 'gif' });
  });

  it('survive a storage that throws (disabled by privacy settings)', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadExportPreferences(broken)).toEqual(DEFAULT_EXPORT_PREFERENCES);
    expect(() => saveExportPreferences(broken, DEFAULT_EXPORT_PREFERENCES)).not.toThrow();
  });

  it('name the project rate as a standard rate', () => {
    expect(standardRateFor(24)).toBe('24');
    expect(standardRateFor(23.976)).toBe('23.976');
    expect(standardRateFor(30000 / 1001)).toBe('29.97');
    expect(standardRateFor(12)).toBeNull();
  });

  it('clamp a remembered range to the project it is used with', () => {
    expect(effectiveRange(DEFAULT_EXPORT_PREFERENCES, 48)).toEqual({ start: 0, end: 47 });
    const prefs = { ...DEFAULT_EXPORT_PREFERENCES, range: { start: 40, end: 90 } };
    expect(effectiveRange(prefs, 48)).toEqual({ start: 40, end: 47 });
    expect(effectiveRange(prefs, 10)).toEqual({ start: 9, end: 9 });
  });

  it('build the export request of a choice', () => {
    const mp4 = buildExportRequest(
      { ...DEFAULT_EXPORT_PREFERENCES, presetId: 'mp4-h264', scale: 0.5, range: { start: 0, end: 5 } },
      doc,
      PRESETS,
      'char_test',
    );
    expect(mp4).toEqual({
      document: doc,
      characterId: 'char_test',
      presetId: 'mp4-h264',
      fps: '24',
      range: { start: 0, end: 5 },
      scale: 0.5,
      background: '#ffffff',
    });
    // Alpha formats get no background; a set timecode and rate go through; motion has no scale.
    const prores = buildExportRequest(
      { ...DEFAULT_EXPORT_PREFERENCES, presetId: 'prores4444', fps: '23.976', startTimecode: '01:00:00:00' },
      doc,
      PRESETS,
    );
    expect(prores).toMatchObject({ presetId: 'prores4444', fps: '23.976', startTimecode: '01:00:00:00' });
    expect(prores).not.toHaveProperty('background');
    const bvh = buildExportRequest({ ...DEFAULT_EXPORT_PREFERENCES, presetId: 'bvh' }, doc, PRESETS);
    expect(bvh).not.toHaveProperty('scale');
    // An unknown remembered preset (a newer or older host) falls back to the first one offered.
    expect(
      buildExportRequest({ ...DEFAULT_EXPORT_PREFERENCES, presetId: 'gone' }, doc, PRESETS).presetId,
    ).toBe('prores4444');
  });

  it('word the problems the host would refuse', () => {
    expect(validateExportChoice(DEFAULT_EXPORT_PREFERENCES, doc, PRESETS)).toEqual([]);
    expect(validateExportChoice(DEFAULT_EXPORT_PREFERENCES, doc, [])).toEqual([
      'No export format is available.',
    ]);
    const bad = validateExportChoice(
      { ...DEFAULT_EXPORT_PREFERENCES, range: { start: 10, end: 60 }, startTimecode: '00:00:00:30' },
      doc,
      PRESETS,
    );
    expect(bad).toHaveLength(2);
    expect(bad[0]).toContain('last frame (47)');
    expect(bad[1]).toContain('Start timecode');
  });

  it('word the time left', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(4.4)).toBe('4 s left');
    expect(formatEta(65)).toBe('1 min 05 s left');
  });
});
