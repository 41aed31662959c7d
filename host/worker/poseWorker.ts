import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { VideoFramePeople } from '../../core/video/types.js';
import {
  type FromPoseWorker,
  fromPoseWorkerSchema,
  type ToPoseWorker,
} from '../../core/video/workerMessages.js';
import { forkEntry } from '../launch/forkEntry.js';

/**
 * The host's handle on a pose worker process (inference/pose/videoWorker.ts): one per video
 * analysis, killed when it ends or is cancelled. Requests run one at a time.
 */

export const POSE_WORKER_ENTRY = fileURLToPath(
  new URL('../../inference/pose/videoWorker.ts', import.meta.url),
);

export class PoseWorkerError extends Error {
  override name = 'PoseWorkerError';
}

export class PoseWorker {
  private readonly child: ChildProcess;
  private waiting: { resolve: (m: FromPoseWorker) => void; reject: (e: Error) => void } | null = null;
  private exitError: Error | null = null;

  constructor(opts: { entry?: string; execArgv?: string[] } = {}) {
    const launch = forkEntry(opts.entry ?? POSE_WORKER_ENTRY, opts.execArgv);
    this.child = fork(launch.modulePath, [], {
      execArgv: launch.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('error', () => undefined);
    this.child.on('message', (raw) => {
      const parsed = fromPoseWorkerSchema.safeParse(raw);
      const w = this.waiting;
      this.waiting = null;
      if (!w) return;
      if (!parsed.success) w.reject(new PoseWorkerError('pose worker sent a malformed message'));
      else if (parsed.data.type === 'error') w.reject(new PoseWorkerError(parsed.data.message));
      else w.resolve(parsed.data);
    });
    this.child.on('exit', (code, signal) => {
      this.exitError = new PoseWorkerError(`the pose worker stopped (${signal ?? `exit ${code}`})`);
      this.waiting?.reject(this.exitError);
      this.waiting = null;
    });
  }

  private request(message: ToPoseWorker): Promise<FromPoseWorker> {
    if (this.exitError) return Promise.reject(this.exitError);
    if (this.waiting) return Promise.reject(new PoseWorkerError('pose worker is busy'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.send(message, (err) => {
        if (err && this.waiting) {
          this.waiting.reject(new PoseWorkerError(`could not reach the pose worker: ${err.message}`));
          this.waiting = null;
        }
      });
    });
  }

  async start(opts: { maxPeople?: number } = {}): Promise<void> {
    await this.request({ type: 'start', ...opts });
  }

  async analyse(frame: {
    index: number;
    width: number;
    height: number;
    data: Uint8Array;
  }): Promise<VideoFramePeople> {
    const reply = await this.request({
      type: 'frame',
      frameIndex: frame.index,
      width: frame.width,
      height: frame.height,
      data: frame.data as Uint8Array<ArrayBuffer>,
    });
    if (reply.type !== 'people') throw new PoseWorkerError(`pose worker answered '${reply.type}' to a frame`);
    return { frameIndex: reply.frameIndex, people: reply.people };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
