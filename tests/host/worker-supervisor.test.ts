import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderJobEvent } from '../../core/contract/jobs.js';
import { artFrame, poseFrame } from '../../core/render/parts/posed.js';
import { renderReference } from '../../core/render/parts/reference.js';
import { WorkerSupervisor } from '../../host/worker/supervisor.js';
import { PartsEngine } from '../../inference/engine/partsEngine.js';
import { buildPartsRig } from '../../inference/rigging/parts/build.js';
import { frameRequests, motionPose, workerCharacter } from './workerFrames.js';

/**
 * Integration: the real worker process (child_process.fork of its kept
 * bundle, host/launch/entryBundle.mjs) building the parts rig and
 * running the real onnxruntime-node on the CPU. No mocks.
 */
const ch = workerCharacter(160, 192);
const output = artFrame(ch.art);
const frames = (count: number) => frameRequests(ch, count);

let sup: WorkerSupervisor;
let loaded: Awaited<ReturnType<WorkerSupervisor['registerCharacter']>>;
beforeAll(async () => {
  sup = new WorkerSupervisor();
  loaded = await sup.registerCharacter('c1', ch.input);
});
afterAll(() => sup.stop());

function collect() {
  const events: RenderJobEvent[] = [];
  return { events, on: (e: RenderJobEvent) => events.push(e) };
}

