/**
 * Rendered frames' pixels in the page: fetched once per frame key from the shell (the studio's
 * /frames/<key>, Electron's app://), kept in a least-recently-used cache bounded in bytes.
 *
 * A key names its pixels for ever (it is a hash of everything they depend on), so an entry never
 * goes out of date; it is only evicted for room.
 */

export interface FramePixels {
  readonly key: string;
  readonly width: number;
  readonly height: number;
  /** Straight (not premultiplied) RGBA8, rows top to bottom, exactly as the engine made them. */
  readonly data: Uint8Array;
}

export type FetchFramePixels = (
  key: string,
  expected?: { width: number; height: number },
) => Promise<FramePixels>;

export interface FramePixelCacheOptions {
  readonly maxBytes?: number;
  /** Fetches at once; more wait in a queue (the playhead's frame jumps the queue). */
  readonly concurrency?: number;
}

export class FramePixelCache {
  private readonly fetchPixels: FetchFramePixels;
  private readonly maxBytes: number;
  private readonly concurrency: number;
  /** Insertion order is recency order: get() re-inserts. */
  private readonly entries = new Map<string, FramePixels>();
  private bytes = 0;
  private readonly inFlight = new Map<string, Promise<FramePixels>>();
  private readonly queue: { key: string; expected?: { width: number; height: number } }[] = [];
  private running = 0;
  private readonly listeners = new Set<(key: string) => void>();
  private readonly failures = new Map<string, string>();

  constructor(fetchPixels: FetchFramePixels, options: FramePixelCacheOptions = {}) {
    this.fetchPixels = fetchPixels;
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.concurrency = options.concurrency ?? 3;
  }

  /** Called with a key whenever its pixels have arrived. */
  subscribe(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get(key: string): FramePixels | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  get capacityBytes(): number {
    return this.maxBytes;
  }

  /** Why the last fetch of a key failed, if it did. */
  failure(key: string): string | undefined {
    return this.failures.get(key);
  }

  /**
   * Makes sure a key's pixels are (or will be) here. `urgent` puts it at the head of the queue
   * (the frame on screen); otherwise it is prefetched in order.
   */
  request(key: string, opts: { urgent?: boolean; expected?: { width: number; height: number } } = {}): void {
    if (this.entries.has(key) || this.inFlight.has(key)) return;
    const queued = this.queue.findIndex((q) => q.key === key);
    if (queued >= 0) {
      if (!opts.urgent) return;
      this.queue.splice(queued, 1);
    }
    const item = opts.expected ? { key, expected: opts.expected } : { key };
    if (opts.urgent) this.queue.unshift(item);
    else this.queue.push(item);
    this.pump();
  }

  /** Drops queued (not yet started) fetches that are no longer wanted. */
  retainQueued(wanted: (key: string) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const item = this.queue[i];
      if (item && !wanted(item.key)) this.queue.splice(i, 1);
    }
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const item = this.queue.shift();
      if (!item || this.entries.has(item.key) || this.inFlight.has(item.key)) continue;
      this.running++;
      const promise = this.fetchPixels(item.key, item.expected);
      this.inFlight.set(item.key, promise);
      promise.then(
        (pixels) => {
          this.finish(item.key);
          this.failures.delete(item.key);
          this.put(pixels);
          for (const listener of this.listeners) listener(item.key);
        },
        (error: unknown) => {
          this.finish(item.key);
          this.failures.set(item.key, error instanceof Error ? error.message : String(error));
        },
      );
    }
  }

  private finish(key: string): void {
    this.inFlight.delete(key);
    this.running--;
    // Continue with the queue after this promise settles, not inside it.
    queueMicrotask(() => this.pump());
  }

  private put(pixels: FramePixels): void {
    const old = this.entries.get(pixels.key);
    if (old) {
      this.bytes -= old.data.byteLength;
      this.entries.delete(pixels.key);
    }
    this.entries.set(pixels.key, pixels);
    this.bytes += pixels.data.byteLength;
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes || key === pixels.key) break;
      this.entries.delete(key);
      this.bytes -= entry.data.byteLength;
    }
  }
}

/**
 * Reads a raw frame as the shells serve it: the body is width x height x 4 bytes of straight RGBA;
 * the size comes in X-Frame-Width / X-Frame-Height (or, failing those, from the frame reference).
 */
export function createFrameFetcher(
  urlOf: (key: string) => string,
  fetchImpl: typeof fetch,
): FetchFramePixels {
  return async (key, expected) => {
    const response = await fetchImpl(urlOf(key));
    if (!response.ok) throw new Error(`frame ${key}: HTTP ${response.status}`);
    const width = Number(response.headers.get('x-frame-width') ?? expected?.width ?? Number.NaN);
    const height = Number(response.headers.get('x-frame-height') ?? expected?.height ?? Number.NaN);
    const data = new Uint8Array(await response.arrayBuffer());
    return checkedPixels(key, width, height, data);
  };
}

export function checkedPixels(key: string, width: number, height: number, data: Uint8Array): FramePixels {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`frame ${key}: the shell did not say its size`);
  }
  if (data.byteLength !== width * height * 4) {
    throw new Error(`frame ${key}: ${data.byteLength} bytes, expected ${width}x${height}x4`);
  }
  return { key, width, height, data };
}

/** Premultiplies straight RGBA8 into `out` (rounded), for filtering without dark fringes. */
export function premultiplyInto(straight: Uint8Array, out: Uint8Array): void {
  for (let i = 0; i < straight.length; i += 4) {
    const a = straight[i + 3] ?? 0;
    if (a === 255) {
      out[i] = straight[i] ?? 0;
      out[i + 1] = straight[i + 1] ?? 0;
      out[i + 2] = straight[i + 2] ?? 0;
    } else {
      // round(x * a / 255) with integer maths only: t = x * a + 128; (t + (t >> 8)) >> 8.
      const r = (straight[i] ?? 0) * a + 128;
      const g = (straight[i + 1] ?? 0) * a + 128;
      const b = (straight[i + 2] ?? 0) * a + 128;
      out[i] = (r + (r >> 8)) >> 8;
      out[i + 1] = (g + (g >> 8)) >> 8;
      out[i + 2] = (b + (b >> 8)) >> 8;
    }
    out[i + 3] = a;
  }
}
