import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobEvent } from '../core/contract/api.js';
import type { FromWorker } from '../core/contract/jobs.js';
import type { ProjectDocument } from '../core/document/schema.js';
import { createServiceContext, type ServiceContext } from '../host/api/context.js';
import { loadSample } from '../host/project/store.js';

/**
 * Render-path benchmark: the sample project (768x1024, 21 joints, its parts rig built in the
 * worker) through the real render service, the real worker process and onnxruntime-node, as the
 * editor uses them. Figures only; nothing here asserts a time.
 *
 * - rigMs: the first partsOf call (worker start + the parts rig built in the worker + the part
 *   labels sent back); workerRigBuildMs is the worker's own part.
 * - firstFrameMs: renderFrames of one uncached final frame until its 'frame' event (median).
 * - final24: a 24-frame final job, wall ms per frame and the worker's own ms per frame.
 * - draftMs: renderFrames of one uncached draft frame until its 'frame' event (median), the
 *   latency a joint drag sees.
 * - dragDraftMs: the same while a 24-frame final job runs: the job is cancelled and the draft
 *   asked for (what the renderer's scheduler does when a drag starts).
 *
 * Every timed request uses a pose no earlier request used (the root is shifted by a fraction of a
 * pixel per trial), so each one is a cache miss with the same rig.
 */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => loadavg().map((x) => round(x, 2));

/** The sample with its root moved by `shiftPx` (a new pose at every frame, same rest skeleton). */
function shifted(doc: ProjectDocument, shiftPx: number): ProjectDocument {
  const copy = structuredClone(doc);
  const motion = copy.characters[0]!.motion;
  motion.rootTranslation = motion.rootTranslation.map((k) => ({
    ...k,
    value: [k.value[0] + shiftPx, k.value[1], k.value[2]],
  }));
  return copy;
}

/** Starts a render job and resolves with the ms to its first frame and to its end. */
async function timeJob(
  ctx: ServiceContext,
  document: ProjectDocument,
  frames: number[],
  quality: 'draft' | 'final',
): Promise<{ firstFrameMs: number; totalMs: number; frames: number }> {
  const t0 = performance.now();
  let firstFrameMs = Number.NaN;
  let count = 0;
  let jobId: string | null = null;
  const early: JobEvent[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    const onEvent = (e: JobEvent) => {
      if (!('jobId' in e) || e.jobId !== jobId) return;
      if (e.type === 'frame') {
        if (count === 0) firstFrameMs = performance.now() - t0;
        count++;
      } else if (e.type === 'done' || e.type === 'cancelled') {
        unsubscribe();
        resolve();
      } else if (e.type === 'failed') {
        unsubscribe();
        reject(new Error(`render job failed: ${JSON.stringify(e)}`));
      }
    };
    // Events that arrive before renderFrames returns the job id are replayed once it is known.
    const unsubscribe = ctx.jobs.subscribe((e) => (jobId === null ? early.push(e) : onEvent(e)));
    void ctx.render
      .renderFrames({ document, frames, quality })
      .then((r) => {
        if (!r.jobId) {
          unsubscribe();
          reject(new Error('expected a render job (all frames were cached)'));
          return;
        }
        jobId = r.jobId;
        for (const e of early.splice(0)) onEvent(e);
      })
      .catch(reject);
  });
  await ended;
  return { firstFrameMs, totalMs: performance.now() - t0, frames: count };
}

