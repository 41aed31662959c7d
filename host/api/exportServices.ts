import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import sharp from 'sharp';
import type { z } from 'zod';
import {
  ApiError,
  type ApiErrorData,
  type ExportPresetInfo,
  type exportRequestSchema,
} from '../../core/contract/api.js';
import { audioOffsetSec } from '../../core/document/audio.js';
import type { ProjectAudio, ProjectDocument } from '../../core/document/schema.js';
import { type FrameRate, frameRateToNumber, parseFrameRate } from '../../core/io/frameRate.js';
import { parseTimecode } from '../../core/io/timecode.js';
import type { RgbaImage } from '../../core/render/types.js';
import { writeFailure } from '../export/atomicWrite.js';
import { checkExportDestination } from '../export/destination.js';
import { FfmpegError, probeInput, resolveFfmpegPath } from '../export/ffmpeg.js';
import { EXPORT_PRESETS, type ExportBackground, type ExportFormatId } from '../export/formats.js';
import { exportBvh, exportGltf } from '../export/motionExport.js';
import { provenanceForDocument } from '../export/provenance.js';
import { ExportError, exportVideo } from '../export/videoExport.js';
import { makeTempFolder, removeTempFolder } from '../jobs/tempFolders.js';
import type { PathAccess } from '../paths.js';
import { projectFileName } from '../project/store.js';
import type { RenderService } from '../render/renderService.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';

/**
 * Export presets and export jobs: video and image sequences stream the render service's frames
 * into ffmpeg (host/export/videoExport.ts: temporary name, renamed at the end, so a cancelled or
 * failed export leaves nothing at the destination); BVH and glTF write the motion
 * (host/export/motionExport.ts).
 *
 * The frame rate conforms, it does not retime: frame N of the project is frame N of the file,
 * played at the requested rate (e.g. a 24 fps project exported at 23.976 for NTSC editing).
 */

export type ExportRequestData = z.output<typeof exportRequestSchema>;
export type MotionPresetId = 'bvh' | 'glb';
export type ExportPresetId = ExportFormatId | MotionPresetId;

const MOTION_PRESETS: readonly ExportPresetInfo[] = [
  {
    id: 'bvh',
    label: 'Blender / Maya / MotionBuilder: BVH motion',
    extension: 'bvh',
    alpha: false,
    kind: 'motion',
  },
  {
    id: 'glb',
    label: 'Blender / game engines: glTF binary (skeleton + animation)',
    extension: 'glb',
    alpha: false,
    kind: 'motion',
  },
];

/** Every preset the export dialog offers; extensions without the dot ('' = a folder of PNGs). */
export function listPresets(): ExportPresetInfo[] {
  return [
    ...EXPORT_PRESETS.map(
      (p): ExportPresetInfo => ({
        id: p.id,
        label: p.label,
        extension: p.extension.replace(/^\./, ''),
        alpha: p.alpha,
        kind: p.imageSequence ? 'image-sequence' : 'video',
        audio: p.audioEncoder !== null,
      }),
    ),
    ...MOTION_PRESETS,
  ];
}

function presetInfo(id: string): ExportPresetInfo {
  const preset = listPresets().find((p) => p.id === id);
  if (!preset) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `Unknown export preset "${id}"; one of ${listPresets()
        .map((p) => p.id)
        .join(', ')}.`,
    });
  }
  return preset;
}

function invalid(message: string): ApiError {
  return new ApiError({ code: 'invalid-argument', message });
}

/** <dir>/<name>.<ext>, or "<name> 2.<ext>", "<name> 3.<ext>"… when taken: never overwrites. */
export function freeExportPath(dir: string, documentName: string, extension: string): string {
  const base = projectFileName(documentName).replace(/\.keypose$/, '');
  const dot = extension === '' ? '' : `.${extension}`;
  for (let n = 1; n < 10000; n++) {
    const candidate = join(dir, `${n === 1 ? base : `${base} ${n}`}${dot}`);
    if (!existsSync(candidate)) return candidate;
  }
  throw new ApiError({ code: 'io-error', message: `No free file name for "${documentName}" in ${dir}.` });
}

