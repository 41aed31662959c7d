import { basename } from 'node:path';
import sharp from 'sharp';
import { ApiError } from '../../core/contract/api.js';
import type { PoseSequence } from '../../core/io/poseSequence.js';
import type { Vec3 } from '../../core/math/types.js';
import { liftPerson } from '../../core/video/lift.js';
import type { OneEuroParams } from '../../core/video/oneEuro.js';
import { cleanTrack, collectTracks, type PersonTrack2d } from '../../core/video/tracks2d.js';
import type { VideoFramePeople } from '../../core/video/types.js';
import { videoPoseSequence } from '../../core/video/videoPoseSequence.js';
import { decodeVideoFrames, FfmpegError, probeVideo, resolveFfmpegPath } from '../export/ffmpeg.js';
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

/** Analyses `file` and returns each person in it as a pose sequence. */
export async function extractVideoMotion(file: string, opts: VideoMotionOptions): Promise<VideoMotionResult> {
  const started = performance.now();
  const ffmpegPath = resolveFfmpegPath(opts.ffmpegPath);
  const info = await probeVideo(ffmpegPath, file).catch((error: unknown) => {
    if (error instanceof FfmpegError) {
      throw new ApiError({
        code: 'corrupt-file',
        message: `${basename(file)}: ${error.message.replace(`${file}: `, '')}`,
        file,
      });
    }
    throw error;
  });
  const scale = Math.min(1, MAX_DECODE_HEIGHT / info.height);
  // Even sizes: some decoders' scalers want them, and nothing is lost.
  const width = Math.max(2, Math.round((info.width * scale) / 2) * 2);
  const height = Math.max(2, Math.round((info.height * scale) / 2) * 2);
  const total = info.durationSec ? Math.max(1, Math.round(info.durationSec * opts.fps)) : 0;
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
      width,
      height,
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
      throw new ApiError({
        code: error.code === 'ffmpeg-missing' ? 'unsupported' : 'corrupt-file',
        message: `${basename(file)}: ${error.message.replace(`${file}: `, '')}`,
        file,
      });
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
  };
}
