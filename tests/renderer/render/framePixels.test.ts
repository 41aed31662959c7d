import { describe, expect, it } from 'vitest';
import {
  checkedPixels,
  createFrameFetcher,
  FramePixelCache,
  type FramePixels,
  premultiplyInto,
} from '../../../renderer/render/framePixels.js';

const flush = () => new Promise((done) => setTimeout(done, 0));

/** A fetcher whose answers the test releases one by one, recording the order of requests. */
function controlledFetcher() {
  const asked: string[] = [];
  const pending = new Map<string, (pixels: FramePixels) => void>();
  const fetchPixels = (key: string) =>
    new Promise<FramePixels>((resolve) => {
      asked.push(key);
      pending.set(key, resolve);
    });
  const answer = (key: string, bytes = 16) => {
    pending.get(key)?.({ key, width: bytes / 4, height: 1, data: new Uint8Array(bytes) });
    pending.delete(key);
  };
  return { asked, fetchPixels, answer };
}

describe('FramePixelCache', () => {
  it('fetches each key once, a few at a time, the urgent one first', async () => {
    const f = controlledFetcher();
    const cache = new FramePixelCache(f.fetchPixels, { concurrency: 1 });
    const arrived: string[] = [];
    cache.subscribe((key) => arrived.push(key));
    cache.request('a');
    cache.request('b');
    cache.request('c');
    cache.request('b');
    cache.request('c', { urgent: true });
    expect(f.asked).toEqual(['a']);
    f.answer('a');
    await flush();
    expect(f.asked).toEqual(['a', 'c']);
    f.answer('c');
    await flush();
    f.answer('b');
    await flush();
    expect(f.asked).toEqual(['a', 'c', 'b']);
    expect(arrived).toEqual(['a', 'c', 'b']);
    cache.request('a');
    await flush();
    expect(f.asked).toHaveLength(3);
    expect(cache.get('b')?.key).toBe('b');
  });

  it('evicts the least recently used frames beyond its byte budget', async () => {
    const f = controlledFetcher();
    const cache = new FramePixelCache(f.fetchPixels, { maxBytes: 40, concurrency: 4 });
    for (const key of ['a', 'b']) cache.request(key);
    f.answer('a');
    f.answer('b');
    await flush();
    cache.get('a');
    cache.request('c');
    f.answer('c');
    await flush();
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('c')).toBe(true);
    expect(cache.sizeBytes).toBe(32);
  });

  it('drops queued fetches nobody wants any more, and remembers failures', async () => {
    const failing = new FramePixelCache(() => Promise.reject(new Error('HTTP 404')), { concurrency: 1 });
    failing.request('gone');
    await flush();
    await flush();
    expect(failing.failure('gone')).toBe('HTTP 404');
    const f = controlledFetcher();
    const cache = new FramePixelCache(f.fetchPixels, { concurrency: 1 });
    cache.request('x');
    cache.request('y');
    cache.request('z');
    cache.retainQueued((key) => key !== 'y');
    f.answer('x');
    await flush();
    f.answer('z');
    await flush();
    expect(f.asked).toEqual(['x', 'z']);
  });
});

describe('frame bytes', () => {
  it('reads the raw body with its size from the X-Frame headers, and rejects a wrong length', async () => {
    const body = new Uint8Array(2 * 3 * 4).fill(7);
    const fetcher = createFrameFetcher((key) => `/frames/${key}`, (async (url: string) => {
      expect(url).toBe('/frames/k1');
      return new Response(body, { headers: { 'X-Frame-Width': '2', 'X-Frame-Height': '3' } });
    }) as typeof fetch);
    const pixels = await fetcher('k1');
    expect([pixels.width, pixels.height, pixels.data.length]).toEqual([2, 3, 24]);
    expect(() => checkedPixels('k', 2, 2, new Uint8Array(24))).toThrow(/expected 2x2x4/);
    expect(() => checkedPixels('k', Number.NaN, 2, new Uint8Array(8))).toThrow(/size/);
  });

  it('premultiplies straight alpha exactly (rounded), leaving opaque pixels alone', () => {
    const straight = new Uint8Array([200, 100, 50, 255, 200, 100, 50, 128, 255, 255, 255, 0, 255, 1, 254, 1]);
    const out = new Uint8Array(straight.length);
    premultiplyInto(straight, out);
    const expected = Array.from(straight, (v, i) =>
      i % 4 === 3 ? v : Math.round((v * (straight[i - (i % 4) + 3] ?? 0)) / 255),
    );
    expect(Array.from(out)).toEqual(expected);
    // Exhaustive check of the integer rounding against the exact value.
    const all = new Uint8Array(256 * 256 * 4);
    for (let c = 0; c < 256; c++) {
      for (let a = 0; a < 256; a++) {
        const i = (c * 256 + a) * 4;
        all[i] = c;
        all[i + 3] = a;
      }
    }
    const premultiplied = new Uint8Array(all.length);
    premultiplyInto(all, premultiplied);
    const wrong: string[] = [];
    for (let c = 0; c < 256; c++) {
      for (let a = 0; a < 256; a++) {
        if (premultiplied[(c * 256 + a) * 4] !== Math.round((c * a) / 255)) wrong.push(`${c}*${a}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
