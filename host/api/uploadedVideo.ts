import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { makeTempFolder, removeTempFolder } from '../jobs/tempFolders.js';

/**
 * A video the editor sends as bytes (analyzeVideoMotion, analyzeFaceVideo): written to a temporary
 * file (ffmpeg reads files), analysed, the temporary file removed. Errors name the file the user
 * chose, never the temporary copy.
 */

export interface UploadedVideo {
  readonly fileName: string;
  readonly dataBase64: string;
}

/** A file name from the browser, reduced to a safe base name. */
function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^\w.\- ]+/g, '_');
  return base.length > 0 && base !== '.' && base !== '..' ? base.slice(0, 120) : 'video';
}

/**
 * Runs `analyse` on the upload's temporary file. A failure of the analysis worker (an instance of
 * `WorkerError`) becomes 'worker-failed'; an ApiError keeps its code, with the temporary path in
 * its message replaced by the user's file name.
 */
export async function analyseUploadedVideo<T>(
  upload: UploadedVideo,
  WorkerError: abstract new (...args: never[]) => Error,
  analyse: (path: string) => Promise<T>,
): Promise<T> {
  const name = safeName(upload.fileName);
  const dir = makeTempFolder('import');
  try {
    const path = join(dir, name);
    await writeFile(path, Buffer.from(upload.dataBase64, 'base64'));
    try {
      return await analyse(path);
    } catch (error) {
      if (error instanceof WorkerError) {
        throw new ApiError({ code: 'worker-failed', message: `${name}: ${error.message}` });
      }
      if (error instanceof ApiError) {
        const data = error.toData();
        throw new ApiError({ ...data, message: data.message.split(path).join(name), file: name });
      }
      throw error;
    }
  } finally {
    removeTempFolder(dir);
  }
}
