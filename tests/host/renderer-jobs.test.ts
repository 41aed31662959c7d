import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../core/contract/api.js';
import type { StudioServer } from '../../host/studio/server.js';
import {
  createApiClient,
  createStudioJobs,
  createStudioTransport,
  type EventSourceLike,
  fetchFrame,
} from '../../renderer/api/client.js';
import { type StudioFixture, startStudioFixture } from './studioFixture.js';

/**
 * The renderer's job events and frame URLs in the studio, against a real studio server. Node 20
 * has no EventSource, so a small one over fetch's streaming body stands in for the browser's.
 */
function fetchEventSource(url: string): EventSourceLike & { opened: Promise<void> } {
  const abort = new AbortController();
  const listeners = new Map<string, ((e: { data?: unknown }) => void)[]>();
  let opened!: () => void;
  const openedPromise = new Promise<void>((r) => {
    opened = r;
  });
  void (async () => {
    const res = await fetch(url, { signal: abort.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const type = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (type === 'hello') opened();
        if (type) for (const l of listeners.get(type) ?? []) l({ data });
      }
    }
    // Closing before the response arrived aborts the fetch: that is the point of close().
  })().catch(() => undefined);
  return {
    opened: openedPromise,
    addEventListener(type, listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    close() {
      abort.abort();
    },
  };
}

let server: StudioServer;
let studio: StudioFixture;

beforeAll(async () => {
  studio = await startStudioFixture({ prefix: 'keypose-renderer-jobs-', ownCache: true });
  ({ server } = studio);
});
afterAll(async () => {
  await studio?.close();
});

describe('renderer job events and frame URLs (studio)', () => {
  it('receives validated job events from /api/events and closes the stream with the last listener', async () => {
    const sources: ReturnType<typeof fetchEventSource>[] = [];
    const jobs = createStudioJobs(server.url, (url) => {
      const source = fetchEventSource(url);
      sources.push(source);
      return source;
    });
    const api = createApiClient(createStudioTransport(server.url, fetch), () => () => undefined, jobs);
    const got: JobEvent[] = [];
    const second: JobEvent[] = [];
    const off1 = api.onJobEvent((e) => got.push(e));
    const off2 = api.onJobEvent((e) => second.push(e));
    expect(sources).toHaveLength(1);
    await sources[0]!.opened;
    const event: JobEvent = {
      type: 'progress',
      jobId: 'job_x',
      kind: 'render',
      done: 1,
      total: 4,
      etaSec: 3,
    };
    server.context!.jobs.emit(event);
    // Not a JobEvent: the client drops it.
    server.broadcast('job', { type: 'progress', jobId: 7 });
    server.context!.jobs.emit({ type: 'engine', status: { provider: 'cpu', messages: [] } });
    await expect.poll(() => got.length).toBe(2);
    expect(got).toEqual([event, { type: 'engine', status: { provider: 'cpu', messages: [] } }]);
    expect(second).toEqual(got);
    off1();
    off2();
    server.context!.jobs.emit(event);
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(2);
    // A new listener opens a new stream.
    const off3 = api.onJobEvent(() => undefined);
    expect(sources).toHaveLength(2);
    off3();
  });

  it('builds frame URLs on the studio origin; an unknown key fetches as null', async () => {
    const jobs = createStudioJobs(server.url, () => {
      throw new Error('not used');
    });
    expect(jobs.frameUrl('0123456789abcdef')).toBe(`${server.url}frames/0123456789abcdef`);
    expect(await fetchFrame(jobs.frameUrl('0123456789abcdef'))).toBeNull();
  });
});
