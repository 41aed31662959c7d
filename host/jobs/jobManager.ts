import { ApiError, type ApiErrorData, type JobEvent } from '../../core/contract/api.js';
import { DocumentError, documentErrorToData } from '../../core/document/errors.js';
import { newId } from '../../core/ids.js';

/**
 * Long work (render, import, export) as jobs, shared by every shell: the studio server forwards
 * the events over SSE, Electron over webContents.send, the CLI draws a progress bar from them.
 *
 * A job is an async function given a JobContext: it reports progress, may emit frame events, and
 * must stop soon after `signal` aborts (cancelJob). Its outcome becomes exactly one terminal event:
 * 'done' (with the function's result), 'cancelled' (the signal aborted, whatever the function
 * then threw), or 'failed' (any other error, as ApiErrorData so it crosses process boundaries).
 */
export type JobKind = 'render' | 'import' | 'export' | 'lipsync';
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobContext {
  readonly jobId: string;
  readonly kind: JobKind;
  readonly signal: AbortSignal;
  /** Reports progress; the manager adds an ETA from the rate so far. */
  progress(done: number, total: number, stage?: string): void;
  /** Sends a job's own event (e.g. 'frame') to the subscribers. */
  emit(event: JobEvent): void;
}

export interface JobInfo {
  readonly jobId: string;
  readonly kind: JobKind;
  state: JobState;
  done: number;
  total: number;
  readonly startedMs: number;
}

export interface StartedJob<T> {
  readonly jobId: string;
  /** Resolves with the result, or undefined when cancelled; rejects with ApiError when failed. */
  readonly result: Promise<T | undefined>;
}

export type JobListener = (event: JobEvent) => void;

/** How long finished jobs stay listed (for late get() calls), at most. */
const MAX_FINISHED_JOBS = 200;

export class JobManager {
  private readonly listeners = new Set<JobListener>();
  private readonly jobs = new Map<string, JobInfo & { controller: AbortController }>();
  private readonly now: () => number;

  constructor(opts: { now?: () => number } = {}) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Listens to every job's events (and engine status events). Returns an unsubscribe function. */
  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Broadcasts an event; a throwing listener does not stop the others. */
  emit(event: JobEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A subscriber's bug (e.g. a closed SSE socket) must not break the job that emitted.
      }
    }
  }

  start<T>(kind: JobKind, run: (job: JobContext) => Promise<T>): StartedJob<T> {
    const jobId = newId('job');
    const controller = new AbortController();
    const info = {
      jobId,
      kind,
      state: 'running' as JobState,
      done: 0,
      total: 0,
      startedMs: this.now(),
      controller,
    };
    this.jobs.set(jobId, info);
    this.trim();
    const context: JobContext = {
      jobId,
      kind,
      signal: controller.signal,
      progress: (done, total, stage) => {
        if (info.state !== 'running') return;
        info.done = done;
        info.total = total;
        this.emit({
          type: 'progress',
          jobId,
          kind,
          done,
          total,
          ...(stage ? { stage } : {}),
          etaSec: this.eta(info),
        });
      },
      emit: (event) => {
        if (info.state === 'running') this.emit(event);
      },
    };
    // The job starts on a later tick so the caller gets the id (and can subscribe) before any event.
    const result = Promise.resolve()
      .then(() => run(context))
      .then(
        (value) => {
          if (controller.signal.aborted) {
            this.finish(info, { type: 'cancelled', jobId, kind });
            return undefined;
          }
          this.finish(info, {
            type: 'done',
            jobId,
            kind,
            ...(value === undefined ? {} : { result: value }),
          });
          return value;
        },
        (error: unknown) => {
          if (controller.signal.aborted) {
            this.finish(info, { type: 'cancelled', jobId, kind });
            return undefined;
          }
          const data = toJobErrorData(error);
          this.finish(info, { type: 'failed', jobId, kind, error: data });
          throw new ApiError(data);
        },
      );
    // Callers that only follow events must not get unhandled-rejection warnings.
    result.catch(() => {});
    return { jobId, result };
  }

  /** Asks a running job to stop; false when the id is unknown or the job already ended. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (job?.state !== 'running') return false;
    job.controller.abort(new ApiError({ code: 'cancelled', message: `Job ${jobId} was cancelled.` }));
    return true;
  }

  get(jobId: string): JobInfo | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    const { controller: _controller, ...info } = job;
    return info;
  }

  running(): JobInfo[] {
    return [...this.jobs.keys()].map((id) => this.get(id)!).filter((j) => j.state === 'running');
  }

  /** Cancels every running job (shell shutdown). */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.state === 'running') this.cancel(job.jobId);
  }

  private eta(info: JobInfo): number | null {
    if (info.done <= 0 || info.total <= info.done)
      return info.total > 0 && info.done >= info.total ? 0 : null;
    const elapsedSec = (this.now() - info.startedMs) / 1000;
    return (elapsedSec / info.done) * (info.total - info.done);
  }

  private finish(info: JobInfo, event: JobEvent): void {
    if (info.state !== 'running') return;
    info.state = event.type === 'done' ? 'done' : event.type === 'cancelled' ? 'cancelled' : 'failed';
    this.emit(event);
  }

  private trim(): void {
    if (this.jobs.size <= MAX_FINISHED_JOBS) return;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= MAX_FINISHED_JOBS) break;
      if (job.state !== 'running') this.jobs.delete(id);
    }
  }
}

/** Any error a job throws, as data for its 'failed' event. */
export function toJobErrorData(error: unknown): ApiErrorData {
  if (error instanceof ApiError) return error.toData();
  if (error instanceof DocumentError) return documentErrorToData(error);
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}

/** Throws the signal's reason (an ApiError 'cancelled') when the job was cancelled. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw signal.reason instanceof Error
    ? signal.reason
    : new ApiError({ code: 'cancelled', message: 'The job was cancelled.' });
}
