import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { defaultCacheRoot } from '../paths.js';
import type { FfmpegJobSpec } from './formats.js';

/**
 * The only module that runs ffmpeg. fluent-ffmpeg is archived upstream (May 2025); keeping it
 * behind this file means replacing it touches nothing else.
 *
 * Binary: an explicit path (the user's preference) > FFMPEG_PATH > the one bundled by
 * @ffmpeg-installer/ffmpeg (ffmpeg 4.1 static on linux-x64). Inside a packaged Electron app the
 * bundled binary lives in app.asar.unpacked (electron-builder `asarUnpack`), which the path
 * rewrite below follows.
 */

export type FfmpegErrorCode =
  | 'ffmpeg-missing'
  | 'encoder-missing'
  | 'ffmpeg-failed'
  | 'cancelled'
  /** The disk of the output is full. */
  | 'disk-full'
  /** The output cannot be written (permission, read-only disk). */
  | 'output-denied'
  /** An input file (the sound, a background picture) is not what it claims to be. */
  | 'bad-input';

export class FfmpegError extends Error {
  constructor(
    readonly code: FfmpegErrorCode,
    message: string,
    /** The last lines ffmpeg wrote to stderr (its own explanation), if it ran. */
    readonly stderrTail = '',
    /** The file holding ffmpeg's whole output (the message names it). */
    readonly logFile: string | null = null,
    /** The input at fault, for 'bad-input'. */
    readonly inputPath: string | null = null,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/** How long ffmpeg may make no progress before it is killed (see RunFfmpegOptions.stallTimeoutMs). */
export const DEFAULT_STALL_TIMEOUT_MS = 120_000;

/** Where ffmpeg's output goes when it fails: <cache>/keypose/logs (XDG_CACHE_HOME respected). */
export function defaultLogDir(): string {
  return join(defaultCacheRoot(), 'logs');
}

/** Keeps ffmpeg's whole output (its command line and stderr) in a log file; null if it cannot. */
export async function writeFfmpegLog(
  logDir: string,
  commandLine: string,
  lines: readonly string[],
): Promise<string | null> {
  try {
    await mkdir(logDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = join(logDir, `ffmpeg-${stamp}-${process.pid}.log`);
    await writeFile(file, `${commandLine}\n\n${lines.join('\n')}\n`);
    return file;
  } catch {
    return null;
  }
}

/**
 * What went wrong, read from ffmpeg's stderr: a full disk, an output that cannot be written, or
 * one of `inputs` it could not read (it names the file in its complaint). Null: none of these.
 */
export function classifyFfmpegFailure(
  lines: readonly string[],
  inputs: readonly string[],
): { code: 'disk-full' | 'output-denied' | 'bad-input'; inputPath: string | null } | null {
  const text = lines.join('\n');
  if (/No space left on device|Disk quota exceeded/i.test(text))
    return { code: 'disk-full', inputPath: null };
  for (const input of inputs) {
    const complaint = lines.find(
      (line) =>
        line.includes(input) &&
        /Invalid data found|could not find codec|Error opening input|Invalid argument|does not contain any stream|End of file/i.test(
          line,
        ),
    );
    if (complaint) return { code: 'bad-input', inputPath: input };
  }
  if (/Permission denied|Read-only file system/i.test(text))
    return { code: 'output-denied', inputPath: null };
  return null;
}

/**
 * Checks that ffmpeg can decode `file` (the project's sound) before a long export starts, so a
 * file that is not audio is one clear error up front rather than a failed encode at the end.
 */
export async function probeInput(ffmpegPath: string, file: string, timeoutMs = 30_000): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    execFile(
      ffmpegPath,
      ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-t', '1', '-f', 'null', '-'],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (!err) {
          resolvePromise();
          return;
        }
        const lines = String(stderr).split('\n');
        reject(
          new FfmpegError(
            'bad-input',
            (err as { killed?: boolean }).killed
              ? `${file}: ffmpeg took longer than ${timeoutMs / 1000} s to read it`
              : `${file}: ffmpeg cannot decode it`,
            stderrTail(lines),
            null,
            file,
          ),
        );
      },
    );
  });
}

const require = createRequire(import.meta.url);

function bundledFfmpegPath(): string | null {
  try {
    const installer = require('@ffmpeg-installer/ffmpeg') as { path: string };
    return installer.path
      .replace('app.asar', 'app.asar.unpacked')
      .replace('app.asar.unpacked.unpacked', 'app.asar.unpacked');
  } catch {
    return null;
  }
}