/** The request's options, checked against the document before anything is rendered. */
export interface ResolvedExport {
  readonly preset: ExportPresetInfo;
  /**
   * The character a motion export (BVH, glTF) writes: the one named, else the first. Pictures
   * (video, PNGs) render the named character alone, else the whole scene (every character).
   */
  readonly character: ProjectDocument['characters'][number];
  readonly fps: FrameRate;
  readonly startFrame: number;
  readonly endFrame: number;
  readonly background?: ExportBackground;
}

/**
 * The request's options checked against the document (sync, before any file is touched). A
 * background picture's path is resolved here; runExport confines and checks the file itself.
 */
export function resolveExport(request: ExportRequestData): ResolvedExport {
  const preset = presetInfo(request.presetId);
  const doc = request.document;
  const character = request.characterId
    ? doc.characters.find((c) => c.id === request.characterId)
    : doc.characters[0];
  if (!character) throw invalid(`The project has no character "${request.characterId}".`);
  let fps: FrameRate;
  try {
    fps = parseFrameRate(request.fps ?? String(doc.fps));
  } catch (err) {
    throw invalid(`Frame rate: ${(err as Error).message}.`);
  }
  const startFrame = request.range?.start ?? 0;
  const endFrame = request.range?.end ?? doc.durationFrames - 1;
  if (endFrame < startFrame)
    throw invalid(`The frame range ends (${endFrame}) before it starts (${startFrame}).`);
  if (endFrame >= doc.durationFrames) {
    throw invalid(
      `The frame range ${startFrame}-${endFrame} goes past the project's last frame ${doc.durationFrames - 1}.`,
    );
  }
  if (request.startTimecode) {
    try {
      parseTimecode(request.startTimecode, fps);
    } catch (err) {
      throw invalid(`Start timecode: ${(err as Error).message}.`);
    }
  }
  let background: ExportBackground | undefined;
  if (request.background) {
    background = /^#?[0-9a-f]{6}$/i.test(request.background.trim())
      ? { kind: 'color', color: request.background.trim() }
      : { kind: 'picture', path: resolve(request.background) };
  }
  return { preset, character, fps, startFrame, endFrame, ...(background ? { background } : {}) };
}

export interface ExportOutcome {
  readonly path: string;
  readonly presetId: string;
  readonly frameCount: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly elapsedSec: number;
  /** Requested options the format cannot honour (e.g. a timecode in an MP4). */
  readonly ignored: readonly string[];
}

export interface ExportRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, stage: string) => void;
  /** Overrides FFMPEG_PATH and the bundled binary. */
  readonly ffmpegPath?: string;
  /** Files the export must never write (the project being exported, when it has a file). */
  readonly protect?: readonly string[];
  /** Where the page's paths may lead (the background picture); null: anywhere (the CLI). */
  readonly access?: PathAccess | null;
  /** Kills ffmpeg after this long without progress (default in host/export/ffmpeg.ts). */
  readonly stallTimeoutMs?: number;
}

/** The API's code for each way an export fails: none of them is 'internal'. */
const EXPORT_ERROR_CODES: Record<ExportError['code'], ApiErrorData['code']> = {
  cancelled: 'cancelled',
  destination: 'io-error',
  'disk-full': 'io-error',
  'output-denied': 'io-error',
  exists: 'already-exists',
  'ffmpeg-missing': 'unsupported',
  'encoder-missing': 'unsupported',
  'too-large': 'invalid-argument',
  'bad-option': 'invalid-argument',
  'bad-input': 'corrupt-file',
  // ffmpeg stopped, crashed or made no progress: a helper process failed, as when the worker does.
  'ffmpeg-failed': 'worker-failed',
  stalled: 'worker-failed',
  'bad-frame': 'worker-failed',
};

function exportErrorData(err: ExportError, outPath: string): ApiErrorData {
  return { code: EXPORT_ERROR_CODES[err.code], message: err.message, file: err.file ?? outPath };
}

/**
 * A background picture must be a picture: ffmpeg told to loop a file that is not one spins
 * forever. Checked (confined first, for the page's paths) before anything is rendered.
 */
