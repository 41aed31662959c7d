import { readFile } from 'node:fs/promises';
import { ApiError } from '../../core/contract/api.js';
import { libraryMotion, MOTION_LIBRARY } from '../../core/motion/library.js';
import { libraryMotionPath } from './motionFiles.js';

/** The API's readLibraryMotion: a library motion's BVH text by id (assets/motions/). */
export async function readLibraryMotion(id: string): Promise<{ fileName: string; text: string }> {
  const entry = libraryMotion(id);
  const path = libraryMotionPath(id);
  if (!entry || !path) {
    throw new ApiError({
      code: 'not-found',
      message: `"${id}" is not a motion of the library (${MOTION_LIBRARY.map((m) => m.id).join(', ')}).`,
    });
  }
  try {
    return { fileName: entry.file, text: await readFile(path, 'utf8') };
  } catch (error) {
    throw new ApiError({
      code: 'io-error',
      message: `Could not read the library motion ${path}: ${error instanceof Error ? error.message : String(error)}`,
      file: path,
    });
  }
}
