import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisCache, stableJson } from '../../host/cache/analysisCache.js';
import { extractVideoMotion, type VideoMotionResult } from '../../host/motion/videoMotion.js';
import { installedPackageVersion } from '../../host/paths.js';

/**
 * The analysis cache (host/cache/analysisCache.ts) on its own, and through the real video
 * analysis (ffmpeg + the MoveNet pose worker) on a rendered test video: a second analysis of the
 * same bytes at the same rate is read back and gives the same people; other bytes give another
 * key; another rate or a broken entry are analysed again; nothing but its own entries is removed.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-analysis-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const parseNumber = (v: unknown) => {
  if (typeof (v as { n?: unknown }).n !== 'number') throw new Error('not an entry');
  return v as { n: number };
};

describe('analysis cache', () => {
  it('keys on the bytes and the settings, whatever order the settings are written in', async () => {
    const cache = new AnalysisCache(join(dir, 'keys'));
    const a = join(dir, 'a.bin');
    const b = join(dir, 'b.bin');
    await writeFile(a, 'the same bytes');
    await writeFile(b, 'the same bytes');
    const key = await cache.keyFor(a, { fps: 24, size: [640, 360] });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await cache.keyFor(b, { size: [640, 360], fps: 24 })).toBe(key);
    expect(await cache.keyFor(a, { fps: 12, size: [640, 360] })).not.toBe(key);
    await writeFile(b, 'the same bytes!');
    expect(await cache.keyFor(b, { fps: 24, size: [640, 360] })).not.toBe(key);
    expect(stableJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
  });

  it("finds an installed package's version (the pose model's keys its entries), null for one not installed", async () => {
    const shipped = JSON.parse(
      await readFile(
        join(import.meta.dirname, '..', '..', 'node_modules', '@vladmandic', 'human', 'package.json'),
        'utf8',
      ),
    ) as { version: string };
    expect(installedPackageVersion('@vladmandic/human')).toBe(shipped.version);
    expect(installedPackageVersion('keypose-no-such-package')).toBeNull();
  });

  it('reads back what it kept; a broken or foreign entry is a miss, not an error', async () => {
    const folder = join(dir, 'entries');
    const cache = new AnalysisCache(folder);
    const key = 'a'.repeat(64);
    expect(await cache.get(key, parseNumber)).toBeNull();
    expect(await cache.put(key, { n: 7 })).toBe(true);
    expect(await cache.get(key, parseNumber)).toEqual({ n: 7 });
    await writeFile(join(folder, `${key}.json`), '{"n": 7'); // cut short, as a full disk might
    expect(await cache.get(key, parseNumber)).toBeNull();
    await writeFile(join(folder, `${key}.json`), '{"m": 7}'); // what the parser does not accept
    expect(await cache.get(key, parseNumber)).toBeNull();
    await expect(cache.get('../../etc/passwd', parseNumber)).rejects.toThrow(/not an analysis cache key/);
  });

  it('keeps at most maxEntries, dropping the least recently used, and never touches other files', async () => {
    const folder = join(dir, 'evict');
    const cache = new AnalysisCache(folder, { maxEntries: 2 });
    const keys = ['1', '2', '3'].map((c) => c.repeat(64));
    await cache.put(keys[0]!, { n: 1 });
    await writeFile(join(folder, 'notes.json'), 'the user put this here');
    await writeFile(join(folder, `${'f'.repeat(63)}.json`), 'not one of ours: 63 digits');
    await cache.put(keys[1]!, { n: 2 });
    // keys[0] was written first but used last: keys[1] is the least recently used.
    const old = new Date(Date.now() - 60_000);
    await utimes(join(folder, `${keys[1]}.json`), old, old);
    await cache.get(keys[0]!, parseNumber);
    await cache.put(keys[2]!, { n: 3 });
    expect((await readdir(folder)).sort()).toEqual(
      [`${keys[0]}.json`, `${keys[2]}.json`, 'notes.json', `${'f'.repeat(63)}.json`].sort(),
    );
  });

  it('says false, and throws nothing, when the folder cannot be written', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'x');
    const cache = new AnalysisCache(join(blocker, 'cache'));
    expect(await cache.put('b'.repeat(64), { n: 1 })).toBe(false);
    expect(await readFile(blocker, 'utf8')).toBe('x');
  });
});

describe('video analyses kept by content (real ffmpeg and pose worker)', () => {
  const VIDEO = join(import.meta.dirname, '..', 'fixtures', 'video', 'one-wave.mp4');
  /** The result without what differs between two runs of the same analysis. */
  const same = ({ elapsedSec: _e, fromCache: _c, ...rest }: VideoMotionResult) => rest;

  it('reads a video analysed before back from the cache, the same people; another rate analyses again', async () => {
    const cacheDir = join(dir, 'video-analyses');
    const first = await extractVideoMotion(VIDEO, { fps: 8, cacheDir });
    expect(first.fromCache).toBe(false);
    expect(first.people.length).toBeGreaterThan(0);
    const progress: number[] = [];
    const again = await extractVideoMotion(VIDEO, {
      fps: 8,
      cacheDir,
      onProgress: ({ done, total }) => progress.push(done / total),
    });
    expect(again.fromCache).toBe(true);
    expect(same(again)).toEqual(same(first));
    expect(progress.at(-1)).toBe(1);
    const [entry] = await readdir(cacheDir);
    expect(entry).toMatch(/^[0-9a-f]{64}\.json$/);

    // Another rate is another analysis (other frames are decoded).
    expect((await extractVideoMotion(VIDEO, { fps: 6, cacheDir })).fromCache).toBe(false);

    // A broken entry is analysed again and replaced.
    await writeFile(join(cacheDir, entry!), '{"format":"keypose-video-people","version":1,"frames":[');
    const repaired = await extractVideoMotion(VIDEO, { fps: 8, cacheDir });
    expect(repaired.fromCache).toBe(false);
    expect(same(repaired)).toEqual(same(first));
    expect((await extractVideoMotion(VIDEO, { fps: 8, cacheDir })).fromCache).toBe(true);
  }, 180_000);
});
