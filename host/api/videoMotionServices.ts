import { extractVideoMotion } from '../motion/videoMotion.js';
import { PoseWorkerError } from '../worker/poseWorker.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';
import { analyseUploadedVideo } from './uploadedVideo.js';

/**
 * analyzeVideoMotion (issue 11) as a job: host/motion/videoMotion.ts analyses the uploaded video
 * (host/api/uploadedVideo.ts). The result is plain data the editor shows in its person picker and
 * hands to its motion import.
 */
export function createVideoMotionServices(
  ctx: ServiceContext,
): Pick<ApiImplementation, 'analyzeVideoMotion'> {
  return {
    async analyzeVideoMotion(request) {
      const started = ctx.jobs.start('import', (job) =>
        analyseUploadedVideo(request, PoseWorkerError, (path) =>
          extractVideoMotion(path, {
            fps: request.fps,
            signal: job.signal,
            onProgress: ({ done, total }) => job.progress(done, total, 'Analysing'),
          }),
        ),
      );
      return { jobId: started.jobId };
    },
  };
}
