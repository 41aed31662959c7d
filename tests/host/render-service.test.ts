import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import { evaluateMotion } from '../../core/motion/evaluate.js';
import { createServiceContext, type ServiceContext } from '../../host/api/context.js';
import { createServices } from '../../host/api/services.js';
import { loadSample } from '../../host/project/store.js';
import { waitForJobEvents } from './jobHelpers.js';

/**
 * Integration: the render service over the real worker process (child_process.fork of its kept
 * bundle, host/launch/entryBundle.mjs) and
 * the real onnxruntime-node on the CPU, rendering the sample project. No mocks.
 */
let cacheRoot: string;
let ctx: ServiceContext;
let doc: ProjectDocument;
const events: JobEvent[] = [];
const FRAMES = [0, 6, 12, 30, 40, 47];

beforeAll(async () => {
  cacheRoot = mkdtempSync(join(tmpdir(), 'keypose-render-test-'));
  ctx = createServiceContext({ shell: 'studio', projectsDir: null, confineToProjectsDir: false, cacheRoot });
  ctx.jobs.subscribe((e) => events.push(e));
  doc = await loadSample();
});
afterAll(async () => {
  await ctx?.dispose();
  if (cacheRoot) rmSync(cacheRoot, { recursive: true, force: true });
});

const waitForJob = (jobId: string) => waitForJobEvents(ctx, events, jobId);

const frameEvents = (list: JobEvent[]) =>
  list.filter((e): e is Extract<JobEvent, { type: 'frame' }> => e.type === 'frame');

/** The sample with the Head's last key turned further (only frames after the previous key change). */
function withEditedHeadKey(document: ProjectDocument): ProjectDocument {
  const copy = structuredClone(document);
  const track = copy.characters[0]!.motion.rotations.Head!;
  const last = track.at(-1)!;
  track[track.length - 1] = { ...last, value: [...quatFromAxisAngle([0, 0, 1], 0.6)] };
  return copy;
}

