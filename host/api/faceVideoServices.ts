import { extractFaceVideo } from '../face/faceVideo.js';
import { FaceWorkerError } from '../face/faceWorker.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';
import { analyseUploadedVideo } from './uploadedVideo.js';

/**
 * analyzeFaceVideo (issue 13) as a job: host/face/faceVideo.ts analyses the uploaded video
 * (host/api/uploadedVideo.ts). The result is plain data the editor keys onto the active character
 * (core/document/facePerformanceEdits.ts).
 */
export function createFaceVideoServices(ctx: ServiceContext): Pick<ApiImplementation, 'analyzeFaceVideo'> {
  return {
    async analyzeFaceVideo(request) {
      const started = ctx.jobs.start('import', (job) =>
        analyseUploadedVideo(request, FaceWorkerError, (path) =>
          extractFaceVideo(path, {
            fps: request.fps,
            signal: job.signal,
            ...(request.restFrame !== undefined ? { restFrame: request.restFrame } : {}),
            onProgress: ({ done, total }) => job.progress(done, total, 'Reading the face'),
          }),
        ),
      );
      started.result.catch(() => {});
      return { jobId: started.jobId };
    },
  };
}