async function checkBackgroundPicture(file: string, access: PathAccess | null): Promise<string> {
  const real = access ? await access.confine(file, 'choose a background picture there') : file;
  let format: string | undefined;
  try {
    const meta = await sharp(real, { limitInputPixels: 100_000_000 }).metadata();
    format = meta.format;
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' || !existsSync(real)
        ? 'no such file'
        : 'it is not a picture Keypose can read';
    throw new ApiError({
      code: reason === 'no such file' ? 'not-found' : 'corrupt-file',
      message: `Background ${real}: ${reason}; use a PNG, JPEG or WebP picture.`,
      file: real,
    });
  }
  if (!['png', 'jpeg', 'webp'].includes(format ?? '')) {
    throw new ApiError({
      code: 'unsupported',
      message: `Background ${real}: ${format ?? 'this'} pictures are not supported; use a PNG, JPEG or WebP picture.`,
      file: real,
    });
  }
  return real;
}

const AUDIO_EXTENSIONS: Record<ProjectAudio['mime'], string> = {
  'audio/wav': '.wav',
  'audio/mpeg': '.mp3',
  'audio/ogg': '.ogg',
  'audio/flac': '.flac',
  'audio/aac': '.aac',
  'audio/mp4': '.m4a',
};

/** The project's audio as a temporary file for ffmpeg; `dispose` removes it. */
async function writeAudioFile(audio: ProjectAudio): Promise<{ path: string; dispose: () => Promise<void> }> {
  const dir = makeTempFolder('audio');
  const path = join(dir, `audio${AUDIO_EXTENSIONS[audio.mime]}`);
  try {
    await writeFile(path, Buffer.from(audio.dataBase64, 'base64'));
  } catch (err) {
    removeTempFolder(dir);
    throw writeFailure(err, path);
  }
  return { path, dispose: async () => removeTempFolder(dir) };
}

function badAudio(audio: ProjectAudio, detail: string): ApiError {
  return new ApiError({
    code: 'corrupt-file',
    message: `The project's sound "${audio.fileName}" cannot be decoded (${detail.replace(/\.$/, '')}); attach it again as a WAV, MP3, OGG, FLAC, AAC or M4A file, or remove it.`,
    file: audio.fileName,
  });
}

/** The sound must decode before a long export starts, not fail the encode at its end. */
async function checkAudio(audio: ProjectAudio, path: string, ffmpegOverride?: string): Promise<void> {
  try {
    await probeInput(resolveFfmpegPath(ffmpegOverride), path);
  } catch (err) {
    if (err instanceof FfmpegError && err.code === 'bad-input') {
      const said = err.stderrTail.split('\n').filter(Boolean).pop() ?? 'ffmpeg cannot read it';
      throw badAudio(audio, said.split(path).join(audio.fileName));
    }
    if (err instanceof FfmpegError) throw new ApiError({ code: 'unsupported', message: err.message });
    throw err;
  }
}

/**
 * Clip time of the sound's first sample for a range starting at `startFrame`. A sound that began
 * earlier is trimmed by its project time at the range's start (project fps); a later one is
 * delayed to land on its frame of the file (export fps; the two differ only when conforming).
 */
function exportAudioOffsetSec(audio: ProjectAudio, startFrame: number, projectFps: number, fps: FrameRate) {
  return audio.startFrame < startFrame
    ? audioOffsetSec(audio, startFrame, projectFps)
    : audioOffsetSec(audio, startFrame, frameRateToNumber(fps));
}

