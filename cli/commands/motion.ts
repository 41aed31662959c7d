import { extname, resolve } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { writeBvh } from '../../core/io/bvh.js';
import { parseFrameRate } from '../../core/io/frameRate.js';
import { writePoseSequence } from '../../core/io/poseSequence.js';
import { lastKeyedFrame } from '../../core/motion/edit.js';
import { MOTION_LIBRARY } from '../../core/motion/library.js';
import { writeFileAtomic } from '../../host/export/atomicWrite.js';
import { readMotionFile } from '../../host/motion/motionFiles.js';
import { loadProject, saveProject } from '../../host/project/store.js';
import { type CliCommand, type CliContext, EXIT, UsageError } from '../command.js';
import { type MotionOntoProject, sourceOntoCharacter } from './motionApply.js';
import { FROM_VIDEO_USAGE, fromVideoCommand } from './motionFromVideo.js';
import {
  importOptionsFrom,
  MOTION_IMPORT_FLAGS,
  MOTION_IMPORT_USAGE,
  requireCharacter,
} from './motionOptions.js';
import { parseOptions, rangeOption } from './options.js';
import { createProgressReporter } from './progress.js';
import { reportFailure } from './rig.js';

/**
 * `keypose motion import|export|list`: motion in and out of a project without the editor
 * (docs/motion.md). import retargets a BVH, a JSON pose sequence or a library motion onto a
 * character and saves the project (atomically; in place unless -o); export writes a character's
 * motion as a JSON pose sequence or a BVH.
 */

export type { MotionOntoProject } from './motionApply.js';

/** Reads `motionArg` and puts it onto a character of `document` (shared with render --motion). */
export async function motionOntoProject(
  document: ProjectDocument,
  motionArg: string,
  values: ReadonlyMap<string, string>,
  context: CliContext,
): Promise<MotionOntoProject> {
  const character = requireCharacter(document, values.get('character'));
  // Bad options are refused before the file is read.
  importOptionsFrom(values, document.fps);
  const progress = createProgressReporter(context.stderr, context.stderrIsTTY ?? false);
  const started = performance.now();
  const source = await readMotionFile(resolve(context.cwd, motionArg), character.skeleton, (fraction) => {
    const elapsed = (performance.now() - started) / 1000;
    progress.update({
      fraction,
      stage: 'reading',
      etaSec: fraction > 0.05 ? (elapsed / fraction) * (1 - fraction) : null,
    });
  }).catch(async (error: unknown) => {
    // A bare name that is not a file may still be a library motion ("walk").
    if (error instanceof ApiError && error.code === 'not-found' && !motionArg.includes('/')) {
      return readMotionFile(motionArg, character.skeleton);
    }
    throw error;
  });
  progress.finish();
  return { ...sourceOntoCharacter(document, character.id, source, values), source: source.path };
}

