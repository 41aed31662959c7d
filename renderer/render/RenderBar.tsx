import { type ReactElement, useEffect, useRef } from 'react';
import type { FrameStatus } from './scheduler.js';
import { useRenderSystem } from './useRenderSystem.js';
import './render.css';

/** Colours of the render bar, one per frame status (the help for them is the bar's tooltip). */
export const STATUS_COLOURS: Record<FrameStatus, string> = {
  missing: '#3a3a3a',
  rendering: '#6b5a2a',
  stale: '#c98a2b',
  draft: '#7fb0d8',
  ready: '#5fbf6a',
};

/**
 * A thin strip along the timeline ruler: one cell per frame, coloured by its render status. Drawn
 * on a canvas from the scheduler's subscription (coalesced to one draw per animation frame), so a
 * stream of rendered frames re-renders no React component.
 */
export function RenderBar({ durationFrames }: { durationFrames: number }): ReactElement {
  const system = useRenderSystem();
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let queued = 0;
    const draw = () => {
      queued = 0;
      const statuses = system.scheduler.statuses();
      const widthPx = Math.max(1, Math.round(canvas.clientWidth * (window.devicePixelRatio || 1)));
      if (canvas.width !== widthPx) canvas.width = widthPx;
      if (canvas.height !== 1) canvas.height = 1;
      const context = canvas.getContext('2d');
      if (!context) return;
      context.clearRect(0, 0, widthPx, 1);
      const count = Math.max(statuses.length, durationFrames, 1);
      const counts: Record<FrameStatus, number> = { missing: 0, rendering: 0, stale: 0, draft: 0, ready: 0 };
      for (let frame = 0; frame < count; frame++) {
        const status = statuses[frame] ?? 'missing';
        counts[status]++;
        context.fillStyle = STATUS_COLOURS[status];
        const x0 = Math.floor((frame / count) * widthPx);
        const x1 = Math.floor(((frame + 1) / count) * widthPx);
        context.fillRect(x0, 0, Math.max(1, x1 - x0), 1);
      }
      // For tests and assistive tech: the same numbers as text, without a React render.
      canvas.dataset.ready = String(counts.ready);
      canvas.dataset.total = String(count);
      canvas.dataset.statuses = statuses.map((s) => s[0]).join('');
      canvas.title = `Frames ready ${counts.ready}/${count}${
        counts.rendering + counts.stale > 0 ? ` · rendering ${counts.rendering + counts.stale}` : ''
      }${counts.draft > 0 ? ` · draft ${counts.draft}` : ''}`;
      canvas.setAttribute('aria-label', canvas.title);
    };
    const schedule = () => {
      if (queued === 0) queued = requestAnimationFrame(draw);
    };
    draw();
    const off = system.scheduler.subscribe(schedule);
    const observer = new ResizeObserver(schedule);
    observer.observe(canvas);
    return () => {
      off();
      observer.disconnect();
      if (queued !== 0) cancelAnimationFrame(queued);
    };
  }, [system, durationFrames]);

  return <canvas ref={canvasRef} className="render-bar" role="img" data-testid="render-bar" />;
}
