import type { FrameRef, JobEvent, RenderFramesRequest } from '../../core/contract/api.js';
import { withoutReferenceVideo } from '../../core/document/referenceVideo.js';
import type { ProjectDocument } from '../../core/document/schema.js';

/**
 * Decides which frames to ask the frame engine for, and keeps what is known about every frame of
 * the scene (or of one character). Pure logic: the API calls and the clock are injected, so it runs the same
 * in the page and in unit tests.
 *
 * A "generation" counts versions of the render inputs (the character, the project's art, the frame
 * count). A frame's pixels carry the generation they were rendered for; pixels of an older
 * generation are still shown (better than the static art) but marked stale until the new ones
 * arrive. The host's frame cache makes re-requesting unchanged frames cheap: they come back in
 * `cached` at once, so after an edit only the frames it changed are rendered.
 *
 * - Outside a drag, every change is debounced, then one 'final' job asks for all frames, the
 *   playhead's frame first and then onwards (the order playback will want them), and every job of
 *   an older generation is cancelled.
 * - During a drag, only the playhead's frame is rendered, as a 'draft', at most one job in flight
 *   and at most one per `draftIntervalMs`; the newest pose wins. The drag's end asks for 'final'.
 */

/**
 * - missing: no pixels and none asked for (nothing rendered yet, or the render failed);
 * - rendering: asked for, no pixels yet;
 * - stale: pixels of an older version of the character are shown while the new ones render;
 * - draft: a coarse frame of the current version (the full one follows);
 * - ready: the full frame of the current version.
 */
export type FrameStatus = 'missing' | 'rendering' | 'stale' | 'draft' | 'ready';

export interface FrameSlot {
  readonly status: FrameStatus;
  /** The pixels to show for this frame (possibly stale or draft), or null. */
  readonly ref: FrameRef | null;
}

export interface RenderInput {
  readonly document: ProjectDocument;
  /** Only this character's frames; undefined: the scene (every character, in depth order). */
  readonly characterId: string | undefined;
  /** The playhead's frame: rendered first, and the only one rendered during a drag. */
  readonly currentFrame: number;
  /** A joint is being dragged (an undo gesture is open). */
  readonly dragging: boolean;
}

export interface RenderPort {
  renderFrames(request: RenderFramesRequest): Promise<{ jobId: string | null; cached: readonly FrameRef[] }>;
  cancelJob(jobId: string): Promise<unknown>;
  /** A render request or job failed (shown in the error banner; repeated messages are dropped). */
  reportError(error: unknown): void;
}

export interface SchedulerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SchedulerOptions {
  /** Quiet time after the last edit before the full render is asked for. */
  readonly debounceMs?: number;
  /** Least time between two draft requests during a drag. */
  readonly draftIntervalMs?: number;
  /** A draft job that reports nothing for this long no longer blocks the next one. */
  readonly draftTimeoutMs?: number;
}

export interface RenderProgress {
  readonly ready: number;
  readonly total: number;
  /** Frames asked for whose pixels of the current version have not arrived. */
  readonly pending: number;
}

interface Slot {
  ref: FrameRef | null;
  /** Generation `ref` was rendered for; -1 without pixels. */
  refGeneration: number;
  /** Generation of the last request that asked for this frame ('final' or 'draft'); -1: none. */
  requestedGeneration: number;
}

interface Job {
  readonly generation: number;
  readonly quality: 'draft' | 'final';
  readonly frames: ReadonlySet<number>;
}

/** Job ids whose events arrived before their renderFrames call answered (bounded). */
const MAX_EARLY_JOBS = 64;
const MAX_EARLY_EVENTS_PER_JOB = 4096;

export class RenderScheduler {
  private readonly port: RenderPort;
  private readonly clock: SchedulerClock;
  private readonly debounceMs: number;
  private readonly draftIntervalMs: number;
  private readonly draftTimeoutMs: number;

  private slots: Slot[] = [];
  private generation = 0;
  private input: RenderInput | null = null;
  /** Generation for which a full render of every frame was asked (or is debounced). */
  private finalGeneration = -1;
  private debounceHandle: unknown = null;
  private readonly jobs = new Map<string, Job>();
  /** renderFrames calls not answered yet, by the generation they asked for. */
  private readonly pendingCalls = new Set<{ generation: number }>();
  private readonly earlyEvents = new Map<string, JobEvent[]>();

