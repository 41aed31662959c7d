import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CharacterFiles,
  type FrameRequest,
  type FrameTransfer,
  type FromWorker,
  fromWorkerSchema,
  type RenderJobEvent,
  type ToWorker,
} from '../../core/contract/jobs.js';
import { newId } from '../../core/ids.js';
import type { RgbaImage } from '../../core/render/types.js';
import { makeTempFolder, removeTempFolder } from '../jobs/tempFolders.js';
import { forkEntry } from '../launch/forkEntry.js';

/**
 * Starts and watches the frame worker (inference/worker/main.ts), queues render jobs, streams
 * their frames back, cancels them, and survives the worker dying: it is restarted and the running
 * job retried once (only the frames not yet received), then reported as failed.
 *
 * The host never imports inference/ code: it only knows the worker's entry file.
 */

/** What the supervisor needs from a worker process; Node's fork and Electron's utilityProcess both fit. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (data: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}
export type WorkerFactory = () => WorkerHandle;

export const WORKER_ENTRY = fileURLToPath(new URL('../../inference/worker/main.ts', import.meta.url));

/**
 * child_process.fork of the worker. In development and tests the entry is TypeScript, run from its
 * kept bundle or through tsx (host/launch/forkEntry.ts); a built app passes the compiled .js entry.
 * 'advanced' serialization carries pixel bytes as Uint8Array (no base64).
 */
