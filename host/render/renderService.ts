import { join } from 'node:path';
import sharp from 'sharp';
import { ApiError, type EngineStatus, type FrameRef } from '../../core/contract/api.js';
import type { ComputeWeights, FrameRequest, FromWorker, RenderJobEvent } from '../../core/contract/jobs.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import { jointId, newId } from '../../core/ids.js';
import { evaluateMotion } from '../../core/motion/evaluate.js';
import { engineVersionTag, frameKey, hashFloat32, hashString } from '../../core/render/frameKey.js';
import { projectPose } from '../../core/render/project.js';
import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import { FrameCache } from '../cache/frameCache.js';
import type { JobContext, JobManager } from '../jobs/jobManager.js';
import type { WorkerSupervisor } from '../worker/supervisor.js';
import { composeFrame, isIdentityPlacement } from './compose.js';
import { facePassKey, withFace } from './facePass.js';
import { type CharacterLayerPort, SceneRenderer } from './scene.js';

/**
 * Renders a document's character frames through the frame worker, with the frame cache in front.
 *
 * Per character it decodes the art (sharp, straight RGBA), gets the skin weights (computed in the
 * worker, cached here per art + mask + rest skeleton) and registers the character with the
 * supervisor once. Per frame it evaluates the motion, projects the pose and derives the frame's
 * content key (core/render/frameKey.ts); a frame whose key is cached is never rendered again, so
 * editing one key re-renders only the frames whose pose it changes.
 *
 * Two ways out: renderFrames (a job: cached frames listed at once, the rest streamed as 'frame'
 * JobEvents, pixels at getFrame(key)) for the UI; renderSequence (an async iterator in frame order)
 * for export and the CLI.
 *
 * Frames are rendered at the art's size and then placed into the document's resolution with the
 * character's placement (compose.ts); the placed frame has its own key.
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

export type RenderQuality = 'draft' | 'final';

/**
 * The solve grid of 'draft' frames (the coarsest the engine takes): the worker renders these on a
 * half-resolution copy of the character and upsamples them (inference/worker/characters.ts): fast,
 * soft.
 */
export const DRAFT_GRID_STEP = 8;

export interface SequenceOptions {
  readonly signal?: AbortSignal;
  /** Called after each frame is yielded-ready, with frames done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly quality?: RenderQuality;
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
  /** The id the worker knows the character by: one per (art, weights). */
  readonly workerId: string;
  readonly character: Character;
  readonly art: RgbaImage;
  readonly weightsHash: string;
}

/** One requested frame: what the worker renders (warpKey) and what the caller gets (key). */
export interface FramePlan {
  readonly frameIndex: number;
  /** Key of the placed output frame (= warpKey when the placement is the identity). */
  readonly key: string;
  readonly warpKey: string;
  readonly request: FrameRequest;
}

