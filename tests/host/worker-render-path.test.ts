import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameRequest, RenderJobEvent } from '../../core/contract/jobs.js';
import { artFrame, type OutputFrame } from '../../core/render/parts/posed.js';
import { WorkerSupervisor } from '../../host/worker/supervisor.js';
import { frameRequests, workerCharacter } from './workerFrames.js';

/**
 * The worker's render path, through the real worker and the real onnxruntime-node: frames stream
 * out of a job as they finish, and the output frame (a scene's placement, an export's scale) is
 * honoured by the engine itself.
 */
const ch = workerCharacter(256, 320);
/** Frames of a few MB, like the sample's (768x1024): big ones are what piled up in the pipe. */
const big = workerCharacter(720, 960);

describe('worker render path (real worker, real onnxruntime)', () => {
  let sup: WorkerSupervisor;
  beforeAll(async () => {
    sup = new WorkerSupervisor();
    await Promise.all([sup.registerCharacter('c1', ch.input), sup.registerCharacter('big', big.input)]);
  });
  afterAll(() => sup.stop());

  async function render(frames: FrameRequest[], output: OutputFrame, characterId = 'c1') {
    const got: (Extract<RenderJobEvent, { type: 'frame' }> & { atMs: number })[] = [];
    const job = sup.render({ characterId, output, frames }, (e) => {
      if (e.type === 'frame') got.push({ ...e, atMs: performance.now() });
    });
    expect(await job.finished).toBe('done');
    return got;
  }

  it('renders at an export scale: twice the size, the same picture', async () => {
    const [one] = await render(frameRequests(ch, 1, 'r', artFrame(ch.art), 0.4), artFrame(ch.art));
    const [two] = await render(frameRequests(ch, 1, 'r', artFrame(ch.art, 2), 0.4), artFrame(ch.art, 2));
    expect([two!.width, two!.height]).toEqual([512, 640]);
    // Every 2x2 block of the big frame covers what its pixel of the small one covers.
    let agree = 0;
    let figure = 0;
    for (let y = 0; y < 320; y++) {
      for (let x = 0; x < 256; x++) {
        const a = one!.rgba[(y * 256 + x) * 4 + 3]! >= 128;
        let sum = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          sum += two!.rgba[((2 * y + dy) * 512 + 2 * x + dx) * 4 + 3]!;
        }
        const b = sum / 4 >= 128;
        if (a || b) figure++;
        if (a === b && (a || b)) agree++;
      }
    }
    expect(agree / figure).toBeGreaterThan(0.97);
  });

  it('streams a job’s frames as they finish, not all at its end', async () => {
    const frames = frameRequests(big, 8, 'rig_big', artFrame(big.art), 0.1);
    const got = await render(frames, artFrame(big.art), 'big');
    expect(got.map((f) => f.frameIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The frames' arrival spans most of the worker's time on frames 2..8 (frames piled up in
    // the IPC pipe arrived within a few ms of each other at the end of the job).
    const renderMs = got.slice(1).reduce((a, f) => a + f.renderMs, 0);
    expect(got.at(-1)!.atMs - got[0]!.atMs).toBeGreaterThan(0.5 * renderMs);
  });
});
