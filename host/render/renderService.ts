import { join } from 'node:path';
import { ApiError, type EngineStatus, type FrameRef } from '../../core/contract/api.js';
import type { FrameRequest, FromWorker, RenderJobEvent } from '../../core/contract/jobs.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import { evaluateCharacterPose } from '../../core/motion/characterPose.js';
import { frameKey, hashString } from '../../core/render/frameKey.js';
import type { RgbaImage } from '../../core/render/types.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { FrameCache } from '../cache/frameCache.js';
import type { JobContext, JobManager } from '../jobs/jobManager.js';
import type { CharacterLoaded, PartLayer, WorkerSupervisor } from '../worker/supervisor.js';
import { throwIfAborted } from './aborts.js';
import { ArtDecoder } from './artDecoder.js';
import { CharacterRegistry } from './characterRegistry.js';
import { facePassKey, withFace } from './facePass.js';
import { MouthDrawingDecoder } from './mouthDrawings.js';
import type {
  FramePlan,
  ModelPackPort,
  PreparedCharacter,
  RenderContext,
  RenderQuality,
  RenderServiceStats,
  SequenceFrame,
  SequenceOptions,
} from './renderTypes.js';
import { outputFrameFor } from './rigInputs.js';
import { type CharacterLayerPort, SceneRenderer } from './scene.js';
import { type FrameSource, streamFrames } from './sequence.js';

/**
 * Renders a document's character frames through the frame worker, with the frame cache in front.
 *
 * Per character it decodes the art (sharp, straight RGBA), the mask and the part hints, and
 * registers them with the supervisor once under their rig key (rigInputs.ts); the worker builds the
 * layered parts rig from them. Per frame it evaluates the character's pose (IK solved) and derives
 * the frame's content key (core/render/frameKey.ts) from the rig key, the posed joints and the
 * output frame: known without waiting for the rig, so cached frames are listed at once; a frame
 * whose key is cached is never rendered again, so editing one key re-renders only the frames whose
 * pose it changes.
 *
 * Two ways out: renderFrames (a job: cached frames listed at once, the rest streamed as 'frame'
 * JobEvents, pixels at getFrame(key)) for the UI; renderSequence (an async iterator in frame order)
 * for export and the CLI.
 *
 * The engine renders each frame straight into the document's frame with the character's
 * placement (rigInputs.ts outputFrameFor): no resampling step after it.
 *
 * Without a characterId, both render the scene: every character, composed in depth order
 * (scene.ts); a scene of one character is that character's placed frame.
 */
export interface RenderServiceOptions {
  readonly jobs: JobManager;
  readonly supervisor: () => WorkerSupervisor;
  /** Parent of the per-project disk caches: <cacheRoot>/<projectId>/frames. */
  readonly cacheRoot: string;
  /** Memory level of each project's frame cache, in bytes (default 512 MiB). */
  readonly maxMemoryBytes?: number;
  /** The user's active model pack (host/packs/modelsFolder.ts): final frames go through its refine stage. */
  readonly modelPacks?: ModelPackPort;
}

export class RenderService {
  private readonly caches = new Map<string, FrameCache>();
  private readonly decoder = new ArtDecoder();
  private readonly mouthDrawings = new MouthDrawingDecoder();
  private readonly characters = new CharacterRegistry(() => this.supervisor(), this.decoder);
  private watching: WorkerSupervisor | null = null;
  private unwatch: (() => void) | null = null;
  private lastEngineStatus: Omit<EngineStatus, 'activePack'> = { provider: null, messages: [] };
  readonly stats: RenderServiceStats = { framesRendered: 0, framesCached: 0, workerRenderMs: 0 };
  private readonly scene: SceneRenderer;

  constructor(private readonly opts: RenderServiceOptions) {
    this.scene = new SceneRenderer(this.layerPort());
  }

  /** The per-character path, for the scene renderer. */
  private layerPort(): CharacterLayerPort {
    return {
      jobs: this.opts.jobs,
      stats: this.stats,
      ready: (document, character) => {
        const ready = this.characters.ready(document, character);
        if (ready) this.characters.claim(document, character, ready.workerId);
        return ready;
      },
      prepare: (document, character, signal) => this.characters.prepare(document, character, signal),
      context: (document, prepared, quality, scale) => this.context(document, prepared, quality, scale),
      plan: (ctx, frameIndex) => this.plan(ctx, frameIndex),
      renderPlans: (ctx, plans, signal, onFrame) => this.renderPlans(ctx, plans, signal, onFrame),
    };
  }

