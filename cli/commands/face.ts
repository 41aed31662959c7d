import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { applyExpressionText } from '../../core/document/expressionEdits.js';
import { setFaceRig, setMouthArt } from '../../core/document/faceEdits.js';
import { applyFacePerformance } from '../../core/document/facePerformanceEdits.js';
import { DEFAULT_PERFORMANCE_FILTER } from '../../core/face/facePerformance.js';
import { keepMouthOf, mouthArtFor } from '../../core/face/mouthArt.js';
import { MOUTH_SHAPES } from '../../core/face/mouthShapes.js';
import { detectCharacterFace } from '../../host/api/faceServices.js';
import { extractFaceVideo } from '../../host/face/faceVideo.js';
import { FaceWorkerError } from '../../host/face/faceWorker.js';
import { readMouthDrawingFiles } from '../../host/face/mouthDrawingFiles.js';
import { loadProject, saveProject } from '../../host/project/store.js';
import { type CliCommand, type CliContext, EXIT, UsageError } from '../command.js';
import { requireCharacter } from './motionOptions.js';
import { parseOptions, rangeOption } from './options.js';
import { createProgressReporter } from './progress.js';
import { reportFailure } from './rig.js';

/** A subcommand's failure: usage errors rethrown (printed with the usage), the rest reported. */
function reportFaceFailure(context: CliContext, command: string, error: unknown): number {
  if (error instanceof UsageError) throw error;
  if (error instanceof ApiError) return reportFailure(context, command, error.toData());
  if (error instanceof FaceWorkerError) {
    return reportFailure(context, command, { code: 'worker-failed', message: error.message });
  }
  return reportFailure(context, command, {
    code: 'internal',
    message: error instanceof Error ? error.message : String(error),
  });
}

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
  const range = rangeOption(values);
  const easeText = values.get('ease');
  const ease = easeText === undefined ? undefined : Number(easeText);
  if (ease !== undefined && !(Number.isInteger(ease) && ease >= 0))
    throw new UsageError(`--ease must be a whole number of frames ≥ 0, got "${easeText}".`);
  const projectPath = resolve(context.cwd, projectArg);
  const outPath = resolve(context.cwd, values.get('out') ?? projectArg);
  try {
    const document = await loadProject(projectPath);
    const character = requireCharacter(document, values.get('character'));
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
    return reportFaceFailure(context, 'face expression', error);
  }
}

/**
 * `keypose face setup <project> [--character NAME]`: the character's face rig placed automatically
 * (docs/face.md, "Setting it up"; the Inspector's Set up face): the landmark model on a photo or a
 * realistic render, the drawn-face finder on a drawing; saved into the project (atomically; in
 * place unless -o). A rig already there is replaced only with --replace (it may be hand-placed).
 */
const SETUP_USAGE =
  'keypose face setup <project.keypose> [--character NAME] [--replace] [-o out.keypose] [--json]';

