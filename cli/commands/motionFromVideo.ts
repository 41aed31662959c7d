import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { MAX_REFERENCE_VIDEO_BASE64_CHARS } from '../../core/document/limits.js';
import { referenceVideoMimeFor, setReferenceVideo } from '../../core/document/referenceVideo.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { jointId } from '../../core/ids.js';
import { writeBvh } from '../../core/io/bvh.js';
import { parseFrameRate } from '../../core/io/frameRate.js';
import { type PoseSequence, readPoseSequence } from '../../core/io/poseSequence.js';
import { EMPTY_MOTION } from '../../core/motion/edit.js';
import { importClip, prepareImport } from '../../core/motion/importMotion.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { DEFAULT_ONE_EURO, type OneEuroParams } from '../../core/video/oneEuro.js';
import {
  AssignmentError,
  type PersonAssignment,
  peopleOntoCharacters,
} from '../../core/video/peopleOntoCharacters.js';
import { writeFileAtomic } from '../../host/export/atomicWrite.js';
import {
  extractVideoMotion,
  type VideoPerson,
  videoAnalysisCacheDir,
} from '../../host/motion/videoMotion.js';
import { loadProject, saveProject } from '../../host/project/store.js';
import { type CliContext, EXIT, UsageError } from '../command.js';
import {
  characterNamed,
  importOptionsFrom,
  MOTION_IMPORT_FLAGS,
  MOTION_IMPORT_USAGE,
  mappingWith,
} from './motionOptions.js';
import { parseOptions } from './options.js';
import { createProgressReporter } from './progress.js';
import { reportFailure } from './rig.js';

/**
 * `keypose motion from-video <video>`: the people in a video as motion (issue 11, docs/motion.md).
 * Writes each chosen person as a JSON pose sequence or a BVH, or puts them onto characters of a
 * project through the ordinary motion import (retargeting, feet, key reduction, keys or a layer),
 * each clip where its person's first frame lands (the video's frame 0 at --start), the characters
 * placed as the people stood (--place), the video kept as the project's reference (--reference).
 * What the model found is kept in the user's cache by the video's content (--cache off: neither
 * read nor kept), so a second run with other people, characters or filter settings is quick.
 */

export const FROM_VIDEO_USAGE =
  'keypose motion from-video <video> (-o <poses.json|motion.bvh> | --project <p.keypose> [-o out.keypose] ' +
  '[--assign PERSON=CHARACTER,...] [--place on|off] [--reference on|off]) [--fps 24] [--person ID|all] [--filter on|off] [--min-cutoff 1] [--beta 8] ' +
  `[--fov 40] ${MOTION_IMPORT_USAGE} [--json]`;

