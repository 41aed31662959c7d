import { join } from 'node:path';
import sharp from 'sharp';
import { ApiError, type EngineStatus, type FrameRef } from '../../core/contract/api.js';
import type { FrameRequest, FromWorker, RenderJobEvent } from '../../core/contract/jobs.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import { evaluateCharacterPose } from '../../core/motion/characterPose.js';
import { frameKey, hashString } from '../../core/render/frameKey.js';
import type { OutputFrame } from '../../core/render/parts/posed.js';
import type { RgbaImage } from '../../core/render/types.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { FrameCache } from '../cache/frameCache.js';
import type { JobContext, JobManager } from '../jobs/jobManager.js';
import type { CharacterInput, CharacterLoaded, PartLayer, WorkerSupervisor } from '../worker/supervisor.js';
import { facePassKey, withFace } from './facePass.js';
import { outputFrameFor, rigKeyOf } from './rigInputs.js';
import { type CharacterLayerPort, SceneRenderer } from './scene.js';

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

/** The part of host/packs/modelsFolder.ts ModelPacks the render service uses. */
export interface ModelPackPort {
  active(): { id: string; version: string; dir: string; signature: string } | null;
  status(): NonNullable<EngineStatus['activePack']> | null;
  failed(message: string): void;
}

/**
 * 'draft' frames (what a joint drag shows) and 'final' ones are the same pixels from the built-in
 * engine (it is fast enough for both); only final frames go through the active model pack.
 */
export type RenderQuality = 'draft' | 'final';

export interface SequenceOptions {
  readonly signal?: AbortSignal;
  /** Called after each frame is yielded-ready, with frames done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly quality?: RenderQuality;
  /** Output pixels per document pixel (an export's --scale; default 1). */
  readonly scale?: number;
  /** Frames rendered ahead of the consumer, at most (default 8). Bounds memory. */
  readonly readAhead?: number;
}

export interface SequenceFrame {
  readonly frameIndex: number;
  readonly image: RgbaImage;
}

export interface RenderServiceStats {
  /** Frames the worker rendered (cache misses), since the service started. */
  framesRendered: number;
  /** Frames served from the cache. */
  framesCached: number;
  /** Milliseconds the worker reported per rendered frame, summed. */
  workerRenderMs: number;
}

export interface PreparedCharacter {
  /** The rig key: the id the worker knows the character by, one per rig inputs. */
  readonly workerId: string;
  readonly character: Character;
  /** The art's size (the parts rig's). */
  readonly width: number;
  readonly height: number;
  /** Settles when the worker has built the parts rig (rejects when it could not). */
  readonly loaded: Promise<CharacterLoaded>;
}

/** One requested frame: its key and what the worker renders. */
export interface FramePlan {
  readonly frameIndex: number;
  readonly key: string;
  readonly request: FrameRequest;
}

export interface RenderContext {
  readonly document: ProjectDocument;
  readonly prepared: PreparedCharacter;
  readonly cache: FrameCache;
  readonly quality: RenderQuality;
  /** The output frame's size (the document's resolution times the scale). */
  readonly width: number;
  readonly height: number;
  readonly output: OutputFrame;
  /** The model pack final frames go through (null: drafts, or the built-in engine alone). */
  readonly pack: ReturnType<ModelPackPort['active']>;
}

/** Output frames to produce and how to produce a window of them (a character's, or the scene's). */
export interface FrameSource<P extends { readonly frameIndex: number; readonly key: string }> {
  plan(frameIndex: number): P;
  renderWindow(
    plans: readonly P[],
    signal: AbortSignal,
    onImage: (key: string, image: RgbaImage) => void,
  ): Promise<void>;
}

/** Decoded pictures kept in memory (art and masks). */
const MAX_DECODED_ARTS = 8;

