import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameRequest, RenderJobEvent } from '../../core/contract/jobs.js';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import { frameKey, hashFloat32 } from '../../core/render/frameKey.js';
import { projectPose } from '../../core/render/project.js';
import { renderReference } from '../../core/render/reference.js';
import { WorkerSupervisor } from '../../host/worker/supervisor.js';
import { createSyntheticCharacter } from '../../inference/engine/synthetic.js';

/**
 * Integration: the real worker process (child_process.fork + tsx) running the real
 * onnxruntime-node on the CPU. No mocks.
 */
const ch = createSyntheticCharacter({ width: 160, height: 192 });
const weightsHash = hashFloat32(ch.weights.data);

function frames(count: number): FrameRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const pose = {
      rotations: {
        LeftArm: quatFromAxisAngle([0, 0, 1], -0.05 * i),
        RightForeArm: quatFromAxisAngle([0, 1, 0], 0.04 * i),
      },
      rootTranslation: [i * 0.5, 0, 0] as const,
    };
    const bones = projectPose(ch.skeleton, pose, ch.art);
    const key = frameKey({
      artAssetId: 'synthetic',
      weightsHash,
      bones,
      width: 160,
      height: 192,
      engineVersion: 'test',
    });
    return {
      frameIndex: i,
      key,
      bones: bones.map((b) => ({ ...b, affine: [...b.affine], depth: [...b.depth] })),
    } as FrameRequest;
  });
}

let sup: WorkerSupervisor;
beforeAll(() => {
  sup = new WorkerSupervisor();
  sup.registerCharacter('c1', ch.art, ch.weights);
});
afterAll(() => sup.stop());

function collect() {
  const events: RenderJobEvent[] = [];
  return { events, on: (e: RenderJobEvent) => events.push(e) };
}

describe('worker supervisor + real worker process', () => {
  it('streams all 24 frames of a job, with progress, matching the reference', async () => {
    const { events, on } = collect();
    const job = sup.render({ characterId: 'c1', frames: frames(24), gridStep: 1 }, on);
    expect(await job.finished).toBe('done');
    const got = events.filter((e) => e.type === 'frame');
    expect(got.map((f) => f.frameIndex)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toEqual({ type: 'progress', done: 24, total: 24 });
    // Frames arrive while the job runs: the first frame comes before the last progress event.
    expect(events.findIndex((e) => e.type === 'frame')).toBeLessThan(events.length - 2);
    expect(sup.provider).toBe('cpu');
    const f5 = got[5]!;
    const ref = renderReference(ch.art, ch.weights, frames(24)[5]!.bones as never);
    let maxDiff = 0;
    for (let i = 0; i < ref.image.data.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(ref.image.data[i]! - f5.rgba[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('transfers frames through shared files as well', async () => {
    const { events, on } = collect();
    const job = sup.render({ characterId: 'c1', frames: frames(3), transfer: 'file' }, on);
    expect(await job.finished).toBe('done');
    const got = events.filter((e) => e.type === 'frame');
    expect(got).toHaveLength(3);
    expect(got[0]!.rgba.length).toBe(160 * 192 * 4);
  });

  it('cancel stops a running job', async () => {
    const { events, on } = collect();
    const job = sup.render({ characterId: 'c1', frames: frames(24), gridStep: 1 }, (e) => {
      on(e);
      if (e.type === 'frame' && e.frameIndex === 1) job.cancel();
    });
    expect(await job.finished).toBe('cancelled');
    const n = events.filter((e) => e.type === 'frame').length;
    expect(n).toBeLessThan(24);
    expect(events.at(-1)).toEqual({ type: 'cancelled' });
    // The worker is still usable afterwards.
    const next = sup.render({ characterId: 'c1', frames: frames(2) });
    expect(await next.finished).toBe('done');
  });

  it('a worker killed mid-job is restarted and the job retried to completion', async () => {
    const { events, on } = collect();
    const startsBefore = sup.starts;
    let killed = false;
    const job = sup.render({ characterId: 'c1', frames: frames(24), gridStep: 1 }, (e) => {
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
    const job = sup.render({ characterId: 'c1', frames: frames(24), gridStep: 1 }, (e) => {
      on(e);
      if (e.type === 'frame' && kills < 2) {
        kills++;
        process.kill(sup.workerPid!, 'SIGKILL');
      }
    });
    await expect(job.finished).rejects.toThrow(/frame worker exited .* again/);
    // The next job gets a fresh worker.
    expect(await sup.render({ characterId: 'c1', frames: frames(2) }).finished).toBe('done');
  });
});