  // ---- the API ----

  /**
   * Lists the cached frames at once and starts a job for the rest (null when none is left). When
   * the character is not registered yet (its art not decoded), every frame goes through the job,
   * and cached ones then arrive as 'frame' events too.
   */
  async renderFrames(request: {
    document: ProjectDocument;
    characterId?: string | undefined;
    frames: number[];
    quality: RenderQuality;
  }): Promise<{ jobId: string | null; cached: FrameRef[] }> {
    const { document, quality } = request;
    if (request.characterId === undefined && document.characters.length > 1) {
      return this.scene.renderFrames({ document, frames: request.frames, quality });
    }
    const character = findCharacter(document, request.characterId);
    const frames = [...new Set(request.frames)];
    const ready = this.characters.ready(document, character);
    if (ready) {
      this.characters.claim(document, character, ready.workerId);
      const ctx = this.context(document, ready, quality);
      const plans = frames.map((f) => this.plan(ctx, f));
      const cached = plans.filter((p) => ctx.cache.has(p.key));
      this.stats.framesCached += cached.length;
      const missing = plans.filter((p) => !ctx.cache.has(p.key));
      const refs = cached.map((p) => this.frameRef(ctx, p.frameIndex, p.key));
      if (missing.length === 0) return { jobId: null, cached: refs };
      const job = this.opts.jobs.start('render', (j) => this.runRenderJob(j, ctx, missing));
      return { jobId: job.jobId, cached: refs };
    }
    const job = this.opts.jobs.start('render', async (j) => {
      j.progress(0, frames.length, 'rig');
      const prepared = await this.characters.prepare(document, character, j.signal);
      const ctx = this.context(document, prepared, quality);
      const plans = frames.map((f) => this.plan(ctx, f));
      const missing: FramePlan[] = [];
      let done = 0;
      for (const p of plans) {
        if (ctx.cache.has(p.key)) {
          this.stats.framesCached++;
          j.emit({ type: 'frame', jobId: j.jobId, frame: this.frameRef(ctx, p.frameIndex, p.key) });
          done++;
        } else {
          missing.push(p);
        }
      }
      if (missing.length > 0) await this.runRenderJob(j, ctx, missing, done, plans.length);
      else j.progress(done, plans.length);
    });
    return { jobId: job.jobId, cached: [] };
  }

  /**
   * The frames in the order given, cached ones from the cache and the rest rendered in windows of
   * `readAhead` frames (the next window renders while the caller consumes this one). Breaking out
   * of the loop or aborting the signal cancels the rendering.
   */
  async *renderSequence(
    document: ProjectDocument,
    characterId: string | undefined,
    frames: readonly number[],
    options: SequenceOptions = {},
  ): AsyncGenerator<SequenceFrame> {
    const source = await this.frameSource(
      document,
      characterId,
      options.quality ?? 'final',
      options.scale ?? 1,
      options.signal,
    );
    yield* streamFrames(source, frames, options);
  }

  /** The scene (no characterId, several characters) or one character's placed frames. */
  private async frameSource(
    document: ProjectDocument,
    characterId: string | undefined,
    quality: RenderQuality,
    scale: number,
    signal: AbortSignal | undefined,
  ): Promise<FrameSource<{ readonly frameIndex: number; readonly key: string }>> {
    if (characterId === undefined && document.characters.length > 1) {
      return this.scene.source(document, quality, signal, scale);
    }
    const prepared = await this.characters.prepare(document, findCharacter(document, characterId), signal);
    const ctx = this.context(document, prepared, quality, scale);
    const source: FrameSource<FramePlan> = {
      plan: (frameIndex) => this.plan(ctx, frameIndex),
      renderWindow: (plans, windowSignal, onImage) => this.renderWindow(ctx, plans, windowSignal, onImage),
    };
    return source;
  }

  /**
   * The character's parts as the engine renders them (built in the worker): the joints that own
   * pixels and, per art pixel, the part that owns it.
   */
  async partsOf(
    document: ProjectDocument,
    characterId: string,
    signal?: AbortSignal,
  ): Promise<CharacterLoaded & { width: number; height: number }> {
    const prepared = await this.characters.prepare(document, findCharacter(document, characterId), signal);
    const loaded = await this.characters.loadedOrError(prepared, signal);
    return { ...loaded, width: prepared.width, height: prepared.height };
  }

