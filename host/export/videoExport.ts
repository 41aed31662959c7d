import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FrameRate } from '../../core/io/frameRate.js';
import type { RgbaImage } from '../../core/render/types.js';
import {
  FfmpegError,
  type FfmpegErrorCode,
  requireEncoders,
  resolveFfmpegPath,
  runFfmpeg,
} from './ffmpeg.js';
import {
  buildFfmpegJob,
  type ExportBackground,
  type ExportFormatId,
  presetById,
  scaledSize,
} from './formats.js';

/**
 * Streams engine frames into ffmpeg. Frames are pulled one at a time from the async iterable only
 * when ffmpeg's stdin has room (stream back-pressure), so memory holds a couple of frames whatever
 * the clip length. The file appears at `outPath` only when ffmpeg finished: it is written under a
 * temporary name in the same folder (so the final rename is atomic) and removed on any failure.
 */

export type ExportErrorCode = FfmpegErrorCode | 'bad-frame' | 'destination' | 'too-large';

export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    readonly stderrTail = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportError';
  }
}

export interface ExportProgress {
  /** Frames handed to ffmpeg so far. */
  readonly framesDone: number;
  readonly frameCount: number;
  /** 0..1 */
  readonly fraction: number;
  readonly elapsedSec: number;
  /** Estimated seconds left from the mean rate so far; null before the first frame. */
  readonly etaSec: number | null;
}

export interface VideoExportRequest {
  /**
   * Straight RGBA frames of the range, in order. Each yielded frame must keep its pixels until the
   * next one is requested (do not reuse one buffer for two frames in flight).
   */
  readonly frames: AsyncIterable<RgbaImage>;
  readonly frameCount: number;
  readonly width: number;
  readonly height: number;
  readonly preset: ExportFormatId;
  readonly fps: FrameRate;
  /** A file, or for the PNG sequence a folder (its files are named <folder>_00000.png). */
  readonly outPath: string;
  readonly audioPath?: string;
  /** Clip time (s) at which the audio's first sample plays: < 0 trims its start, > 0 pads silence. */
  readonly audioOffsetSec?: number;
  readonly scale?: number;
  readonly background?: ExportBackground;
  readonly startTimecode?: string;
  /** Number of the first file of an image sequence: the range's first frame index. */
  readonly firstFrameNumber?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
  /** Overrides FFMPEG_PATH and the bundled binary (the user's preference). */
  readonly ffmpegPath?: string;
  /** The ffmpeg child started (for logs; tests use the pid to kill it). */
  readonly onFfmpegStart?: (info: { pid: number | undefined; commandLine: string }) => void;
}

export interface VideoExportResult {
  readonly outPath: string;
  readonly frameCount: number;
  readonly elapsedSec: number;
  /** Requested options the format cannot honour (e.g. audio in a GIF). */
  readonly ignored: readonly string[];
}

/**
 * A per-clip GIF palette means ffmpeg holds every frame (RGBA) until it has seen the last one;
 * this caps that memory (about 120 frames at 1080p, 650 at 854x480).
 */