  private draftWanted = false;
  /** A draft call or job in flight: its job id once known ('' while the call is pending). */
  private draftInFlight: string | null = null;
  private draftSentMs = Number.NEGATIVE_INFINITY;
  private draftHandle: unknown = null;

  private readonly listeners = new Set<() => void>();
  private lastReported: string | null = null;
  private disposed = false;
  /** Incremented on every change that listeners may want to redraw. */
  version = 0;

  constructor(port: RenderPort, clock: SchedulerClock, options: SchedulerOptions = {}) {
    this.port = port;
    this.clock = clock;
    this.debounceMs = options.debounceMs ?? 150;
    this.draftIntervalMs = options.draftIntervalMs ?? 80;
    this.draftTimeoutMs = options.draftTimeoutMs ?? 3000;
  }

  /** Listens to slot changes; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get frameCount(): number {
    return this.slots.length;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  slot(frameIndex: number): FrameSlot {
    const slot = this.slots[frameIndex];
    if (!slot) return { status: 'missing', ref: null };
    return { status: this.statusOf(slot), ref: slot.ref };
  }

  /** Every frame's status, in frame order (for the render bar). */
  statuses(): FrameStatus[] {
    return this.slots.map((slot) => this.statusOf(slot));
  }

  progress(): RenderProgress {
    let ready = 0;
    let pending = 0;
    for (const slot of this.slots) {
      const status = this.statusOf(slot);
      if (status === 'ready') ready++;
      else if (slot.requestedGeneration === this.generation) pending++;
    }
    return { ready, total: this.slots.length, pending };
  }

  /**
   * The editor changed (document, active character, playhead or drag state). Cheap when nothing
   * the frames depend on changed: call it on every store change.
   */
  update(next: RenderInput): void {
    if (this.disposed) return;
    const previous = this.input;
    this.input = next;
    const changed = !previous || !sameRenderInputs(previous, next);
    if (changed) {
      this.generation++;
      // Another project or character: its old pixels are of someone else, not an older version.
      if (
        previous &&
        (previous.characterId !== next.characterId || previous.document.id !== next.document.id)
      ) {
        this.slots = [];
      }
      this.resize(next.document.durationFrames);
      this.notify();
    }
    if (next.dragging) {
      this.clearDebounce();
      if (changed) {
        // The drag makes older full renders obsolete. The draft in flight is kept: its picture is
        // closer to the pointer than anything on screen, and cancelling it on every move would
        // never let a draft finish while the pointer keeps moving.
        this.cancelJobsBefore(this.generation, 'final');
        this.draftWanted = true;
        this.pumpDraft();
      }
      return;
    }
    const dragEnded = previous?.dragging === true;
    if (changed || dragEnded || this.finalGeneration !== this.generation) {
      this.finalGeneration = this.generation;
      this.draftWanted = false;
      this.clearDebounce();
      this.debounceHandle = this.clock.setTimeout(() => {
        this.debounceHandle = null;
        this.requestFinal();
      }, this.debounceMs);
    }
  }

  /**
   * Something the frames depend on changed outside the document (the active model pack): every
   * frame is asked for again, the host answering from its cache what it has; the pixels on screen
   * are shown as stale until then.
   */
  invalidate(): void {
    const input = this.input;
    if (this.disposed || !input) return;
    this.generation++;
    this.notify();
    this.update(input);
  }

  /** Feeds one job event (every job's events arrive here; others' are ignored). */
  handleEvent(event: JobEvent): void {
    if (this.disposed || event.type === 'engine') return;
    if (event.type !== 'frame' && event.kind !== 'render') return;
    const job = this.jobs.get(event.jobId);
    if (!job) {
      this.keepEarly(event);
      return;
    }
    switch (event.type) {
      case 'frame':
        this.accept(event.frame, job.generation);
        if (job.quality === 'draft') this.draftAnswered(event.jobId);
        this.notify();
        return;
      case 'progress':
        return;
      case 'done':
      case 'cancelled':
      case 'failed':
        this.jobs.delete(event.jobId);
        if (event.type === 'failed') {
          this.forgetRequests(job);
          this.report(event.error.message, event.error);
        }
        if (job.quality === 'draft') this.draftAnswered(event.jobId);
        this.notify();
        return;
    }
  }