export function forkWorkerFactory(
  opts: { entry?: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
): WorkerFactory {
  return () => {
    const launch = forkEntry(opts.entry ?? WORKER_ENTRY, opts.execArgv);
    const child: ChildProcess = fork(launch.modulePath, [], {
      execArgv: launch.execArgv,
      serialization: 'advanced',
      env: opts.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // A worker that dies mid-send makes the channel fail with EPIPE: the 'exit' handler reports
    // (and retries) that death, so the write error must not become an uncaught 'error' event.
    child.on('error', () => undefined);
    return {
      pid: child.pid,
      send: (m) => {
        if (child.connected) child.send(m, () => undefined);
      },
      onMessage: (l) => child.on('message', l),
      onExit: (l) => child.on('exit', l),
      kill: () => child.kill('SIGKILL'),
    };
  };
}

/** The part of Electron's UtilityProcess the supervisor uses (host/ must not import electron). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/**
 * Adapts Electron's utilityProcess.fork (passed in by electron/, which may import electron) to a
 * WorkerFactory. The worker's own code path is the same: it talks through process.parentPort.
 */
export function utilityProcessFactory(
  forkUtility: (modulePath: string, args: string[], options: { serviceName: string }) => UtilityProcessLike,
  entry: string,
): WorkerFactory {
  return () => {
    const child = forkUtility(entry, [], { serviceName: 'Keypose frame worker' });
    return {
      pid: child.pid,
      send: (m) => child.postMessage(m),
      onMessage: (l) => {
        child.on('message', l);
      },
      onExit: (l) => {
        child.on('exit', (code) => l(code, null));
      },
      kill: () => {
        child.kill();
      },
    };
  };
}

/** Where a job's frames go (core/render/parts/posed.ts OutputFrame). */
export interface RenderOutput {
  readonly width: number;
  readonly height: number;
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/** What the worker builds a character's parts rig from (see core/contract/jobs.ts characterFiles). */
export interface CharacterInput {
  readonly art: RgbaImage;
  /** Explicit figure mask, 1 byte per art pixel (non-zero = figure). */
  readonly mask?: Uint8Array | undefined;
  /** PSD part hints: 1 byte per art pixel (v > 0 = parts[v - 1]). */
  readonly partHints?:
    | { readonly owner: Uint8Array; readonly parts: readonly { name: string; jointIds: readonly string[] }[] }
    | undefined;
  readonly skeleton: CharacterFiles['skeleton'];
  /**
   * The rig cache file for this character (named by its rig key, in the host's cache folder): the
   * worker reads the built rig from it, or builds the rig and stores it there.
   */
  readonly rigFile?: string | undefined;
}

/** The worker's answer once a character's parts rig is built. */
export interface CharacterLoaded {
  readonly partJointIds: readonly string[];
  /** Per art pixel, the index into partJointIds of the part owning it, or -1. */
  readonly labels: Int16Array;
  readonly buildMs: number;
  /** True when the worker read the rig from its rig cache file instead of building it. */
  readonly fromCache: boolean;
}

/** One part's layer of a character's parts rig (see core/contract/jobs.ts partLayers). */
export interface PartLayer {
  readonly jointId: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly depthBias: number;
  readonly rgba: Uint8Array;
}

export interface RenderRequest {
  readonly characterId: string;
  readonly output: RenderOutput;
  readonly frames: readonly FrameRequest[];
  readonly transfer?: FrameTransfer;
  readonly packDir?: string;
  /** Which renderer draws the frames (RenderJob.renderer in core/contract/jobs.ts); default the engine. */
  readonly renderer?: 'engine' | 'reference';
}

export interface RenderJobHandle {
  readonly jobId: string;
  /** Resolves 'done' or 'cancelled'; rejects when the job failed (after its one retry). */
  readonly finished: Promise<'done' | 'cancelled'>;
  cancel(): void;
}

interface ActiveJob {
  readonly jobId: string;
  readonly request: RenderRequest;
  readonly onEvent: (e: RenderJobEvent) => void;
  readonly received: Set<number>;
  retries: number;
  sent: boolean;
  cancelRequested: boolean;
  resolve(v: 'done' | 'cancelled'): void;
  reject(e: Error): void;
}

export interface SupervisorOptions {
  readonly factory?: WorkerFactory;
  /** Folder for character files and file-transferred frames; a temp folder by default. */
  readonly workDir?: string;
  /** Retries of a job whose worker died (the issue asks for one). */
  readonly maxRetries?: number;
  /**
   * The rig cache folder (<cacheRoot>/rigs): a character registered under a rig key gets the rig
   * file <rigCacheDir>/<rigKey>.kpr, where the worker stores its built rig and reads it back after a
   * restart (inference/worker/rigCache.ts). Rig keys are content addresses, so every project shares it.
   */
  readonly rigCacheDir?: string;
}

interface RegisteredCharacter {
  readonly files: CharacterFiles;
  readonly dir: string;
  readonly loaded: Promise<CharacterLoaded>;
  resolve(v: CharacterLoaded): void;
  reject(e: Error): void;
  settled: boolean;
}

export interface WorkerWatcher {
  message?(msg: FromWorker): void;
  exit?(reason: string): void;
}

export class WorkerSupervisor {
  private readonly factory: WorkerFactory;
  private readonly workDir: string;
  private readonly ownsWorkDir: boolean;
  private readonly maxRetries: number;
  private readonly rigCacheDir: string | undefined;
  private worker: WorkerHandle | null = null;
  private readonly characters = new Map<string, RegisteredCharacter>();
  private readonly layerRequests = new Map<
    string,
    { resolve(v: PartLayer[]): void; reject(e: Error): void }
  >();
  private readonly queue: ActiveJob[] = [];
  private stopped = false;
  /** The execution provider the worker reported with its last frame. */
  provider: string | null = null;
  /** Why preferred execution providers were skipped (for the status bar / CLI). */
  providerMessages: readonly string[] = [];
  /** How many worker processes have been started (1 + restarts). */
  starts = 0;
  private readonly watchers = new Set<WorkerWatcher>();

  constructor(opts: SupervisorOptions = {}) {
    this.factory = opts.factory ?? forkWorkerFactory();
    this.ownsWorkDir = !opts.workDir;
    // keypose-worker-<pid>-…: removed on stop and at exit; a killed run's is swept by the next.
    this.workDir = opts.workDir ?? makeTempFolder('worker');
    mkdirSync(this.workDir, { recursive: true });
    this.maxRetries = opts.maxRetries ?? 1;
    this.rigCacheDir = opts.rigCacheDir;
  }

  /**
   * Observes every valid worker message (provider reports, replies to side requests such as
   * validatePack) and worker exits. Returns an unsubscribe function.
   */
  watch(watcher: WorkerWatcher): () => void {
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  /** Sends a message outside the render queue (e.g. validatePack), starting the worker if needed. */
  post(message: ToWorker): void {
    if (this.stopped) throw new Error('the worker supervisor is stopped');
    this.ensureWorker().send(message);
  }

  /** Starts the worker now (its engine session builds while the host does other work). */
  start(): void {
    if (!this.stopped) this.ensureWorker();
  }

  get workerPid(): number | undefined {
    return this.worker?.pid;
  }

  /**
   * Hands a character to the worker (as files, read once per worker process); it builds the parts
   * rig. Resolves when it is built (again after a worker restart: the same files are reloaded),
   * rejects when it cannot be. Render jobs for the character may be sent at once: they wait.
   */
  registerCharacter(id: string, input: CharacterInput): Promise<CharacterLoaded> {
    const existing = this.characters.get(id);
    if (existing) return existing.loaded;
    const dir = join(this.workDir, 'characters', id.replace(/[^0-9a-zA-Z_-]/g, '_'));
    mkdirSync(dir, { recursive: true });
    const { art } = input;
    const artFile = join(dir, 'art.rgba');
    writeFileSync(artFile, art.data);
    let maskFile: string | undefined;
    if (input.mask) {
      maskFile = join(dir, 'mask.u8');
      writeFileSync(maskFile, input.mask);
    }
    let hintsFile: string | undefined;
    if (input.partHints) {
      hintsFile = join(dir, 'hints.u8');
      writeFileSync(hintsFile, input.partHints.owner);
    }
    const rigFile =
      input.rigFile ??
      (this.rigCacheDir && /^rig_[0-9a-zA-Z_-]+$/.test(id) ? join(this.rigCacheDir, `${id}.kpr`) : undefined);
    const files: CharacterFiles = {
      id,
      width: art.width,
      height: art.height,
      artFile,
      ...(maskFile ? { maskFile } : {}),
      ...(hintsFile && input.partHints
        ? {
            hintsFile,
            hintParts: input.partHints.parts.map((p) => ({ name: p.name, jointIds: [...p.jointIds] })),
          }
        : {}),
      skeleton: input.skeleton,
      ...(rigFile ? { rigFile } : {}),
    };
    let resolve!: (v: CharacterLoaded) => void;
    let reject!: (e: Error) => void;
    const loaded = new Promise<CharacterLoaded>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be waiting (a render job reports the failure itself).
    loaded.catch(() => undefined);
    this.characters.set(id, { files, dir, loaded, resolve, reject, settled: false });
    // A worker being started gets every registered character; a running one gets this one now.
    if (this.worker) this.worker.send({ type: 'loadCharacter', character: files });
    else if (!this.stopped) this.ensureWorker();
    return loaded;
  }

  /** The layers of a registered character's parts rig, once it is built. */
  partLayers(id: string): Promise<PartLayer[]> {
    const requestId = newId('layers');
    return new Promise<PartLayer[]>((resolve, reject) => {
      this.layerRequests.set(requestId, { resolve, reject });
      this.post({ type: 'getPartLayers', requestId, characterId: id });
    });
  }

  /** The characters handed to the worker (loaded again after a restart). */
  get characterIds(): string[] {
    return [...this.characters.keys()];
  }

  /** Forgets a character: its files go and the worker frees it (jobs that still need it fail). */
  unregisterCharacter(id: string): void {
    const entry = this.characters.get(id);
    if (!entry) return;
    this.characters.delete(id);
    if (!entry.settled) entry.reject(new Error(`character ${id} was unloaded before its rig was built`));
    rmSync(entry.dir, { recursive: true, force: true });
    this.worker?.send({ type: 'unloadCharacter', characterId: id });
  }

  render(request: RenderRequest, onEvent: (e: RenderJobEvent) => void = () => {}): RenderJobHandle {
    if (this.stopped) throw new Error('the worker supervisor is stopped');
    const jobId = newId('job');
    let resolve!: (v: 'done' | 'cancelled') => void;
    let reject!: (e: Error) => void;
    const finished = new Promise<'done' | 'cancelled'>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: ActiveJob = {
      jobId,
      request,
      onEvent,
      received: new Set(),
      retries: 0,
      sent: false,
      cancelRequested: false,
      resolve,
      reject,
    };
    this.queue.push(job);
    this.pump();
    return {
      jobId,
      finished,
      cancel: () => this.cancel(jobId),
    };
  }

  private cancel(jobId: string): void {
    const i = this.queue.findIndex((j) => j.jobId === jobId);
    if (i < 0) return;
    const job = this.queue[i]!;
    job.cancelRequested = true;
    if (job.sent) {
      this.worker?.send({ type: 'cancel', jobId });
    } else {
      this.queue.splice(i, 1);
      this.finish(job, 'cancelled');
    }
  }

  private ensureWorker(): WorkerHandle {
    if (this.worker) return this.worker;
    const w = this.factory();
    this.starts++;
    this.worker = w;
    w.onMessage((data) => this.onWorkerMessage(w, data));
    w.onExit((code, signal) => this.onWorkerExit(w, code, signal));
    for (const c of this.characters.values()) w.send({ type: 'loadCharacter', character: c.files });
    return w;
  }

  private pump(): void {
    const job = this.queue[0];
    if (!job || job.sent || this.stopped) return;
    const w = this.ensureWorker();
    job.sent = true;
    const frames = job.request.frames.filter((f) => !job.received.has(f.frameIndex));
    const frameDir = join(this.workDir, 'frames');
    if (job.request.transfer === 'file') mkdirSync(frameDir, { recursive: true });
    w.send({
      type: 'render',
      job: {
        jobId: job.jobId,
        characterId: job.request.characterId,
        output: { ...job.request.output },
        frames: frames.map((f) => ({ ...f })),
        transfer: job.request.transfer ?? 'inline',
        ...(job.request.transfer === 'file' ? { frameDir } : {}),
        ...(job.request.packDir ? { packDir: job.request.packDir } : {}),
        // Dropping this made `--reference` renders come from the engine (caught by
        // tests/host/supervisor-messages.test.ts).
        ...(job.request.renderer ? { renderer: job.request.renderer } : {}),
      },
    });
  }

  private finish(job: ActiveJob, outcome: 'done' | 'cancelled' | Error): void {
    const i = this.queue.indexOf(job);
    if (i >= 0) this.queue.splice(i, 1);
    if (outcome instanceof Error) {
      job.onEvent({ type: 'failed', message: outcome.message });
      job.reject(outcome);
    } else {
      job.onEvent({ type: outcome });
      job.resolve(outcome);
    }
    this.pump();
  }

  private onWorkerMessage(w: WorkerHandle, data: unknown): void {
    if (w !== this.worker) return;
    const parsed = fromWorkerSchema.safeParse(data);
    if (!parsed.success) return;
    const msg: FromWorker = parsed.data;
    for (const watcher of [...this.watchers]) watcher.message?.(msg);
    const job = 'jobId' in msg && msg.jobId ? this.queue.find((j) => j.jobId === msg.jobId) : undefined;
    switch (msg.type) {
      case 'frame': {
        if (!job) return;
        this.provider = msg.provider;
        let rgba = msg.rgba;
        if (!rgba && msg.file) {
          rgba = new Uint8Array(readFileSync(msg.file));
          unlinkSync(msg.file);
        }
        if (!rgba) return;
        job.received.add(msg.frameIndex);
        job.onEvent({
          type: 'frame',
          frameIndex: msg.frameIndex,
          key: msg.key,
          width: msg.width,
          height: msg.height,
          rgba,
          renderMs: msg.renderMs,
        });
        return;
      }
      case 'characterLoaded': {
        const entry = this.characters.get(msg.characterId);
        if (!entry || entry.settled) return;
        entry.settled = true;
        const b = msg.labels;
        // An aligned copy: IPC bytes may start at any offset.
        const labels = new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        entry.resolve({
          partJointIds: msg.partJointIds,
          labels,
          buildMs: msg.buildMs,
          fromCache: msg.fromCache,
        });
        return;
      }
      case 'partLayers':
      case 'partLayersFailed': {
        const request = this.layerRequests.get(msg.requestId);
        if (!request) return;
        this.layerRequests.delete(msg.requestId);
        if (msg.type === 'partLayersFailed') request.reject(new Error(msg.message));
        else request.resolve(msg.layers);
        return;
      }
      case 'characterFailed': {
        const entry = this.characters.get(msg.characterId);
        if (!entry || entry.settled) return;
        entry.settled = true;
        entry.reject(new Error(msg.message));
        return;
      }
      case 'provider':
        this.provider = msg.name;
        this.providerMessages = msg.messages;
        return;
      case 'progress':
        // Progress counts frames of the whole job, including those received before a retry.
        if (job) job.onEvent({ type: 'progress', done: job.received.size, total: job.request.frames.length });
        return;
      case 'done':
        if (job) this.finish(job, 'done');
        return;
      case 'cancelled':
        if (job) this.finish(job, 'cancelled');
        return;
      case 'error':
        if (msg.code === 'pack-invalid') {
          job?.onEvent({ type: 'warning', message: msg.message });
          return;
        }
        if (job) this.finish(job, new Error(msg.message));
        return;
      default:
        return;
    }
  }

  private onWorkerExit(w: WorkerHandle, code: number | null, signal: string | null): void {
    if (w !== this.worker) return;
    this.worker = null;
    for (const r of this.layerRequests.values()) r.reject(new Error('the frame worker exited'));
    this.layerRequests.clear();
    for (const watcher of [...this.watchers])
      watcher.exit?.(`the frame worker exited (${signal ?? `code ${code}`})`);
    if (this.stopped) return;
    const job = this.queue[0];
    if (!job?.sent) return;
    const reason = `the frame worker exited (${signal ?? `code ${code}`})`;
    if (job.cancelRequested) {
      this.finish(job, 'cancelled');
      return;
    }
    if (job.retries >= this.maxRetries) {
      this.finish(job, new Error(`${reason} again while rendering; gave up after ${job.retries} retry`));
      return;
    }
    job.retries++;
    job.sent = false;
    job.onEvent({ type: 'retry', reason });
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const w = this.worker;
    this.worker = null;
    for (const job of [...this.queue]) this.finish(job, 'cancelled');
    for (const c of this.characters.values()) {
      if (!c.settled) c.reject(new Error('the worker supervisor is stopped'));
      c.settled = true;
    }
    if (w) {
      await new Promise<void>((res) => {
        const timer = setTimeout(() => {
          w.kill();
          res();
        }, 2000);
        w.onExit(() => {
          clearTimeout(timer);
          res();
        });
        w.send({ type: 'shutdown' });
      });
    }
    if (this.ownsWorkDir) removeTempFolder(this.workDir);
  }
}
