import { basename } from 'node:path';
import sharp from 'sharp';
import { ApiError } from '../../core/contract/api.js';
import {
  facePerformance,
  type PerformanceFilter,
  type PerformanceFrame,
} from '../../core/face/facePerformance.js';
import { trackFaces } from '../../core/face/faceTrack.js';
import type { Mesh } from '../../core/face/headPose.js';
import { type FaceImageCues, faceImageCues } from '../../core/face/imageCues.js';
import { decodeVideoFrames, FfmpegError, probeVideo, resolveFfmpegPath } from '../export/ffmpeg.js';
import { FaceWorker, type WorkerFace } from './faceWorker.js';

/**
 * Head pose and face from a video (issue 13), host side: ffmpeg decodes the video at the project's
 * frame rate (host/export/ffmpeg.ts), the face worker finds the faces and their landmarks in each
 * frame (inference/face/faceWorker.ts), and core/face turns each face into a performance (head
 * yaw/pitch/roll and face channels, smoothed) that core/document/facePerformanceEdits.ts keys onto
 * a character. A job: progress with ETA, cancel by AbortSignal. Memory: per frame only the faces'
 * landmarks are kept (478 points each).
 */

/** Frames are decoded at most this tall: the face models look at 128–192 px crops anyway. */
export const MAX_DECODE_HEIGHT = 720;
/** A face seen in fewer frames than this fraction of the video is not offered (a passer-by, a false find). */
const MIN_SEEN_FRACTION = 0.15;

export interface FaceVideoOptions {
  /** Frames per second to sample at (the project's rate). */
  readonly fps: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { done: number; total: number; etaSec: number | null }) => void;
  readonly ffmpegPath?: string;
  /** The neutral, camera-facing video frame (default: the first frame each face is seen in). */
  readonly restFrame?: number;
  /** Smoothing; null: none; default DEFAULT_PERFORMANCE_FILTER. */
  readonly filter?: PerformanceFilter | null;
  readonly maxFaces?: number;
  /** Told the face worker's process id once it runs (the bench measures its memory). */
  readonly onWorkerStarted?: (pid: number | undefined) => void;
}

export interface VideoFace {
  readonly trackId: number;
  readonly firstFrame: number;
  readonly seenFrames: number;
  readonly restFrame: number;
  /** The face at its rest frame, PNG, base64 (the picker's thumbnail). */
  readonly thumbnailPngBase64: string;
  /** Per video frame. */
  readonly frames: readonly PerformanceFrame[];
}

export interface FaceVideoResult {
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  /** Largest and longest seen first. */
  readonly faces: readonly VideoFace[];
  readonly elapsedSec: number;
}

function cancelled(): ApiError {
  return new ApiError({ code: 'cancelled', message: 'The face video analysis was cancelled.' });
}

async function thumbnail(
  frame: { width: number; height: number; data: Uint8Array },
  box: readonly [number, number, number, number],
): Promise<string> {
  const pad = 0.25;
  const x0 = Math.max(0, Math.floor(box[0] - box[2] * pad));
  const y0 = Math.max(0, Math.floor(box[1] - box[3] * pad));
  const x1 = Math.min(frame.width, Math.ceil(box[0] + box[2] * (1 + pad)));
  const y1 = Math.min(frame.height, Math.ceil(box[1] + box[3] * (1 + pad)));
  if (x1 - x0 < 4 || y1 - y0 < 4) return '';
  const png = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .resize({ height: 96 })
    .png()
    .toBuffer();
  return png.toString('base64');
}

