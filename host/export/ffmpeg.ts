import { type ChildProcess, execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
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

export type FfmpegErrorCode = 'ffmpeg-missing' | 'encoder-missing' | 'ffmpeg-failed' | 'cancelled';

export class FfmpegError extends Error {
  constructor(
    readonly code: FfmpegErrorCode,
    message: string,
    /** The last lines ffmpeg wrote to stderr (its own explanation), if it ran. */
    readonly stderrTail = '',
  ) {
    super(stderrTail ? `${message}\nffmpeg said:\n${stderrTail}` : message);
    this.name = 'FfmpegError';
  }
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
      proc = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      options.onStart?.({ pid: proc?.pid, commandLine });
    });
    command.on('stderr', (line: string) => {
      stderrLines.push(line);
      if (stderrLines.length > 400) stderrLines.splice(0, 200);
    });
    command.on('end', () => finish());
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
      const reason = /killed with signal (\w+)/.exec(err.message);
      const summary = reason
        ? `ffmpeg was killed (${reason[1]}) before it finished`
        : `ffmpeg failed: ${err.message.split('\n')[0]}`;
      finish(new FfmpegError('ffmpeg-failed', summary, stderrTail(stderrLines)));
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    command.run();
  });
}