export const GIF_BUFFER_LIMIT_BYTES = 1024 * 2 ** 20;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export async function exportVideo(req: VideoExportRequest): Promise<VideoExportResult> {
  const preset = presetById(req.preset);
  if (!Number.isInteger(req.frameCount) || req.frameCount < 1) {
    throw new ExportError('bad-frame', `frameCount must be a positive integer, got ${req.frameCount}`);
  }
  if (preset.id === 'gif') {
    const size = scaledSize(req.width, req.height, req.scale ?? 1);
    const bufferedBytes = req.frameCount * size.widthPx * size.heightPx * 4;
    if (bufferedBytes > GIF_BUFFER_LIMIT_BYTES) {
      throw new ExportError(
        'too-large',
        `a ${req.frameCount}-frame ${size.widthPx}x${size.heightPx} GIF needs ${Math.round(bufferedBytes / 2 ** 20)} MB while ffmpeg builds its palette (limit ${GIF_BUFFER_LIMIT_BYTES / 2 ** 20} MB): lower the scale, shorten the range, or export WebM/MP4`,
      );
    }
  }
  let ffmpegPath: string;
  try {
    ffmpegPath = resolveFfmpegPath(req.ffmpegPath);
    await requireEncoders(ffmpegPath, [preset.encoder]);
  } catch (err) {
    throw toExportError(err, req.outPath);
  }

  const outPath = path.resolve(req.outPath);
  const folder = path.dirname(outPath);
  if (!(await exists(folder))) {
    throw new ExportError('destination', `cannot export to ${outPath}: folder ${folder} does not exist`);
  }
  const base = path.basename(outPath);
  const tempPath = path.join(folder, `.${base}.partial-${randomBytes(4).toString('hex')}${preset.extension}`);
  let ffmpegOutput = tempPath;
  if (preset.imageSequence) {
    await mkdir(tempPath);
    const stem = path.basename(outPath, path.extname(outPath));
    ffmpegOutput = path.join(tempPath, `${stem}_%05d.png`);
  }

  const job = buildFfmpegJob({
    preset,
    inputWidthPx: req.width,
    inputHeightPx: req.height,
    fps: req.fps,
    frameCount: req.frameCount,
    scale: req.scale,
    background: req.background,
    startTimecode: req.startTimecode,
    audioPath: req.audioPath,
    audioOffsetSec: req.audioOffsetSec,
    firstFileNumber: req.firstFrameNumber,
    outputPath: ffmpegOutput,
  });

  const startMs = performance.now();
  const frameBytes = req.width * req.height * 4;
  let framesDone = 0;
  const report = () => {
    const elapsedSec = (performance.now() - startMs) / 1000;
    req.onProgress?.({
      framesDone,
      frameCount: req.frameCount,
      fraction: framesDone / req.frameCount,
      elapsedSec,
      etaSec: framesDone > 0 ? (elapsedSec / framesDone) * (req.frameCount - framesDone) : null,
    });
  };

  const frames = req.frames;
  async function* rawFrames(): AsyncGenerator<Uint8Array> {
    for await (const frame of frames) {
      if (frame.width !== req.width || frame.height !== req.height || frame.data.byteLength !== frameBytes) {
        throw new ExportError(
          'bad-frame',
          `frame ${framesDone} is ${frame.width}x${frame.height} (${frame.data.byteLength} bytes), expected ${req.width}x${req.height} RGBA (${frameBytes} bytes)`,
        );
      }
      yield frame.data;
      framesDone += 1;
      report();
      if (framesDone === req.frameCount) return;
    }
    throw new ExportError(
      'bad-frame',
      `the frame source ended after ${framesDone} of ${req.frameCount} frames`,
    );
  }
  // Byte mode with a tiny high-water mark: the stream asks for the next frame only once the
  // previous one has been handed to the pipe.
  const stdin = Readable.from(rawFrames(), { objectMode: false, highWaterMark: 1 });

  try {
    await runFfmpeg(job, {
      ffmpegPath,
      stdin,
      signal: req.signal,
      onStart: req.onFfmpegStart,
    });
    if (framesDone !== req.frameCount) {
      throw new ExportError(
        'ffmpeg-failed',
        `ffmpeg finished after ${framesDone} of ${req.frameCount} frames`,
      );
    }
    if (preset.imageSequence && (await exists(outPath))) await rm(outPath, { recursive: true, force: true });
    await rename(tempPath, outPath);
  } catch (err) {
    stdin.destroy();
    await rm(tempPath, { recursive: true, force: true });
    throw toExportError(err, outPath);
  }
  return {
    outPath,
    frameCount: framesDone,
    elapsedSec: (performance.now() - startMs) / 1000,
    ignored: job.ignored,
  };
}

function toExportError(err: unknown, outPath: string): ExportError {
  if (err instanceof ExportError) return err;
  if (err instanceof FfmpegError) {
    const what = err.code === 'cancelled' ? 'export cancelled' : `export to ${outPath} failed`;
    // err.message already ends with ffmpeg's stderr tail; keep it, and the tail separately.
    return new ExportError(err.code, `${what}: ${err.message}`, err.stderrTail, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ExportError('destination', `export to ${outPath} failed: ${message}`, '', { cause: err });
}
