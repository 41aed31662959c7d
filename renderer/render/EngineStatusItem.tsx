import { type ReactElement, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useEditor } from '../context.js';
import { ExportProgress, useExportController } from '../export/ExportDialog.js';
import { ModelPackMenu } from './ModelPackMenu.js';
import { previewState, type ShownKind } from './previewState.js';
import { providerLabel } from './renderSystem.js';
import { useRenderSystem } from './useRenderSystem.js';

/**
 * The status bar's engine item: "Engine: CPU" (the execution provider in use, with why preferred
 * ones were skipped in the tooltip), the model pack final frames go through (ModelPackMenu.tsx),
 * how many frames are ready, which picture the viewport shows (engine frame or live preview), and a
 * running export's progress when its dialog is closed. Render progress is written to the DOM from a subscription.
 */
export function EngineStatusItem(): ReactElement {
  const system = useRenderSystem();
  const exports = useExportController();
  const provider = useStore(system.engine, (s) => s.provider);
  const messages = useStore(system.engine, (s) => s.messages);
  const unavailable = useStore(system.engine, (s) => s.unavailable);
  const exporting = useStore(exports.store, (s) => s.running !== null);
  // The dialog shows its own progress bar; the status bar's is for an export running without it.
  const dialogOpen = useEditor((s) => s.dialog === 'export');
  const progressRef = useRef<HTMLSpanElement>(null);
  const barRef = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    let queued = 0;
    const show = () => {
      queued = 0;
      const { ready, total, pending } = system.scheduler.progress();
      const text = progressRef.current;
      const bar = barRef.current;
      if (text) {
        text.textContent =
          total === 0 ? '' : pending > 0 ? `Rendering ${ready}/${total}` : `Frames ${ready}/${total}`;
        text.dataset.ready = String(ready);
        text.dataset.total = String(total);
      }
      if (bar) {
        bar.style.width = `${total > 0 ? (ready / total) * 100 : 0}%`;
        const container = bar.parentElement;
        if (container) container.hidden = pending === 0;
      }
    };
    show();
    const off = system.scheduler.subscribe(() => {
      if (queued === 0) queued = requestAnimationFrame(show);
    });
    return () => {
      off();
      if (queued !== 0) cancelAnimationFrame(queued);
    };
  }, [system]);

  const title = unavailable
    ? `The frame engine is not available: ${unavailable}`
    : [`Execution provider: ${providerLabel(provider)}`, ...messages].join('\n');
  return (
    <span className="status-item status-engine" data-testid="status-engine" title={title}>
      <span data-testid="status-engine-provider" className={unavailable ? 'engine-error' : undefined}>
        Engine: {unavailable ? 'unavailable' : providerLabel(provider)}
      </span>
      {unavailable ? null : <ModelPackMenu />}
      <span className="render-progress" hidden>
        <span ref={barRef} />
      </span>
      <span ref={progressRef} data-testid="status-render-progress" />
      <ShownItem />
      {exporting && !dialogOpen ? <ExportProgress compact /> : null}
    </span>
  );
}

const SHOWN_LABEL: Record<ShownKind, string> = {
  engine: 'Showing the engine’s frame',
  preview: 'Showing the live preview',
  art: 'Showing the art',
};
const SHOWN_TITLE: Record<ShownKind, string> = {
  engine: 'The frame engine’s picture of this pose.',
  preview:
    'The parts moved on the GPU while the engine renders this pose (limbs out of the picture plane look flat until its frame arrives).',
  art: 'The picture as imported (Fit mode, frames off, or no frame yet).',
};

/** Which picture the viewport shows: the engine's frame, the live preview, or the art. */
function ShownItem(): ReactElement {
  const shown = useStore(previewState, (s) => s.shown);
  return (
    <span
      className={`shown-kind shown-${shown}`}
      data-testid="status-shown"
      data-kind={shown}
      title={SHOWN_TITLE[shown]}
    >
      {SHOWN_LABEL[shown]}
    </span>
  );
}