async function setup(args: readonly string[], context: CliContext): Promise<number> {
  const replace = args.includes('--replace');
  const { positionals, values } = parseOptions(
    args.filter((a) => a !== '--replace'),
    { '-p': 'project', '--project': 'project', '-o': 'out', '--out': 'out', '--character': 'character' },
  );
  const projectArg = values.get('project') ?? positionals[0];
  if (!projectArg) throw new UsageError(`face setup needs a project: ${SETUP_USAGE}`);
  if (positionals.length > (values.has('project') ? 0 : 1))
    throw new UsageError('face setup takes one project.');
  const projectPath = resolve(context.cwd, projectArg);
  const outPath = resolve(context.cwd, values.get('out') ?? projectArg);
  try {
    const document = await loadProject(projectPath);
    const character = requireCharacter(document, values.get('character'));
    if (character.face && !replace) {
      return reportFailure(context, 'face setup', {
        code: 'invalid-argument',
        message: `${character.name} already has a face rig (${character.face.source}); --replace places it again.`,
      });
    }
    const { rig, found, modelError } = await detectCharacterFace(document, character.id);
    await saveProject(outPath, setFaceRig(document, character.id, keepMouthOf(rig, character.face)));
    const by =
      rig.source === 'facemesh'
        ? 'the landmark model'
        : rig.source === 'psd'
          ? "the PSD's layer names"
          : 'the drawn-face finder';
    if (context.json) {
      context.stdout(
        `${JSON.stringify({ ok: true, project: outPath, character: character.name, source: rig.source, found, rig, ...(modelError ? { modelError } : {}) }, null, 2)}\n`,
      );
    } else {
      if (modelError) {
        context.stderr(
          `keypose face setup: the face landmark model could not run (${modelError}); the drawn-face finder placed the rig.\n`,
        );
      }
      context.stdout(
        `Face rig on ${character.name} by ${by} -> ${outPath}\n  ${found.length > 0 ? `found: ${found.join(', ')}` : 'no features found: placed by proportion'}; check it in the editor (Inspector ▸ Face ▸ Edit points…)\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    return reportFaceFailure(context, 'face setup', error);
  }
}

/**
 * `keypose face from-video face.mp4 -p project.keypose [--range 0-95]`: head pose and face from a
 * video (docs/face.md, "Head pose and face from a video"): the video is sampled at the project's
 * frame rate, the face's head rotation keyed on the character's head joint and its expressions
 * into the "Face video" face layer, from the range's first frame on; saved atomically (in place
 * unless -o).
 */
const FROM_VIDEO_USAGE =
  'keypose face from-video <video> -p <project.keypose> [--range 0-95] [--face N] [--rest-frame N] [--filter on|off] [--no-head] [--no-expressions] [--character NAME] [-o out.keypose] [--json]';

function wholeNumber(values: ReadonlyMap<string, string>, key: string, flag: string): number | undefined {
  const text = values.get(key);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 0))
    throw new UsageError(`${flag} must be a whole number ≥ 0, got "${text}".`);
  return n;
}

async function fromVideo(args: readonly string[], context: CliContext): Promise<number> {
  const flags = new Set<string>(args.filter((a) => a === '--no-head' || a === '--no-expressions'));
  const { positionals, values } = parseOptions(
    args.filter((a) => !flags.has(a)),
    {
      '-p': 'project',
      '--project': 'project',
      '-o': 'out',
      '--out': 'out',
      '--range': 'range',
      '--face': 'face',
      '--rest-frame': 'rest',
      '--filter': 'filter',
      '--character': 'character',
    },
  );
  const videoArg = positionals[0];
  if (!videoArg) throw new UsageError(`face from-video needs a video: ${FROM_VIDEO_USAGE}`);
  if (positionals.length > 1) throw new UsageError('face from-video takes one video.');
  const projectArg = values.get('project');
  if (!projectArg) throw new UsageError(`face from-video needs a project (-p): ${FROM_VIDEO_USAGE}`);
  const filterText = values.get('filter') ?? 'on';
  if (filterText !== 'on' && filterText !== 'off')
    throw new UsageError(`--filter must be on or off, got "${filterText}".`);
  const range = rangeOption(values);
  const faceNumber = wholeNumber(values, 'face', '--face');
  const restFrame = wholeNumber(values, 'rest', '--rest-frame');
  const head = !flags.has('--no-head');
  const expressions = !flags.has('--no-expressions');
  if (!head && !expressions)
    throw new UsageError('--no-head and --no-expressions together leave nothing to key.');
  const videoPath = resolve(context.cwd, videoArg);
  const projectPath = resolve(context.cwd, projectArg);
  const outPath = resolve(context.cwd, values.get('out') ?? projectArg);
  try {
    if (!existsSync(videoPath)) {
      throw new ApiError({ code: 'not-found', message: `${videoArg}: no such file`, file: videoPath });
    }
    const document = await loadProject(projectPath);
    const character = requireCharacter(document, values.get('character'));
    const from = range?.startFrame ?? 0;
    const to = Math.min(range?.endFrame ?? document.durationFrames - 1, document.durationFrames - 1);
    const progress = createProgressReporter(context.stderr, context.stderrIsTTY ?? false);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    let result: Awaited<ReturnType<typeof extractFaceVideo>>;
    try {
      result = await extractFaceVideo(videoPath, {
        fps: document.fps,
        signal: abort.signal,
        filter: filterText === 'on' ? DEFAULT_PERFORMANCE_FILTER : null,
        ...(restFrame !== undefined ? { restFrame } : {}),
        onProgress: ({ done, total, etaSec }) =>
          progress.update({
            fraction: total > 0 ? Math.min(1, done / total) : 0,
            stage: 'reading the face',
            etaSec,
            detail: `${done}/${total} frames`,
          }),
      });
    } finally {
      process.removeListener('SIGINT', onSignal);
      progress.finish();
    }
    const face =
      faceNumber === undefined ? result.faces[0]! : result.faces.find((f) => f.trackId === faceNumber);
    if (!face) {
      throw new UsageError(
        `no face ${faceNumber} in ${basename(videoPath)}; found: ${result.faces.map((f) => f.trackId).join(', ')}.`,
      );
    }
    const updated = applyFacePerformance(
      document,
      character.id,
      face.frames,
      { from, to },
      {
        head,
        expressions,
        layerName: `Face video (${result.fileName})`,
      },
    );
    await saveProject(outPath, updated);
    const keyed = Math.min(face.frames.length, to - from + 1);
    const summary = {
      ok: true,
      project: outPath,
      character: character.name,
      video: result.fileName,
      faces: result.faces.map((f) => ({
        face: f.trackId,
        seenFrames: f.seenFrames,
        firstFrame: f.firstFrame,
      })),
      face: face.trackId,
      restFrame: face.restFrame,
      frames: { first: from, last: from + keyed - 1 },
      videoFrames: result.frameCount,
      elapsedSec: Math.round(result.elapsedSec * 10) / 10,
    };
    if (context.json) context.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      context.stdout(
        `Face ${face.trackId} of ${result.fileName} (${result.faces.length} found) on ${character.name}, frames ${from}-${from + keyed - 1} -> ${outPath}\n  ${head ? 'head rotation keyed' : 'head left alone'}; ${expressions ? 'expressions in the "Face video" layer' : 'expressions left alone'}; rest frame ${face.restFrame}; ${result.frameCount} video frames in ${result.elapsedSec.toFixed(1)} s\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    return reportFaceFailure(context, 'face from-video', error);
  }
}

/**
 * `keypose face mouths <project> mouth_A.png mouth_D.png … [--style swap|warp]`: the character's
 * mouth drawings (docs/face.md, "Swapped mouth drawings"), one file per shape named for it, stored
 * as project assets; drawings given switch the style to 'swap' unless --style says otherwise.
 * --replace drops the drawings of shapes not given. Saved atomically (in place unless -o).
 */
const MOUTHS_USAGE =
  'keypose face mouths <project.keypose> [mouth_A.png mouth_D.png … | mouths.psd] [--style swap|warp] [--replace] [--character NAME] [-o out.keypose] [--json]';

async function mouths(args: readonly string[], context: CliContext): Promise<number> {
  const replace = args.includes('--replace');
  const { positionals, values } = parseOptions(
    args.filter((a) => a !== '--replace'),
    {
      '-p': 'project',
      '--project': 'project',
      '-o': 'out',
      '--out': 'out',
      '--character': 'character',
      '--style': 'style',
    },
  );
  const projectArg = values.get('project') ?? positionals[0];
  if (!projectArg) throw new UsageError(`face mouths needs a project: ${MOUTHS_USAGE}`);
  const files = values.has('project') ? positionals : positionals.slice(1);
  const styleText = values.get('style');
  if (styleText !== undefined && styleText !== 'swap' && styleText !== 'warp')
    throw new UsageError(`--style must be swap or warp, got "${styleText}".`);
  if (files.length === 0 && styleText === undefined && !replace)
    throw new UsageError(`face mouths needs mouth drawings or --style: ${MOUTHS_USAGE}`);
  const projectPath = resolve(context.cwd, projectArg);
  const outPath = resolve(context.cwd, values.get('out') ?? projectArg);
  try {
    const document = await loadProject(projectPath);
    const character = requireCharacter(document, values.get('character'));
    if (!character.face) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `${character.name} has no face rig yet: place it first (keypose face setup ${projectArg}).`,
      });
    }
    const drawings = await readMouthDrawingFiles(
      files.map((f) => resolve(context.cwd, f)),
      character.face,
      {
        width: document.assets[character.artAssetId]?.width ?? 1,
        height: document.assets[character.artAssetId]?.height ?? 1,
      },
    );
    const style = (styleText as 'swap' | 'warp' | undefined) ?? (files.length > 0 ? 'swap' : undefined);
    const updated = setMouthArt(document, character.id, {
      ...(style ? { style } : {}),
      drawings,
      replace,
    });
    const face = updated.characters.find((c) => c.id === character.id)?.face;
    const shapes = Object.keys(face?.mouthArt ?? {}).sort();
    if (face?.mouthStyle === 'swap' && shapes.length === 0) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `${character.name} has no mouth drawings to swap in: give them (e.g. mouth_A.png mouth_D.png).`,
      });
    }
    await saveProject(outPath, updated);
    const missing = MOUTH_SHAPES.filter((s) => !shapes.includes(s));
    const summary = {
      ok: true,
      project: outPath,
      character: character.name,
      style: face?.mouthStyle,
      added: Object.keys(drawings).sort(),
      shapes,
      standIns: Object.fromEntries(
        missing.flatMap((s) => {
          const art = face ? mouthArtFor(face, s) : null;
          return art ? [[s, art.shape]] : [];
        }),
      ),
    };
    if (context.json) context.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const standIns = Object.entries(summary.standIns).map(([s, by]) => `${s} by ${by}`);
      context.stdout(
        `Mouth ${face?.mouthStyle === 'swap' ? 'drawings swapped in' : 'warped from the picture'} on ${character.name} -> ${outPath}\n  drawings: ${shapes.join(' ') || 'none'}${face?.mouthStyle === 'swap' && standIns.length > 0 ? `; stand-ins: ${standIns.join(', ')}` : ''}\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    return reportFaceFailure(context, 'face mouths', error);
  }
}

async function run(args: readonly string[], context: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'expression') return expression(rest, context);
  if (sub === 'from-video') return fromVideo(rest, context);
  if (sub === 'setup') return setup(rest, context);
  if (sub === 'mouths') return mouths(rest, context);
  throw new UsageError(
    `face needs a subcommand:\n  ${SETUP_USAGE}\n  ${MOUTHS_USAGE}\n  ${EXPRESSION_USAGE}\n  ${FROM_VIDEO_USAGE}`,
  );
}

export const faceCommand: CliCommand = {
  name: 'face',
  summary:
    'Face animation without the editor: setup (the face rig, placed automatically), mouths (the mouth drawings to swap in, or the warped mouth), expression (an expression from text over a frame range), from-video (head pose and face from a video).',
  usage: `${SETUP_USAGE}\n       ${MOUTHS_USAGE}\n       ${EXPRESSION_USAGE}\n       ${FROM_VIDEO_USAGE}`,
  run,
};