export interface RenderContext {
  readonly document: ProjectDocument;
  readonly prepared: PreparedCharacter;
  readonly cache: FrameCache;
  readonly quality: RenderQuality;
  readonly compose: boolean;
  readonly width: number;
  readonly height: number;
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

/** Weight maps kept in memory (each K x H x W float32: 66 MB for the sample's 21 joints). */
const MAX_WEIGHT_ENTRIES = 4;
/** Decoded pictures kept in memory (art and masks). */
const MAX_DECODED_ARTS = 8;

export class RenderService {
  private readonly caches = new Map<string, FrameCache>();
  private readonly weights = new Map<string, Promise<{ weights: SkinWeights; hash: string }>>();
  private readonly arts = new Map<string, Promise<RgbaImage>>();
  private readonly registered = new Set<string>();
  private readonly pendingWeights = new Map<
    string,
    { resolve(w: SkinWeights): void; reject(e: Error): void }
  >();
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
      context: (document, prepared, quality) => this.context(document, prepared, quality),
      plan: (ctx, frameIndex) => this.plan(ctx, frameIndex),
      renderPlans: (ctx, plans, signal, onFrame) => this.renderPlans(ctx, plans, signal, onFrame),
    };
  }

  // ---- the API ----

  /**
   * Lists the cached frames at once and starts a job for the rest (null when none is left). When
   * the character's weights are not known yet, every frame goes through the job (the keys depend
   * on the weights), and cached ones then arrive as 'frame' events too.
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
      j.progress(0, frames.length, 'weights');
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
    const source = await this.frameSource(document, characterId, options.quality ?? 'final', signal);
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
    signal: AbortSignal | undefined,
  ): Promise<FrameSource<{ readonly frameIndex: number; readonly key: string }>> {
    if (characterId === undefined && document.characters.length > 1) {
      return this.scene.source(document, quality, signal);
    }
    const prepared = await this.prepare(document, findCharacter(document, characterId), signal);
    const ctx = this.context(document, prepared, quality);
    const source: FrameSource<FramePlan> = {
      plan: (frameIndex) => this.plan(ctx, frameIndex),
      renderWindow: (plans, windowSignal, onImage) => this.renderWindow(ctx, plans, windowSignal, onImage),
    };
    return source;
  }

  /** The skin weights the engine uses for a character (computed in the worker, cached). */
  async skinWeights(
    document: ProjectDocument,
    characterId: string,
    signal?: AbortSignal,
  ): Promise<SkinWeights> {
    const character = findCharacter(document, characterId);
    const art = await this.decodeArt(document, character.artAssetId);
    return (await this.getWeights(document, character, art, signal)).weights;
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
    for (const p of this.pendingWeights.values()) {
      p.reject(new ApiError({ code: 'cancelled', message: 'The render service was stopped.' }));
    }
    this.pendingWeights.clear();
  }

  // ---- characters: art, weights, registration ----

  private readonly readyKeys = new Map<string, PreparedCharacter>();
  /** Per document character (projectId|characterId): the worker character it renders with. */
  private readonly owners = new Map<string, string>();
  /** Worker characters no document character uses any more, freed once idle. */
  private readonly retired = new Set<string>();
  /** Renders in flight per worker character. */
  private readonly inUse = new Map<string, number>();

  /** The prepared character when its weights are already known (no await needed), else null. */
  private readyCharacter(document: ProjectDocument, character: Character): PreparedCharacter | null {
    return this.readyKeys.get(this.characterKey(document, character)) ?? null;
  }

  private characterKey(document: ProjectDocument, character: Character): string {
    return `${this.weightsKey(character)}|${document.assets[character.artAssetId] ? 'ok' : 'missing'}`;
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
    const { weights, hash } = await this.getWeights(document, character, art, signal);
    const workerId = `ch_${hashString(`${character.artAssetId}|${hash}`)}`;
    if (!this.registered.has(workerId)) {
      this.supervisor().registerCharacter(workerId, art, weights);
      this.registered.add(workerId);
    }
    const prepared: PreparedCharacter = { workerId, character, art, weightsHash: hash };
    this.readyKeys.set(key, prepared);
    this.claim(document, character, workerId);
    return prepared;
  }

  /**
   * Records which worker character a document's character renders with now. The one it used before
   * (older weights, e.g. before a joint was moved in Fit mode) is freed in the worker once no
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

  /** Weights depend on the art, the explicit mask, the PSD part hints and the rest skeleton only. */
  private weightsKey(character: Character): string {
    const rest = character.skeleton.joints.map((j) => [j.id, j.parentId, ...j.restPosition]);
    const hints = character.partHints ? hashString(JSON.stringify(character.partHints)) : '';
    return `${character.artAssetId}|${character.maskAssetId ?? ''}|${hashString(JSON.stringify(rest))}|${hints}`;
  }

  private getWeights(
    document: ProjectDocument,
    character: Character,
    art: RgbaImage,
    signal?: AbortSignal,
  ): Promise<{ weights: SkinWeights; hash: string }> {
    const key = this.weightsKey(character);
    let entry = this.weights.get(key);
    if (!entry) {
      entry = (async () => {
        const mask = character.maskAssetId
          ? await this.decodeMask(document, character.maskAssetId)
          : undefined;
        const partHints = character.partHints
          ? await decodePartHints(document, character.partHints, art)
          : undefined;
        const weights = await this.requestWeights(art, mask, character, partHints);
        return { weights, hash: hashFloat32(weights.data) };
      })();
      this.weights.set(key, entry);
      entry.catch(() => this.weights.delete(key));
      while (this.weights.size > MAX_WEIGHT_ENTRIES) {
        const oldest = this.weights.keys().next().value as string;
        this.weights.delete(oldest);
      }
    }
    // The computation goes on in the worker when a caller gives up; the next caller reuses it.
    return signal ? raceAbort(entry, signal) : entry;
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

  private requestWeights(
    art: RgbaImage,
    mask: Uint8Array | undefined,
    character: Character,
    partHints?: ComputeWeights['partHints'],
  ): Promise<SkinWeights> {
    const sup = this.supervisor();
    const requestId = newId('weights');
    return new Promise<SkinWeights>((resolve, reject) => {
      this.pendingWeights.set(requestId, { resolve, reject });
      sup.post({
        type: 'computeWeights',
        requestId,
        width: art.width,
        height: art.height,
        rgba: art.data,
        ...(mask ? { mask } : {}),
        skeleton: {
          joints: character.skeleton.joints.map((j) => ({ ...j, restPosition: [...j.restPosition] })),
        },
        ...(partHints ? { partHints } : {}),
      });
    });
  }

  /** The supervisor, with this service watching its messages (weights replies, provider). */
  private supervisor(): WorkerSupervisor {
    const sup = this.opts.supervisor();
    if (this.watching !== sup) {
      this.unwatch?.();
      this.watching = sup;
      this.registered.clear();
      this.readyKeys.clear();
      this.owners.clear();
      this.retired.clear();
      this.unwatch = sup.watch({
        message: (msg) => this.onWorkerMessage(msg),
        exit: (reason) => {
          for (const p of this.pendingWeights.values()) {
            p.reject(
              new ApiError({ code: 'worker-failed', message: `${reason} while computing skin weights` }),
            );
          }
          this.pendingWeights.clear();
        },
      });
    }
    return sup;
  }

  private onWorkerMessage(msg: FromWorker): void {
    if (msg.type === 'provider') {
      this.lastEngineStatus = { provider: msg.name, messages: [...msg.messages] };
      this.opts.jobs.emit({ type: 'engine', status: this.engineStatus() });
      return;
    }
    if (msg.type !== 'weights' && msg.type !== 'weightsFailed') return;
    const pending = this.pendingWeights.get(msg.requestId);
    if (!pending) return;
    this.pendingWeights.delete(msg.requestId);
    if (msg.type === 'weightsFailed') {
      pending.reject(
        new ApiError({
          code: 'invalid-project',
          message: `Skin weights could not be computed: ${msg.message}`,
        }),
      );
      return;
    }
    const bytes = msg.data;
    // A view when the IPC bytes are 4-byte aligned (no copy of tens of MB), else an aligned copy.
    const data =
      bytes.byteOffset % 4 === 0 && bytes.byteLength % 4 === 0
        ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
        : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    pending.resolve({ width: msg.width, height: msg.height, jointIds: msg.jointIds.map(jointId), data });
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
  ): RenderContext {
    const out = document.resolution;
    const character = findCharacter(document, prepared.character.id);
    return {
      document,
      prepared: { ...prepared, character },
      cache: this.cacheFor(document.id),
      quality,
      compose: !isIdentityPlacement(prepared.art, out, character.placement),
      width: out.width,
      height: out.height,
      // Drafts (live drags) skip the pack: a generator is far slower than the warp.
      pack: quality === 'final' ? (this.opts.modelPacks?.active() ?? null) : null,
    };
  }

  private plan(ctx: RenderContext, frameIndex: number): FramePlan {
    const { art, character, weightsHash } = ctx.prepared;
    const pose = evaluateMotion(character.motion, frameIndex);
    const bones = projectPose(character.skeleton, pose, art);
    const gridStep = ctx.quality === 'draft' ? DRAFT_GRID_STEP : undefined;
    const warpKey = frameKey({
      artAssetId: character.artAssetId,
      weightsHash,
      bones,
      width: art.width,
      height: art.height,
      engineVersion: engineVersionTag(art.width, art.height, gridStep),
      extra: [
        ctx.quality,
        // Switching packs renders anew; switching back finds the frames of before in the cache.
        ...(ctx.pack ? [`pack=${ctx.pack.id}@${ctx.pack.version}#${hashString(ctx.pack.signature)}`] : []),
      ],
    });
    const { offset, scale } = character.placement;
    const placedKey = ctx.compose
      ? hashString(`${warpKey}|out=${ctx.width}x${ctx.height}|at=${offset[0]},${offset[1]}|scale=${scale}`)
      : warpKey;
    // Face pass (docs/face.md): the face at this frame is part of the frame's key.
    const key = facePassKey(ctx, frameIndex, placedKey);
    const request: FrameRequest = {
      frameIndex,
      key: warpKey,
      bones: bones.map((b) => ({
        jointId: b.jointId,
        affine: [...b.affine] as FrameRequest['bones'][number]['affine'],
        depth: [...b.depth] as FrameRequest['bones'][number]['depth'],
      })),
    };
    return { frameIndex, key, warpKey, request };
  }

  private frameRef(ctx: RenderContext, frameIndex: number, key: string): FrameRef {
    return { frameIndex, key, width: ctx.width, height: ctx.height, quality: ctx.quality };
  }

  /** The output frame from the worker's frame (placed into the document's resolution if needed). */
  private output(ctx: RenderContext, warped: RgbaImage): RgbaImage {
    return ctx.compose
      ? composeFrame(warped, ctx, ctx.prepared.character.placement)
      : { width: warped.width, height: warped.height, data: warped.data };
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
    const byWarpKey = new Map<string, FramePlan[]>();
    for (const p of plans) {
      const list = byWarpKey.get(p.warpKey);
      if (list) list.push(p);
      else byWarpKey.set(p.warpKey, [p]);
    }
    const requests = [...byWarpKey.values()].map((list) => list[0]!.request);
    throwIfAborted(signal);
    const handle = this.supervisor().render(
      {
        characterId: ctx.prepared.workerId,
        frames: requests,
        ...(ctx.quality === 'draft' ? { gridStep: DRAFT_GRID_STEP } : {}),
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
        const warped: RgbaImage = { width: e.width, height: e.height, data: e.rgba };
        const image = this.output(ctx, warped);
        for (const p of byWarpKey.get(e.key) ?? []) {
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
      const outcome = await handle.finished.catch((err: Error) => {
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
): Promise<NonNullable<ComputeWeights['partHints']>> {
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
