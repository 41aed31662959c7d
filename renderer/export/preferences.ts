import { z } from 'zod';
import type { ExportPresetInfo, ExportRequest } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import {
  parseFrameRate,
  STANDARD_FRAME_RATE_NAMES,
  type StandardFrameRateName,
} from '../../core/io/frameRate.js';
import { parseTimecode } from '../../core/io/timecode.js';

/**
 * The export dialog's last choice: a preference of the user (kept in the page's localStorage),
 * not part of the project document. Everything here is pure so it is unit-tested without a page.
 */

export const EXPORT_PREFERENCES_KEY = 'keypose.export.v1';

/** Resolution scales the dialog offers (the host accepts any in (0, 4]). */
export const EXPORT_SCALES: readonly number[] = [0.25, 0.5, 0.75, 1, 1.5, 2];

export interface ExportPreferences {
  /** Null until the user has exported once: the dialog then picks the first preset. */
  readonly presetId: string | null;
  /** Null: the project's own frame rate (or the nearest standard one). */
  readonly fps: StandardFrameRateName | null;
  readonly scale: number;
  /** 'all' exports every frame; a custom range is clamped to the project it is used with. */
  readonly range: 'all' | { readonly start: number; readonly end: number };
  /** SMPTE HH:MM:SS:FF; where the format has a timecode track (ProRes .mov). */
  readonly startTimecode: string;
  /** #rrggbb behind the character in formats without alpha (MP4). */
  readonly background: string;
  /**
   * The file's name without extension ('' = the project's name; the studio then picks a free
   * one). An existing file of that name is replaced only after the user confirms it.
   */
  readonly fileName: string;
}

export const DEFAULT_EXPORT_PREFERENCES: ExportPreferences = {
  presetId: null,
  fps: null,
  scale: 1,
  range: 'all',
  startTimecode: '00:00:00:00',
  background: '#ffffff',
  fileName: '',
};

const COLOUR = /^#[0-9a-f]{6}$/i;
const TIMECODE = /^\d{2}:\d{2}:\d{2}[:;]\d{2}$/;

/** Each field is read on its own: one bad field (an older version, a hand edit) keeps the rest. */
const fieldSchemas = {
  presetId: z.string().min(1).nullable(),
  fps: z.enum(STANDARD_FRAME_RATE_NAMES as [StandardFrameRateName, ...StandardFrameRateName[]]).nullable(),
  scale: z.number().positive().max(4),
  range: z.union([
    z.literal('all'),
    z
      .object({ start: z.number().int().min(0), end: z.number().int().min(0) })
      .refine((r) => r.end >= r.start),
  ]),
  startTimecode: z.string().regex(TIMECODE),
  background: z.string().regex(COLOUR),
  fileName: z.string().max(200),
};

export function parseExportPreferences(text: string | null): ExportPreferences {
  if (!text) return DEFAULT_EXPORT_PREFERENCES;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return DEFAULT_EXPORT_PREFERENCES;
  }
  if (typeof raw !== 'object' || raw === null) return DEFAULT_EXPORT_PREFERENCES;
  const record = raw as Record<string, unknown>;
  const pick = <K extends keyof ExportPreferences>(key: K): ExportPreferences[K] => {
    const parsed = fieldSchemas[key].safeParse(record[key]);
    return parsed.success ? (parsed.data as ExportPreferences[K]) : DEFAULT_EXPORT_PREFERENCES[key];
  };
  return {
    presetId: pick('presetId'),
    fps: pick('fps'),
    scale: pick('scale'),
    range: pick('range'),
    startTimecode: pick('startTimecode'),
    background: pick('background'),
    fileName: pick('fileName'),
  };
}

export function serializeExportPreferences(prefs: ExportPreferences): string {
  return JSON.stringify(prefs);
}

export type PreferenceStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function loadExportPreferences(storage: PreferenceStorage | null): ExportPreferences {
  try {
    return parseExportPreferences(storage?.getItem(EXPORT_PREFERENCES_KEY) ?? null);
  } catch {
    // Storage can be disabled (privacy settings): the dialog still works, it just forgets.
    return DEFAULT_EXPORT_PREFERENCES;
  }
}