async function importCommand(args: readonly string[], context: CliContext): Promise<number> {
  const { positionals, values } = parseOptions(args, {
    '-o': 'out',
    '--out': 'out',
    '--character': 'character',
    ...MOTION_IMPORT_FLAGS,
  });
  if (positionals.length !== 2)
    throw new UsageError('motion import takes a project and a motion file (or a library motion).');
  const projectPath = resolve(context.cwd, positionals[0]!);
  const outPath = resolve(context.cwd, values.get('out') ?? positionals[0]!);
  try {
    const document = await loadProject(projectPath);
    const done = await motionOntoProject(document, positionals[1]!, values, context);
    await saveProject(outPath, done.document);
    const { result } = done;
    const summary = {
      ok: true,
      project: outPath,
      motion: done.source,
      frames: {
        first: result.frames[0],
        last: result.frames[1],
        count: result.frames[1] - result.frames[0] + 1,
      },
      fps: done.document.fps,
      keys: result.keyCount,
      samples: result.sampleCount,
      mappedJoints: done.mapped,
      joints: done.joints,
      contacts: result.contacts.map((c) => ({ foot: c.effector, runs: c.runs.length })),
      warnings: result.warnings,
    };
    if (context.json) context.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      context.stdout(
        `Imported ${done.source} -> ${outPath}\n  frames ${result.frames[0]}-${result.frames[1]} at ${done.document.fps} fps, ` +
          `${result.keyCount} keys from ${result.sampleCount} samples, ${done.mapped} of ${done.joints} joints mapped` +
          `${result.contacts.length ? `, feet held on ${result.contacts.reduce((n, c) => n + c.runs.length, 0)} contacts` : ''}\n`,
      );
      for (const warning of result.warnings) context.stderr(`warning: ${warning}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ApiError) return reportFailure(context, 'motion import', error.toData());
    if (error instanceof UsageError) throw error;
    return reportFailure(context, 'motion import', {
      code: 'invalid-argument',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

async function exportCommand(args: readonly string[], context: CliContext): Promise<number> {
  const { positionals, values } = parseOptions(args, {
    '-o': 'out',
    '--out': 'out',
    '--character': 'character',
    '--range': 'range',
    '--fps': 'fps',
  });
  if (positionals.length !== 1) throw new UsageError('motion export takes exactly one project file.');
  const out = values.get('out');
  if (!out) throw new UsageError('motion export needs -o <file.json|file.bvh>.');
  const outPath = resolve(context.cwd, out);
  const ext = extname(outPath).toLowerCase();
  if (ext !== '.json' && ext !== '.bvh')
    throw new UsageError(`motion export writes .json (pose sequence) or .bvh, not "${ext || out}".`);
  try {
    const document = await loadProject(resolve(context.cwd, positionals[0]!));
    const character = requireCharacter(document, values.get('character'));
    const frameRange = rangeOption(values) ?? {
      startFrame: 0,
      endFrame: Math.max(document.durationFrames - 1, lastKeyedFrame(character.motion)),
    };
    const fps = parseFrameRate(values.get('fps') ?? String(document.fps));
    const text =
      ext === '.json'
        ? `${JSON.stringify(writePoseSequence(character.skeleton, character.motion, { fps: fps.numerator / fps.denominator, frameRange }))}\n`
        : writeBvh(character.skeleton, character.motion, { fps, frameRange });
    await writeFileAtomic(outPath, text);
    const frames = frameRange.endFrame - frameRange.startFrame + 1;
    if (context.json)
      context.stdout(
        `${JSON.stringify({ ok: true, path: outPath, frames, character: character.name }, null, 2)}\n`,
      );
    else
      context.stdout(
        `Wrote ${outPath} (${ext === '.json' ? 'pose sequence' : 'BVH'}, ${frames} frames of ${character.name})\n`,
      );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ApiError) return reportFailure(context, 'motion export', error.toData());
    throw error;
  }
}

async function listCommand(context: CliContext): Promise<number> {
  if (context.json) context.stdout(`${JSON.stringify({ ok: true, motions: MOTION_LIBRARY }, null, 2)}\n`);
  else
    for (const m of MOTION_LIBRARY)
      context.stdout(`${m.id.padEnd(18)} ${m.description} (${m.body}${m.loops ? ', loops' : ''})\n`);
  return EXIT.ok;
}

export const motionCommand: CliCommand = {
  name: 'motion',
  summary:
    'Motion in and out: import a BVH / JSON pose sequence / library motion onto a character, export one, list the library.',
  usage:
    `keypose motion import <project.keypose> <motion.bvh|poses.json|walk> [-o out.keypose] [--character NAME] ${MOTION_IMPORT_USAGE} [--json]\n` +
    '       keypose motion export <project.keypose> -o <poses.json|motion.bvh> [--character NAME] [--range 0-47] [--fps 24] [--json]\n' +
    '       keypose motion list [--json]\n' +
    `       ${FROM_VIDEO_USAGE}`,
  async run(args, context) {
    const [sub, ...rest] = args;
    if (sub === 'import') return importCommand(rest, context);
    if (sub === 'export') return exportCommand(rest, context);
    if (sub === 'list') return listCommand(context);
    if (sub === 'from-video') return fromVideoCommand(rest, context);
    throw new UsageError(`motion needs import, export, list or from-video${sub ? `, not "${sub}"` : ''}.`);
  },
};