function positiveNumber(values: ReadonlyMap<string, string>, key: string, flag: string): number | undefined {
  const text = values.get(key);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number > 0, got "${text}".`);
  return n;
}

/** The pose sequence's own skeleton as a Keypose skeleton (for the BVH writer). */
function skeletonOf(sequence: PoseSequence): Skeleton {
  return {
    joints: sequence.skeleton!.joints.map((j) => ({
      id: jointId(j.id),
      name: j.name ?? j.id,
      parentId: j.parent === null ? null : jointId(j.parent),
      restPosition: j.restPosition,
    })),
  };
}

/** A BVH of the person on their own skeleton: the sequence imported as keys at full detail. */
function bvhOf(person: VideoPerson, fpsText: string): string {
  const skeleton = skeletonOf(person.sequence);
  const source = readPoseSequence(JSON.stringify(person.sequence), `person ${person.trackId}`, skeleton);
  const fps = parseFrameRate(fpsText);
  const result = importClip(prepareImport(source, skeleton), skeleton, EMPTY_MOTION, {
    fps: fps.numerator / fps.denominator,
    startFrame: 0,
    as: 'keys',
    fixFeet: false,
    tolerance: { rotationDeg: 0.05, translationPx: 0.05 },
  });
  return writeBvh(skeleton, result.motion, {
    fps,
    frameRange: { startFrame: 0, endFrame: person.sequence.frames.length - 1 },
  });
}

/** "1=Hero,2=Villain" -> person id -> character name. */
function parseAssign(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const pair of text.split(',')) {
    const [id, name] = pair.split('=').map((s) => s.trim());
    if (!id || !name || !/^\d+$/.test(id)) {
      throw new UsageError(`--assign takes PERSON=CHARACTER pairs ("1=Hero,2=Villain"), not "${pair}".`);
    }
    out.set(Number(id), name);
  }
  // Refused before the analysis, not after it: one person per character.
  const names = [...out.values()];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice)
    throw new UsageError(`--assign: two people are assigned to ${twice}; give each character one person.`);
  return out;
}

export async function fromVideoCommand(args: readonly string[], context: CliContext): Promise<number> {
  const { positionals, values } = parseOptions(args, {
    '-o': 'out',
    '--out': 'out',
    '--project': 'project',
    '--assign': 'assign',
    '--character': 'character',
    '--fps': 'fps',
    '--person': 'person',
    '--min-cutoff': 'minCutoff',
    '--beta': 'beta',
    '--filter': 'filter',
    '--fov': 'fov',
    '--place': 'place',
    '--reference': 'reference',
    '--cache': 'cache',
    ...MOTION_IMPORT_FLAGS,
  });
  if (positionals.length !== 1) throw new UsageError('motion from-video takes exactly one video file.');
  const projectArg = values.get('project');
  const out = values.get('out');
  if (!projectArg && !out)
    throw new UsageError('motion from-video needs -o <poses.json|motion.bvh> or --project.');
  const ext = out ? extname(out).toLowerCase() : '';
  if (!projectArg && ext !== '.json' && ext !== '.bvh') {
    throw new UsageError(`motion from-video writes .json (pose sequence) or .bvh, not "${ext || out}".`);
  }
  const videoPath = resolve(context.cwd, positionals[0]!);
  const personArg = values.get('person');
  if (personArg !== undefined && personArg !== 'all' && !/^\d+$/.test(personArg)) {
    throw new UsageError(`--person takes a person id or "all", not "${personArg}".`);
  }
  const filterArg = values.get('filter') ?? 'on';
  if (filterArg !== 'on' && filterArg !== 'off')
    throw new UsageError(`--filter takes on or off, not "${filterArg}".`);
  const filter: OneEuroParams | null =
    filterArg === 'off'
      ? null
      : {
          ...DEFAULT_ONE_EURO,
          minCutoffHz: positiveNumber(values, 'minCutoff', '--min-cutoff') ?? DEFAULT_ONE_EURO.minCutoffHz,
          beta: Number(values.get('beta') ?? DEFAULT_ONE_EURO.beta),
        };
  if (filter && !(filter.beta >= 0))
    throw new UsageError(`--beta must be a number >= 0, got "${values.get('beta')}".`);
  const fov = positiveNumber(values, 'fov', '--fov');
  const assignArg = values.has('assign') ? parseAssign(values.get('assign')!) : null;
  const placeArg = values.get('place') ?? 'on';
  if (placeArg !== 'on' && placeArg !== 'off')
    throw new UsageError(`--place takes on or off, not "${placeArg}".`);
  const referenceArg = values.get('reference') ?? 'off';
  if (referenceArg !== 'on' && referenceArg !== 'off')
    throw new UsageError(`--reference takes on or off, not "${referenceArg}".`);
  const cacheArg = values.get('cache') ?? 'on';
  if (cacheArg !== 'on' && cacheArg !== 'off')
    throw new UsageError(`--cache takes on or off, not "${cacheArg}".`);
  if (!projectArg && (values.has('place') || values.has('reference')))
    throw new UsageError('--place and --reference need --project.');
  try {
    let document: ProjectDocument | null = null;
    if (projectArg) document = await loadProject(resolve(context.cwd, projectArg));
    const fpsText = values.get('fps') ?? String(document?.fps ?? 24);
    const fpsRate = parseFrameRate(fpsText);
    const fps = fpsRate.numerator / fpsRate.denominator;
    const progress = createProgressReporter(context.stderr, context.stderrIsTTY ?? false);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    let result: Awaited<ReturnType<typeof extractVideoMotion>>;
    try {
      result = await extractVideoMotion(videoPath, {
        fps,
        signal: abort.signal,
        filter,
        ...(fov ? { verticalFovDeg: fov } : {}),
        // A video analysed before (same bytes, rate and model) is read back, not analysed again.
        ...(cacheArg === 'on' ? { cacheDir: videoAnalysisCacheDir() } : {}),
        onProgress: ({ done, total, etaSec }) =>
          progress.update({
            fraction: total > 0 ? Math.min(1, done / total) : 0,
            stage: 'analysing',
            etaSec,
          }),
      });
    } finally {
      process.removeListener('SIGINT', onSignal);
      progress.finish();
    }
    if (result.people.length === 0) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `${basename(videoPath)}: no person was found in it (the body model needs people seen whole, at least a sixth of the picture's height).`,
        file: videoPath,
      });
    }
    const byId = new Map(result.people.map((p) => [p.trackId, p]));
    const pick = (id: number): VideoPerson => {
      const person = byId.get(id);
      if (!person) {
        throw new UsageError(
          `no person ${id} in ${basename(videoPath)}; found: ${result.people.map((p) => p.trackId).join(', ')}.`,
        );
      }
      return person;
    };
    const written: { person: number; path?: string; character?: string; keys?: number }[] = [];
    if (document) {
      const assign = assignArg
        ? assignArg
        : new Map([
            [
              personArg && personArg !== 'all' ? Number(personArg) : result.people[0]!.trackId,
              characterNamed(document, values.get('character'))?.name ?? '',
            ],
          ]);
      const assignments: PersonAssignment[] = [];
      for (const [id, name] of assign) {
        const character = characterNamed(document, name || undefined);
        if (!character) throw new UsageError(`the project has no character "${name}".`);
        assignments.push({ person: pick(id), characterId: character.id });
      }
      const { startFrame, fps: _fps, ...importOptions } = importOptionsFrom(values, document.fps);
      const current = document;
      let applied: ReturnType<typeof peopleOntoCharacters>;
      try {
        applied = peopleOntoCharacters(current, assignments, {
          videoStartFrame: startFrame,
          place: placeArg === 'on',
          importOptions,
          mappingFor: (prepared, characterId) =>
            mappingWith(
              prepared.mapping,
              values.get('map'),
              current.characters.find((c) => c.id === characterId)!,
              prepared.source.skeleton.joints.map((j) => j.id),
            ),
          clipName: (id) => `${basename(videoPath)} person ${id}`,
        });
      } catch (error) {
        if (error instanceof AssignmentError) throw new UsageError(`--assign: ${error.message}.`);
        throw error;
      }
      document = applied.document;
      if (referenceArg === 'on') {
        const mime = referenceVideoMimeFor(videoPath);
        if (!mime)
          throw new UsageError(`--reference: ${extname(videoPath)} videos cannot be kept in a project.`);
        const dataBase64 = (await readFile(videoPath)).toString('base64');
        if (dataBase64.length > MAX_REFERENCE_VIDEO_BASE64_CHARS)
          throw new UsageError('--reference: the video is too big to keep in the project (at most 96 MiB).');
        document = setReferenceVideo(document, {
          fileName: basename(videoPath),
          mime,
          dataBase64,
          startFrame,
        });
      }
      for (const a of applied.applied) {
        written.push({
          person: a.trackId,
          character: document.characters.find((c) => c.id === a.characterId)?.name ?? a.characterId,
          keys: a.result.keyCount,
        });
      }
      const outPath = resolve(context.cwd, out ?? projectArg!);
      await saveProject(outPath, document);
      written.forEach((w) => {
        w.path = outPath;
      });
    } else {
      const people =
        personArg === 'all'
          ? result.people
          : [pick(personArg ? Number(personArg) : result.people[0]!.trackId)];
      const outPath = resolve(context.cwd, out!);
      for (const person of people) {
        const path =
          people.length === 1
            ? outPath
            : join(dirname(outPath), `${basename(outPath, ext)}.person${person.trackId}${ext}`);
        const text = ext === '.bvh' ? bvhOf(person, fpsText) : `${JSON.stringify(person.sequence)}\n`;
        await writeFileAtomic(path, text);
        written.push({ person: person.trackId, path });
      }
    }
    const summary = {
      ok: true,
      video: videoPath,
      frames: result.frameCount,
      fps,
      size: [result.width, result.height],
      elapsedSec: Math.round(result.elapsedSec * 100) / 100,
      fromCache: result.fromCache,
      people: result.people.map((p) => ({
        id: p.trackId,
        frames: [p.firstFrame, p.lastFrame],
        seenFrames: p.seenFrames,
        score: Math.round(p.meanScore * 100) / 100,
      })),
      written,
    };
    if (context.json) context.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      context.stdout(
        `Analysed ${basename(videoPath)}: ${result.frameCount} frames at ${fps} fps in ${result.elapsedSec.toFixed(1)} s${result.fromCache ? ' (analysed before: read from the cache; --cache off analyses again)' : ''}, ` +
          `${result.people.length} ${result.people.length === 1 ? 'person' : 'people'} (${result.people.map((p) => `${p.trackId}: ${p.seenFrames} frames`).join(', ')})\n`,
      );
      for (const w of written) {
        context.stdout(
          w.character
            ? `  person ${w.person} -> ${w.character} (${w.keys} keys) in ${w.path}\n`
            : `  person ${w.person} -> ${w.path}\n`,
        );
      }
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ApiError) return reportFailure(context, 'motion from-video', error.toData());
    if (error instanceof UsageError) throw error;
    return reportFailure(context, 'motion from-video', {
      code: 'invalid-argument',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