  /** Cancels every job and timer; the scheduler answers nothing afterwards. */
  dispose(): void {
    this.disposed = true;
    this.clearDebounce();
    if (this.draftHandle !== null) this.clock.clearTimeout(this.draftHandle);
    this.draftHandle = null;
    for (const jobId of this.jobs.keys()) this.cancel(jobId);
    this.jobs.clear();
    this.listeners.clear();
  }

  private statusOf(slot: Slot): FrameStatus {
    if (slot.ref && slot.refGeneration === this.generation) {
      return slot.ref.quality === 'final' ? 'ready' : 'draft';
    }
    if (slot.ref) return 'stale';
    return slot.requestedGeneration === this.generation ? 'rendering' : 'missing';
  }

  private resize(frameCount: number): void {
    const count = Math.max(0, Math.floor(frameCount));
    if (count < this.slots.length) this.slots.length = count;
    while (this.slots.length < count) {
      this.slots.push({ ref: null, refGeneration: -1, requestedGeneration: -1 });
    }
  }

  private accept(ref: FrameRef, generation: number): void {
    const slot = this.slots[ref.frameIndex];
    if (!slot) return;
    if (generation < slot.refGeneration) return;
    // A late draft never replaces the full frame of the same version.
    if (generation === slot.refGeneration && slot.ref?.quality === 'final' && ref.quality === 'draft') return;
    slot.ref = ref;
    slot.refGeneration = generation;
  }

  private requestFinal(): void {
    const input = this.input;
    if (!input || this.disposed) return;
    const generation = this.generation;
    const total = this.slots.length;
    if (total === 0) return;
    this.cancelJobsBefore(generation, 'any');
    const first = Math.min(total - 1, Math.max(0, Math.floor(input.currentFrame)));
    const frames: number[] = [];
    for (let i = 0; i < total; i++) {
      const frame = (first + i) % total;
      const slot = this.slots[frame];
      if (!slot) continue;
      if (slot.refGeneration === generation && slot.ref?.quality === 'final') continue;
      slot.requestedGeneration = generation;
      frames.push(frame);
    }
    if (frames.length === 0) return;
    this.notify();
    this.send(input, generation, frames, 'final');
  }

  private pumpDraft(): void {
    const input = this.input;
    if (!input || this.disposed || !this.draftWanted || this.draftInFlight !== null) return;
    if (this.draftHandle !== null) return;
    const waitMs = this.draftSentMs + this.draftIntervalMs - this.clock.now();
    if (waitMs > 0) {
      this.draftHandle = this.clock.setTimeout(() => {
        this.draftHandle = null;
        this.pumpDraft();
      }, waitMs);
      return;
    }
    if (!input.dragging) return;
    const total = this.slots.length;
    if (total === 0) return;
    const frame = Math.min(total - 1, Math.max(0, Math.floor(input.currentFrame)));
    this.draftWanted = false;
    this.draftInFlight = '';
    this.draftSentMs = this.clock.now();
    const slot = this.slots[frame];
    if (slot) slot.requestedGeneration = this.generation;
    const sentAt = this.draftSentMs;
    this.draftHandle = null;
    // A job that never answers must not stop the live preview for the rest of the drag.
    this.clock.setTimeout(() => {
      if (this.draftSentMs === sentAt && this.draftInFlight !== null) {
        this.draftInFlight = null;
        this.pumpDraft();
      }
    }, this.draftTimeoutMs);
    this.send(input, this.generation, [frame], 'draft');
  }

  private draftAnswered(jobId: string): void {
    if (this.draftInFlight !== jobId) return;
    this.draftInFlight = null;
    this.pumpDraft();
  }

