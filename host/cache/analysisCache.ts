import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomic } from '../export/atomicWrite.js';

/**
 * What a slow analysis of a file found (the people in a video, docs/motion.md), kept on disk by
 * the file's content and the settings that change the answer, so that analysing the same video
 * again (another person for another character, other filter settings, the CLI run a second time)
 * skips the decoding and the model. One JSON file per entry, `<sha256>.json`, in one folder per
 * kind of analysis under the user's cache (XDG_CACHE_HOME/keypose); written atomically
 * (host/export/atomicWrite.ts, which also sweeps the temporaries of killed runs), so a killed run
 * leaves no half entry under a valid name.
 *
 * The cache can only save time, never cost a result: an entry that cannot be read or does not
 * match the caller's schema is a miss, and a failure to write one is ignored. It removes only
 * names it writes itself (64 hex digits + .json, and atomicWrite's temporaries), the least
 * recently used first once there are more than `maxEntries`.
 */

const ENTRY_NAME = /^[0-9a-f]{64}\.json$/;

export interface AnalysisCacheOptions {
  /** At most this many entries are kept; the least recently used go first (default 64). */
  readonly maxEntries?: number;
}

export class AnalysisCache {
  private readonly maxEntries: number;

  constructor(
    readonly dir: string,
    opts: AnalysisCacheOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 64;
  }

  /**
   * The key of analysing `file` with `settings` (plain JSON: sample rate, sizes, model versions):
   * a hash of the file's bytes, read as a stream, and of the settings.
   */
  async keyFor(file: string, settings: Readonly<Record<string, unknown>>): Promise<string> {
    const content = createHash('sha256');
    await pipeline(createReadStream(file), content);
    return createHash('sha256')
      .update(content.digest('hex'))
      .update('\0')
      .update(stableJson(settings))
      .digest('hex');
  }

  /**
   * The entry under `key` as `parse` reads it; null when there is none, or it cannot be read or
   * parsed (`parse` throws on what it does not accept). A hit counts as a use (its time is touched).
   */
  async get<T>(key: string, parse: (value: unknown) => T): Promise<T | null> {
    const path = this.pathOf(key);
    try {
      const value = parse(JSON.parse(await readFile(path, 'utf8')));
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
      return value;
    } catch {
      return null;
    }
  }

  /** Keeps `value` (plain JSON) under `key`; false when it could not be written (it is only a cache). */
  async put(key: string, value: unknown): Promise<boolean> {
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.pathOf(key), JSON.stringify(value), { mode: 0o600 });
    } catch {
      return false;
    }
    await this.evict();
    return true;
  }

  private pathOf(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not an analysis cache key: ${key}`);
    return join(this.dir, `${key}.json`);
  }

  /** Removes the least recently used entries beyond maxEntries (only names this cache writes). */
  private async evict(): Promise<void> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => ENTRY_NAME.test(n));
    if (names.length <= this.maxEntries) return;
    const aged = await Promise.all(
      names.map(async (name) => ({
        name,
        usedMs: (await stat(join(this.dir, name)).catch(() => null))?.mtimeMs ?? 0,
      })),
    );
    aged.sort((a, b) => a.usedMs - b.usedMs);
    for (const { name } of aged.slice(0, aged.length - this.maxEntries)) {
      await rm(join(this.dir, name), { force: true }).catch(() => undefined);
    }
  }
}

/** JSON with object keys sorted, so equal settings give one key whatever order they were written in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
