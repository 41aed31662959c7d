import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { audioMimeFor, setProjectAudio } from '../../core/document/audio.js';
import { applyLipSync } from '../../core/document/faceEdits.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import {
  mouthTrackToMohoDat,
  mouthTrackToRhubarbJson,
  mouthTrackToRhubarbTsv,
} from '../../core/face/trackFormats.js';
import { encodeBase64 } from '../../core/util/base64.js';
import { writeFileAtomic } from '../../host/export/atomicWrite.js';
import { lipSyncSound } from '../../host/lipsync/lipSync.js';
import { loadProject, saveProject } from '../../host/project/store.js';
import { type CliCommand, type CliContext, EXIT, UsageError } from '../command.js';
import { requireCharacter } from './motionOptions.js';
import { parseOptions } from './options.js';
import { createProgressReporter, withInterrupt } from './progress.js';
import { reportFailure } from './rig.js';

/**
 * `keypose lipsync [voice.wav] -p project.keypose`: mouth shapes from speech (docs/face.md) onto a
 * character's mouth-shape track, saved into the project (atomically; in place unless -o). Without a
 * voice file, the project's own sound track is used; a voice given to a project that has no sound
 * is attached as its sound, so renders carry it. --export writes the track for other tools.
 */

const TRACK_FORMATS: Readonly<
  Record<string, (input: Parameters<typeof mouthTrackToRhubarbTsv>[0]) => string>
> = {
  '.tsv': mouthTrackToRhubarbTsv,
  '.json': mouthTrackToRhubarbJson,
  '.dat': mouthTrackToMohoDat,
};

function frameArg(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${what} must be a whole number ≥ 0, got "${text}".`);
  return n;
}

async function run(args: readonly string[], context: CliContext): Promise<number> {
  const noMotion = args.includes('--no-speech-motion');
  const { positionals, values } = parseOptions(
    args.filter((a) => a !== '--no-speech-motion'),
    {
      '-p': 'project',
      '--project': 'project',
      '-o': 'out',
      '--out': 'out',
      '--text': 'text',
      '--character': 'character',
      '--start-frame': 'start',
      '--min-hold': 'hold',
      '--export': 'export',
    },
  );
  const projectArg = values.get('project') ?? (positionals.length === 2 ? positionals[1] : undefined);
  if (!projectArg) throw new UsageError('lipsync needs a project: -p <project.keypose>.');
  if (positionals.length > (values.has('project') ? 1 : 2))
    throw new UsageError('lipsync takes one voice file.');
  const exportPath = values.get('export') ? resolve(context.cwd, values.get('export') as string) : undefined;
  if (exportPath && !TRACK_FORMATS[extname(exportPath).toLowerCase()]) {
    throw new UsageError('--export writes a .tsv or .json (Rhubarb) or a .dat (Moho/Papagayo) file.');
  }
  const projectPath = resolve(context.cwd, projectArg);
  const outPath = resolve(context.cwd, values.get('out') ?? projectArg);
  const holdFrames = frameArg(values.get('hold'), '--min-hold');
  try {
    let document: ProjectDocument = await loadProject(projectPath);
    const character = requireCharacter(document, values.get('character'));
    const voiceArg =
      positionals[0] !== undefined && positionals[0] !== projectArg ? positionals[0] : undefined;
    let input: Uint8Array;
    let fileName: string;
    let startFrame = frameArg(values.get('start'), '--start-frame');
    if (voiceArg) {
      const voicePath = resolve(context.cwd, voiceArg);
      fileName = basename(voicePath);
      input = await readFile(voicePath).catch((error: NodeJS.ErrnoException) => {
        throw new ApiError({
          code: 'not-found',
          message: `cannot read the voice file ${voicePath}: ${error.code ?? error.message}`,
          file: voicePath,
        });
      });
      if (!document.audio) {
        const mime = audioMimeFor(fileName);
        if (mime) {
          document = setProjectAudio(document, {
            fileName,
            mime,
            dataBase64: encodeBase64(input),
            startFrame: startFrame ?? 0,
          });
        }
      }
    } else if (document.audio) {
      fileName = document.audio.fileName;
      input = Buffer.from(document.audio.dataBase64, 'base64');
      startFrame ??= document.audio.startFrame;
    } else {
      throw new UsageError(
        'the project has no sound track: give a voice file (keypose lipsync voice.wav -p project.keypose).',
      );
    }
    const textPath = values.get('text');
    const text = textPath ? await readFile(resolve(context.cwd, textPath), 'utf8') : undefined;
    const progress = createProgressReporter(context.stderr, context.stderrIsTTY ?? false);
    const started = performance.now();
    const result = await withInterrupt((signal) =>
      lipSyncSound(input, {
        fileName,
        fps: document.fps,
        startFrame: startFrame ?? 0,
        signal,
        ...(text ? { text } : {}),
        ...(holdFrames !== undefined ? { minHoldFrames: holdFrames } : {}),
        onProgress: (fraction, stage) => {
          const elapsed = (performance.now() - started) / 1000;
          progress.update({
            fraction,
            stage,
            etaSec: fraction > 0.1 ? (elapsed / fraction) * (1 - fraction) : null,
          });
        },
      }),
    ).finally(() => progress.finish());
    document = applyLipSync(document, character.id, {
      keys: result.keys,
      fromFrame: result.fromFrame,
      toFrame: result.toFrame,
      ...(noMotion ? {} : { layer: result.layer }),
    });
    await saveProject(outPath, document);
    if (exportPath) {
      const write = TRACK_FORMATS[extname(exportPath).toLowerCase()] as (typeof TRACK_FORMATS)[string];
      const keys = document.characters.find((c) => c.id === character.id)?.faceMotion?.mouth ?? [];
      await writeFileAtomic(
        exportPath,
        write({ keys, fps: document.fps, durationFrames: document.durationFrames, soundFile: fileName }),
      );
    }
    const summary = {
      ok: true,
      project: outPath,
      character: character.name,
      sound: fileName,
      durationSec: Number(result.durationSec.toFixed(3)),
      frames: { first: result.fromFrame, last: result.toFrame },
      keys: result.keys.length,
      shapes: result.keys.map((k) => k.shape).join(''),
      analysisSec: Number(result.elapsedSec.toFixed(2)),
      ...(exportPath ? { exported: exportPath } : {}),
    };
    if (context.json) context.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      context.stdout(
        `Lip sync of ${fileName} (${summary.durationSec} s) -> ${outPath}\n  ${result.keys.length} mouth keys on ${character.name}, frames ${result.fromFrame}-${result.toFrame}, analysed in ${summary.analysisSec} s${exportPath ? `\n  track written to ${exportPath}` : ''}\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof ApiError) return reportFailure(context, 'lipsync', error.toData());
    const cancelled =
      (error as { code?: string }).code === 'cancelled' || (error as Error).name === 'AbortError';
    if (cancelled) {
      context.stderr('keypose lipsync: cancelled; the project was not changed\n');
      return EXIT.cancelled;
    }
    return reportFailure(context, 'lipsync', {
      code: (error as { code?: string }).code === 'bad-audio' ? 'invalid-argument' : 'internal',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

export const lipsyncCommand: CliCommand = {
  name: 'lipsync',
  summary: 'Mouth shapes from speech (WAV/MP3/OGG/FLAC/M4A or the project sound) onto a character.',
  usage:
    'keypose lipsync [voice.wav] -p <project.keypose> [--text dialogue.txt] [--character NAME] [--start-frame 0] ' +
    '[--min-hold 2] [--no-speech-motion] [--export track.tsv|track.json|track.dat] [-o out.keypose] [--json]',
  run,
};
