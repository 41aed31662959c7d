import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../core/contract/api.js';
import type { RenderJobEvent, ToWorker } from '../../core/contract/jobs.js';
import { appFrameResponse, frameKeyOfAppUrl } from '../../electron/appProtocol.js';
import { createBridge } from '../../electron/bridge.js';
import { JOB_EVENT_CHANNEL } from '../../electron/channels.js';
import {
  builtWorkerEntry,
  type UtilityProcessChild,
  utilityWorkerFactory,
} from '../../electron/workerFactory.js';
import { WorkerSupervisor } from '../../host/worker/supervisor.js';

/**
 * Electron's render path without Electron (no binary on these machines): the job-event channel
 * through the bridge, app://keypose/frames/<key>, and the utilityProcess worker factory driven by
 * a stand-in for utilityProcess (the real worker code path is tested over child_process.fork).
 */

function fakeChannels() {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    subscribe(channel: string, listener: (...args: unknown[]) => void) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => {
        set.delete(listener);
      };
    },
    send(channel: string, payload: unknown) {
      for (const l of listeners.get(channel) ?? []) l({ sender: 'main' }, structuredClone(payload));
    },
  };
}

/** Stands in for Electron's UtilityProcess: an emitter whose postMessage goes to `onPost`. */
class FakeUtilityProcess extends EventEmitter implements UtilityProcessChild {
  pid: number | undefined = undefined;
  posted: unknown[] = [];
  killed = false;
  constructor(private readonly onPost: (child: FakeUtilityProcess, message: unknown) => void) {
    super();
    setImmediate(() => {
      this.pid = 4242;
    });
  }
  postMessage(message: unknown): void {
    this.posted.push(structuredClone(message));
    this.onPost(this, message);
  }
  kill(): boolean {
    this.killed = true;
    setImmediate(() => this.emit('exit', 9));
    return true;
  }
}

describe('Electron render path', () => {
  it('delivers valid job events through the bridge and drops malformed ones', () => {
    const channels = fakeChannels();
    const bridge = createBridge(async () => undefined, channels.subscribe);
    const got: JobEvent[] = [];
    const unsubscribe = bridge.onJobEvent((e) => got.push(e));
    const frame: JobEvent = {
      type: 'frame',
      jobId: 'job_1',
      frame: { frameIndex: 3, key: 'abcdef0123456789', width: 4, height: 2, quality: 'final' },
    };
    channels.send(JOB_EVENT_CHANNEL, frame);
    channels.send(JOB_EVENT_CHANNEL, { type: 'frame', jobId: 'job_1' });
    channels.send(JOB_EVENT_CHANNEL, { type: 'engine', status: { provider: 'cpu', messages: [] } });
    expect(got).toEqual([frame, { type: 'engine', status: { provider: 'cpu', messages: [] } }]);
    unsubscribe();
    channels.send(JOB_EVENT_CHANNEL, frame);
    expect(got).toHaveLength(2);
  });

  it('serves app://keypose/frames/<key> as raw RGBA with its size, 404 for unknown keys', async () => {
    expect(frameKeyOfAppUrl('app://keypose/frames/0123456789abcdef')).toBe('0123456789abcdef');
    expect(frameKeyOfAppUrl('app://keypose/index.html')).toBeNull();
    expect(frameKeyOfAppUrl('app://other/frames/0123456789abcdef')).toBeNull();
    expect(frameKeyOfAppUrl('app://keypose/frames/..%2F..%2Fsecret')).toBeNull();
    const image = { width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    const ok = await appFrameResponse('0123456789abcdef', async (key) =>
      key === '0123456789abcdef' ? image : null,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-frame-width')).toBe('2');
    expect(ok.headers.get('x-frame-height')).toBe('1');
    expect([...new Uint8Array(await ok.arrayBuffer())]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const missing = await appFrameResponse('ffffffffffffffff', async () => null);
    expect(missing.status).toBe(404);
  });

  it('runs the supervisor over utilityProcess: jobs stream, a dead worker is restarted and the job retried', async () => {
    const forks: { entry: string; child: FakeUtilityProcess }[] = [];
    let dieOnce = true;
    const utilityProcess = {
      fork(entry: string) {
        const child = new FakeUtilityProcess((self, raw) => {
          const message = raw as ToWorker;
          if (message.type === 'shutdown') setImmediate(() => self.emit('exit', 0));
          if (message.type !== 'render') return;
          const job = message.job;
          setImmediate(() => {
            for (const f of job.frames) {
              if (dieOnce && f.frameIndex === 1) {
                // The first worker dies after one frame: the supervisor must restart and resend the rest.
                dieOnce = false;
                self.emit('exit', 1);
                return;
              }
              self.emit('message', {
                type: 'frame',
                jobId: job.jobId,
                frameIndex: f.frameIndex,
                key: f.key,
                width: 1,
                height: 1,
                rgba: Uint8Array.from([f.frameIndex, 0, 0, 255]),
                renderMs: 1,
                provider: 'cpu',
              });
            }
            self.emit('message', { type: 'done', jobId: job.jobId });
          });
        });
        forks.push({ entry, child });
        return child;
      },
    };
    const entry = builtWorkerEntry('/opt/keypose');
    expect(entry).toBe('/opt/keypose/build/worker/main.js');
    const supervisor = new WorkerSupervisor({ factory: utilityWorkerFactory(utilityProcess, entry) });
    const events: RenderJobEvent[] = [];
    const frames = [0, 1, 2].map((i) => ({
      frameIndex: i,
      key: `key${i}xxxxxxxx`,
      pose: { rotations: {}, rootTranslation: [0, 0, 0] as [number, number, number] },
    }));
    const output = { width: 4, height: 4, scale: 1, offsetX: 0, offsetY: 0 };
    const job = supervisor.render({ characterId: 'c', output, frames }, (e) => events.push(e));
    expect(await job.finished).toBe('done');
    expect(forks.map((f) => f.entry)).toEqual([entry, entry]);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
    const got = events.flatMap((e) => (e.type === 'frame' ? [e.frameIndex] : []));
    expect(got).toEqual([0, 1, 2]);
    // The retry only asked for the frames not yet received.
    const resent = forks[1]!.child.posted.find((m) => (m as ToWorker).type === 'render') as Extract<
      ToWorker,
      { type: 'render' }
    >;
    expect(resent.job.frames.map((f) => f.frameIndex)).toEqual([1, 2]);
    await supervisor.stop();
    expect(forks[1]!.child.posted.at(-1)).toEqual({ type: 'shutdown' });
    expect(forks[1]!.child.killed).toBe(false);
  });
});
