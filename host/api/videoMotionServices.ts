import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { makeTempFolder, removeTempFolder } from '../jobs/tempFolders.js';
import { extractVideoMotion } from '../motion/videoMotion.js';
import { PoseWorkerError } from '../worker/poseWorker.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';

/**
 * analyzeVideoMotion (issue 11) as a job: the video's bytes go to a temporary file (ffmpeg reads
 * files), host/motion/videoMotion.ts analyses it, the temporary file goes. The result is plain
 * data the editor shows in its person picker and hands to its motion import.
 */

/** A file name from the browser, reduced to a safe base name. */
function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^\w.\- ]+/g, '_');
  return base.length > 0 && base !== '.' && base !== '..' ? base.slice(0, 120) : 'video';
}

export function createVideoMotionServices(
  ctx: ServiceContext,
): Pick<ApiImplementation, 'analyzeVideoMotion'> {
  return {
    async analyzeVideoMotion(request) {
      const started = ctx.jobs.start('import', async (job) => {
        const name = safeName(request.fileName);
        const dir = makeTempFolder('import');
        try {
          const path = join(dir, name);
          await writeFile(path, Buffer.from(request.dataBase64, 'base64'));
          try {
            return await extractVideoMotion(path, {
              fps: request.fps,
              signal: job.signal,
              onProgress: ({ done, total }) => job.progress(done, total, 'Analysing'),
            });
          } catch (error) {
            if (error instanceof PoseWorkerError) {
              throw new ApiError({ code: 'worker-failed', message: `${name}: ${error.message}` });
            }
            if (error instanceof ApiError) {
              // Our temporary copy's path becomes the name the user knows.
              const data = error.toData();
              throw new ApiError({ ...data, message: data.message.split(path).join(name), file: name });
            }
            throw error;
          }
        } finally {
          removeTempFolder(dir);
        }
      });
      return { jobId: started.jobId };
    },
  };
}
