import type { ServiceContext } from './context.js';
import type { ApiImplementation } from './services.js';

/** Frame rendering, job cancellation and the engine status (host/render/renderService.ts). */
export function createRenderServices(
  ctx: ServiceContext,
): Pick<ApiImplementation, 'cancelJob' | 'getEngineStatus' | 'renderFrames'> {
  return {
    async cancelJob(jobId) {
      ctx.jobs.cancel(jobId);
      return null;
    },
    async getEngineStatus() {
      return ctx.render.engineStatus();
    },
    async renderFrames(request) {
      return ctx.render.renderFrames(request);
    },
  };
}
