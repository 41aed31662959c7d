import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type FromFaceWorker,
  fromFaceWorkerSchema,
  type ToFaceWorker,
} from '../../core/face/faceWorkerMessages.js';
import { forkEntry } from '../launch/forkEntry.js';

/**
 * The host's handle on a face worker process (inference/face/faceWorker.ts): one per video
 * analysis, killed when it ends or is cancelled. Requests run one at a time. The same shape as
 * the pose worker's handle (host/worker/poseWorker.ts), with the face messages.
 */

export const FACE_WORKER_ENTRY = fileURLToPath(
  new URL('../../inference/face/faceWorker.ts', import.meta.url),
);

export class FaceWorkerError extends Error {
  override name = 'FaceWorkerError';
}

export type WorkerFace = Extract<FromFaceWorker, { type: 'faces' }>['faces'][number];

export class FaceWorker {
  private readonly child: ChildProcess;
  private waiting: { resolve: (m: FromFaceWorker) => void; reject: (e: Error) => void } | null = null;
  private exitError: Error | null = null;

  constructor(opts: { entry?: string; execArgv?: string[] } = {}) {
    const launch = forkEntry(opts.entry ?? FACE_WORKER_ENTRY, opts.execArgv);
    this.child = fork(launch.modulePath, [], {
      execArgv: launch.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('error', () => undefined);
    this.child.on('message', (raw) => {
      const parsed = fromFaceWorkerSchema.safeParse(raw);
      const w = this.waiting;
      this.waiting = null;
      if (!w) return;
      if (!parsed.success) w.reject(new FaceWorkerError('face worker sent a malformed message'));
      else if (parsed.data.type === 'error') w.reject(new FaceWorkerError(parsed.data.message));
      else w.resolve(parsed.data);
    });
    this.child.on('exit', (code, signal) => {
      this.exitError = new FaceWorkerError(`the face worker stopped (${signal ?? `exit ${code}`})`);
      this.waiting?.reject(this.exitError);
      this.waiting = null;
    });
  }

  private request(message: ToFaceWorker): Promise<FromFaceWorker> {
    if (this.exitError) return Promise.reject(this.exitError);
    if (this.waiting) return Promise.reject(new FaceWorkerError('face worker is busy'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.send(message, (err) => {
        if (err && this.waiting) {
          this.waiting.reject(new FaceWorkerError(`could not reach the face worker: ${err.message}`));
          this.waiting = null;
        }
      });
    });
  }

  async start(opts: { maxFaces?: number } = {}): Promise<void> {
    await this.request({ type: 'start', ...opts });
  }

  async analyse(frame: {
    index: number;
    width: number;
    height: number;
    data: Uint8Array;
  }): Promise<WorkerFace[]> {
    const reply = await this.request({
      type: 'frame',
      frameIndex: frame.index,
      width: frame.width,
      height: frame.height,
      data: frame.data as Uint8Array<ArrayBuffer>,
    });
    if (reply.type !== 'faces') throw new FaceWorkerError(`face worker answered '${reply.type}' to a frame`);
    return reply.faces;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