/** Pulls the first frame, so the encoder learns the frame size, then hands on all of them. */
async function peekFrames(
  frames: AsyncIterable<{ image: RgbaImage }>,
): Promise<{ first: RgbaImage; all: AsyncIterable<RgbaImage> }> {
  const iterator = frames[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (head.done) throw new ApiError({ code: 'internal', message: 'The renderer produced no frame.' });
  const first = head.value.image;
  async function* all(): AsyncGenerator<RgbaImage> {
    try {
      yield first;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value.image;
    } finally {
      await iterator.return?.();
    }
  }
  return { first, all: all() };
}

/**
 * Runs one export to `outPath` (the file; for the PNG sequence, the folder). Rejects with an
 * ApiError naming the destination; on cancel or failure nothing is left there.
 */
export async function runExport(
  render: RenderService,
  request: ExportRequestData,
  requestedOutPath: string,
  opts: ExportRunOptions = {},
): Promise<ExportOutcome> {
  const checked = resolveExport(request);
  const resolved: ResolvedExport =
    checked.background?.kind === 'picture'
      ? {
          ...checked,
          background: {
            kind: 'picture',
            path: await checkBackgroundPicture(checked.background.path, opts.access ?? null),
          },
        }
      : checked;
  const { preset, character, fps, startFrame, endFrame } = resolved;
  const overwrite = request.overwrite ?? false;
  // The destination policy (host/export/destination.ts), before a frame is rendered.
  const outPath = (
    await checkExportDestination(requestedOutPath, {
      kind: preset.kind === 'image-sequence' ? 'folder' : 'file',
      overwrite,
      protect: opts.protect ?? [],
    })
  ).path;
  const frameCount = endFrame - startFrame + 1;
  const started = performance.now();
  const signal = opts.signal;
  const cancelled = () => new ApiError({ code: 'cancelled', message: 'The export was cancelled.' });
  if (signal?.aborted) throw cancelled();

  if (preset.kind === 'motion') {
    opts.onProgress?.(0, 1, 'writing');
    const frameRange = { startFrame, endFrame };
    try {
      if (preset.id === 'bvh')
        await exportBvh(character.skeleton, character.motion, outPath, { fps, frameRange }, { overwrite });
      else
        await exportGltf(
          character.skeleton,
          character.motion,
          outPath,
          { fps, frameRange, clipName: request.document.name },
          { overwrite },
        );
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError({
        code: 'invalid-project',
        message: `Export to ${outPath} failed: ${(err as Error).message}`,
        file: outPath,
      });
    }
    if (signal?.aborted) {
      // Written in one go after the last check; a cancel that raced it still leaves nothing.
      await rm(outPath, { force: true });
      throw cancelled();
    }
    opts.onProgress?.(1, 1, 'writing');
    return {
      path: outPath,
      presetId: preset.id,
      frameCount,
      width: null,
      height: null,
      elapsedSec: (performance.now() - started) / 1000,
      ignored: request.document.audio ? [`audio (${preset.label} carries no audio)`] : [],
    };
  }

  const frames = Array.from({ length: frameCount }, (_, i) => startFrame + i);
  opts.onProgress?.(0, frameCount, 'rendering');
  const audio = request.document.audio;
  const audioFile = audio ? await writeAudioFile(audio) : null;
  try {
    if (audio && audioFile) await checkAudio(audio, audioFile.path, opts.ffmpegPath);
    // No characterId: the scene, every character composed in depth order.
    // The engine renders at the asked size itself (no resize afterwards: crisp edges at any scale).
    const scale = request.scale ?? 1;
    if (!(scale > 0) || !Number.isFinite(scale)) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `The export scale must be positive, got ${scale}.`,
      });
    }
    const sequence = render.renderSequence(request.document, request.characterId, frames, {
      scale,
      ...(request.renderer === 'reference' ? { quality: 'reference' as const } : {}),
      ...(signal ? { signal } : {}),
    });
    const { first, all } = await peekFrames(sequence);
    const result = await exportVideo({
      frames: all,
      frameCount,
      width: first.width,
      height: first.height,
      preset: preset.id as ExportFormatId,
      fps,
      outPath,
      ...(resolved.background ? { background: resolved.background } : {}),
      ...(request.startTimecode ? { startTimecode: request.startTimecode } : {}),
      firstFrameNumber: startFrame,
      ...(audio && audioFile
        ? {
            audioPath: audioFile.path,
            audioOffsetSec: exportAudioOffsetSec(audio, startFrame, request.document.fps, fps),
          }
        : {}),
      ...(signal ? { signal } : {}),
      ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}),
      ...(opts.stallTimeoutMs !== undefined ? { stallTimeoutMs: opts.stallTimeoutMs } : {}),
      overwrite,
      provenance: provenanceForDocument(request.document, request.characterId),
      onProgress: (p) => opts.onProgress?.(p.framesDone, p.frameCount, 'encoding'),
    });
    return {
      path: result.outPath,
      presetId: preset.id,
      frameCount: result.frameCount,
      width: first.width,
      height: first.height,
      elapsedSec: (performance.now() - started) / 1000,
      ignored: result.ignored,
    };
  } catch (err) {
    if (signal?.aborted) throw cancelled();
    if (err instanceof ExportError) {
      if (audio && audioFile && err.code === 'bad-input' && err.file === audioFile.path) {
        throw badAudio(audio, err.message.split(audioFile.path).join(audio.fileName));
      }
      throw new ApiError(exportErrorData(err, outPath));
    }
    throw err;
  } finally {
    await audioFile?.dispose();
  }
}

