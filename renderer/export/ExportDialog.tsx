import { type ReactElement, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { STANDARD_FRAME_RATE_NAMES, type StandardFrameRateName } from '../../core/io/frameRate.js';
import { useEditor, useServices } from '../context.js';
import { Icon } from '../panels/icons.js';
import { hintFor } from '../shortcuts.js';
import { activeCharacter } from '../state/editorStore.js';
import { type ExportController, exportControllerFor } from './exportController.js';
import {
  choosePreset,
  EXPORT_SCALES,
  type ExportPreferences,
  effectiveRange,
  formatEta,
  loadExportPreferences,
  presetNeedsBackground,
  standardRateFor,
  validateExportChoice,
} from './preferences.js';
import './export.css';

export function useExportController(): ExportController {
  const { editor, api, commands } = useServices();
  return exportControllerFor(editor, api, commands);
}

/** Progress of the running export: bar, frames, stage, time left, Cancel. */
export function ExportProgress({ compact = false }: { compact?: boolean }): ReactElement | null {
  const controller = useExportController();
  const running = useStore(controller.store, (s) => s.running);
  if (!running) return null;
  const fraction = running.total > 0 ? Math.min(1, running.done / running.total) : 0;
  const eta = formatEta(running.etaSec);
  return (
    <div className={`export-progress${compact ? ' compact' : ''}`} data-testid="export-progress">
      {compact ? <span className="export-progress-label">Exporting</span> : null}
      <progress
        max={1}
        value={fraction}
        data-done={running.done}
        data-total={running.total}
        aria-label={`Export ${Math.round(fraction * 100)}%`}
      />
      <span className="export-progress-text" data-testid="export-progress-text">
        {running.total > 0 ? `${running.done} / ${running.total}` : 'starting…'}
        {running.stage && running.total > 0 ? ` · ${running.stage}` : ''}
        {eta ? ` · ${eta}` : ''}
      </span>
      <button
        type="button"
        className="button"
        data-testid={compact ? 'export-cancel-status' : 'export-cancel'}
        disabled={running.jobId === null}
        onClick={() => controller.cancel()}
      >
        Cancel
      </button>
    </div>
  );
}

/** One end of a custom frame range; what is typed becomes a whole frame number, 0 or more. */
function FrameNumberInput(props: {
  testId: string;
  label: string;
  last: number;
  value: number;
  disabled: boolean;
  onChange: (frame: number) => void;
}): ReactElement {
  return (
    <input
      type="number"
      data-testid={props.testId}
      aria-label={props.label}
      min={0}
      max={props.last}
      value={props.value}
      disabled={props.disabled}
      onChange={(event) => props.onChange(Math.max(0, Math.round(Number(event.currentTarget.value) || 0)))}
    />
  );
}

/**
 * Export… (Ctrl+E): the format, named for the editor the user has in mind, then frame rate,
 * scale, range, start timecode and, for formats without alpha, the background colour. The choice
 * is remembered (preferences.ts) for the next time and for Ctrl+Shift+E.
 */
export function ExportDialog(): ReactElement | null {
  const { editor } = useServices();
  const controller = useExportController();
  const document = useEditor((s) => s.document);
  const artSize = useEditor((s) => {
    const character = activeCharacter(s);
    const asset = character ? s.document?.assets[character.artAssetId] : undefined;
    return asset ? `${asset.width}x${asset.height}` : null;
  });
  const presets = useStore(controller.store, (s) => s.presets);
  const presetsError = useStore(controller.store, (s) => s.presetsError);
  const running = useStore(controller.store, (s) => s.running);
  const lastMessage = useStore(controller.store, (s) => s.lastMessage);
  const lastPath = useStore(controller.store, (s) => s.lastPath);
  const [prefs, setPrefs] = useState<ExportPreferences>(() => loadExportPreferences(safeStorage()));

  useEffect(() => {
    controller.loadPresets().catch(() => undefined);
  }, [controller]);

  const preset = presets ? choosePreset(presets, prefs.presetId) : null;
  const problems = useMemo(
    () => (document && presets ? validateExportChoice(prefs, document, presets) : []),
    [prefs, document, presets],
  );
  if (!document) return null;
  const last = document.durationFrames - 1;
  const range = effectiveRange(prefs, document.durationFrames);
  const projectRate = standardRateFor(document.fps);
  const [artWidth, artHeight] = (artSize ?? '0x0').split('x').map(Number) as [number, number];
  const update = (patch: Partial<ExportPreferences>) => setPrefs((p) => ({ ...p, ...patch }));
  const isMotion = preset?.kind === 'motion';

  return (
    <div className="modal-backdrop" onPointerDown={() => editor.actions.closeDialog()}>
      <form
        className="modal export-dialog"
        role="dialog"
        aria-label="Export"
        data-testid="export-dialog"
        onPointerDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          // Escape closes the dialog from its fields too (the shortcut table leaves text fields alone).
          if (event.key === 'Escape') {
            event.preventDefault();
            editor.actions.closeDialog();
          }
        }}
        onSubmit={(event) => {
          event.preventDefault();
          if (preset && problems.length === 0 && !running)
            void controller.start({ ...prefs, presetId: preset.id });
        }}
      >
        <div className="modal-head">
          <h2>Export</h2>
          <button
            type="button"
            className="tool-button"
            aria-label="Close"
            data-testid="export-close"
            onClick={() => editor.actions.closeDialog()}
          >
            <Icon name="close" />
          </button>
        </div>
        <div className="export-fields">
          <label className="export-field">
            <span>Format</span>
            <select
              data-testid="export-preset"
              value={preset?.id ?? ''}
              disabled={!presets || running !== null}
              onChange={(event) => update({ presetId: event.currentTarget.value })}
            >
              {presets === null ? <option value="">{presetsError ?? 'Loading…'}</option> : null}
              {(presets ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          {preset ? (
            <p className="export-note" data-testid="export-preset-note">
              {preset.kind === 'motion'
                ? `The skeleton and its motion (.${preset.extension}); no pictures.`
                : `${preset.kind === 'image-sequence' ? 'A folder of pictures' : `A .${preset.extension} file`}, ${
                    preset.alpha ? 'with alpha (transparent background)' : 'without alpha (over a colour)'
                  }.`}
              {document.audio
                ? preset.audio
                  ? ' With the project’s sound.'
                  : ' No sound (the format has none).'
                : ''}
            </p>
          ) : null}
          <label className="export-field">
            <span>Frame rate</span>
            <select
              data-testid="export-fps"
              value={prefs.fps ?? ''}
              disabled={running !== null}
              onChange={(event) =>
                update({
                  fps:
                    event.currentTarget.value === ''
                      ? null
                      : (event.currentTarget.value as StandardFrameRateName),
                })
              }
            >
              <option value="">Project ({projectRate ?? document.fps} fps)</option>
              {STANDARD_FRAME_RATE_NAMES.map((name) => (
                <option key={name} value={name}>
                  {name} fps
                </option>
              ))}
            </select>
          </label>
          <label className="export-field">
            <span>Scale</span>
            <select
              data-testid="export-scale"
              value={String(prefs.scale)}
              disabled={running !== null || isMotion}
              onChange={(event) => update({ scale: Number(event.currentTarget.value) })}
            >
              {(EXPORT_SCALES.includes(prefs.scale) ? EXPORT_SCALES : [...EXPORT_SCALES, prefs.scale]).map(
                (s) => (
                  <option key={s} value={String(s)}>
                    {Math.round(s * 100)}%
                    {artSize ? ` (${Math.round(artWidth * s)}×${Math.round(artHeight * s)})` : ''}
                  </option>
                ),
              )}
            </select>
          </label>
          <div className="export-field">
            <span>Frames</span>
            <div className="export-range">
              <select
                data-testid="export-range-mode"
                aria-label="Frame range"
                value={prefs.range === 'all' ? 'all' : 'custom'}
                disabled={running !== null}
                onChange={(event) =>
                  update({
                    range:
                      event.currentTarget.value === 'all' ? 'all' : { start: range.start, end: range.end },
                  })
                }
              >
                <option value="all">All (0–{last})</option>
                <option value="custom">Range</option>
              </select>
              {prefs.range !== 'all' ? (
                <>
                  <FrameNumberInput
                    testId="export-range-start"
                    label="First frame"
                    last={last}
                    value={prefs.range.start}
                    disabled={running !== null}
                    onChange={(start) =>
                      update({ range: { start, end: prefs.range === 'all' ? last : prefs.range.end } })
                    }
                  />
                  <span>to</span>
                  <FrameNumberInput
                    testId="export-range-end"
                    label="Last frame"
                    last={last}
                    value={prefs.range.end}
                    disabled={running !== null}
                    onChange={(end) =>
                      update({ range: { start: prefs.range === 'all' ? 0 : prefs.range.start, end } })
                    }
                  />
                </>
              ) : null}
            </div>
          </div>
          <label className="export-field">
            <span>Start timecode</span>
            <input
              type="text"
              data-testid="export-timecode"
              value={prefs.startTimecode}
              placeholder="00:00:00:00"
              disabled={running !== null || isMotion}
              onChange={(event) => update({ startTimecode: event.currentTarget.value })}
            />
          </label>
          {preset && presetNeedsBackground(preset) ? (
            <label className="export-field">
              <span>Background</span>
              <input
                type="color"
                data-testid="export-background"
                value={prefs.background}
                disabled={running !== null}
                onChange={(event) => update({ background: event.currentTarget.value })}
              />
            </label>
          ) : null}
          <label className="export-field">
            <span>File name</span>
            <input
              type="text"
              data-testid="export-file-name"
              value={prefs.fileName}
              placeholder={`${document.name} (a new name each time)`}
              maxLength={200}
              disabled={running !== null}
              onChange={(event) => update({ fileName: event.currentTarget.value })}
            />
          </label>
        </div>
        {problems.length > 0 ? (
          <ul className="export-problems" data-testid="export-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <ExportProgress />
        {!running && lastMessage ? (
          <p className={`export-result${lastPath ? ' ok' : ''}`} data-testid="export-result">
            {lastMessage}
          </p>
        ) : null}
        <div className="dialog-actions">
          <span className="export-hint">Repeat the last export: {hintFor('export.repeat')}</span>
          <button type="button" className="button" onClick={() => editor.actions.closeDialog()}>
            Close
          </button>
          <button
            type="submit"
            className="button primary"
            data-testid="export-start"
            disabled={!preset || problems.length > 0 || running !== null}
          >
            Export
          </button>
        </div>
      </form>
    </div>
  );
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