describe('render service (real worker, real onnxruntime)', () => {
  const keys = new Map<number, string>();

  it('streams the frames of a job, then serves the same request from the cache', async () => {
    const services = createServices(ctx.options, ctx);
    const t0 = performance.now();
    const first = await services.renderFrames({ document: doc, frames: FRAMES, quality: 'final' });
    expect(first.cached).toEqual([]);
    expect(first.jobId).not.toBeNull();
    const jobEvents = await waitForJob(first.jobId!);
    const ms = performance.now() - t0;
    expect(jobEvents.at(-1)?.type).toBe('done');
    const frames = frameEvents(jobEvents);
    expect(frames.map((f) => f.frame.frameIndex).sort((a, b) => a - b)).toEqual(FRAMES);
    for (const f of frames) {
      expect(f.frame).toMatchObject({ width: 768, height: 1024, quality: 'final' });
      keys.set(f.frame.frameIndex, f.frame.key);
      const image = await ctx.render.getFrame(f.frame.key);
      expect(image?.data.length).toBe(768 * 1024 * 4);
    }
    // Frames stream: the first frame event comes before the last progress event.
    const firstFrameAt = jobEvents.findIndex((e) => e.type === 'frame');
    const lastProgressAt = jobEvents.findLastIndex((e) => e.type === 'progress');
    expect(firstFrameAt).toBeLessThan(lastProgressAt);
    expect(jobEvents.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ done: 6, total: 6 });
    // A moving pose gives different pixels.
    const a = await ctx.render.getFrame(keys.get(0)!);
    const b = await ctx.render.getFrame(keys.get(12)!);
    expect(Buffer.compare(Buffer.from(a!.data), Buffer.from(b!.data))).not.toBe(0);
    console.log(
      `[render-service] 6 frames 768x1024 incl. weights + worker start: ${ms.toFixed(0)} ms; worker ms/frame ${(ctx.render.stats.workerRenderMs / ctx.render.stats.framesRendered).toFixed(0)}`,
    );

    const renderedBefore = ctx.render.stats.framesRendered;
    const t1 = performance.now();
    const second = await services.renderFrames({ document: doc, frames: FRAMES, quality: 'final' });
    console.log(
      `[render-service] same 6 frames again, all cached: ${(performance.now() - t1).toFixed(1)} ms`,
    );
    expect(second.jobId).toBeNull();
    expect(second.cached.map((f) => [f.frameIndex, f.key])).toEqual(FRAMES.map((f) => [f, keys.get(f)]));
    expect(ctx.render.stats.framesRendered).toBe(renderedBefore);
  });

  it('after editing one key re-renders only the frames whose pose changed', async () => {
    const edited = withEditedHeadKey(doc);
    const character = doc.characters[0]!;
    const changed = FRAMES.filter(
      (f) =>
        JSON.stringify(evaluateMotion(character.motion, f)) !==
        JSON.stringify(evaluateMotion(edited.characters[0]!.motion, f)),
    );
    // The Head's last two keys are at 36 and 47: frames 40 and 47 move, the others keep their pose.
    expect(changed).toEqual([40, 47]);
    const renderedBefore = ctx.render.stats.framesRendered;
    const result = await ctx.render.renderFrames({ document: edited, frames: FRAMES, quality: 'final' });
    expect(result.cached.map((f) => f.frameIndex)).toEqual(FRAMES.filter((f) => !changed.includes(f)));
    for (const f of result.cached) expect(f.key).toBe(keys.get(f.frameIndex));
    const jobEvents = await waitForJob(result.jobId!);
    const rerendered = frameEvents(jobEvents).map((e) => e.frame.frameIndex);
    expect(rerendered.sort((a, b) => a - b)).toEqual(changed);
    expect(ctx.render.stats.framesRendered - renderedBefore).toBe(changed.length);
    for (const e of frameEvents(jobEvents)) expect(e.frame.key).not.toBe(keys.get(e.frame.frameIndex));
  });

  it('cancels a running job: it ends cancelled and stops streaming frames', async () => {
    const frames = Array.from({ length: 48 }, (_, i) => i).filter((f) => !FRAMES.includes(f));
    const result = await ctx.render.renderFrames({ document: doc, frames, quality: 'final' });
    expect(result.jobId).not.toBeNull();
    const jobId = result.jobId!;
    await new Promise<void>((resolve) => {
      const unsubscribe = ctx.jobs.subscribe((e) => {
        if (e.type === 'frame' && e.jobId === jobId) {
          unsubscribe();
          resolve();
        }
      });
    });
    const services = createServices(ctx.options, ctx);
    expect(await services.cancelJob(jobId)).toBeNull();
    const jobEvents = await waitForJob(jobId);
    expect(jobEvents.at(-1)?.type).toBe('cancelled');
    expect(frameEvents(jobEvents).length).toBeLessThan(frames.length);
    const countAtEnd = events.filter((e) => e.type === 'frame' && e.jobId === jobId).length;
    await new Promise((r) => setTimeout(r, 500));
    expect(events.filter((e) => e.type === 'frame' && e.jobId === jobId).length).toBe(countAtEnd);
    expect(ctx.jobs.get(jobId)?.state).toBe('cancelled');
  });

  it('renderSequence yields frames in the order asked, the same pixels as the cache', async () => {
    const order = [47, 0, 12, 6];
    const progress: number[] = [];
    const got: number[] = [];
    for await (const f of ctx.render.renderSequence(doc, undefined, order, {
      readAhead: 2,
      onProgress: (done) => progress.push(done),
    })) {
      got.push(f.frameIndex);
      const cached = await ctx.render.getFrame(keys.get(f.frameIndex)!);
      expect(Buffer.compare(Buffer.from(f.image.data), Buffer.from(cached!.data))).toBe(0);
    }
    expect(got).toEqual(order);
    expect(progress).toEqual([1, 2, 3, 4]);
  });

  it('renderSequence streams uncached frames before its window ends, and stops when aborted', async () => {
    const abort = new AbortController();
    const renderedBefore = ctx.render.stats.framesRendered;
    const got: number[] = [];
    const error = await (async () => {
      for await (const f of ctx.render.renderSequence(doc, undefined, [1, 2, 3, 4, 5, 7, 8, 9], {
        signal: abort.signal,
        readAhead: 8,
      })) {
        got.push(f.frameIndex);
        // Frame 1 arrives while the rest of its window is still rendering.
        expect(ctx.render.stats.framesRendered - renderedBefore).toBeLessThan(8);
        abort.abort();
      }
      return null;
    })().catch((e: unknown) => e);
    expect(got).toEqual([1]);
    expect(error).toMatchObject({ code: 'cancelled' });
  });

  it('a draft of a rendered pose is the cached final frame (the engine draws both alike)', async () => {
    const result = await ctx.render.renderFrames({ document: doc, frames: [12], quality: 'draft' });
    expect(result.jobId).toBeNull();
    expect(result.cached.map((f) => [f.key, f.quality])).toEqual([[keys.get(12), 'draft']]);
  });

  it('places the character into a different output resolution', async () => {
    const placed = structuredClone(doc);
    placed.resolution = { width: 600, height: 400 };
    placed.characters[0]!.placement = { offset: [100, 0, 0], scale: 0.25 };
    const frames: number[] = [];
    for await (const f of ctx.render.renderSequence(placed, undefined, [0])) {
      frames.push(f.frameIndex);
      expect(f.image.width).toBe(600);
      expect(f.image.height).toBe(400);
      // The 192x256 character is centred at x = 300 + 100: the left third stays transparent.
      let leftAlpha = 0;
      let charAlpha = 0;
      for (let y = 0; y < 400; y++) {
        for (let x = 0; x < 200; x++) leftAlpha += f.image.data[(y * 600 + x) * 4 + 3]!;
        for (let x = 304; x < 496; x++) charAlpha += f.image.data[(y * 600 + x) * 4 + 3]!;
      }
      expect(leftAlpha).toBe(0);
      expect(charAlpha).toBeGreaterThan(0);
    }
    expect(frames).toEqual([0]);
  });

  it('moving a joint at rest re-computes the weights and frees the old character in the worker', async () => {
    const moved = structuredClone(doc);
    const head = moved.characters[0]!.skeleton.joints.find((j) => j.name === 'Head')!;
    head.restPosition = [head.restPosition[0], head.restPosition[1] + 6, head.restPosition[2]];
    expect(ctx.supervisor().characterIds).toHaveLength(1);
    const before = ctx.supervisor().characterIds[0];
    const result = await ctx.render.renderFrames({ document: moved, frames: [0], quality: 'final' });
    const [frame] = frameEvents(await waitForJob(result.jobId!));
    // New weights: a new key even at the rest-like frame 0, and one worker character, not two.
    expect(frame?.frame.key).not.toBe(keys.get(0));
    expect(ctx.supervisor().characterIds).toHaveLength(1);
    expect(ctx.supervisor().characterIds[0]).not.toBe(before);
    // Undo: the original rig's frames come from the cache again.
    const back = await ctx.render.renderFrames({ document: doc, frames: [0], quality: 'final' });
    const backFrames = back.jobId ? frameEvents(await waitForJob(back.jobId)) : [];
    const backKeys = [...back.cached.map((f) => f.key), ...backFrames.map((e) => e.frame.key)];
    expect(backKeys).toEqual([keys.get(0)]);
    expect(ctx.supervisor().characterIds).toEqual([before]);
  });

  it('reports the execution provider', async () => {
    const status = await createServices(ctx.options, ctx).getEngineStatus();
    expect(status.provider).toBe('cpu');
    expect(events.some((e) => e.type === 'engine' && e.status.provider === 'cpu')).toBe(true);
  });
});