export class RenderService {
  private readonly caches = new Map<string, FrameCache>();
  private readonly arts = new Map<string, Promise<RgbaImage>>();
  private readonly registered = new Map<string, Promise<CharacterLoaded>>();
  private readonly layerCache = new Map<string, Promise<PartLayer[]>>();
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
        const ready = this.readyCharacter(document, character);
        if (ready) this.claim(document, character, ready.workerId);
        return ready;
      },
      prepare: (document, character, signal) => this.prepare(document, character, signal),
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
    const ready = this.readyCharacter(document, character);
    if (ready) {
      this.claim(document, character, ready.workerId);
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
      const prepared = await this.prepare(document, character, j.signal);
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
    const signal = options.signal;
    const readAhead = Math.max(1, options.readAhead ?? 8);
    const source = await this.frameSource(
      document,
      characterId,
      options.quality ?? 'final',
      options.scale ?? 1,
      signal,
    );
    const plans = frames.map((f) => source.plan(f));
    const windows: { frameIndex: number; key: string }[][] = [];
    for (let i = 0; i < plans.length; i += readAhead) windows.push(plans.slice(i, i + readAhead));
    const inner = new AbortController();
    const onAbort = () => inner.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort);
    // Per window: the images that arrived (by key), whoever waits for one, and the window's end.
    const slots = windows.map(() => ({
      images: new Map<string, RgbaImage>(),
      waiters: new Map<string, () => void>(),
      finished: null as Promise<void> | null,
    }));
    const startWindow = (i: number) => {
      const slot = slots[i];
      if (!slot || slot.finished) return;
      slot.finished = source.renderWindow(windows[i]!, inner.signal, (key, image) => {
        slot.images.set(key, image);
        slot.waiters.get(key)?.();
      });
      // A window started ahead may fail while an earlier one is consumed; it is awaited later.
      slot.finished.catch(() => {});
    };
    let done = 0;
    try {
      for (let i = 0; i < windows.length; i++) {
        startWindow(i);
        startWindow(i + 1);
        const slot = slots[i]!;
        for (const p of windows[i]!) {
          if (!slot.images.has(p.key)) {
            // Yield each frame as soon as it (and every frame before it) is there.
            await Promise.race([new Promise<void>((r) => slot.waiters.set(p.key, r)), slot.finished!]);
          }
          throwIfAborted(signal);
          const image = slot.images.get(p.key);
          if (!image) {
            await slot.finished;
            throw new ApiError({ code: 'internal', message: `frame ${p.frameIndex} was not rendered` });
          }
          done++;
          options.onProgress?.(done, plans.length);
          yield { frameIndex: p.frameIndex, image };
        }
        // Frames already handed out are not kept: memory stays bounded by the read-ahead.
        await slot.finished;
        slot.images.clear();
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      inner.abort();
    }
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
    const prepared = await this.prepare(document, findCharacter(document, characterId), signal);
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
    const prepared = await this.prepare(document, findCharacter(document, characterId), signal);
    const loaded = await this.loadedOrError(prepared, signal);
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
    const prepared = await this.prepare(document, findCharacter(document, characterId));
    await this.loadedOrError(prepared);
    let layers = this.layerCache.get(prepared.workerId);
    if (!layers) {
      layers = this.supervisor().partLayers(prepared.workerId);
      this.layerCache.set(prepared.workerId, layers);
      layers.catch(() => this.layerCache.delete(prepared.workerId));
      while (this.layerCache.size > 4) this.layerCache.delete(this.layerCache.keys().next().value as string);
    }
    return {
      rigKey: prepared.workerId,
      width: prepared.width,
      height: prepared.height,
      layers: await layers,
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

  // ---- characters: art, rig inputs, registration ----

  private readonly readyKeys = new Map<string, PreparedCharacter>();
  /** Per document character (projectId|characterId): the worker character it renders with. */
  private readonly owners = new Map<string, string>();
  /** Worker characters no document character uses any more, freed once idle. */
  private readonly retired = new Set<string>();
  /** Renders in flight per worker character. */
  private readonly inUse = new Map<string, number>();

  /** The prepared character when it is registered already (no await needed), else null. */
  private readyCharacter(document: ProjectDocument, character: Character): PreparedCharacter | null {
    const ready = this.readyKeys.get(this.characterKey(document, character));
    return ready ? { ...ready, character } : null;
  }

  private characterKey(document: ProjectDocument, character: Character): string {
    return `${rigKeyOf(character)}|${document.assets[character.artAssetId] ? 'ok' : 'missing'}`;
  }

  private async prepare(
    document: ProjectDocument,
    character: Character,
    signal?: AbortSignal,
  ): Promise<PreparedCharacter> {
    const key = this.characterKey(document, character);
    const ready = this.readyKeys.get(key);
    if (ready) {
      this.claim(document, character, ready.workerId);
      return { ...ready, character };
    }
    const art = await this.decodeArt(document, character.artAssetId);
    throwIfAborted(signal);
    const workerId = rigKeyOf(character);
    let loaded = this.registered.get(workerId);
    if (!loaded) {
      const input: CharacterInput = {
        art,
        mask: character.maskAssetId ? await this.decodeMask(document, character.maskAssetId) : undefined,
        partHints: character.partHints
          ? await decodePartHints(document, character.partHints, art)
          : undefined,
        skeleton: {
          joints: character.skeleton.joints.map((j) => ({ ...j, restPosition: [...j.restPosition] })),
        },
      };
      // Registered by another caller while this one decoded: use theirs.
      loaded = this.registered.get(workerId) ?? this.supervisor().registerCharacter(workerId, input);
      this.registered.set(workerId, loaded);
    }
    const prepared: PreparedCharacter = {
      workerId,
      character,
      width: art.width,
      height: art.height,
      loaded,
    };
    this.readyKeys.set(key, prepared);
    this.claim(document, character, workerId);
    return prepared;
  }

  /** The rig once built, or the reason it could not be, as an ApiError. */
  private async loadedOrError(prepared: PreparedCharacter, signal?: AbortSignal): Promise<CharacterLoaded> {
    try {
      return await (signal ? raceAbort(prepared.loaded, signal) : prepared.loaded);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      // Forget it, so the next attempt (after the user fixed the mask, say) builds again.
      this.registered.delete(prepared.workerId);
      for (const [key, p] of this.readyKeys) if (p.workerId === prepared.workerId) this.readyKeys.delete(key);
      this.watching?.unregisterCharacter(prepared.workerId);
      throw new ApiError({
        code: 'invalid-project',
        message: `The character "${prepared.character.name}" could not be cut into parts: ${(err as Error).message}`,
      });
    }
  }

  /**
   * Records which worker character a document's character renders with now. The one it used before
   * (older rig inputs, e.g. before a joint was moved in Fit mode) is freed in the worker once no
   * render uses it, so editing a rig does not pile up characters in the worker's memory.
   */
  private claim(document: ProjectDocument, character: Character, workerId: string): void {
    const owner = `${document.id}|${character.id}`;
    const previous = this.owners.get(owner);
    this.owners.set(owner, workerId);
    // Back to a version that was about to be freed (undo): keep it.
    this.retired.delete(workerId);
    if (!previous || previous === workerId) return;
    for (const id of this.owners.values()) if (id === previous) return;
    this.retired.add(previous);
    this.unloadIfIdle(previous);
  }

  private unloadIfIdle(workerId: string): void {
    if (!this.retired.has(workerId) || (this.inUse.get(workerId) ?? 0) > 0) return;
    this.retired.delete(workerId);
    this.registered.delete(workerId);
    for (const [key, prepared] of this.readyKeys)
      if (prepared.workerId === workerId) this.readyKeys.delete(key);
    this.watching?.unregisterCharacter(workerId);
  }

  private decodeArt(document: ProjectDocument, assetId: string): Promise<RgbaImage> {
    const cached = this.arts.get(assetId);
    if (cached) return cached;
    const asset = document.assets[assetId];
    if (!asset) {
      return Promise.reject(
        new ApiError({
          code: 'invalid-project',
          message: `The art asset "${assetId}" is not in the project.`,
        }),
      );
    }
    const decoded = sharp(Buffer.from(asset.dataBase64, 'base64'))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => {
        if (info.channels !== 4) throw new Error(`expected 4 channels, got ${info.channels}`);
        return { width: info.width, height: info.height, data: new Uint8Array(data) };
      })
      .catch((err: Error) => {
        this.arts.delete(assetId);
        throw new ApiError({
          code: 'corrupt-file',
          message: `The art "${asset.sourceName ?? assetId}" could not be decoded: ${err.message}`,
        });
      });
    this.arts.set(assetId, decoded);
    while (this.arts.size > MAX_DECODED_ARTS) this.arts.delete(this.arts.keys().next().value as string);
    return decoded;
  }

  private async decodeMask(document: ProjectDocument, assetId: string): Promise<Uint8Array> {
    const image = await this.decodeArt(document, assetId);
    const mask = new Uint8Array(image.width * image.height);
    for (let i = 0; i < mask.length; i++) {
      const o = i * 4;
      const luma = 0.299 * image.data[o]! + 0.587 * image.data[o + 1]! + 0.114 * image.data[o + 2]!;
      mask[i] = luma >= 128 && image.data[o + 3]! >= 128 ? 1 : 0;
    }
    return mask;
  }

  /** The supervisor, with this service watching its messages (provider reports). */
  private supervisor(): WorkerSupervisor {
    const sup = this.opts.supervisor();
    if (this.watching !== sup) {
      this.unwatch?.();
      this.watching = sup;
      this.registered.clear();
      this.readyKeys.clear();
      this.owners.clear();
      this.retired.clear();
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
      extra: ctx.pack ? [`pack=${ctx.pack.id}@${ctx.pack.version}#${hashString(ctx.pack.signature)}`] : [],
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
    throwIfAborted(signal);
    const handle = this.supervisor().render(
      {
        characterId: ctx.prepared.workerId,
        output: ctx.output,
        frames: requests,
        ...(ctx.pack ? { packDir: ctx.pack.dir } : {}),
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
          const final = withFace(ctx, p.frameIndex, image);
          // The memory level is written synchronously, so the frame is servable when onFrame runs.
          ctx.cache.put(p.key, final).catch(() => {});
          onFrame(p, final);
        }
      },
    );
    const onAbort = () => handle.cancel();
    signal?.addEventListener('abort', onAbort);
    const workerId = ctx.prepared.workerId;
    this.inUse.set(workerId, (this.inUse.get(workerId) ?? 0) + 1);
    try {
      const outcome = await handle.finished.catch(async (err: Error) => {
        // A rig that could not be built is the character's problem, not the worker's.
        await this.loadedOrError(ctx.prepared);
        throw new ApiError({ code: 'worker-failed', message: `The frame worker failed: ${err.message}` });
      });
      if (outcome === 'cancelled') throwIfAborted(signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.inUse.set(workerId, (this.inUse.get(workerId) ?? 1) - 1);
      this.unloadIfIdle(workerId);
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

/** The document's part hint map (schema.ts partHintsSchema) as the worker takes it. */
async function decodePartHints(
  document: ProjectDocument,
  hints: NonNullable<Character['partHints']>,
  art: RgbaImage,
): Promise<NonNullable<CharacterInput['partHints']>> {
  const asset = document.assets[hints.ownerAssetId];
  const fail = (why: string) =>
    new ApiError({ code: 'invalid-project', message: `The part hints "${hints.ownerAssetId}" ${why}.` });
  if (!asset) throw fail('are not in the project');
  const { data, info } = await sharp(Buffer.from(asset.dataBase64, 'base64'))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: Error) => {
      throw fail(`could not be decoded: ${err.message}`);
    });
  if (info.width !== art.width || info.height !== art.height) {
    throw fail(`are ${info.width}x${info.height} px but the art is ${art.width}x${art.height} px`);
  }
  return {
    owner: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height),
    parts: hints.parts.map((p) => ({ name: p.name, jointIds: [...p.jointIds] })),
  };
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

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof ApiError
    ? signal.reason
    : new ApiError({ code: 'cancelled', message: 'Rendering was cancelled.' });
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelledError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function cancelledError(signal: AbortSignal): ApiError {
  return signal.reason instanceof ApiError
    ? signal.reason
    : new ApiError({ code: 'cancelled', message: 'Rendering was cancelled.' });
}
