import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { loadProject } from '../../host/project/store.js';
import { type CliCommand, EXIT, UsageError } from '../command.js';

export interface ProjectSummary {
  file: string;
  fileBytes: number;
  name: string;
  version: number;
  fps: number;
  durationFrames: number;
  durationSec: number;
  resolution: { width: number; height: number };
  characters: {
    name: string;
    joints: number;
    rootJoint: string;
    animatedJoints: number;
    keyedFrames: number[];
    art: { mime: string; width: number; height: number; bytes: number } | null;
  }[];
}

export function summarizeProject(doc: ProjectDocument, file: string, fileBytes: number): ProjectSummary {
  return {
    file,
    fileBytes,
    name: doc.name,
    version: doc.version,
    fps: doc.fps,
    durationFrames: doc.durationFrames,
    durationSec: doc.durationFrames / doc.fps,
    resolution: doc.resolution,
    characters: doc.characters.map((character) => {
      const tracks = Object.values(character.motion.rotations);
      const frames = new Set<number>();
      for (const track of [...tracks, character.motion.rootTranslation]) {
        for (const key of track) frames.add(key.frame);
      }
      const art = doc.assets[character.artAssetId];
      const root = character.skeleton.joints.find((joint) => joint.parentId === null);
      return {
        name: character.name,
        joints: character.skeleton.joints.length,
        rootJoint: root?.name ?? '',
        animatedJoints: tracks.filter((track) => track.length > 0).length,
        keyedFrames: [...frames].sort((a, b) => a - b),
        art: art
          ? {
              mime: art.mime,
              width: art.width,
              height: art.height,
              // Decoded size of base64: 3 bytes per 4 characters, minus padding.
              bytes:
                Math.floor((art.dataBase64.length * 3) / 4) - (art.dataBase64.match(/=+$/)?.[0].length ?? 0),
            }
          : null,
      };
    }),
  };
}

function formatSummary(summary: ProjectSummary): string {
  const lines = [
    `${summary.name}  (${summary.file}, ${(summary.fileBytes / 1024).toFixed(1)} KiB, format version ${summary.version})`,
    `  ${summary.durationFrames} frames at ${summary.fps} fps = ${summary.durationSec.toFixed(2)} s, ${summary.resolution.width}×${summary.resolution.height} px`,
  ];
  for (const character of summary.characters) {
    lines.push(
      `  character "${character.name}": ${character.joints} joints (root ${character.rootJoint}), ` +
        `${character.animatedJoints} animated, keys at frames ${character.keyedFrames.length > 0 ? character.keyedFrames.join(', ') : 'none'}`,
    );
    if (character.art) {
      lines.push(
        `    art: ${character.art.mime} ${character.art.width}×${character.art.height} px, ${(character.art.bytes / 1024).toFixed(1)} KiB`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'Validate a project file and summarise it (never writes the file).',
  usage: 'keypose info <project.keypose> [--json]',
  async run(args, context) {
    if (args.length !== 1) throw new UsageError('info takes exactly one project file.');
    const file = resolve(context.cwd, args[0]!);
    try {
      const doc = await loadProject(file);
      const summary = summarizeProject(doc, file, (await stat(file)).size);
      context.stdout(
        context.json
          ? `${JSON.stringify({ ok: true, project: summary }, null, 2)}\n`
          : formatSummary(summary),
      );
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (context.json) {
        context.stdout(`${JSON.stringify({ ok: false, error: error.toData() }, null, 2)}\n`);
      } else {
        context.stderr(`keypose info: ${error.message}\n`);
      }
      return EXIT.badInput;
    }
  },
};