  /**
   * The layers of the character's parts rig, for the viewport's live preview (kept per rig: the
   * same rig's layers are asked for again after every undo).
   */
  async partLayers(
    document: ProjectDocument,
    characterId: string,
  ): Promise<{ rigKey: string; width: number; height: number; layers: PartLayer[] }> {
    const prepared = await this.characters.prepare(document, findCharacter(document, characterId));
    await this.characters.loadedOrError(prepared);
    const layers = await this.characters.partLayers(prepared);
    return {
      rigKey: prepared.workerId,
      width: prepared.width,
      height: prepared.height,
      layers,
    };
  }

  /** Starts the worker and its engine session now (they start on the first frame otherwise). */
  warmUp(): void {
    this.supervisor().start();
  }

  /** A cached frame by key (any project this service has rendered or opened), or null. */
  async getFrame(key: string): Promise<RgbaImage | null> {
    if (!/^[0-9a-zA-Z_-]{8,128}$/.test(key)) return null;
    for (const cache of this.caches.values()) {
      if (cache.has(key)) {
        const image = await cache.get(key);
        if (image) return image;
      }
    }
    return null;
  }

  engineStatus(): EngineStatus {
    return { ...this.lastEngineStatus, activePack: this.opts.modelPacks?.status() ?? null };
  }

  dispose(): void {
    this.unwatch?.();
    this.unwatch = null;
    this.watching = null;
  }

  /** The supervisor, with this service watching its messages (provider reports). */
  private supervisor(): WorkerSupervisor {
    const sup = this.opts.supervisor();
    if (this.watching !== sup) {
      this.unwatch?.();
      this.watching = sup;
      this.characters.reset();
      this.unwatch = sup.watch({ message: (msg) => this.onWorkerMessage(msg) });
    }
    return sup;
  }

  private onWorkerMessage(msg: FromWorker): void {
    if (msg.type === 'provider') {
      this.lastEngineStatus = { provider: msg.name, messages: [...msg.messages] };
      this.opts.jobs.emit({ type: 'engine', status: this.engineStatus() });
    }
  }

  // ---- frames ----

  private cacheFor(projectId: string): FrameCache {
    let cache = this.caches.get(projectId);
    if (!cache) {
      const dir = join(this.opts.cacheRoot, projectId.replace(/[^0-9a-zA-Z_.-]/g, '_'), 'frames');
      cache = new FrameCache({ maxMemoryBytes: this.opts.maxMemoryBytes ?? 512 * 2 ** 20, diskDir: dir });
      this.caches.set(projectId, cache);
    }
    return cache;
  }

  private context(
    document: ProjectDocument,
    prepared: PreparedCharacter,
    quality: RenderQuality,
    scale = 1,
  ): RenderContext {
    const character = findCharacter(document, prepared.character.id);
    const output = outputFrameFor(prepared, document.resolution, character.placement, scale);
    return {
      document,
      prepared: { ...prepared, character },
      cache: this.cacheFor(document.id),
      quality,
      width: output.width,
      height: output.height,
      output,
      // Drafts (live drags) skip the pack: a generator is far slower than the engine.
      pack: quality === 'final' ? (this.opts.modelPacks?.active() ?? null) : null,
    };
  }

  private plan(ctx: RenderContext, frameIndex: number): FramePlan {
    const { character } = ctx.prepared;
    const pose = evaluateCharacterPose(character.skeleton, character.motion, frameIndex);
    const world = computeWorldTransforms(character.skeleton, pose);
    const key = frameKey({
      rigKey: ctx.prepared.workerId,
      world,
      output: ctx.output,
      // Switching packs renders anew; switching back finds the frames of before in the cache.
      extra: [
        ...(ctx.pack ? [`pack=${ctx.pack.id}@${ctx.pack.version}#${hashString(ctx.pack.signature)}`] : []),
        ...(ctx.quality === 'reference' ? ['renderer=reference'] : []),
      ],
    });
    const request: FrameRequest = {
      frameIndex,
      key,
      pose: {
        rotations: Object.fromEntries(
          Object.entries(pose.rotations).map(([id, q]) => [id, [q[0], q[1], q[2], q[3]]]),
        ),
        rootTranslation: [pose.rootTranslation[0], pose.rootTranslation[1], pose.rootTranslation[2]],
      },
    };
    // Face pass (docs/face.md): the plan's key carries the face; the worker's request keeps the pose key.
    return { frameIndex, key: facePassKey(ctx, frameIndex, key), request };
  }

