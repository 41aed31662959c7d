import type { EngineStatus } from '../../core/contract/api.js';
import type { FrameRequest } from '../../core/contract/jobs.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import type { OutputFrame } from '../../core/render/parts/posed.js';
import type { RgbaImage } from '../../core/render/types.js';
import type { FrameCache } from '../cache/frameCache.js';
import type { CharacterLoaded } from '../worker/supervisor.js';

/**
 * The types the render path's modules share (render service, character registry, scene, face
 * pass), in a file of their own so that none of them imports another for its types (no cycles).
 */
export interface ModelPackPort {
  active(): { id: string; version: string; dir: string; signature: string } | null;
  status(): NonNullable<EngineStatus['activePack']> | null;
  failed(message: string): void;
}

/**
 * 'draft' frames (what a joint drag shows) and 'final' ones are the same pixels from the built-in
 * engine (it is fast enough for both); only final frames go through the active model pack.
 * 'reference' frames come from the plain-TypeScript reference renderer (core/render/parts/
 * reference.ts) instead of the ONNX engine: seconds a frame, for checking the engine's frames
 * (`keypose render --reference`); never through a model pack.
 */
export type RenderQuality = 'draft' | 'final' | 'reference';

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
