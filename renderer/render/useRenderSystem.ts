import { useServices } from '../context.js';
import { type RenderSystem, renderSystemFor } from './renderSystem.js';

/** The page's render system (renderSystem.ts), for components under the services provider. */
export function useRenderSystem(): RenderSystem {
  const { editor, api, commands } = useServices();
  return renderSystemFor(editor, api, commands);
}
