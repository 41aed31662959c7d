import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';

/**
 * Frame rendering, job cancellation, the engine status (host/render/renderService.ts) and the model
 * packs final frames may go through (host/packs/modelsFolder.ts).
 */
export function createRenderServices(
  ctx: ServiceContext,
): Pick<
  ApiImplementation,
  'cancelJob' | 'getEngineStatus' | 'renderFrames' | 'listModelPacks' | 'setActiveModelPack'
> {
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
    async listModelPacks() {
      return ctx.packs.list();
    },
    async setActiveModelPack(id) {
      const active = await ctx.packs.setActive(id);
      // Every window's status bar follows; their next renders use the new keys.
      ctx.jobs.emit({ type: 'engine', status: ctx.render.engineStatus() });
      return active;
    },
  };
}
