import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { extractFaceVideo } from '../face/faceVideo.js';
import { FaceWorkerError } from '../face/faceWorker.js';
import { makeTempFolder, removeTempFolder } from '../jobs/tempFolders.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';

/**
 * analyzeFaceVideo (issue 13) as a job: the video's bytes go to a temporary file (ffmpeg reads
 * files), host/face/faceVideo.ts analyses it, the temporary file goes. The result is plain data
 * the editor keys onto the active character (core/document/facePerformanceEdits.ts).
 */

/** A file name from the browser, reduced to a safe base name. */
function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^\w.\- ]+/g, '_');
  return base.length > 0 && base !== '.' && base !== '..' ? base.slice(0, 120) : 'video';
}

export function createFaceVideoServices(ctx: ServiceContext): Pick<ApiImplementation, 'analyzeFaceVideo'> {
  return {
    async analyzeFaceVideo(request) {
      const started = ctx.jobs.start('import', async (job) => {
        const name = safeName(request.fileName);
        const dir = makeTempFolder('import');
        try {
          const path = join(dir, name);
          await writeFile(path, Buffer.from(request.dataBase64, 'base64'));
          try {
            return await extractFaceVideo(path, {
              fps: request.fps,
              signal: job.signal,
              ...(request.restFrame !== undefined ? { restFrame: request.restFrame } : {}),
              onProgress: ({ done, total }) => job.progress(done, total, 'Reading the face'),
            });
          } catch (error) {
            if (error instanceof FaceWorkerError) {
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
      });
      started.result.catch(() => {});
      return { jobId: started.jobId };
    },
  };
}
