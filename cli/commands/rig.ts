import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { ApiError, type ApiErrorData, type ImportedCharacter } from '../../core/contract/api.js';
import { createProject, DEFAULT_DURATION_FRAMES, DEFAULT_FPS } from '../../core/document/factory.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { type JointsFile, jointsFileSchema } from '../../core/skeleton/jointsFile.js';
import { TEMPLATE_KINDS, type TemplateKind } from '../../core/skeleton/templates.js';
import { importAndRigCharacter } from '../../host/api/characterServices.js';
import { PROJECT_EXTENSION, saveProject } from '../../host/project/store.js';
import { WorkerSupervisor } from '../../host/worker/supervisor.js';
import { type CliCommand, type CliContext, EXIT, UsageError } from '../command.js';
import { parseOptions } from './options.js';
import { createProgressReporter, stoppedExitCode, withInterrupt } from './progress.js';

/** A one-character project around an imported, rigged character (resolution = the art's size). */
export function projectFromImport(
  imported: ImportedCharacter,
  opts: { name: string; fps?: number; durationFrames?: number },
): ProjectDocument {
  const art = imported.assets[imported.character.artAssetId];
  if (!art) throw new Error('the imported character has no art asset');
  const doc = createProject({
    name: opts.name,
    art: { assetId: imported.character.artAssetId, asset: art },
    fps: opts.fps ?? DEFAULT_FPS,
    durationFrames: opts.durationFrames ?? DEFAULT_DURATION_FRAMES,
  });
  return { ...doc, characters: [imported.character], assets: { ...imported.assets } };
}

/** Exit code for an ApiError: the input's fault (2), cancelled (130), or the rig/worker's (3). */
export function exitCodeFor(error: ApiErrorData): number {
  switch (error.code) {
    case 'cancelled':
      return stoppedExitCode();
    case 'already-exists':
    case 'invalid-argument':
    case 'not-found':
    case 'corrupt-file':
    case 'future-version':
    case 'invalid-project':
    case 'unsupported':
      return EXIT.badInput;
    default:
      return EXIT.renderFailed;
  }
}

export function reportFailure(context: CliContext, command: string, error: ApiErrorData): number {
  if (context.json) context.stdout(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
  else context.stderr(`keypose ${command}: ${error.message}\n`);
  return exitCodeFor(error);
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${what} must be a positive integer, got "${text}".`);
  return n;
}

export const rigCommand: CliCommand = {
  name: 'rig',
  summary: 'Import a picture (PNG/JPEG/WebP/PSD or an Animated Drawings folder), rig it, save a project.',
  usage:
    'keypose rig <picture> -o <project.keypose> [--name NAME] [--fps 24] [--frames 48] [--skeleton joints.json] [--template auto|humanoid|quadruped|six-limbed|chain] [--force] [--json]',
  async run(args, context) {
    const force = args.includes('--force');
    const { positionals, values } = parseOptions(
      args.filter((arg) => arg !== '--force'),
      {
        '-o': 'out',
        '--out': 'out',
        '--name': 'name',
        '--fps': 'fps',
        '--frames': 'frames',
        '--skeleton': 'skeleton',
        '--template': 'template',
      },
    );
    if (positionals.length !== 1)
      throw new UsageError('rig takes exactly one picture (or character folder).');
    const out = values.get('out');
    if (!out) throw new UsageError('rig needs -o <project.keypose>.');
    const picture = resolve(context.cwd, positionals[0]!);
    const outPath = resolve(
      context.cwd,
      out.endsWith(PROJECT_EXTENSION) ? out : `${out}${PROJECT_EXTENSION}`,
    );
    const fpsText = values.get('fps');
    const fps = fpsText === undefined ? undefined : Number(fpsText);
    if (fps !== undefined && !(fps > 0 && fps <= 240))
      throw new UsageError(`--fps must be in (0, 240], got "${fpsText}".`);
    const framesText = values.get('frames');
    const durationFrames = framesText === undefined ? undefined : positiveInt(framesText, '--frames');
    const name = values.get('name') ?? (basename(picture, extname(picture)) || 'Character');
    const template = values.get('template');
    if (
      template !== undefined &&
      !(TEMPLATE_KINDS as readonly string[]).includes(template) &&
      template !== 'auto'
    )
      throw new UsageError(
        `--template must be auto or one of ${TEMPLATE_KINDS.join(', ')}, got "${template}".`,
      );
    const skeletonPath = values.get('skeleton');
    let joints: JointsFile | undefined;
    if (skeletonPath !== undefined) {
      const file = resolve(context.cwd, skeletonPath);
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        return reportFailure(context, 'rig', {
          code: 'invalid-argument',
          message: `${file}: not a readable JSON joints file (${(error as Error).message})`,
          file,
        });
      }
      const checked = jointsFileSchema.safeParse(parsed);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        return reportFailure(context, 'rig', {
          code: 'invalid-argument',
          message: `${file}: ${issue?.path.join('.') || 'the file'}: ${issue?.message} (see docs/rigging.md for the format)`,
          file,
        });
      }
      joints = checked.data;
    }
    // Before the rig's long work: an existing project is replaced only with --force.
    if (!force && existsSync(outPath)) {
      return reportFailure(context, 'rig', {
        code: 'already-exists',
        message: `${outPath} already exists; give --force to replace it, or another -o.`,
        file: outPath,
      });
    }

    const progress = createProgressReporter(context.stderr, context.stderrIsTTY ?? false);
    const supervisor = new WorkerSupervisor();
    const startedMs = performance.now();
    try {
      const imported = await withInterrupt((signal) =>
        importAndRigCharacter(
          supervisor,
          {
            path: picture,
            ...(template !== undefined ? { template: template as TemplateKind | 'auto' } : {}),
          },
          {
            ...(joints ? { joints } : {}),
            signal,
            onProgress: ({ fraction, stage }) => {
              const elapsedSec = (performance.now() - startedMs) / 1000;
              const etaSec = fraction > 0.05 ? (elapsedSec / fraction) * (1 - fraction) : null;
              progress.update({ fraction, stage, etaSec });
            },
          },
        ),
      );
      progress.finish();
      const doc = projectFromImport(imported, {
        name,
        ...(fps !== undefined ? { fps } : {}),
        ...(durationFrames !== undefined ? { durationFrames } : {}),
      });
      // Atomic: a temporary file renamed over the target, so Ctrl+C never leaves half a project.
      await saveProject(outPath, doc, undefined, { overwrite: force });
      const result = {
        ok: true,
        project: outPath,
        name: doc.name,
        character: {
          id: imported.character.id,
          name: imported.character.name,
          joints: imported.character.skeleton.joints.length,
          art: { width: doc.resolution.width, height: doc.resolution.height },
        },
        fit: imported.fit,
        template: imported.fit.template ?? null,
        warnings: imported.warnings,
        elapsedSec: (performance.now() - startedMs) / 1000,
      };
      if (context.json) context.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else {
        context.stdout(
          `Rigged ${picture} -> ${outPath}\n  ${result.character.joints} joints (${imported.fit.method} fit, ${imported.fit.template ?? 'custom'} skeleton), ` +
            `${doc.resolution.width}x${doc.resolution.height} px, ${result.elapsedSec.toFixed(1)} s\n`,
        );
        for (const warning of imported.warnings) context.stderr(`warning: ${warning}\n`);
      }
      return EXIT.ok;
    } catch (error) {
      progress.finish();
      if (error instanceof ApiError) return reportFailure(context, 'rig', error.toData());
      throw error;
    } finally {
      await supervisor.stop();
    }
  },
};