export async function runRenderBench(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const trials = opts.quick ? 2 : 5;
  const cacheRoot = mkdtempSync(join(tmpdir(), 'keypose-render-bench-'));
  const ctx = createServiceContext({
    shell: 'studio',
    projectsDir: null,
    confineToProjectsDir: false,
    cacheRoot,
  });
  const workerRenderMs: number[] = [];
  let rigBuildMs = Number.NaN;
  const unwatch = ctx.supervisor().watch({
    message: (m: FromWorker) => {
      if (m.type === 'frame') workerRenderMs.push(m.renderMs);
      if (m.type === 'characterLoaded') rigBuildMs = m.buildMs;
    },
  });
  try {
    const doc = await loadSample();
    const character = doc.characters[0]!;
    const loadAtStart = load();

    const tw = performance.now();
    const parts = await ctx.render.partsOf(doc, character.id);
    const rigMs = performance.now() - tw;

    // Worker warm-up (the first frame prepares the atlas) outside the timed figures.
    const warmFinal = await timeJob(ctx, shifted(doc, 0.5), [5], 'final');
    const warmDraft = await timeJob(ctx, shifted(doc, 0.5), [5], 'draft');

    let trial = 1;
    const firstFrame: number[] = [];
    for (let i = 0; i < trials; i++) {
      firstFrame.push((await timeJob(ctx, shifted(doc, 0.01 * trial++), [7], 'final')).firstFrameMs);
    }
    const draft: number[] = [];
    for (let i = 0; i < trials; i++) {
      draft.push((await timeJob(ctx, shifted(doc, 0.01 * trial++), [7], 'draft')).firstFrameMs);
    }
    // 24 distinct poses (frames 0..23 of the sample move all the time).
    const frames24 = Array.from({ length: 24 }, (_, i) => i);
    // A drag starting while the timeline renders: as the renderer's scheduler does, the running
    // final job is cancelled and a draft of the playhead's frame asked for.
    const dragDraft: number[] = [];
    for (let i = 0; i < trials; i++) {
      const background = await ctx.render.renderFrames({
        document: shifted(doc, 0.01 * trial++),
        frames: frames24,
        quality: 'final',
      });
      await new Promise((r) => setTimeout(r, 250));
      if (background.jobId) ctx.jobs.cancel(background.jobId);
      dragDraft.push((await timeJob(ctx, shifted(doc, 0.01 * trial++), [7], 'draft')).firstFrameMs);
    }
    const before = workerRenderMs.length;
    const job24 = await timeJob(ctx, shifted(doc, 0.01 * trial++), frames24, 'final');
    const worker24 = workerRenderMs.slice(before);
    const beforeDraft = workerRenderMs.length;
    const draft24 = await timeJob(ctx, shifted(doc, 0.01 * trial++), frames24, 'draft');
    const workerDraft24 = workerRenderMs.slice(beforeDraft);

    return {
      picture: `${parts.width}x${parts.height}`,
      joints: character.skeleton.joints.length,
      parts: parts.partJointIds.length,
      provider: ctx.render.engineStatus().provider,
      loadAverageAtStart: loadAtStart,
      rigMs: round(rigMs),
      workerRigBuildMs: round(rigBuildMs),
      warmUpFirstFinalMs: round(warmFinal.firstFrameMs),
      warmUpFirstDraftMs: round(warmDraft.firstFrameMs),
      firstFrameMs: round(median(firstFrame)),
      firstFrameSamplesMs: firstFrame.map((x) => round(x)),
      draftMs: round(median(draft)),
      draftSamplesMs: draft.map((x) => round(x)),
      dragDraftMs: round(median(dragDraft)),
      dragDraftSamplesMs: dragDraft.map((x) => round(x)),
      final24: {
        frames: job24.frames,
        firstFrameMs: round(job24.firstFrameMs),
        wallMsPerFrame: round(job24.totalMs / job24.frames),
        workerMsPerFrame: round(worker24.reduce((a, b) => a + b, 0) / worker24.length),
      },
      draft24: {
        frames: draft24.frames,
        wallMsPerFrame: round(draft24.totalMs / draft24.frames),
        workerMsPerFrame: round(workerDraft24.reduce((a, b) => a + b, 0) / workerDraft24.length),
      },
      loadAverageAtEnd: load(),
    };
  } finally {
    unwatch();
    await ctx.dispose();
    rmSync(cacheRoot, { recursive: true, force: true });
  }
}

// Run on its own: `npx tsx bench/render.bench.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  runRenderBench({ quick: process.argv.includes('--quick') }).then((r) =>
    console.log(JSON.stringify(r, null, 2)),
  );
}
