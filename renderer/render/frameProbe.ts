import { hashBytes } from '../../core/render/frameKey.js';
import { previewState, type ShownKind } from './previewState.js';
import type { RenderSystem } from './renderSystem.js';
import type { FrameStatus } from './scheduler.js';

/**
 * What the viewport's frame layer shows now, recorded by the layer on every draw and read by the
 * debug hook (window.__keyposeFrames) so browser tests can check the pixels on screen against the
 * engine's output for that frame.
 */
export interface ShownFrame {
  readonly frameIndex: number;
  readonly key: string;
  readonly status: FrameStatus;
  readonly width: number;
  readonly height: number;
}

/** The art plane on screen, in client CSS pixels (top-left origin). */
export interface ScreenRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

let shown: ShownFrame | null = null;
/** performance.now() of the live preview's latest draws (a ring, for bench/preview.bench.ts). */
const previewDraws: number[] = [];
const PREVIEW_DRAWS_KEPT = 2000;

/** Called by the live preview on each frame it draws the posed parts. */
export function recordPreviewDraw(): void {
  previewDraws.push(performance.now());
  if (previewDraws.length > PREVIEW_DRAWS_KEPT)
    previewDraws.splice(0, previewDraws.length - PREVIEW_DRAWS_KEPT);
}
let planeRect: (() => ScreenRect) | null = null;

/**
 * `rect` is computed only when asked for (it reads the canvas's layout, which the layer must not
 * force on every drawn frame).
 */
export function recordShownFrame(frame: ShownFrame | null, rect: (() => ScreenRect) | null): void {
  shown = frame;
  planeRect = rect;
}

export interface KeyposeFramesDebug {
  /** The generated frame drawn on the art plane now, or null when the static art is shown. */
  shownFrame(): ShownFrame | null;
  /** Where the art plane (and so the frame) is drawn, in client CSS pixels. */
  planeScreenRect(): ScreenRect | null;
  /** Every frame's render status, in frame order. */
  statuses(): FrameStatus[];
  /** The frame key known for a frame index (any status), or null. */
  frameKey(frameIndex: number): string | null;
  /** hashBytes (core/render/frameKey.ts) of the straight RGBA the page holds for a key. */
  pixelsHash(key: string): string | null;
  provider(): string | null;
  /** What the viewport shows for the active character: the engine's frame, the live preview or the art. */
  shownKind(): ShownKind;
  /** When the live preview drew its latest frames (performance.now(), oldest first, up to 2000). */
  previewDrawTimes(): number[];
}

declare global {
  interface Window {
    __keyposeFrames?: KeyposeFramesDebug;
  }
}

export function createFramesDebugHook(system: RenderSystem): KeyposeFramesDebug {
  return Object.freeze({
    shownFrame: () => (shown ? { ...shown } : null),
    planeScreenRect: () => (planeRect ? planeRect() : null),
    statuses: () => system.scheduler.statuses(),
    frameKey: (frameIndex: number) => system.scheduler.slot(frameIndex).ref?.key ?? null,
    pixelsHash: (key: string) => {
      const pixels = system.pixels.get(key);
      return pixels ? hashBytes(pixels.data) : null;
    },
    provider: () => system.engine.getState().provider,
    shownKind: () => previewState.getState().shown,
    previewDrawTimes: () => [...previewDraws],
  });
}
