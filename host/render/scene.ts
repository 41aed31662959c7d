import type { FrameRef } from '../../core/contract/api.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import { hashString } from '../../core/render/frameKey.js';
import type { RgbaImage } from '../../core/render/types.js';
import type { FrameCache } from '../cache/frameCache.js';
import type { JobContext, JobManager } from '../jobs/jobManager.js';
import { compositeOver } from './compose.js';
import type {
  FramePlan,
  PreparedCharacter,
  RenderContext,
  RenderQuality,
  RenderServiceStats,
} from './renderTypes.js';
import type { FrameSource } from './sequence.js';

/**
 * Scene frames: every character of the document, each rendered by the engine with its own motion
 * and placed into the output frame (its frames cached under their own keys, exactly as a
 * single-character render caches them), then stacked back to front with straight-alpha 'over'
 * (compose.ts compositeOver).
 *
 * Depth order = the list order of document.characters, first = furthest back, last = in front:
 * the order the viewport draws them in (renderer/characters/SceneCharacters.tsx artRenderOrder)
 * and the one the Characters panel's Forward / Back buttons edit. placement.offset z does not
 * reorder (see core/document/schema.ts placementSchema).
 *
 * The scene frame's key hashes the output size and, back to front, each character's placed-frame
 * key and placement; a scene of one character is exactly its placed frame (over a transparent
 * background changes nothing), so the render service keeps the character path for it.
 */

/** A scene frame to produce: the character frames it needs, back to front. */
export interface ScenePlan {
  readonly frameIndex: number;
  readonly key: string;
  readonly parts: readonly FramePlan[];
}

export interface SceneContext {
  readonly document: ProjectDocument;
  /** One per character, in depth order (back to front). */
  readonly layers: readonly RenderContext[];
  readonly cache: FrameCache;
  readonly quality: RenderQuality;
  readonly width: number;
  readonly height: number;
}

/** What the scene renderer uses of the per-character path (RenderService supplies it). */
export interface CharacterLayerPort {
  readonly jobs: JobManager;
  readonly stats: RenderServiceStats;
  /** The prepared character when it is registered already (claimed for rendering), else null. */
  ready(document: ProjectDocument, character: Character): PreparedCharacter | null;
  prepare(document: ProjectDocument, character: Character, signal?: AbortSignal): Promise<PreparedCharacter>;
  context(
    document: ProjectDocument,
    prepared: PreparedCharacter,
    quality: RenderQuality,
    scale?: number,
  ): RenderContext;
  plan(ctx: RenderContext, frameIndex: number): FramePlan;
  renderPlans(
    ctx: RenderContext,
    plans: readonly FramePlan[],
    signal: AbortSignal | undefined,
    onFrame: (plan: FramePlan, image: RgbaImage) => void,
  ): Promise<void>;
}

/** Scene frames a render job works on at once (bounds the character frames held in memory). */
const JOB_WINDOW_FRAMES = 4;

/** The characters of a scene, back to front. */
export function sceneDepthOrder(document: ProjectDocument): readonly Character[] {
  return document.characters;
}

export function sceneFrameKey(
  out: { width: number; height: number },
  parts: readonly { key: string; character: Character }[],
): string {
  const layers = parts.map(({ key, character }) => {
    const { offset, scale } = character.placement;
    return `${key}@${offset[0]},${offset[1]},${offset[2]}x${scale}`;
  });
  return hashString(`scene|${out.width}x${out.height}|${layers.join('|')}`);
}

export class SceneRenderer {
  constructor(private readonly port: CharacterLayerPort) {}

  /** As RenderService.renderFrames, for the whole scene. */
  async renderFrames(request: {
    document: ProjectDocument;
    frames: number[];
    quality: RenderQuality;
  }): Promise<{ jobId: string | null; cached: FrameRef[] }> {
    const { document, quality } = request;
    const frames = [...new Set(request.frames)];
    const characters = sceneDepthOrder(document);
    const ready = characters.map((c) => this.port.ready(document, c));
    if (ready.every((p): p is PreparedCharacter => p !== null)) {
      const sctx = this.context(document, ready, quality);
      const plans = frames.map((f) => this.plan(sctx, f));
      const cached = plans.filter((p) => sctx.cache.has(p.key));
      this.port.stats.framesCached += cached.length;
      const missing = plans.filter((p) => !sctx.cache.has(p.key));
      const refs = cached.map((p) => frameRef(sctx, p));
      if (missing.length === 0) return { jobId: null, cached: refs };
      const job = this.port.jobs.start('render', (j) => this.runJob(j, sctx, missing, 0, missing.length));
      return { jobId: job.jobId, cached: refs };
    }
    const job = this.port.jobs.start('render', async (j) => {
      j.progress(0, frames.length, 'rig');
      const prepared = await Promise.all(characters.map((c) => this.port.prepare(document, c, j.signal)));
      const sctx = this.context(document, prepared, quality);
      const missing: ScenePlan[] = [];
      let done = 0;
      for (const p of frames.map((f) => this.plan(sctx, f))) {
        if (sctx.cache.has(p.key)) {
          this.port.stats.framesCached++;
          j.emit({ type: 'frame', jobId: j.jobId, frame: frameRef(sctx, p) });
          done++;
        } else {
          missing.push(p);
        }
      }
      if (missing.length > 0) await this.runJob(j, sctx, missing, done, frames.length);
      else j.progress(done, frames.length);
    });
    return { jobId: job.jobId, cached: [] };
  }