/**
 * Where the studio writes an export when the caller names no path: <projectsDir>/exports/, under
 * the request's fileName (made safe; it may exist, the destination policy decides) or a free name.
 */
export async function defaultExportPath(projectsDir: string, request: ExportRequestData): Promise<string> {
  const dir = join(projectsDir, 'exports');
  await mkdir(dir, { recursive: true });
  const extension = presetInfo(request.presetId).extension;
  if (request.fileName !== undefined) {
    const stem = projectFileName(request.fileName).replace(/\.keypose$/, '');
    const dot = extension === '' ? '' : `.${extension}`;
    return join(dir, stem.toLowerCase().endsWith(dot.toLowerCase()) && dot ? stem : `${stem}${dot}`);
  }
  return freeExportPath(dir, request.document.name, extension);
}

/** Starts an export job on the context's job manager; returns its id at once. */
export function startExportJob(
  ctx: ServiceContext,
  request: ExportRequestData,
  outPath: string,
  opts: { ffmpegPath?: string; protect?: readonly string[]; stallTimeoutMs?: number } = {},
): { jobId: string; result: Promise<ExportOutcome | undefined> } {
  return ctx.jobs.start('export', (job) =>
    runExport(ctx.render, request, outPath, {
      signal: job.signal,
      onProgress: (done, total, stage) => job.progress(done, total, stage),
      access: ctx.access,
      ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}),
      ...(opts.protect ? { protect: opts.protect } : {}),
      ...(opts.stallTimeoutMs !== undefined ? { stallTimeoutMs: opts.stallTimeoutMs } : {}),
    }),
  );
}

/** listExportPresets and exportProject (a job). */
export function createExportServices(
  ctx: ServiceContext,
): Pick<ApiImplementation, 'listExportPresets' | 'exportProject'> {
  const projectsDir = ctx.options.projectsDir ? resolve(ctx.options.projectsDir) : null;
  return {
    async listExportPresets() {
      return listPresets();
    },
    async exportProject(request) {
      // Fail fast (before a job exists) on options that cannot work.
      const resolved = resolveExport(request);
      let checkedRequest = request;
      if (resolved.background?.kind === 'picture') {
        // Relative to the projects folder, as every path of the page; the job gets the real path.
        const background = await checkBackgroundPicture(
          projectsDir && !isAbsolute(request.background!)
            ? resolve(projectsDir, request.background!)
            : resolved.background.path,
          ctx.access,
        );
        checkedRequest = { ...request, background };
      }
      let outPath: string;
      if (request.outPath !== undefined) {
        const asked =
          projectsDir && !isAbsolute(request.outPath)
            ? resolve(projectsDir, request.outPath)
            : request.outPath;
        outPath = await ctx.confine(asked, 'the studio only writes exports there');
        // The answer the page needs to ask "replace it?" comes now, not from a failed job.
        await checkExportDestination(outPath, {
          kind: resolved.preset.kind === 'image-sequence' ? 'folder' : 'file',
          overwrite: request.overwrite ?? false,
        });
      } else if (projectsDir) {
        outPath = await defaultExportPath(projectsDir, request);
        await checkExportDestination(outPath, {
          kind: resolved.preset.kind === 'image-sequence' ? 'folder' : 'file',
          overwrite: request.overwrite ?? false,
        });
      } else {
        throw invalid('exportProject needs an output path (outPath).');
      }
      const { jobId } = startExportJob(ctx, checkedRequest, outPath);
      return { jobId };
    },
  };
}