/** The ffmpeg binary to run; throws 'ffmpeg-missing' naming every place it looked. */
export function resolveFfmpegPath(override?: string): string {
  const candidates: { path: string; from: string }[] = [];
  if (override) candidates.push({ path: override, from: 'the ffmpeg path preference' });
  else if (process.env.FFMPEG_PATH) candidates.push({ path: process.env.FFMPEG_PATH, from: 'FFMPEG_PATH' });
  else {
    const bundled = bundledFfmpegPath();
    if (bundled) candidates.push({ path: bundled, from: '@ffmpeg-installer/ffmpeg' });
  }
  for (const candidate of candidates) {
    try {
      accessSync(candidate.path, constants.X_OK);
      return candidate.path;
    } catch {
      throw new FfmpegError(
        'ffmpeg-missing',
        `ffmpeg not found: ${candidate.path} (from ${candidate.from}) does not exist or is not executable. Install ffmpeg or set FFMPEG_PATH to its binary.`,
      );
    }
  }
  throw new FfmpegError(
    'ffmpeg-missing',
    'ffmpeg not found: @ffmpeg-installer/ffmpeg has no binary for this platform. Install ffmpeg or set FFMPEG_PATH to its binary.',
  );
}

export interface FfmpegCapabilities {
  readonly path: string;
  /** First line of `ffmpeg -version`. */
  readonly version: string;
  readonly encoders: ReadonlySet<string>;
}

const capabilityCache = new Map<string, Promise<FfmpegCapabilities>>();

