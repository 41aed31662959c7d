import { ApiError } from '../../core/contract/api.js';
import type { RgbaImage } from '../../core/render/types.js';
import { throwIfAborted } from './aborts.js';

/**
 * Frames in the order asked, from a frame source (one character's or the scene's): cached ones
 * at once, the rest rendered in windows of `readAhead` frames (the next window renders while the
 * caller consumes this one). Breaking out of the loop or aborting the signal cancels the rendering.
 * Memory stays bounded by the read-ahead: frames already handed out are not kept.
 */
export interface FrameSource<P extends { readonly frameIndex: number; readonly key: string }> {
  plan(frameIndex: number): P;
  renderWindow(
    plans: readonly P[],
    signal: AbortSignal,
    onImage: (key: string, image: RgbaImage) => void,
  ): Promise<void>;
}

export interface StreamOptions {
  readonly signal?: AbortSignal;
  /** Called after each frame is yielded-ready, with frames done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Frames rendered ahead of the consumer, at most (default 8). */
  readonly readAhead?: number;
}

export async function* streamFrames(
  source: FrameSource<{ readonly frameIndex: number; readonly key: string }>,
  frames: readonly number[],
  options: StreamOptions = {},
): AsyncGenerator<{ frameIndex: number; image: RgbaImage }> {
  const signal = options.signal;
  const readAhead = Math.max(1, options.readAhead ?? 8);
  const plans = frames.map((f) => source.plan(f));
  const windows: { frameIndex: number; key: string }[][] = [];
  for (let i = 0; i < plans.length; i += readAhead) windows.push(plans.slice(i, i + readAhead));
  const inner = new AbortController();
  const onAbort = () => inner.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort);
  // Per window: the images that arrived (by key), whoever waits for one, and the window's end.
  const slots = windows.map(() => ({
    images: new Map<string, RgbaImage>(),
    waiters: new Map<string, () => void>(),
    finished: null as Promise<void> | null,
  }));
  const startWindow = (i: number) => {
    const slot = slots[i];
    if (!slot || slot.finished) return;
    slot.finished = source.renderWindow(windows[i]!, inner.signal, (key, image) => {
      slot.images.set(key, image);
      slot.waiters.get(key)?.();
    });
    // A window started ahead may fail while an earlier one is consumed; it is awaited later.
    slot.finished.catch(() => {});
  };
  let done = 0;
  try {
    for (let i = 0; i < windows.length; i++) {
      startWindow(i);
      startWindow(i + 1);
      const slot = slots[i]!;
      for (const p of windows[i]!) {
        if (!slot.images.has(p.key)) {
          // Yield each frame as soon as it (and every frame before it) is there.
          await Promise.race([new Promise<void>((r) => slot.waiters.set(p.key, r)), slot.finished!]);
        }
        throwIfAborted(signal);
        const image = slot.images.get(p.key);
        if (!image) {
          await slot.finished;
          throw new ApiError({ code: 'internal', message: `frame ${p.frameIndex} was not rendered` });
        }
        done++;
        options.onProgress?.(done, plans.length);
        yield { frameIndex: p.frameIndex, image };
      }
      // Frames already handed out are not kept: memory stays bounded by the read-ahead.
      await slot.finished;
      slot.images.clear();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    inner.abort();
  }
}