describe('worker supervisor + real worker process', () => {
  it('builds the parts rig in the worker and reports its parts', () => {
    expect(loaded.partJointIds).toContain('LeftForeArm');
    expect(loaded.labels.length).toBe(160 * 192);
    const owned = new Set(loaded.labels);
    expect(owned.size).toBeGreaterThan(12);
  });

  it('streams all 24 frames of a job, with progress, matching the reference', async () => {
    const { events, on } = collect();
    const job = sup.render({ characterId: 'c1', output, frames: frames(24) }, on);
    expect(await job.finished).toBe('done');
    const got = events.filter((e) => e.type === 'frame');
    expect(got.map((f) => f.frameIndex)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toEqual({ type: 'progress', done: 24, total: 24 });
    // Frames arrive while the job runs: the first frame comes before the last progress event.
    expect(events.findIndex((e) => e.type === 'frame')).toBeLessThan(events.length - 2);
    expect(sup.provider).toBe('cpu');
    // The same rig built here, rendered by the reference renderer, is the same picture.
    const mask = new Uint8Array(160 * 192).map((_, p) => (ch.art.data[p * 4 + 3]! > 0 ? 1 : 0));
    const rig = buildPartsRig({ art: ch.art, mask, skeleton: ch.skeleton });
    const prepared = new PartsEngine().prepare(rig, 1);
    const frame = poseFrame({
      rig,
      atlas: prepared.atlas,
      skeleton: ch.skeleton,
      pose: motionPose(5),
      output,
    });
    const ref = renderReference(frame, prepared.atlas, prepared.profiles);
    const f5 = got[5]!;
    let differing = 0;
    for (let i = 0; i < ref.data.length; i++) if (Math.abs(ref.data[i]! - f5.rgba[i]!) > 2) differing++;
    expect(differing / ref.data.length).toBeLessThan(0.002);
  });

  it('renders with the reference renderer when the job asks for it (keypose render --reference)', async () => {
    const mask = new Uint8Array(160 * 192).map((_, p) => (ch.art.data[p * 4 + 3]! > 0 ? 1 : 0));
    const rig = buildPartsRig({ art: ch.art, mask, skeleton: ch.skeleton });
    const engine = new PartsEngine();
    const prepared = engine.prepare(rig, 1);
    // The two renderers agree to rounding, nearly always to the byte (on this motion, one frame of
    // 48 differs, by 4 bytes): the check needs a frame where they do not, so that a job given to the
    // wrong one shows.
    let index = -1;
    let byReference: Uint8Array | null = null;
    for (let i = 0; i < 48 && index < 0; i++) {
      const frame = poseFrame({
        rig,
        atlas: prepared.atlas,
        skeleton: ch.skeleton,
        pose: motionPose(i),
        output,
      });
      const ref = renderReference(frame, prepared.atlas, prepared.profiles).data;
      const eng = (await engine.render(prepared, frame)).data;
      if (!Buffer.from(ref).equals(Buffer.from(eng))) {
        index = i;
        byReference = ref;
      }
    }
    expect(index, 'no frame where the engine and the reference differ').toBeGreaterThanOrEqual(0);
    const rendered = async (renderer: 'engine' | 'reference') => {
      const { events, on } = collect();
      const job = sup.render(
        { characterId: 'c1', output, frames: frames(48).slice(index, index + 1), renderer },
        on,
      );
      expect(await job.finished).toBe('done');
      return Buffer.from(events.find((e) => e.type === 'frame')!.rgba);
    };
    expect((await rendered('reference')).equals(Buffer.from(byReference!))).toBe(true);
    expect((await rendered('engine')).equals(Buffer.from(byReference!))).toBe(false);
  });

  it('transfers frames through shared files as well', async () => {
    const { events, on } = collect();
    const job = sup.render({ characterId: 'c1', output, frames: frames(3), transfer: 'file' }, on);
    expect(await job.finished).toBe('done');
    const got = events.filter((e) => e.type === 'frame');
    expect(got).toHaveLength(3);
    expect(got[0]!.rgba.length).toBe(160 * 192 * 4);
  });

  it('cancel stops a running job', async () => {
    const { events, on } = collect();
    const job = sup.render({ characterId: 'c1', output, frames: frames(24) }, (e) => {
      on(e);
      if (e.type === 'frame' && e.frameIndex === 1) job.cancel();
    });
    expect(await job.finished).toBe('cancelled');
    const n = events.filter((e) => e.type === 'frame').length;
    expect(n).toBeLessThan(24);
    expect(events.at(-1)).toEqual({ type: 'cancelled' });
    // The worker is still usable afterwards.
    const next = sup.render({ characterId: 'c1', output, frames: frames(2) });
    expect(await next.finished).toBe('done');
  });

  it('a worker killed mid-job is restarted and the job retried to completion', async () => {
    const { events, on } = collect();
    const startsBefore = sup.starts;
    let killed = false;
    const job = sup.render({ characterId: 'c1', output, frames: frames(24) }, (e) => {
      on(e);
      if (e.type === 'frame' && e.frameIndex === 2 && !killed) {
        killed = true;
        process.kill(sup.workerPid!, 'SIGKILL');
      }
    });
    expect(await job.finished).toBe('done');
    expect(events.some((e) => e.type === 'retry')).toBe(true);
    expect(sup.starts).toBe(startsBefore + 1);
    const indices = new Set(events.filter((e) => e.type === 'frame').map((e) => e.frameIndex));
    expect(indices.size).toBe(24);
    expect(events.filter((e) => e.type === 'progress').at(-1)).toEqual({
      type: 'progress',
      done: 24,
      total: 24,
    });
  });

  it('a worker that dies again during the retry fails the job with a clear message', async () => {
    const { on } = collect();
    let kills = 0;
    const job = sup.render({ characterId: 'c1', output, frames: frames(24) }, (e) => {
      on(e);
      if (e.type === 'frame' && kills < 2) {
        kills++;
        process.kill(sup.workerPid!, 'SIGKILL');
      }
    });
    await expect(job.finished).rejects.toThrow(/frame worker exited .* again/);
    // The next job gets a fresh worker.
    expect(await sup.render({ characterId: 'c1', output, frames: frames(2) }).finished).toBe('done');
  });
});

describe('a character whose rig cannot be built', () => {
  it('rejects its registration and fails its jobs with the reason', async () => {
    const other = new WorkerSupervisor();
    try {
      const blank = { ...ch.input, art: { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4) } };
      await expect(other.registerCharacter('blank', blank)).rejects.toThrow(/no figure|transparent/);
      const job = other.render({ characterId: 'blank', output: artFrame(blank.art), frames: [] });
      await expect(job.finished).rejects.toThrow(/no figure|transparent/);
    } finally {
      await other.stop();
    }
  });
});