function execText(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 8 * 1024 * 1024 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

/** Version and encoder list of a binary (cached per path: builds differ in what they include). */
export function ffmpegCapabilities(ffmpegPath: string): Promise<FfmpegCapabilities> {
  let cached = capabilityCache.get(ffmpegPath);
  if (!cached) {
    cached = (async () => {
      try {
        const [versionText, encoderText] = await Promise.all([
          execText(ffmpegPath, ['-hide_banner', '-version']),
          execText(ffmpegPath, ['-hide_banner', '-encoders']),
        ]);
        const encoders = new Set<string>();
        for (const line of encoderText.split('\n')) {
          const match = /^\s[VAS][F.][S.][X.][B.][D.]\s+(\S+)/.exec(line);
          if (match) encoders.add(match[1]!);
        }
        return { path: ffmpegPath, version: versionText.split('\n')[0] ?? '', encoders };
      } catch (err) {
        capabilityCache.delete(ffmpegPath);
        throw new FfmpegError(
          'ffmpeg-missing',
          `${ffmpegPath} does not run as ffmpeg: ${(err as Error).message}`,
        );
      }
    })();
    capabilityCache.set(ffmpegPath, cached);
  }
  return cached;
}

/** Throws 'encoder-missing' when the binary lacks one of `encoders`. */
export async function requireEncoders(ffmpegPath: string, encoders: readonly string[]): Promise<void> {
  const caps = await ffmpegCapabilities(ffmpegPath);
  const missing = encoders.filter((e) => !caps.encoders.has(e));
  if (missing.length > 0) {
    throw new FfmpegError(
      'encoder-missing',
      `${caps.path} (${caps.version}) has no ${missing.join(', ')} encoder; use an ffmpeg build that includes it (set FFMPEG_PATH).`,
    );
  }
}

/** Keeps what explains a failure: drops progress lines and the banner, keeps the last lines. */
export function stderrTail(lines: readonly string[], maxLines = 12): string {
  const useful = lines.filter(
    (l) =>
      l.trim() !== '' &&
      !/^\s*(frame=|size=|lib(avutil|avcodec|avformat|avdevice|avfilter|swscale|swresample|postproc)\s)/.test(
        l,
      ) &&
      !/^\s*(ffmpeg version|built with|configuration:)/.test(l),
  );
  return useful.slice(-maxLines).join('\n');
}

export interface RunFfmpegOptions {
  readonly ffmpegPath: string;
  /** Raw frames for the input whose source is 'pipe:0'. Piped with back-pressure. */
  readonly stdin?: Readable;
  readonly signal?: AbortSignal;
  /** Called whenever ffmpeg reports progress (frames encoded); a stall watchdog listens. */
  readonly onProgress?: () => void;
  /** The output as the user knows it (for messages; the real output is a temporary name). */
  readonly describeOutput?: string;
  /** Where ffmpeg's whole output is written when it fails (default: defaultLogDir()). */
  readonly logDir?: string;
  /** The child process started (its pid, e.g. for logs). */
  readonly onStart?: (info: { pid: number | undefined; commandLine: string }) => void;
}

/**
 * Runs one ffmpeg job to completion. Rejects with FfmpegError: 'cancelled' when `signal` aborts
 * (ffmpeg is killed), 'ffmpeg-failed' with ffmpeg's stderr tail when it exits non-zero or dies.
 */
export function runFfmpeg(job: FfmpegJobSpec, options: RunFfmpegOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new FfmpegError('cancelled', 'export cancelled'));
      return;
    }
    // stdoutLines bounds the stderr ring buffer fluent-ffmpeg keeps for the error report.
    const command = ffmpeg({ stdoutLines: 200 }).setFfmpegPath(options.ffmpegPath);
    for (const input of job.inputs) {
      if (input.source === 'pipe:0') {
        if (!options.stdin) throw new Error('ffmpeg job reads stdin but no stream was given');
        command.input(options.stdin);
      } else {
        command.input(input.source);
      }
      // Pass option/value pairs as separate arguments so values containing spaces survive.
      if (input.options.length > 0) command.inputOptions(...input.options);
    }
    if (job.complexFilter) command.complexFilter(job.complexFilter);
    command.outputOptions(...job.outputOptions);
    command.output(job.outputPath);

    const stderrLines: string[] = [];
    let settled = false;
    let proc: ChildProcess | undefined;
    const onAbort = () => {
      command.kill('SIGKILL');
    };
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (!err) {
        resolve();
        return;
      }
      // fluent-ffmpeg reports a failed input before ffmpeg is gone (and stops it with SIGTERM, on
      // which ffmpeg still finalises its output). Settle only once the process has exited, so the
      // caller's clean-up of the temporary file cannot race ffmpeg opening or writing it.
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
        reject(err);
        return;
      }
      proc.once('exit', () => reject(err));
      proc.kill('SIGKILL');
    };
    command.on('start', (commandLine: string) => {
      commandText = commandLine;
      proc = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      options.onStart?.({ pid: proc?.pid, commandLine });
    });
    let commandText = '';
    command.on('stderr', (line: string) => {
      stderrLines.push(line);
      if (stderrLines.length > 400) stderrLines.splice(0, 200);
      if (/^\s*frame=|^\s*size=/.test(line)) options.onProgress?.();
    });
    command.on('progress', () => options.onProgress?.());
    command.on('end', () => finish());
    const fail = (code: FfmpegErrorCode, summary: string, inputPath: string | null = null) => {
      const lines = [...stderrLines];
      void writeFfmpegLog(options.logDir ?? defaultLogDir(), commandText, lines).then((logFile) =>
        finish(new FfmpegError(code, summary, stderrTail(lines), logFile, inputPath)),
      );
    };
    command.on('error', (err: Error & { inputStreamError?: Error }) => {
      if (options.signal?.aborted) {
        finish(new FfmpegError('cancelled', 'export cancelled'));
        return;
      }
      if (err.inputStreamError) {
        // The frame source failed; its error is the cause, not ffmpeg's reaction to the cut-off pipe.
        finish(err.inputStreamError);
        return;
      }
      if (/ENOENT|EACCES/.test(err.message) && stderrLines.length === 0) {
        finish(
          new FfmpegError(
            'ffmpeg-missing',
            `could not start ffmpeg at ${options.ffmpegPath}: ${err.message}`,
          ),
        );
        return;
      }
      const output = options.describeOutput ?? job.outputPath;
      const inputs = job.inputs.map((i) => i.source).filter((source) => source !== 'pipe:0');
      const cause = classifyFfmpegFailure(stderrLines, inputs);
      if (cause?.code === 'disk-full') {
        fail(
          'disk-full',
          `${output}: the disk is full; nothing was written there. Free some space and export again`,
        );
        return;
      }
      if (cause?.code === 'bad-input') {
        fail('bad-input', `${cause.inputPath}: ffmpeg cannot read it`, cause.inputPath);
        return;
      }
      if (cause?.code === 'output-denied') {
        fail(
          'output-denied',
          `${output}: cannot be written (permission denied or a read-only disk); choose another folder`,
        );
        return;
      }
      const reason = /killed with signal (\w+)/.exec(err.message);
      fail(
        'ffmpeg-failed',
        reason
          ? `${output}: ffmpeg was killed (${reason[1]}) before it finished`
          : `${output}: ffmpeg failed (${err.message.split('\n')[0]?.replace(/^ffmpeg exited with code \d+: /, '')})`,
      );
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    command.run();
  });
}

