import { useEffect } from 'react';
import { createFramesDebugHook } from './frameProbe.js';
import { useRenderSystem } from './useRenderSystem.js';

/** Mounted once in App: starts the render system (scheduler, pixel fetches, engine status). */
export function FrameEngineHost(): null {
  const system = useRenderSystem();
  useEffect(() => {
    const stop = system.start();
    window.__keyposeFrames = createFramesDebugHook(system);
    return stop;
  }, [system]);
  return null;
}
