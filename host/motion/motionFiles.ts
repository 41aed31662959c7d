import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { BvhError, startBvhRead } from '../../core/io/bvh.js';
import { PoseSequenceError, readPoseSequence } from '../../core/io/poseSequence.js';
import type { SourceMotion } from '../../core/motion/importMotion.js';
import { libraryMotion, MOTION_LIBRARY } from '../../core/motion/library.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { findAppRoot } from '../paths.js';

/**
 * Motion files for the CLI and any Node shell: a .bvh, a JSON pose sequence (.json), or a motion
 * of the library by name ("walk"). Errors are ApiErrors that name the file and the problem.
 */

/** Larger files than this are refused before reading (a 10-minute 120 fps capture is ~70 MB). */
export const MAX_MOTION_FILE_BYTES = 512 * 1024 * 1024;

export function libraryMotionPath(id: string, appRoot = findAppRoot()): string | null {
  const entry = libraryMotion(id);
  return entry && appRoot ? join(appRoot, 'assets', 'motions', entry.file) : null;
}

/** Parses motion text by its file name's extension; `onProgress` gets 0..1 while a BVH is read. */
export function parseMotionText(
  text: string,
  fileName: string,
  fallback: Skeleton,
  onProgress?: (fraction: number) => void,
): SourceMotion {
  const ext = extname(fileName).toLowerCase();
  try {
    if (ext === '.bvh') {
      const reader = startBvhRead(text);
      while (!reader.step(5000)) onProgress?.(reader.framesRead / Math.max(1, reader.frameCount));
      return { name: basename(fileName), ...reader.finish() };
    }
    if (ext === '.json') return readPoseSequence(text, basename(fileName), fallback);
  } catch (error) {
    if (error instanceof BvhError || error instanceof PoseSequenceError) {
      // BvhError messages start with "BVH:"; say which file.
      throw new ApiError({
        code: 'corrupt-file',
        message: `${basename(fileName)}: ${error.message.replace(/^BVH: /, '')}`,
        file: fileName,
      });
    }
    throw error;
  }
  throw new ApiError({
    code: 'unsupported',
    message: `${basename(fileName)} is not a motion file Keypose reads (.bvh or a .json pose sequence).`,
    file: fileName,
  });
}

/** Reads a motion file, or a library motion by id when no such file exists. */
export async function readMotionFile(
  pathOrId: string,
  fallback: Skeleton,
  onProgress?: (fraction: number) => void,
): Promise<SourceMotion & { readonly path: string }> {
  let path = pathOrId;
  let info = await stat(path).catch(() => null);
  if (!info) {
    const library = libraryMotionPath(pathOrId);
    if (library) {
      path = library;
      info = await stat(path).catch(() => null);
    }
  }
  if (!info?.isFile()) {
    throw new ApiError({
      code: 'not-found',
      message: `${pathOrId}: no such file, and not a motion of the library (${MOTION_LIBRARY.map((m) => m.id).join(', ')}).`,
      file: pathOrId,
    });
  }
  if (info.size > MAX_MOTION_FILE_BYTES) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `${basename(path)} is ${Math.round(info.size / 2 ** 20)} MiB; motion files may be at most ${MAX_MOTION_FILE_BYTES / 2 ** 20} MiB.`,
      file: path,
    });
  }
  const text = await readFile(path, 'utf8');
  return { ...parseMotionText(text, path, fallback, onProgress), path };
}