// ---- Decoding a video to frames (motion from video, issue 11) --------------------------------

export interface VideoInfo {
  readonly width: number;
  readonly height: number;
  /** Seconds; null when the container does not say. */
  readonly durationSec: number | null;
  /** The stream's frame rate; null when ffmpeg does not report one. */
  readonly fps: number | null;
}

/**
 * Size, duration and rate of the first video stream of `file`, read from `ffmpeg -i`'s report
 * (the bundled ffmpeg comes without ffprobe). 'bad-input' when ffmpeg finds no video stream.
 */
export async function probeVideo(ffmpegPath: string, file: string, timeoutMs = 30_000): Promise<VideoInfo> {
  const stderr = await new Promise<string>((resolvePromise, reject) => {
    execFile(
      ffmpegPath,
      ['-hide_banner', '-nostdin', '-i', file],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (err, _stdout, text) => {
        // Without an output ffmpeg always exits 1 after its report; a start failure has no report.
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new FfmpegError('ffmpeg-missing', `could not start ffmpeg at ${ffmpegPath}`));
          return;
        }
        resolvePromise(String(text));
      },
    );
  });
  const video = /Stream #\S+.*?: Video: .*/.exec(stderr)?.[0];
  const size = video ? /, (\d{2,5})x(\d{2,5})/.exec(video) : null;
  if (!video || !size) {
    throw new FfmpegError(
      'bad-input',
      `${file}: no video in it that ffmpeg can read`,
      stderrTail(stderr.split('\n')),
      null,
      file,
    );
  }
  const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  const fps = /, (\d+(?:\.\d+)?) fps/.exec(video);
  return {
    width: Number(size[1]),
    height: Number(size[2]),
    durationSec: d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : null,
    fps: fps ? Number(fps[1]) : null,
  };
}

export interface DecodedFrame {
  readonly index: number;
  readonly width: number;
  readonly height: number;
  /** RGB bytes, width * height * 3. */
  readonly data: Uint8Array;
}

export interface DecodeVideoOptions {
  /** Frames per second to sample the video at (ffmpeg's fps filter: frames dropped or repeated). */
  readonly fps: number;
  /** The frames' size (the caller picks it, e.g. from probeVideo, shrunk to a height limit). */
  readonly width: number;
  readonly height: number;
  readonly signal?: AbortSignal;
}

/**
 * The frames of `file` at `fps`, one at a time, as raw RGB (ffmpeg's rgb24 on a pipe). Memory is
 * flat in the video's length: ffmpeg waits while the caller works on a frame (the pipe's
 * back-pressure). Aborting kills ffmpeg and rejects with 'cancelled'; a failed decode rejects with
 * 'bad-input' and ffmpeg's explanation.
 */
export async function* decodeVideoFrames(
  ffmpegPath: string,
  file: string,
  opts: DecodeVideoOptions,
): AsyncGenerator<DecodedFrame> {
  if (opts.signal?.aborted) throw new FfmpegError('cancelled', 'decoding cancelled');
  const { width, height } = opts;
  const frameBytes = width * height * 3;
  const proc = spawn(
    ffmpegPath,
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-i',
      file,
      '-an',
      '-vf',
      `fps=${opts.fps},scale=${width}:${height}:flags=area`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderrLines: string[] = [];
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => {
    stderrLines.push(...chunk.split('\n'));
    if (stderrLines.length > 400) stderrLines.splice(0, 200);
  });
  const exited = new Promise<number | null>((resolvePromise) => {
    proc.on('close', (code) => resolvePromise(code));
    proc.on('error', () => resolvePromise(-1));
  });
  const onAbort = () => proc.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = Buffer.concat(pending, pendingBytes);
        // A copy of its own: the frame outlives this chunk and crosses to the pose worker alone.
        const frame = new Uint8Array(all.subarray(0, frameBytes));
        pending = pendingBytes > frameBytes ? [all.subarray(frameBytes)] : [];
        pendingBytes -= frameBytes;
        yield { index: index++, width, height, data: frame };
      }
    }
    const code = await exited;
    if (opts.signal?.aborted) throw new FfmpegError('cancelled', 'decoding cancelled');
    if (code !== 0) {
      throw new FfmpegError(
        code === -1 ? 'ffmpeg-missing' : 'bad-input',
        code === -1 ? `could not start ffmpeg at ${ffmpegPath}` : `${file}: ffmpeg could not decode it`,
        stderrTail(stderrLines),
        null,
        file,
      );
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    // The caller stopped early (an error in its loop, a break): ffmpeg must not linger.
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
}