  private frameRef(ctx: RenderContext, frameIndex: number, key: string): FrameRef {
    return { frameIndex, key, width: ctx.width, height: ctx.height, quality: ctx.quality };
  }

  /**
   * Sends the plans' frames to the worker (one request per distinct key: a held pose renders once)
   * and calls onFrame for every plan as its pixels arrive, after caching them.
   */
  private async renderPlans(
    ctx: RenderContext,
    plans: readonly FramePlan[],
    signal: AbortSignal | undefined,
    onFrame: (plan: FramePlan, image: RgbaImage) => void,
  ): Promise<void> {
    const byKey = new Map<string, FramePlan[]>();
    for (const p of plans) {
      const list = byKey.get(p.request.key);
      if (list) list.push(p);
      else byKey.set(p.request.key, [p]);
    }
    const requests = [...byKey.values()].map((list) => list[0]!.request);
    // Swapped mouth drawings, decoded (once per asset) before the frames arrive.
    const drawings = await this.mouthDrawings.forCharacter(ctx.document, ctx.prepared.character);
    throwIfAborted(signal);
    const handle = this.supervisor().render(
      {
        characterId: ctx.prepared.workerId,
        output: ctx.output,
        frames: requests,
        ...(ctx.pack ? { packDir: ctx.pack.dir } : {}),
        ...(ctx.quality === 'reference' ? { renderer: 'reference' as const } : {}),
      },
      (e: RenderJobEvent) => {
        if (e.type === 'warning' && ctx.pack) {
          // The worker rendered the built-in frame instead: the status bar shows why.
          this.opts.modelPacks?.failed(e.message);
          this.opts.jobs.emit({ type: 'engine', status: this.engineStatus() });
        }
        if (e.type !== 'frame') return;
        this.stats.framesRendered++;
        this.stats.workerRenderMs += e.renderMs;
        const image: RgbaImage = { width: e.width, height: e.height, data: e.rgba };
        for (const p of byKey.get(e.key) ?? []) {
          // Face pass (docs/face.md): mouth, eyes and brows drawn over the engine's frame.
          const final = withFace(ctx, p.frameIndex, image, drawings);
          // The memory level is written synchronously, so the frame is servable when onFrame runs.
          ctx.cache.put(p.key, final).catch(() => {});
          onFrame(p, final);
        }
      },
    );
    const onAbort = () => handle.cancel();
    signal?.addEventListener('abort', onAbort);
    const workerId = ctx.prepared.workerId;
    this.characters.acquire(workerId);
    try {
      const outcome = await handle.finished.catch(async (err: Error) => {
        // A rig that could not be built is the character's problem, not the worker's.
        await this.characters.loadedOrError(ctx.prepared);
        throw new ApiError({ code: 'worker-failed', message: `The frame worker failed: ${err.message}` });
      });
      if (outcome === 'cancelled') throwIfAborted(signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.characters.release(workerId);
    }
  }

  private async runRenderJob(
    job: JobContext,
    ctx: RenderContext,
    plans: readonly FramePlan[],
    doneBefore = 0,
    total = plans.length,
  ): Promise<void> {
    let done = doneBefore;
    job.progress(done, total, 'render');
    await this.renderPlans(ctx, plans, job.signal, (plan) => {
      job.emit({ type: 'frame', jobId: job.jobId, frame: this.frameRef(ctx, plan.frameIndex, plan.key) });
      done++;
      job.progress(done, total, 'render');
    });
  }

  private async renderWindow(
    ctx: RenderContext,
    plans: readonly FramePlan[],
    signal: AbortSignal,
    onImage: (key: string, image: RgbaImage) => void,
  ): Promise<void> {
    const seen = new Set<string>();
    const missing: FramePlan[] = [];
    for (const p of plans) {
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      const hit = ctx.cache.has(p.key) ? await ctx.cache.get(p.key) : null;
      if (hit) {
        this.stats.framesCached++;
        onImage(p.key, hit);
      } else {
        missing.push(p);
      }
    }
    if (missing.length > 0) {
      await this.renderPlans(ctx, missing, signal, (p, image) => onImage(p.key, image));
    }
  }
}

function findCharacter(document: ProjectDocument, characterId: string | undefined): Character {
  const character =
    characterId === undefined
      ? document.characters[0]
      : document.characters.find((c) => c.id === characterId);
  if (!character) {
    throw new ApiError({
      code: 'not-found',
      message: `The project "${document.name}" has no character "${characterId}".`,
    });
  }
  return character;
}
