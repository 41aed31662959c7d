import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { JobEvent } from '../../core/contract/api.js';
import type { ServiceContext } from '../../host/api/context.js';
import { drawHumanoid } from '../inference/rigging/syntheticFigure.js';

/**
 * Follows jobs of a service context: every event is recorded from subscription on (a job may
 * report before the call that started it has returned its id), and `finished(jobId)` resolves
 * with the job's terminal event.
 */
export function jobRecorder(ctx: ServiceContext) {
  const events: JobEvent[] = [];
  const waiters: { jobId: string; resolve: (e: JobEvent) => void }[] = [];
  const terminal = (e: JobEvent) => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled';
  const unsubscribe = ctx.jobs.subscribe((event) => {
    events.push(event);
    if (!('jobId' in event) || !terminal(event)) return;
    for (const w of waiters.filter((x) => x.jobId === event.jobId)) w.resolve(event);
  });
  return {
    events,
    unsubscribe,
    of: (jobId: string) => events.filter((e) => 'jobId' in e && e.jobId === jobId),
    finished(jobId: string): Promise<JobEvent> {
      const seen = events.find((e) => 'jobId' in e && e.jobId === jobId && terminal(e));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ jobId, resolve }));
    },
  };
}

/** A drawn humanoid (T-pose, transparent background) as PNG bytes, sizePx square. */
export async function humanoidPng(sizePx: number): Promise<Buffer> {
  const figure = drawHumanoid({ width: sizePx, height: sizePx, figureHeightPx: sizePx * 0.85 });
  const data = Buffer.alloc(sizePx * sizePx * 4);
  for (let p = 0; p < sizePx * sizePx; p++) {
    data[p * 4] = 190;
    data[p * 4 + 1] = 80 + ((figure.part[p]! * 37) % 150);
    data[p * 4 + 2] = 60;
    data[p * 4 + 3] = Math.round(figure.coverage[p]! * 255);
  }
  return sharp(data, { raw: { width: sizePx, height: sizePx, channels: 4 } })
    .png()
    .toBuffer();
}

export async function readBase64(path: string): Promise<string> {
  return (await readFile(path)).toString('base64');
}
