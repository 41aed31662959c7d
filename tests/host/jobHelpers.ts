import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import type { JobEvent } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import type { RgbaImage } from '../../core/render/types.js';
import { createServiceContext, type ServiceContext } from '../../host/api/context.js';
import { type ApiImplementation, createServices } from '../../host/api/services.js';
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

/**
 * Resolves with the job's events once its terminal event arrived. `events` is the caller's log,
 * filled by its own subscription to `ctx.jobs` made before the job started (a job may report
 * before the call that started it has returned its id).
 */
export function waitForJobEvents(
  ctx: ServiceContext,
  events: readonly JobEvent[],
  jobId: string,
): Promise<JobEvent[]> {
  return new Promise((resolve) => {
    const check = () => {
      const mine = events.filter((e) => 'jobId' in e && e.jobId === jobId);
      if (mine.some((e) => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled')) {
        unsubscribe();
        resolve(mine);
      }
    };
    const unsubscribe = ctx.jobs.subscribe(() => queueMicrotask(check));
    check();
  });
}

/**
 * One draft frame of `document` through the real render service: from the cache, or rendered by
 * a job whose events `events` records (as for waitForJobEvents). Its key and pixels.
 */
export async function renderOneFrame(
  ctx: ServiceContext,
  events: readonly JobEvent[],
  document: ProjectDocument,
  frameIndex: number,
): Promise<{ key: string; image: RgbaImage }> {
  const { jobId, cached } = await ctx.render.renderFrames({
    document,
    frames: [frameIndex],
    quality: 'draft',
  });
  let key = cached[0]?.key;
  if (jobId) {
    const done = await waitForJobEvents(ctx, events, jobId);
    key = done.find((e): e is Extract<JobEvent, { type: 'frame' }> => e.type === 'frame')?.frame.key;
  }
  const image = key ? await ctx.render.getFrame(key) : null;
  if (!key || !image) throw new Error(`no frame ${frameIndex}`);
  return { key, image };
}

export type JobRecorder = ReturnType<typeof jobRecorder>;

/** Studio services whose projects folder and frame cache lie in a fresh temporary folder. */
export interface ServicesFixture {
  /** The temporary folder; `projectsDir` and the frame cache lie inside it. */
  dir: string;
  projectsDir: string;
  ctx: ServiceContext;
  services: ApiImplementation;
  jobs: JobRecorder;
}

/**
 * Registers beforeAll/afterAll hooks (in the calling scope) that create studio services over the
 * real frame worker, then dispose of them and delete the folder. The returned object is filled in
 * by the time the tests run.
 */
export function servicesFixture(tmpPrefix: string, opts: { confineToProjectsDir: boolean }): ServicesFixture {
  const fx = {} as ServicesFixture;
  beforeAll(async () => {
    fx.dir = await mkdtemp(join(tmpdir(), tmpPrefix));
    fx.projectsDir = join(fx.dir, 'projects');
    await mkdir(fx.projectsDir);
    const options = {
      shell: 'studio' as const,
      projectsDir: fx.projectsDir,
      confineToProjectsDir: opts.confineToProjectsDir,
      cacheRoot: join(fx.dir, 'cache'),
    };
    fx.ctx = createServiceContext(options);
    fx.services = createServices(options, fx.ctx);
    fx.jobs = jobRecorder(fx.ctx);
  });
  afterAll(async () => {
    fx.jobs?.unsubscribe();
    await fx.ctx?.dispose();
    if (fx.dir) await rm(fx.dir, { recursive: true, force: true });
  });
  return fx;
}

export interface SampleServices extends ServicesFixture {
  sample: ProjectDocument;
}

/** servicesFixture confined to its projects folder, with the sample project opened. */
export function sampleServicesFixture(tmpPrefix: string): SampleServices {
  const fx = servicesFixture(tmpPrefix, { confineToProjectsDir: true }) as SampleServices;
  beforeAll(async () => {
    fx.sample = (await fx.services.openSample()).document;
  });
  return fx;
}

export type ExportRequest = Parameters<ApiImplementation['exportProject']>[0];

/** What a finished export job reports; `ignored` names document parts the format cannot carry. */
export interface ExportResult {
  path: string;
  frameCount: number;
  ignored: string[];
}

/** Starts an export and waits for it; a failed or cancelled job fails the test. */
export async function exportAndWait(
  { services, jobs }: Pick<SampleServices, 'services' | 'jobs'>,
  request: ExportRequest,
): Promise<{ jobId: string; result: ExportResult }> {
  const started = await services.exportProject(request);
  if (!started) throw new Error('exportProject returned null');
  const end = await jobs.finished(started.jobId);
  if (end.type === 'failed') throw new Error(`export failed: ${end.error.message}`);
  expect(end.type).toBe('done');
  return { jobId: started.jobId, result: (end as { result: ExportResult }).result };
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
