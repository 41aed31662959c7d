import { extractVideoMotion, videoAnalysisCacheDir } from '../motion/videoMotion.js';
import { PoseWorkerError } from '../worker/poseWorker.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';
import { analyseUploadedVideo } from './uploadedVideo.js';

/**
 * analyzeVideoMotion (issue 11) as a job: host/motion/videoMotion.ts analyses the uploaded video
 * (host/api/uploadedVideo.ts). The result is plain data the editor shows in its person picker and
 * hands to its motion import. A video analysed before (the same bytes at the same rate) is read
 * from the analysis cache under the services' cache root instead of analysed again.
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
            cacheDir: videoAnalysisCacheDir(ctx.options.cacheRoot),
            onProgress: ({ done, total }) => job.progress(done, total, 'Analysing'),
          }),
        ),
      );
      return { jobId: started.jobId };
    },
  };
}
