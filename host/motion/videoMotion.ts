import { basename, join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { ApiError, type ApiErrorData } from '../../core/contract/api.js';
import type { PoseSequence } from '../../core/io/poseSequence.js';
import type { Vec3 } from '../../core/math/types.js';
import { liftPerson } from '../../core/video/lift.js';
import type { OneEuroParams } from '../../core/video/oneEuro.js';
import { cleanTrack, collectTracks, type PersonTrack2d } from '../../core/video/tracks2d.js';
import type { VideoFramePeople } from '../../core/video/types.js';
import { videoPoseSequence } from '../../core/video/videoPoseSequence.js';
import { videoFramePeopleSchema } from '../../core/video/workerMessages.js';
import { AnalysisCache } from '../cache/analysisCache.js';
import { decodeVideoFrames, FfmpegError, probeVideo, resolveFfmpegPath } from '../export/ffmpeg.js';
import { defaultCacheRoot, installedPackageVersion } from '../paths.js';
import { PoseWorker } from '../worker/poseWorker.js';

/**
 * Motion from a video (issue 11), host side: ffmpeg decodes the video at the project's frame
 * rate (host/export/ffmpeg.ts), the pose worker finds and tracks the people in each frame
 * (inference/pose/videoWorker.ts), and core/video turns each person into a JSON pose sequence
 * (gaps filled, jitter filtered, lifted to 3D) that the ordinary motion import puts on a
 * character. A job: progress with ETA, cancel by AbortSignal. Memory stays flat in the video's
 * length: frames are handled one at a time; only the people's joints are kept.
 */

/** Frames are decoded at most this tall (720p): the pose model looks at 192 px crops anyway. */
export const MAX_DECODE_HEIGHT = 720;
/** A person seen in fewer frames than this fraction of the video is not offered (a passer-by, a false find). */
const MIN_SEEN_FRACTION = 0.15;

export interface VideoMotionOptions {
  /** Frames per second to sample at (the project's rate). */
  readonly fps: number;
  readonly signal?: AbortSignal;
  /** done/total frames, and an ETA in seconds once it can be guessed. */
  readonly onProgress?: (p: { done: number; total: number; etaSec: number | null }) => void;
  readonly ffmpegPath?: string;
  /** Jitter filter; null: none; default DEFAULT_ONE_EURO. */
  readonly filter?: OneEuroParams | null;
  /** The camera's vertical field of view in degrees, for depth (default 40). */
  readonly verticalFovDeg?: number;
  readonly maxPeople?: number;
  /** Told the pose worker's process id once it runs (the bench measures its memory). */
  readonly onWorkerStarted?: (pid: number | undefined) => void;
  /** Thumbnails' height in pixels (default 160). */
  readonly thumbnailHeightPx?: number;
  /** Where analyses are kept by content (host/cache/analysisCache.ts); absent: none kept or read. */
  readonly cacheDir?: string;
}

export interface VideoPerson {
  readonly trackId: number;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly seenFrames: number;
  readonly meanScore: number;
  /** The person at their clearest frame, PNG, base64. */
  readonly thumbnailPngBase64: string;
  /** Where the person stands at their first frame, in the lift's units (for placement of several). */
  readonly startPosition: Vec3 | null;
  /** Per video frame the person's 2D joints (image pixels), null where not seen: the picker's overlay. */
  readonly joints2d: readonly (Record<string, readonly [number, number]> | null)[];
  /** The motion, ready for the motion import (docs/motion-json.md). */
  readonly sequence: PoseSequence;
}

export interface VideoMotionResult {
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  /** Most seen first. */
  readonly people: readonly VideoPerson[];
  /** Seconds spent, and frames analysed per second. */
  readonly elapsedSec: number;
  /** The people were read from the analysis cache (the video was analysed before), not found again. */
  readonly fromCache: boolean;
}

function cancelled(): ApiError {
  return new ApiError({ code: 'cancelled', message: 'The video analysis was cancelled.' });
}

/** A crop around a person, kept as raw RGB until the end (one per person). */
interface Thumb {
  score: number;
  width: number;
  height: number;
  rgb: Uint8Array;
}

function cropPerson(
  frame: { width: number; height: number; data: Uint8Array },
  joints: Record<string, { imagePx: readonly [number, number]; score: number }>,
): Thumb | null {
  const pts = Object.values(joints).filter((j) => j.score > 0.3);
  if (pts.length < 6) return null;
  const xs = pts.map((p) => p.imagePx[0]);
  const ys = pts.map((p) => p.imagePx[1]);
  const h = Math.max(...ys) - Math.min(...ys);
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const y0 = Math.max(0, Math.floor(Math.min(...ys) - h * 0.2));
  const y1 = Math.min(frame.height, Math.ceil(Math.max(...ys) + h * 0.15));
  const half = Math.max((Math.max(...xs) - Math.min(...xs)) / 2 + h * 0.1, h * 0.3);
  const x0 = Math.max(0, Math.floor(cx - half));
  const x1 = Math.min(frame.width, Math.ceil(cx + half));
  if (x1 - x0 < 4 || y1 - y0 < 4) return null;
  const w = x1 - x0;
  const rgb = new Uint8Array(w * (y1 - y0) * 3);
  for (let y = y0; y < y1; y++) {
    rgb.set(frame.data.subarray((y * frame.width + x0) * 3, (y * frame.width + x1) * 3), (y - y0) * w * 3);
  }
  return { score: 0, width: w, height: y1 - y0, rgb };
}

function joints2dOf(track: PersonTrack2d): (Record<string, readonly [number, number]> | null)[] {
  const out: (Record<string, readonly [number, number]> | null)[] = [];
  for (let f = 0; f < track.frameCount; f++) {
    const js: Record<string, readonly [number, number]> = {};
    for (const [name, s] of Object.entries(track.joints)) {
      if (Number.isFinite(s.x[f]!)) js[name] = [Math.round(s.x[f]! * 10) / 10, Math.round(s.y[f]! * 10) / 10];
    }
    out.push(Object.keys(js).length ? js : null);
  }
  return out;
}

/**
 * What the pose model found in a video: the slow part of an analysis (decoding, the model on every
 * frame), which the analysis cache keeps. The rest (tracks cleaned and filtered, lifted to 3D,
 * thumbnails) is rebuilt from it each time, so other filter or lens settings need no new pass.
 */
interface VideoDetections {
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  readonly frames: readonly VideoFramePeople[];
  /** Each person's clearest crop, by track id. */
  readonly thumbs: ReadonlyMap<number, Thumb>;
}

/**
 * Bump when the detections of the same video at the same settings would change (the tracker,
 * the crops), so that entries from before are not read as today's answer. The model's package
 * version is in the key already.
 */
const DETECTIONS_VERSION = 1;

const cachedDetectionsSchema = z.object({
  format: z.literal('keypose-video-people'),
  version: z.literal(DETECTIONS_VERSION),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  frameCount: z.number().int().min(1),
  frames: z.array(videoFramePeopleSchema),
  thumbs: z.array(
    z.object({
      trackId: z.number().int(),
      score: z.number(),
      width: z.number().int().min(1),
      height: z.number().int().min(1),
      pngBase64: z.string(),
    }),
  ),
});

async function detectionsToCache(d: VideoDetections) {
  const thumbs = [];
  for (const [trackId, t] of d.thumbs) {
    const png = await sharp(t.rgb, { raw: { width: t.width, height: t.height, channels: 3 } })
      .png()
      .toBuffer();
    thumbs.push({
      trackId,
      score: t.score,
      width: t.width,
      height: t.height,
      pngBase64: png.toString('base64'),
    });
  }
  return {
    format: 'keypose-video-people',
    version: DETECTIONS_VERSION,
    width: d.width,
    height: d.height,
    frameCount: d.frameCount,
    frames: d.frames,
    thumbs,
  };
}

async function detectionsFromCache(entry: z.output<typeof cachedDetectionsSchema>): Promise<VideoDetections> {
  const thumbs = new Map<number, Thumb>();
  for (const t of entry.thumbs) {
    const rgb = await sharp(Buffer.from(t.pngBase64, 'base64')).removeAlpha().raw().toBuffer();
    if (rgb.length !== t.width * t.height * 3) throw new Error('a cached thumbnail has the wrong size');
    thumbs.set(t.trackId, { score: t.score, width: t.width, height: t.height, rgb: new Uint8Array(rgb) });
  }
  return {
    width: entry.width,
    height: entry.height,
    frameCount: entry.frameCount,
    frames: entry.frames,
    thumbs,
  };
}

/** ffmpeg's failure on `file` as an ApiError that names the file (its path left out of ffmpeg's words). */
function ffmpegFailure(file: string, error: FfmpegError, code: ApiErrorData['code']): ApiError {
  return new ApiError({
    code,
    message: `${basename(file)}: ${error.message.replace(`${file}: `, '')}`,
    file,
  });
}

/** Decodes `file` and runs the pose worker on every frame: the people in each, and their crops. */
async function detectPeople(
  file: string,
  ffmpegPath: string,
  size: { width: number; height: number },
  total: number,
  opts: VideoMotionOptions,
): Promise<VideoDetections> {
  const worker = new PoseWorker();
  const frames: VideoFramePeople[] = [];
  const thumbs = new Map<number, Thumb>();
  let frameCount = 0;
  try {
    opts.onWorkerStarted?.(worker.pid);
    await worker.start(opts.maxPeople ? { maxPeople: opts.maxPeople } : {});
    const analysisStarted = performance.now();
    for await (const frame of decodeVideoFrames(ffmpegPath, file, {
      fps: opts.fps,
      ...size,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })) {
      if (opts.signal?.aborted) throw cancelled();
      const people = await worker.analyse(frame);
      frames.push(people);
      for (const p of people.people) {
        // The clearest view of each person becomes their thumbnail in the picker.
        const best = thumbs.get(p.trackId);
        if (!best || p.score > best.score) {
          const crop = cropPerson(frame, p.joints);
          if (crop) thumbs.set(p.trackId, { ...crop, score: p.score });
        }
      }
      frameCount = frame.index + 1;
      const elapsed = (performance.now() - analysisStarted) / 1000;
      const expected = Math.max(total, frameCount);
      opts.onProgress?.({
        done: frameCount,
        total: expected,
        etaSec: frameCount >= 5 ? (elapsed / frameCount) * (expected - frameCount) : null,
      });
    }
  } catch (error) {
    if (opts.signal?.aborted) throw cancelled();
    if (error instanceof FfmpegError) {
      throw ffmpegFailure(file, error, error.code === 'ffmpeg-missing' ? 'unsupported' : 'corrupt-file');
    }
    throw error;
  } finally {
    worker.close();
  }
  if (frameCount === 0) {
    throw new ApiError({
      code: 'corrupt-file',
      message: `${basename(file)}: ffmpeg decoded no frames from it`,
      file,
    });
  }
  return { ...size, frameCount, frames, thumbs };
}

/** The folder of kept video analyses in the user's cache, for `cacheDir` (the CLI; the app's services use their own cache root). */
export function videoAnalysisCacheDir(cacheRoot = defaultCacheRoot()): string {
  return join(cacheRoot, 'video-analyses');
}

/**
 * Analyses `file` and returns each person in it as a pose sequence. With `cacheDir`, the people
 * found in the same video (same bytes) at the same rate, size and model are read from there
 * instead of found again (host/cache/analysisCache.ts), and what is found is kept there.
 */
export async function extractVideoMotion(file: string, opts: VideoMotionOptions): Promise<VideoMotionResult> {
  const started = performance.now();
  const ffmpegPath = resolveFfmpegPath(opts.ffmpegPath);
  const info = await probeVideo(ffmpegPath, file).catch((error: unknown) => {
    throw error instanceof FfmpegError ? ffmpegFailure(file, error, 'corrupt-file') : error;
  });
  const scale = Math.min(1, MAX_DECODE_HEIGHT / info.height);
  // Even sizes: some decoders' scalers want them, and nothing is lost.
  const width = Math.max(2, Math.round((info.width * scale) / 2) * 2);
  const height = Math.max(2, Math.round((info.height * scale) / 2) * 2);
  const total = info.durationSec ? Math.max(1, Math.round(info.durationSec * opts.fps)) : 0;
  const cache = opts.cacheDir ? new AnalysisCache(opts.cacheDir) : null;
  const key = await cache?.keyFor(file, {
    analysis: 'video-people',
    version: DETECTIONS_VERSION,
    // The pose model's package: a new release may find the people differently.
    human: installedPackageVersion('@vladmandic/human'),
    fps: opts.fps,
    width,
    height,
    maxPeople: opts.maxPeople ?? null,
  });
  const cached = cache && key ? await cache.get(key, (v) => cachedDetectionsSchema.parse(v)) : null;
  let detections = cached ? await detectionsFromCache(cached).catch(() => null) : null;
  const fromCache = detections !== null;
  if (detections) {
    opts.onProgress?.({ done: detections.frameCount, total: detections.frameCount, etaSec: 0 });
  } else {
    detections = await detectPeople(file, ffmpegPath, { width, height }, total, opts);
    if (cache && key) await cache.put(key, await detectionsToCache(detections));
  }
  const { frames, frameCount, thumbs } = detections;
  const tracks = collectTracks(frames, frameCount).filter(
    (t) => t.seenFrames >= Math.max(3, MIN_SEEN_FRACTION * frameCount),
  );
  const people: VideoPerson[] = [];
  for (const track of tracks) {
    const clean = cleanTrack(track, {
      fps: opts.fps,
      ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    });
    const lifted = liftPerson(clean, {
      imageWidth: width,
      imageHeight: height,
      ...(opts.verticalFovDeg ? { verticalFovDeg: opts.verticalFovDeg } : {}),
    });
    const thumb = thumbs.get(track.trackId);
    const thumbHeight = opts.thumbnailHeightPx ?? 160;
    const png = thumb
      ? await sharp(thumb.rgb, { raw: { width: thumb.width, height: thumb.height, channels: 3 } })
          .resize({ height: thumbHeight })
          .png()
          .toBuffer()
      : null;
    people.push({
      trackId: track.trackId,
      firstFrame: track.firstFrame,
      lastFrame: track.lastFrame,
      seenFrames: track.seenFrames,
      meanScore: track.meanScore,
      thumbnailPngBase64: png ? png.toString('base64') : '',
      startPosition: lifted.hipsPath.find((p) => p !== null) ?? null,
      joints2d: joints2dOf(clean),
      sequence: videoPoseSequence(lifted, { fps: opts.fps }),
    });
  }
  return {
    fileName: basename(file),
    width,
    height,
    fps: opts.fps,
    frameCount,
    people,
    elapsedSec: (performance.now() - started) / 1000,
    fromCache,
  };
}
