import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ApiError } from '../../core/contract/api.js';
import type { FrameRate } from '../../core/io/frameRate.js';
import type { RgbaImage } from '../../core/render/types.js';
import {
  alreadyExists,
  errnoOf,
  publishFile,
  sweepStaleTemps,
  syncPath,
  tempPathFor,
  writeFailure,
  writeFileAtomic,
} from './atomicWrite.js';
import { checkExportDestination } from './destination.js';
import {
  DEFAULT_STALL_TIMEOUT_MS,
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
import {
  addPngProvenance,
  type ProvenanceRecord,
  provenanceManifest,
  provenanceMetadata,
  sidecarPathFor,
} from './provenance.js';
import { outputKindFor, verifyOutputFile } from './verifyOutput.js';

/**
 * Streams engine frames into ffmpeg. Frames are pulled one at a time from the async iterable only
 * when ffmpeg's stdin has room (stream back-pressure), so memory holds a couple of frames whatever
 * the clip length. The file appears at `outPath` only when ffmpeg finished: it is written under a
 * temporary name in the same folder (so the final rename is atomic) and removed on any failure.
 */

export type ExportErrorCode =
  | FfmpegErrorCode
  | 'bad-frame'
  | 'destination'
  | 'too-large'
  /** An option the export cannot use (a scale that is not a positive number). */
  | 'bad-option'
  /** The destination exists and replacing it was not confirmed. */
  | 'exists'
  /** ffmpeg made no progress for the watchdog's time and was killed. */
  | 'stalled';

export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    readonly stderrTail = '',
    options?: { cause?: unknown },
    /** The file the error is about when it is not the destination (a bad input). */
    readonly file: string | null = null,
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
  /**
   * Replace an existing file / write into a folder with files (the destination policy,
   * destination.ts, was checked and the user confirmed). Default false: an existing name is an error.
   */
  readonly overwrite?: boolean;
  /** ffmpeg is killed when it makes no progress for this long (ffmpeg.ts; default there). */
  readonly stallTimeoutMs?: number;
  /** Where ffmpeg's full output is kept when it fails (ffmpeg.ts; default there). */
  readonly logDir?: string;
  /**
   * What made the file (provenance.ts): written as container tags, PNG text chunks and a sidecar
   * manifest with each file's SHA-256. Without it the export carries none.
   */
  readonly provenance?: ProvenanceRecord;
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
  if (req.scale !== undefined && !(req.scale > 0 && Number.isFinite(req.scale))) {
    throw new ExportError('bad-option', `the scale must be a positive number, got ${req.scale}`);
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
  // The destination policy at the lowest layer too, so no caller can skip it (destination.ts).
  try {
    await checkExportDestination(outPath, {
      kind: preset.imageSequence ? 'folder' : 'file',
      overwrite: req.overwrite ?? false,
    });
  } catch (err) {
    throw toExportError(err, outPath);
  }
  // Files left by a run that was killed (kill -9, power loss) go before a new one starts.
  await sweepStaleTemps(folder);
  const tempPath = tempPathFor(outPath);
  const stem = path.basename(outPath, path.extname(outPath));
  const ffmpegOutput = preset.imageSequence ? path.join(tempPath, `${stem}_%05d.png`) : tempPath;

  // A bad scale or background colour is refused here, before anything is written.
  let job: ReturnType<typeof buildFfmpegJob>;
  try {
    job = buildFfmpegJob({
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
      ...(req.provenance ? { metadata: provenanceMetadata(req.provenance) } : {}),
    });
  } catch (err) {
    throw err instanceof RangeError ? new ExportError('bad-option', err.message, '', { cause: err }) : err;
  }

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

  // The watchdog runs only while ffmpeg owes us progress (a frame handed over, or the last one
  // sent and the file being finished), not while the renderer works on the next frame.
  const stallMs = req.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const stall = new AbortController();
  let stallTimer: NodeJS.Timeout | null = null;
  // Once ffmpeg has ended nothing re-arms the timer: the frame generator can still resume after a
  // failure (a frame that arrives after ffmpeg died), and a timer armed then kept the process
  // alive for the whole stall timeout after the error was reported (the CLI hung two minutes).
  let ffmpegEnded = false;
  const watchdog = {
    busy() {
      if (ffmpegEnded) return;
      if (stallTimer) clearTimeout(stallTimer);
      stallTimer = setTimeout(() => stall.abort(), stallMs);
    },
    idle() {
      if (stallTimer) clearTimeout(stallTimer);
      stallTimer = null;
    },
    progress() {
      if (stallTimer) watchdog.busy();
    },
  };
  const signal = req.signal ? AbortSignal.any([req.signal, stall.signal]) : stall.signal;

  const frames = req.frames;
  async function* rawFrames(): AsyncGenerator<Uint8Array> {
    watchdog.idle();
    for await (const frame of frames) {
      if (frame.width !== req.width || frame.height !== req.height || frame.data.byteLength !== frameBytes) {
        throw new ExportError(
          'bad-frame',
          `frame ${framesDone} is ${frame.width}x${frame.height} (${frame.data.byteLength} bytes), expected ${req.width}x${req.height} RGBA (${frameBytes} bytes)`,
        );
      }
      watchdog.busy();
      yield frame.data;
      watchdog.idle();
      framesDone += 1;
      report();
      if (framesDone === req.frameCount) {
        watchdog.busy();
        return;
      }
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
    // Inside the try, so the catch removes the folder whatever fails after it exists.
    if (preset.imageSequence) {
      try {
        await mkdir(tempPath);
      } catch (err) {
        throw writeFailure(err, outPath);
      }
    }
    watchdog.busy();
    try {
      await runFfmpeg(job, {
        ffmpegPath,
        stdin,
        signal,
        onStart: req.onFfmpegStart,
        onProgress: () => watchdog.progress(),
        describeOutput: outPath,
        ...(req.logDir ? { logDir: req.logDir } : {}),
      });
    } catch (err) {
      if (stall.signal.aborted && !req.signal?.aborted) {
        throw new ExportError(
          'stalled',
          `export to ${outPath} failed: ffmpeg made no progress for ${Math.round(stallMs / 1000)} s and was stopped${
            req.background?.kind === 'picture' ? ` (is the background ${req.background.path} a picture?)` : ''
          }; nothing was written there.`,
        );
      }
      throw err;
    } finally {
      ffmpegEnded = true;
      watchdog.idle();
    }
    if (framesDone !== req.frameCount) {
      throw new ExportError(
        'ffmpeg-failed',
        `ffmpeg finished after ${framesDone} of ${req.frameCount} frames`,
      );
    }
    if (req.provenance && preset.imageSequence) {
      const pngs = (await readdir(tempPath))
        .filter((n) => n.endsWith('.png'))
        .map((n) => path.join(tempPath, n));
      await addPngProvenance(pngs, req.provenance);
    }
    await publishOutput(tempPath, outPath, {
      imageSequence: preset.imageSequence,
      extension: preset.extension,
      stem,
      firstNumber: req.firstFrameNumber ?? 0,
      frameCount: req.frameCount,
      overwrite: req.overwrite ?? false,
    });
  } catch (err) {
    stdin.destroy();
    await rm(tempPath, { recursive: true, force: true });
    throw toExportError(err, outPath);
  }
  const ignored = [...job.ignored];
  if (req.provenance) {
    const note = await writeSidecar(outPath, preset.imageSequence, stem, req);
    if (note) ignored.push(note);
  }
  return {
    outPath,
    frameCount: framesDone,
    elapsedSec: (performance.now() - startMs) / 1000,
    ignored,
  };
}

/** The provenance sidecar; never replaces a file Keypose did not make (returns why it was left out). */
async function writeSidecar(
  outPath: string,
  imageSequence: boolean,
  stem: string,
  req: VideoExportRequest,
): Promise<string | null> {
  const record = req.provenance as ProvenanceRecord;
  const sidecar = sidecarPathFor(outPath);
  if (!(req.overwrite ?? false) && (await exists(sidecar))) {
    return `provenance sidecar (${sidecar} exists; the tags in the file itself are written)`;
  }
  const files = imageSequence
    ? (await readdir(outPath))
        .filter((n) => n.startsWith(`${stem}_`) && n.endsWith('.png'))
        .sort()
        .map((n) => path.join(outPath, n))
    : [outPath];
  await writeFileAtomic(sidecar, await provenanceManifest(files, record, path.dirname(sidecar)));
  return null;
}

/**
 * Verifies what ffmpeg wrote (verifyOutput.ts) and moves it to `outPath` under the destination
 * policy (destination.ts): a single file is published without replacing an existing one unless
 * `overwrite`; a sequence's folder is renamed into place when there is none, else its files are
 * moved one by one into the (empty, or confirmed) folder, each refused if its name is taken and
 * not confirmed. Nothing at the destination is ever deleted.
 */
async function publishOutput(
  tempPath: string,
  outPath: string,
  opts: {
    imageSequence: boolean;
    extension: string;
    stem: string;
    firstNumber: number;
    frameCount: number;
    overwrite: boolean;
  },
): Promise<void> {
  if (!opts.imageSequence) {
    await verifyOutputFile(tempPath, outputKindFor(opts.extension, false));
    await publishFile(tempPath, outPath, opts.overwrite);
    await syncPath(path.dirname(outPath), { folder: true });
    return;
  }
  const names = Array.from(
    { length: opts.frameCount },
    (_, i) => `${opts.stem}_${String(opts.firstNumber + i).padStart(5, '0')}.png`,
  );
  const written = new Set(await readdir(tempPath));
  for (const name of names) {
    if (!written.has(name)) {
      throw Object.assign(new Error(`${path.join(outPath, name)} was not written`), { code: 'EBADOUT' });
    }
    await verifyOutputFile(path.join(tempPath, name), 'png');
  }
  await syncPath(tempPath, { folder: true });
  const existing = await stat(outPath).catch(() => null);
  if (!existing) {
    try {
      // No destination: the whole folder appears at once. rename refuses a folder with files in it.
      await rename(tempPath, outPath);
      await syncPath(path.dirname(outPath), { folder: true });
      return;
    } catch (err) {
      if (!['EEXIST', 'ENOTEMPTY'].includes(errnoOf(err) ?? '')) throw err;
      if (!opts.overwrite) throw alreadyExists(outPath);
    }
  }
  // An existing folder (empty, or confirmed): its other files stay as they are.
  if (!opts.overwrite && (await readdir(outPath)).length > 0) throw alreadyExists(outPath);
  if (!opts.overwrite) {
    const taken = names.filter((name) => existsSync(path.join(outPath, name)));
    if (taken.length > 0) throw alreadyExists(path.join(outPath, taken[0]!));
  }
  for (const name of names) {
    await publishFile(path.join(tempPath, name), path.join(outPath, name), opts.overwrite);
  }
  await rm(tempPath, { recursive: true, force: true });
  await syncPath(outPath, { folder: true });
}

function toExportError(err: unknown, outPath: string): ExportError {
  if (err instanceof ExportError) return err;
  if (err instanceof ApiError) {
    return new ExportError(err.code === 'already-exists' ? 'exists' : 'destination', err.message, '', {
      cause: err,
    });
  }
  const errno = errnoOf(err);
  if (errno === 'EBADOUT') {
    // ffmpeg said it finished but a file is cut short: a full disk is the usual reason.
    return new ExportError(
      'destination',
      `export to ${outPath} failed: ${(err as Error).message}; the disk may be full. Nothing was written there.`,
      '',
      { cause: err },
    );
  }
  if (errno) return new ExportError('destination', writeFailure(err, outPath).message, '', { cause: err });
  if (err instanceof FfmpegError) {
    if (err.code === 'cancelled') return new ExportError('cancelled', 'export cancelled', '', { cause: err });
    // A sentence for the user; ffmpeg's own words go to the log file it names.
    const log = err.logFile ? ` ffmpeg's output is in ${err.logFile}.` : '';
    return new ExportError(
      err.code,
      `Export to ${outPath} failed: ${err.message}.${log}`,
      err.stderrTail,
      {
        cause: err,
      },
      err.inputPath,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ExportError('destination', `export to ${outPath} failed: ${message}`, '', { cause: err });
}