  private send(input: RenderInput, generation: number, frames: number[], quality: 'draft' | 'final'): void {
    const call = { generation };
    this.pendingCalls.add(call);
    this.port
      .renderFrames({
        // Frames never show the reference video: its bytes need not travel with each request.
        document: withoutReferenceVideo(input.document),
        ...(input.characterId !== undefined ? { characterId: input.characterId } : {}),
        frames,
        quality,
      })
      .then(
        (result) => {
          this.pendingCalls.delete(call);
          if (this.disposed) {
            if (result.jobId) this.cancel(result.jobId);
            return;
          }
          this.lastReported = null;
          for (const ref of result.cached) this.accept(ref, generation);
          const stale = generation < this.generation;
          if (result.jobId) {
            const job: Job = { generation, quality, frames: new Set(frames) };
            if (stale && !(quality === 'draft' && input.dragging && this.input?.dragging)) {
              // Asked for a version that has been edited since: nobody wants these frames.
              this.cancel(result.jobId);
              this.earlyEvents.delete(result.jobId);
            } else {
              this.jobs.set(result.jobId, job);
              if (quality === 'draft') this.draftInFlight = result.jobId;
              const early = this.earlyEvents.get(result.jobId);
              this.earlyEvents.delete(result.jobId);
              for (const event of early ?? []) this.handleEvent(event);
            }
          }
          if (quality === 'draft' && (!result.jobId || !this.jobs.has(result.jobId))) {
            if (this.draftInFlight === '' || this.draftInFlight === result.jobId) this.draftInFlight = null;
            this.pumpDraft();
          }
          this.notify();
        },
        (error: unknown) => {
          this.pendingCalls.delete(call);
          if (this.disposed) return;
          this.forgetRequests({ generation, quality, frames: new Set(frames) });
          if (quality === 'draft') {
            this.draftInFlight = null;
          }
          this.report(error instanceof Error ? error.message : String(error), error);
          this.notify();
        },
      );
  }

  /** A failed request: its frames are no longer on their way (they show as missing or stale). */
  private forgetRequests(job: Job): void {
    for (const frame of job.frames) {
      const slot = this.slots[frame];
      if (slot && slot.requestedGeneration === job.generation) slot.requestedGeneration = -1;
    }
  }

  private cancelJobsBefore(generation: number, quality: 'any' | 'final'): void {
    for (const [jobId, job] of this.jobs) {
      if (job.generation >= generation) continue;
      if (quality === 'final' && job.quality !== 'final') continue;
      this.jobs.delete(jobId);
      if (this.draftInFlight === jobId) this.draftInFlight = null;
      this.cancel(jobId);
    }
  }

  private cancel(jobId: string): void {
    // A job that already ended answers cancelJob with an error; nothing is lost.
    this.port.cancelJob(jobId).catch(() => undefined);
  }

  private keepEarly(event: Exclude<JobEvent, { type: 'engine' }>): void {
    if (this.pendingCalls.size === 0) return;
    let list = this.earlyEvents.get(event.jobId);
    if (!list) {
      if (this.earlyEvents.size >= MAX_EARLY_JOBS) {
        const oldest = this.earlyEvents.keys().next().value;
        if (oldest !== undefined) this.earlyEvents.delete(oldest);
      }
      list = [];
      this.earlyEvents.set(event.jobId, list);
    }
    if (list.length < MAX_EARLY_EVENTS_PER_JOB) list.push(event);
  }

  private report(message: string, error: unknown): void {
    // An edit re-requests every frame: the same failure must not fill the banner once per edit.
    if (message === this.lastReported) return;
    this.lastReported = message;
    this.port.reportError(error);
  }

  private clearDebounce(): void {
    if (this.debounceHandle !== null) this.clock.clearTimeout(this.debounceHandle);
    this.debounceHandle = null;
  }

  private notify(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

/**
 * Whether two editor states render the same frames: the same characters (by reference: edits
 * replace what they change; for the scene, all of them in the same depth order), same art, frame
 * count and output size. Renaming the project or moving the playhead does not re-render anything.
 */
export function sameRenderInputs(a: RenderInput, b: RenderInput): boolean {
  if (a.characterId !== b.characterId) return false;
  if (a.document === b.document) return true;
  const pick = (input: RenderInput) =>
    input.characterId === undefined
      ? input.document.characters
      : input.document.characters.filter((c) => c.id === input.characterId);
  const as = pick(a);
  const bs = pick(b);
  if (as.length === 0 || as.length !== bs.length || as.some((c, i) => c !== bs[i])) return false;
  if (a.document.durationFrames !== b.document.durationFrames) return false;
  const ra = a.document.resolution;
  const rb = b.document.resolution;
  if (ra.width !== rb.width || ra.height !== rb.height) return false;
  for (const c of as) {
    if (a.document.assets[c.artAssetId] !== b.document.assets[c.artAssetId]) return false;
    if (c.maskAssetId && a.document.assets[c.maskAssetId] !== b.document.assets[c.maskAssetId]) return false;
  }
  return true;
}
