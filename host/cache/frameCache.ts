import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RgbaImage } from '../../core/render/types.js';

/**
 * Frames addressed by their frame key (core/render/frameKey.ts: a hash of everything a frame
 * depends on). Two levels: an in-memory LRU bounded in bytes, and an optional disk folder per
 * project where each frame is one file named by its key (written to a temporary name and
 * renamed, so a crash never leaves a half-written frame under a valid key).
 *
 * Because keys are content addresses there is no invalidation: an edit changes the keys of the
 * frames it affects, and only those miss.
 */
const MAGIC = 0x3146504b; // 'KPF1' little-endian
const HEADER_BYTES = 12;

export interface FrameCacheOptions {
  /** Upper bound of the memory level, in bytes of RGBA. */
  readonly maxMemoryBytes: number;
  /** Disk level folder (e.g. <project>.keypose-cache/frames); none = memory only. */
  readonly diskDir?: string;
}

export interface FrameCacheStats {
  memoryBytes: number;
  memoryFrames: number;
  memoryHits: number;
  diskHits: number;
  misses: number;
  evictions: number;
}

export class FrameCache {
  // A Map iterates in insertion order: re-inserting on access makes the first entry the LRU one.
  private readonly memory = new Map<string, RgbaImage>();
  readonly stats: FrameCacheStats = {
    memoryBytes: 0,
    memoryFrames: 0,
    memoryHits: 0,
    diskHits: 0,
    misses: 0,
    evictions: 0,
  };

  constructor(private readonly opts: FrameCacheOptions) {
    if (opts.diskDir) mkdirSync(opts.diskDir, { recursive: true });
  }

  private filePath(key: string): string {
    if (!/^[0-9a-zA-Z_-]{8,128}$/.test(key)) throw new Error(`invalid frame key "${key}"`);
    return join(this.opts.diskDir!, key.slice(0, 2), `${key}.kpf`);
  }

  /** True when the frame is cached at either level (no read). */
  has(key: string): boolean {
    if (this.memory.has(key)) return true;
    return !!this.opts.diskDir && existsSync(this.filePath(key));
  }

  async get(key: string): Promise<RgbaImage | null> {
    const hit = this.memory.get(key);
    if (hit) {
      this.memory.delete(key);
      this.memory.set(key, hit);
      this.stats.memoryHits++;
      return hit;
    }
    if (this.opts.diskDir) {
      try {
        const image = decode(await readFile(this.filePath(key)));
        if (image) {
          this.stats.diskHits++;
          this.remember(key, image);
          return image;
        }
      } catch {
        // Not on disk (or unreadable): a miss, the frame is simply rendered again.
      }
    }
    this.stats.misses++;
    return null;
  }

  async put(key: string, image: RgbaImage): Promise<void> {
    this.remember(key, image);
    if (!this.opts.diskDir) return;
    const file = this.filePath(key);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, encode(image));
    await rename(tmp, file);
  }

  /** Synchronous put, for callers on a hot path that must not yield (e.g. a worker message handler). */
  putSync(key: string, image: RgbaImage): void {
    this.remember(key, image);
    if (!this.opts.diskDir) return;
    const file = this.filePath(key);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, encode(image));
    renameSync(tmp, file);
  }

  /** Synchronous disk read (memory first), for tests and tools. */
  getSync(key: string): RgbaImage | null {
    const hit = this.memory.get(key);
    if (hit) return hit;
    if (!this.opts.diskDir || !existsSync(this.filePath(key))) return null;
    return decode(readFileSync(this.filePath(key)));
  }

  private remember(key: string, image: RgbaImage): void {
    const bytes = image.data.byteLength;
    if (bytes > this.opts.maxMemoryBytes) return;
    const old = this.memory.get(key);
    if (old) {
      this.memory.delete(key);
      this.stats.memoryBytes -= old.data.byteLength;
    }
    this.memory.set(key, image);
    this.stats.memoryBytes += bytes;
    while (this.stats.memoryBytes > this.opts.maxMemoryBytes) {
      const [lruKey, lru] = this.memory.entries().next().value as [string, RgbaImage];
      this.memory.delete(lruKey);
      this.stats.memoryBytes -= lru.data.byteLength;
      this.stats.evictions++;
    }
    this.stats.memoryFrames = this.memory.size;
  }
}

function encode(image: RgbaImage): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + image.data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, image.width, true);
  view.setUint32(8, image.height, true);
  out.set(image.data, HEADER_BYTES);
  return out;
}

function decode(bytes: Uint8Array): RgbaImage | null {
  if (bytes.byteLength < HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return null;
  const width = view.getUint32(4, true);
  const height = view.getUint32(8, true);
  if (bytes.byteLength !== HEADER_BYTES + width * height * 4) return null;
  return { width, height, data: new Uint8Array(bytes.subarray(HEADER_BYTES)) };
}

/** The frames of a sequence that must be rendered: those whose key is in neither cache level. */
export function framesToRender<T extends { key: string }>(frames: readonly T[], cache: FrameCache): T[] {
  return frames.filter((f) => !cache.has(f.key));
}