  /** The scene as a frame source for RenderService.renderSequence. */
  async source(
    document: ProjectDocument,
    quality: RenderQuality,
    signal?: AbortSignal,
    scale = 1,
  ): Promise<FrameSource<ScenePlan>> {
    const prepared = await Promise.all(
      sceneDepthOrder(document).map((c) => this.port.prepare(document, c, signal)),
    );
    const sctx = this.context(document, prepared, quality, scale);
    return {
      plan: (frameIndex) => this.plan(sctx, frameIndex),
      renderWindow: (plans, windowSignal, onImage) => this.renderWindow(sctx, plans, windowSignal, onImage),
    };
  }

  private context(
    document: ProjectDocument,
    prepared: readonly PreparedCharacter[],
    quality: RenderQuality,
    scale = 1,
  ): SceneContext {
    const layers = prepared.map((p) => this.port.context(document, p, quality, scale));
    const first = layers[0];
    if (!first) throw new RangeError('a scene needs at least one character');
    return {
      document,
      layers,
      cache: first.cache,
      quality,
      width: first.width,
      height: first.height,
    };
  }

  private plan(sctx: SceneContext, frameIndex: number): ScenePlan {
    const parts = sctx.layers.map((ctx) => this.port.plan(ctx, frameIndex));
    const key = sceneFrameKey(
      sctx,
      parts.map((p, i) => ({ key: p.key, character: sctx.layers[i]!.prepared.character })),
    );
    return { frameIndex, key, parts };
  }

  /**
   * Produces the plans' scene frames: cached ones from the cache, the rest composed from their
   * character frames (cached ones read back, missing ones rendered, every character's at once),
   * each composed as soon as its last character frame arrives.
   */
  private async renderWindow(
    sctx: SceneContext,
    plans: readonly ScenePlan[],
    signal: AbortSignal | undefined,
    onImage: (key: string, image: RgbaImage) => void,
  ): Promise<void> {
    const missing: ScenePlan[] = [];
    const seen = new Set<string>();
    for (const p of plans) {
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      const hit = sctx.cache.has(p.key) ? await sctx.cache.get(p.key) : null;
      if (hit) {
        this.port.stats.framesCached++;
        onImage(p.key, hit);
      } else {
        missing.push(p);
      }
    }
    if (missing.length === 0) return;
    const images = new Map<string, RgbaImage>();
    const waiting = new Map<string, ScenePlan[]>();
    const remaining = new Map<ScenePlan, number>();
    const toRender = sctx.layers.map(() => new Map<string, FramePlan>());
    for (const p of missing) {
      let count = 0;
      for (const [layer, part] of p.parts.entries()) {
        if (images.has(part.key)) continue;
        const hit = sctx.cache.has(part.key) ? await sctx.cache.get(part.key) : null;
        if (hit) {
          images.set(part.key, hit);
          continue;
        }
        count++;
        toRender[layer]!.set(part.key, part);
        const list = waiting.get(part.key);
        if (list) list.push(p);
        else waiting.set(part.key, [p]);
      }
      remaining.set(p, count);
    }
    const compose = (p: ScenePlan) => {
      const frames = p.parts.map((part) => images.get(part.key)!);
      const image = compositeOver(frames, sctx);
      // The memory level is written synchronously, so the frame is servable when onImage runs.
      sctx.cache.put(p.key, image).catch(() => {});
      onImage(p.key, image);
    };
    for (const [p, count] of remaining) if (count === 0) compose(p);
    await Promise.all(
      sctx.layers.map((ctx, layer) => {
        const parts = [...toRender[layer]!.values()];
        if (parts.length === 0) return Promise.resolve();
        return this.port.renderPlans(ctx, parts, signal, (part, image) => {
          if (images.has(part.key)) return;
          images.set(part.key, image);
          for (const p of waiting.get(part.key) ?? []) {
            const left = remaining.get(p)! - 1;
            remaining.set(p, left);
            if (left === 0) compose(p);
          }
        });
      }),
    );
  }

  /** Renders the plans in windows, two windows in flight (one renders while the next is sent). */
  private async runJob(
    job: JobContext,
    sctx: SceneContext,
    plans: readonly ScenePlan[],
    doneBefore: number,
    total: number,
  ): Promise<void> {
    let done = doneBefore;
    job.progress(done, total, 'render');
    const windows: ScenePlan[][] = [];
    for (let i = 0; i < plans.length; i += JOB_WINDOW_FRAMES) {
      windows.push(plans.slice(i, i + JOB_WINDOW_FRAMES));
    }
    const byKey = new Map<string, ScenePlan[]>();
    for (const p of plans) {
      const list = byKey.get(p.key);
      if (list) list.push(p);
      else byKey.set(p.key, [p]);
    }
    let next = 0;
    const runner = async () => {
      while (next < windows.length) {
        const window = windows[next++]!;
        try {
          await this.renderWindow(sctx, window, job.signal, (key) => {
            for (const p of byKey.get(key) ?? []) {
              if (!window.includes(p)) continue;
              job.emit({ type: 'frame', jobId: job.jobId, frame: frameRef(sctx, p) });
              done++;
              job.progress(done, total, 'render');
            }
          });
        } catch (error) {
          // The other runner starts no further window once the job has failed.
          next = windows.length;
          throw error;
        }
      }
    };
    await Promise.all([runner(), runner()]);
  }
}

function frameRef(sctx: SceneContext, plan: ScenePlan): FrameRef {
  return {
    frameIndex: plan.frameIndex,
    key: plan.key,
    width: sctx.width,
    height: sctx.height,
    quality: sctx.quality,
  };
}
