import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { ApiError, type EngineStatus, type JobEvent } from '../../core/contract/api.js';
import { audioMimeFor, setProjectAudio } from '../../core/document/audio.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { createServiceContext } from '../../host/api/context.js';
import {
  type ExportOutcome,
  type ExportRequestData,
  resolveExport,
  startExportJob,
} from '../../host/api/exportServices.js';
import { checkExportDestination } from '../../host/export/destination.js';
import { toJobErrorData } from '../../host/jobs/jobManager.js';
import { loadProject } from '../../host/project/store.js';
import { type CliCommand, EXIT, UsageError } from '../command.js';
import { motionOntoProject } from './motion.js';
import { MOTION_IMPORT_FLAGS, MOTION_IMPORT_USAGE } from './motionOptions.js';
import { parseOptions, rangeOption } from './options.js';
import { createProgressReporter, withInterrupt } from './progress.js';
import { reportFailure } from './rig.js';

/** Execution providers --ep accepts (inference/engine/providers.ts). */
const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'dml', 'coreml'];

/** --format names -> export preset ids (host/api/exportServices.ts listPresets). */
export const FORMAT_PRESETS: Readonly<Record<string, string>> = {
  prores: 'prores4444',
  png: 'png-sequence',
  mp4: 'mp4-h264',
  webm: 'webm-vp9',
  gif: 'gif',
  bvh: 'bvh',
  glb: 'glb',
};

const EXTENSION_FORMATS: Readonly<Record<string, string>> = {
  '.mov': 'prores',
  '.mp4': 'mp4',
  '.webm': 'webm',
  '.gif': 'gif',
  '.bvh': 'bvh',
  '.glb': 'glb',
};

/** The format named by --format, else guessed from the output's extension (no extension: PNGs). */
export function formatFor(outPath: string, format: string | undefined): string {
  if (format !== undefined) {
    if (!FORMAT_PRESETS[format]) {
      throw new UsageError(
        `--format must be one of ${Object.keys(FORMAT_PRESETS).join(', ')}, got "${format}".`,
      );
    }
    return format;
  }
  const ext = extname(outPath).toLowerCase();
  if (ext === '') return 'png';
  const guessed = EXTENSION_FORMATS[ext];
  if (!guessed) throw new UsageError(`cannot tell the format from "${ext}"; give --format.`);
  return guessed;
}

/** The document with `path` as its sound track (replacing any), for `render --audio`. */
async function withAudioFile(document: ProjectDocument, path: string): Promise<ProjectDocument> {
  const fileName = basename(path);
  const mime = audioMimeFor(fileName);
  if (!mime) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `--audio: ${fileName} is not a sound Keypose takes (WAV, MP3, OGG, FLAC, AAC or M4A).`,
      file: path,
    });
  }
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new ApiError({
      code: 'not-found',
      message: `--audio: cannot read ${path} (${error.code ?? error.message}).`,
      file: path,
    });
  });
  return setProjectAudio(document, { fileName, mime, dataBase64: bytes.toString('base64'), startFrame: 0 });
}