export function saveExportPreferences(storage: PreferenceStorage | null, prefs: ExportPreferences): void {
  try {
    storage?.setItem(EXPORT_PREFERENCES_KEY, serializeExportPreferences(prefs));
  } catch {
    // Full or disabled storage: not worth an error banner.
  }
}

/** The standard rate that names a project's fps (24 -> '24', 23.976 -> '23.976'), or null. */
export function standardRateFor(fps: number): StandardFrameRateName | null {
  for (const name of STANDARD_FRAME_RATE_NAMES) {
    const rate = parseFrameRate(name);
    if (Math.abs(rate.numerator / rate.denominator - fps) < 0.002) return name;
  }
  return null;
}

/** The preset a choice refers to, or the first one offered when it is unknown or unset. */
export function choosePreset(
  presets: readonly ExportPresetInfo[],
  presetId: string | null,
): ExportPresetInfo | null {
  return presets.find((p) => p.id === presetId) ?? presets[0] ?? null;
}

/** A preset without alpha that writes pictures composites them over the background colour. */
export function presetNeedsBackground(preset: ExportPresetInfo): boolean {
  return preset.kind === 'video' && !preset.alpha;
}

/** The inclusive frame range a choice means for a project (a remembered range is clamped to it). */
export function effectiveRange(
  prefs: ExportPreferences,
  durationFrames: number,
): { start: number; end: number } {
  const last = Math.max(0, durationFrames - 1);
  if (prefs.range === 'all') return { start: 0, end: last };
  const start = Math.min(last, Math.max(0, prefs.range.start));
  const end = Math.min(last, Math.max(start, prefs.range.end));
  return { start, end };
}

/** Problems that would make the host refuse the export, worded for the dialog (empty: fine). */
export function validateExportChoice(
  prefs: ExportPreferences,
  document: ProjectDocument,
  presets: readonly ExportPresetInfo[],
): string[] {
  const problems: string[] = [];
  if (!choosePreset(presets, prefs.presetId)) problems.push('No export format is available.');
  if (prefs.range !== 'all') {
    const last = document.durationFrames - 1;
    if (prefs.range.end < prefs.range.start) problems.push('The frame range ends before it starts.');
    if (prefs.range.start > last || prefs.range.end > last) {
      problems.push(`The frame range goes past the last frame (${last}).`);
    }
  }
  const fps = prefs.fps ?? standardRateFor(document.fps) ?? String(document.fps);
  try {
    parseTimecode(prefs.startTimecode, parseFrameRate(fps));
  } catch (error) {
    problems.push(`Start timecode: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (!COLOUR.test(prefs.background)) problems.push('The background colour must be #rrggbb.');
  return problems;
}

/** The API request for a choice (the studio picks the file name under its projects folder). */
export function buildExportRequest(
  prefs: ExportPreferences,
  document: ProjectDocument,
  presets: readonly ExportPresetInfo[],
  characterId?: string,
): ExportRequest {
  const preset = choosePreset(presets, prefs.presetId);
  if (!preset) throw new Error('No export format is available.');
  const range = effectiveRange(prefs, document.durationFrames);
  const fps = prefs.fps ?? standardRateFor(document.fps) ?? String(document.fps);
  return {
    document,
    ...(characterId ? { characterId } : {}),
    presetId: preset.id,
    fps,
    range,
    ...(preset.kind === 'motion' ? {} : { scale: prefs.scale }),
    ...(prefs.startTimecode !== DEFAULT_EXPORT_PREFERENCES.startTimecode
      ? { startTimecode: prefs.startTimecode }
      : {}),
    ...(presetNeedsBackground(preset) ? { background: prefs.background } : {}),
    ...(prefs.fileName.trim() !== '' ? { fileName: prefs.fileName.trim() } : {}),
  };
}

/** "1 min 05 s" / "12 s": how the progress bar words the time left. */
export function formatEta(etaSec: number | null | undefined): string {
  if (etaSec === null || etaSec === undefined || !Number.isFinite(etaSec) || etaSec < 0) return '';
  const total = Math.round(etaSec);
  if (total < 60) return `${total} s left`;
  const minutes = Math.floor(total / 60);
  return `${minutes} min ${String(total % 60).padStart(2, '0')} s left`;
}
