import { resolve } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { applyExpressionText } from '../../core/document/expressionEdits.js';
import { parseFrameRange } from '../../host/export/formats.js';
import { loadProject, saveProject } from '../../host/project/store.js';
import { type CliCommand, type CliContext, EXIT, UsageError } from '../command.js';
import { characterNamed } from './motionOptions.js';
import { parseOptions } from './options.js';
import { reportFailure } from './rig.js';

/**
 * `keypose face expression <project> --text "sad" [--range 0-47]`: an expression from text
 * (docs/face.md, "Expressions from text") keyed onto a character's face channels over a frame
 * range, saved into the project (atomically; in place unless -o). Without --range, the whole shot.
 */

const EXPRESSION_USAGE =
  'keypose face expression <project.keypose> --text "a bit sad" [--range 0-47] [--ease 4] [--character NAME] [-o out.keypose] [--json]';

async function expression(args: readonly string[], context: CliContext): Promise<number> {
  const { positionals, values } = parseOptions(args, {
    '-p': 'project',
    '--project': 'project',
    '-o': 'out',
    '--out': 'out',
    '--text': 'text',
    '--emotion': 'text',
    '--range': 'range',
    '--ease': 'ease',
    '--character': 'character',
  });
  const projectArg = values.get('project') ?? positionals[0];
  if (!projectArg)
    throw new UsageError('face expression needs a project: keypose face expression p.keypose --text "sad".');
  if (positionals.length > (values.has('project') ? 0 : 1))
    throw new UsageError('face expression takes one project.');
  const text = values.get('text');
  if (!text?.trim())
    throw new UsageError('face expression needs --text "…" (e.g. "sad", "a bit surprised").');
  let range: { startFrame: number; endFrame: number } | undefined;
  const rangeText = values.get('range');
  if (rangeText !== undefined) {
    try {
      range = parseFrameRange(rangeText);
    } catch (error) {
      throw new UsageError(`--range: ${(error as Error).message}.`);
    }
  }
  const easeText = values.get('ease');
  const ease = easeText === undefined ? undefined : Number(easeText);
  if (ease !== undefined && !(Number.isInteger(ease) && ease >= 0))
    throw new UsageError(`--ease must be a whole number of frames ≥ 0, got "${easeText}".`);
  const projectPath = resolve(context.cwd, projectArg);
  const outPath = resolve(context.cwd, values.get('out') ?? projectArg);
  try {
    const document = await loadProject(projectPath);
    const character = characterNamed(document, values.get('character'));
    if (!character) throw new UsageError(`the project has no character "${values.get('character')}".`);
    const from = range?.startFrame ?? 0;
    const to = range?.endFrame ?? document.durationFrames - 1;
    const result = applyExpressionText(document, character.id, text, {
      from,
      to,
      ...(ease !== undefined ? { easeFrames: ease } : {}),
    });
    await saveProject(outPath, result.document);
    const summary = {
      ok: true,
      project: outPath,
      character: character.name,
      text,
      frames: { first: from, last: to },
      terms: result.expression.terms,
      actionUnits: result.expression.actionUnits,
      channels: result.expression.channels,
    };
    if (context.json) context.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const aus = Object.entries(result.expression.actionUnits)
        .map(([au, v]) => `${au} ${v.toFixed(2)}`)
        .join(', ');
      context.stdout(
        `Expression "${text}" on ${character.name}, frames ${from}-${to} -> ${outPath}\n  ${result.expression.terms.map((t) => `${t.term} × ${t.intensity.toFixed(2)}`).join(', ')}; ${aus || 'neutral'}\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof ApiError) return reportFailure(context, 'face expression', error.toData());
    return reportFailure(context, 'face expression', {
      code: 'internal',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

async function run(args: readonly string[], context: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'expression') return expression(rest, context);
  throw new UsageError(`face needs a subcommand: ${EXPRESSION_USAGE}`);
}

export const faceCommand: CliCommand = {
  name: 'face',
  summary: 'Face animation without the editor: expression (an expression from text over a frame range).',
  usage: EXPRESSION_USAGE,
  run,
};