export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'Render a project to video (ProRes/MP4/WebM/GIF), a PNG sequence, or its motion (BVH/glTF).',
  usage:
    'keypose render <project.keypose> -o <file> [--format prores|png|mp4|webm|gif|bvh|glb] [--fps 23.976] ' +
    '[--range 0-47] [--scale 0.5] [--timecode 01:00:00:00] [--background #rrggbb|picture] [--character NAME] ' +
    '[--ep cpu|cuda|dml|coreml] [--audio voice.wav] [--motion walk.bvh|poses.json|walk ' +
    `${MOTION_IMPORT_USAGE}] [--reference] [--force] [--json]`,
  async run(args, context) {
    // --force: replace an existing file (or write into a PNG folder with files in it); never the project.
    const force = args.includes('--force');
    // --reference: the frames by the plain-TypeScript reference renderer (seconds a frame), to
    // check the engine's frames against (docs/testing.md).
    const reference = args.includes('--reference');
    const { positionals, values } = parseOptions(
      args.filter((arg) => arg !== '--force' && arg !== '--reference'),
      {
        '-o': 'out',
        '--out': 'out',
        '--format': 'format',
        '-f': 'format',
        '--fps': 'fps',
        '--range': 'range',
        '--scale': 'scale',
        '--timecode': 'timecode',
        '--background': 'background',
        '--character': 'character',
        '--ep': 'ep',
        '--motion': 'motion',
        '--audio': 'audio',
        ...MOTION_IMPORT_FLAGS,
      },
    );
    if (positionals.length !== 1) throw new UsageError('render takes exactly one project file.');
    const out = values.get('out');
    if (!out) throw new UsageError('render needs -o <file>.');
    const projectPath = resolve(context.cwd, positionals[0]!);
    const outPath = resolve(context.cwd, out);
    const format = formatFor(outPath, values.get('format'));
    const given = rangeOption(values);
    const range = given ? { start: given.startFrame, end: given.endFrame } : undefined;
    const scaleText = values.get('scale');
    const scale = scaleText === undefined ? undefined : Number(scaleText);
    if (scale !== undefined && !(scale > 0 && scale <= 4)) {
      throw new UsageError(`--scale must be in (0, 4], got "${scaleText}".`);
    }
    if (!existsSync(dirname(outPath)) || !statSync(dirname(outPath)).isDirectory()) {
      return reportFailure(context, 'render', {
        code: 'invalid-argument',
        message: `cannot write ${outPath}: the folder ${dirname(outPath)} does not exist.`,
        file: outPath,
      });
    }

    let document: Awaited<ReturnType<typeof loadProject>>;
    try {
      document = await loadProject(projectPath);
    } catch (error) {
      if (error instanceof ApiError) return reportFailure(context, 'render', error.toData());
      throw error;
    }
    const motionArg = values.get('motion');
    if (motionArg !== undefined) {
      // The motion goes onto the character (as `keypose motion import` would) for this render
      // only; the project file is not changed. The project grows to hold the whole clip.
      try {
        const done = await motionOntoProject(document, motionArg, values, context);
        document = done.document;
        if (!context.json)
          context.stderr(
            `Motion: ${done.source}, frames ${done.result.frames[0]}-${done.result.frames[1]}\n`,
          );
      } catch (error) {
        if (error instanceof ApiError) return reportFailure(context, 'render', error.toData());
        if (error instanceof UsageError) throw error;
        return reportFailure(context, 'render', {
          code: 'invalid-argument',
          message: error instanceof Error ? error.message : String(error),
          file: motionArg,
        });
      }
    }
    const audioArg = values.get('audio');
    if (audioArg !== undefined) {
      // The sound goes into this render only (the project file is not changed), from frame 0.
      try {
        document = await withAudioFile(document, resolve(context.cwd, audioArg));
      } catch (error) {
        if (error instanceof ApiError) return reportFailure(context, 'render', error.toData());
        throw error;
      }
    }
    const characterArg = values.get('character');
    const character = characterArg
      ? document.characters.find((c) => c.id === characterArg || c.name === characterArg)
      : document.characters[0];
    if (!character) {
      return reportFailure(context, 'render', {
        code: 'invalid-argument',
        message: `${projectPath} has no character "${characterArg}".`,
        file: projectPath,
      });
    }
    const request: ExportRequestData = {
      document,
      // Without --character: the whole scene (video, PNGs) or the first character (BVH, glTF).
      ...(characterArg ? { characterId: character.id } : {}),
      presetId: FORMAT_PRESETS[format]!,
      outPath,
      ...(force ? { overwrite: true } : {}),
      ...(values.has('fps') ? { fps: values.get('fps')! } : {}),
      ...(scale !== undefined ? { scale } : {}),
      ...(range ? { range } : {}),
      ...(values.has('timecode') ? { startTimecode: values.get('timecode')! } : {}),
      ...(values.has('background') ? { background: values.get('background')! } : {}),
      ...(reference ? { renderer: 'reference' as const } : {}),
    };
    try {
      resolveExport(request);
      // The destination policy (host/export/destination.ts) before the worker starts.
      await checkExportDestination(outPath, {
        kind: FORMAT_PRESETS[format] === 'png-sequence' ? 'folder' : 'file',
        overwrite: force,
        protect: [projectPath],
      });
    } catch (error) {
      if (error instanceof ApiError) return reportFailure(context, 'render', error.toData());
      throw error;
    }

    const ep = values.get('ep');
    if (ep !== undefined) {
      if (!EXECUTION_PROVIDERS.includes(ep)) {
        throw new UsageError(`--ep must be one of ${EXECUTION_PROVIDERS.join(', ')}, got "${ep}".`);
      }
      // The worker reads KEYPOSE_EP (inference/engine/providers.ts); it inherits this environment.
      process.env.KEYPOSE_EP = ep;
    }

    const ctx = createServiceContext({ shell: 'studio', projectsDir: null, confineToProjectsDir: false });
    let engine: EngineStatus | null = null;
    const unsubscribeEngine = ctx.jobs.subscribe((event: JobEvent) => {
      if (event.type !== 'engine' || engine) return;
      engine = event.status;
      // Say which execution provider renders, and why a preferred one was skipped.
      if (!context.json && event.status.provider) {
        context.stderr(`Engine: ${event.status.provider.toUpperCase()}\n`);
        for (const message of event.status.messages) context.stderr(`  ${message}\n`);
      }
    });
    const progress = createProgressReporter(context.stderr, context.stderrIsTTY ?? false);
    const unsubscribe = ctx.jobs.subscribe((event: JobEvent) => {
      if (event.type !== 'progress' || event.total <= 0) return;
      const unit = event.stage === 'writing' ? '' : ` ${event.done}/${event.total} frames`;
      progress.update({
        fraction: event.done / event.total,
        stage: event.stage ?? 'rendering',
        etaSec: event.etaSec ?? null,
        ...(unit ? { detail: unit.trim() } : {}),
      });
    });
    try {
      const outcome: ExportOutcome | undefined = await withInterrupt(async (signal) => {
        const job = startExportJob(ctx, request, outPath, { protect: [projectPath] });
        signal.addEventListener('abort', () => ctx.jobs.cancel(job.jobId), { once: true });
        return job.result;
      });
      progress.finish();
      if (!outcome) {
        return reportFailure(context, 'render', {
          code: 'cancelled',
          message: `cancelled; nothing was written to ${outPath}.`,
          file: outPath,
        });
      }
      if (context.json) context.stdout(`${JSON.stringify({ ok: true, export: outcome, engine }, null, 2)}\n`);
      else {
        const size = outcome.width ? `, ${outcome.width}x${outcome.height} px` : '';
        context.stdout(
          `Wrote ${outcome.path} (${format}, ${outcome.frameCount} frames${size}) in ${outcome.elapsedSec.toFixed(1)} s\n`,
        );
        for (const note of outcome.ignored) context.stderr(`note: ignored ${note}\n`);
      }
      return EXIT.ok;
    } catch (error) {
      progress.finish();
      return reportFailure(context, 'render', toJobErrorData(error));
    } finally {
      unsubscribe();
      unsubscribeEngine();
      await ctx.dispose();
    }
  },
};