/** Analyses `file` and returns each face in it as a performance. */
export async function extractFaceVideo(file: string, opts: FaceVideoOptions): Promise<FaceVideoResult> {
  const started = performance.now();
  const ffmpegPath = resolveFfmpegPath(opts.ffmpegPath);
  const fileError = (error: FfmpegError) =>
    new ApiError({
      code: error.code === 'ffmpeg-missing' ? 'unsupported' : 'corrupt-file',
      message: `${basename(file)}: ${error.message.replace(`${file}: `, '')}`,
      file,
    });
  const info = await probeVideo(ffmpegPath, file).catch((error: unknown) => {
    throw error instanceof FfmpegError ? fileError(error) : error;
  });
  const scale = Math.min(1, MAX_DECODE_HEIGHT / info.height);
  const width = Math.max(2, Math.round((info.width * scale) / 2) * 2);
  const height = Math.max(2, Math.round((info.height * scale) / 2) * 2);
  const total = info.durationSec ? Math.max(1, Math.round(info.durationSec * opts.fps)) : 0;
  const worker = new FaceWorker();
  const perFrame: WorkerFace[][] = [];
  // Gaze and brow measures from each face's pixels (core/face/imageCues.ts), beside perFrame.
  const perFrameCues: FaceImageCues[][] = [];
  // A few decoded frames are kept for thumbnails: the first frame each face track could start in.
  const firstFrames = new Map<number, { width: number; height: number; data: Uint8Array }>();
  try {
    opts.onWorkerStarted?.(worker.pid);
    await worker.start(opts.maxFaces ? { maxFaces: opts.maxFaces } : {});
    const analysisStarted = performance.now();
    for await (const frame of decodeVideoFrames(ffmpegPath, file, {
      fps: opts.fps,
      width,
      height,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })) {
      if (opts.signal?.aborted) throw cancelled();
      const faces = await worker.analyse(frame);
      if (faces.length > 0 && firstFrames.size < 8 && (perFrame.at(-1)?.length ?? 0) < faces.length) {
        firstFrames.set(frame.index, { width: frame.width, height: frame.height, data: frame.data.slice() });
      }
      perFrame.push(faces);
      perFrameCues.push(faces.map((face) => faceImageCues(frame, face.mesh as Mesh)));
      const done = perFrame.length;
      const elapsed = (performance.now() - analysisStarted) / 1000;
      const expected = Math.max(total, done);
      opts.onProgress?.({
        done,
        total: expected,
        etaSec: done >= 5 ? (elapsed / done) * (expected - done) : null,
      });
    }
  } catch (error) {
    if (opts.signal?.aborted) throw cancelled();
    if (error instanceof FfmpegError) throw fileError(error);
    throw error;
  } finally {
    worker.close();
  }
  const frameCount = perFrame.length;
  if (frameCount === 0) {
    throw new ApiError({
      code: 'corrupt-file',
      message: `${basename(file)}: ffmpeg decoded no frames from it`,
      file,
    });
  }
  const tracks = trackFaces(perFrame).filter(
    (t) => t.seenFrames >= Math.max(3, MIN_SEEN_FRACTION * frameCount),
  );
  if (tracks.length === 0) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `${basename(file)}: no face was found in it (the face models need a face seen from the front or the side, at least ~60 px tall).`,
      file,
    });
  }
  const faces: VideoFace[] = [];
  for (const track of tracks) {
    const meshes: (Mesh | null)[] = track.indices.map((k, f) =>
      k < 0 ? null : (perFrame[f]![k]!.mesh as Mesh),
    );
    const restFrame =
      opts.restFrame !== undefined && meshes[opts.restFrame] ? opts.restFrame : track.firstFrame;
    if (opts.restFrame !== undefined && restFrame !== opts.restFrame) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `${basename(file)}: no face was found in the rest frame ${opts.restFrame} (the face is first seen at frame ${track.firstFrame}).`,
        file,
      });
    }
    const perf = facePerformance(meshes, {
      fps: opts.fps,
      restFrame,
      cues: track.indices.map((k, f) => (k < 0 ? null : perFrameCues[f]![k]!)),
      ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    });
    const thumbFrame = firstFrames.get(track.firstFrame);
    const box = perFrame[track.firstFrame]![track.indices[track.firstFrame]!]!.boxPx;
    faces.push({
      trackId: track.id,
      firstFrame: track.firstFrame,
      seenFrames: track.seenFrames,
      restFrame,
      thumbnailPngBase64: thumbFrame ? await thumbnail(thumbFrame, box) : '',
      frames: perf.frames,
    });
  }
  return {
    fileName: basename(file),
    width,
    height,
    fps: opts.fps,
    frameCount,
    faces,
    elapsedSec: (performance.now() - started) / 1000,
  };
}
