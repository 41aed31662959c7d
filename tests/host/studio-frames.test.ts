import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobEvent, jobEventSchema } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { loadSample } from '../../host/project/store.js';
import type { StudioServer } from '../../host/studio/server.js';
import { type StudioFixture, startStudioFixture } from './studioFixture.js';

/**
 * The studio's render path over HTTP, with the real worker and onnxruntime-node: renderFrames as
 * POST /api/renderFrames, job events on the SSE stream GET /api/events (event 'job'), pixels at
 * GET /frames/<key>.
 */
let server: StudioServer;
let studio: StudioFixture;
let doc: ProjectDocument;

beforeAll(async () => {
  studio = await startStudioFixture({ prefix: 'keypose-studio-frames-', ownCache: true });
  ({ server } = studio);
  doc = await loadSample();
});
afterAll(async () => {
  await studio?.close();
});

/** Reads the SSE stream and collects the 'job' events (validated with the contract's schema). */
async function openEvents(signal: AbortSignal): Promise<{ events: JobEvent[]; next(): Promise<void> }> {
  const res = await fetch(`${server.url}api/events`, { signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: JobEvent[] = [];
  let buffer = '';
  const next = async () => {
    const { value, done } = await reader.read();
    if (done) throw new Error('the event stream ended');
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
      if (event === 'job' && data) events.push(jobEventSchema.parse(JSON.parse(data)));
      end = buffer.indexOf('\n\n');
    }
  };
  // The 'hello' event: the stream is registered on the server once it arrived.
  await next();
  return { events, next };
}

describe('studio render path (real worker, real onnxruntime)', () => {
  it('renders over HTTP, announces frames on /api/events and serves their bytes at /frames/<key>', async () => {
    const abort = new AbortController();
    const stream = await openEvents(abort.signal);
    const response = await fetch(`${server.url}api/renderFrames`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: [{ document: doc, frames: [0, 24] }] }),
    });
    const body = (await response.json()) as {
      ok: boolean;
      value: { jobId: string | null; cached: unknown[] };
    };
    expect(body.ok).toBe(true);
    const jobId = body.value.jobId;
    expect(jobId).toEqual(expect.any(String));
    const ended = () => stream.events.some((e) => 'jobId' in e && e.jobId === jobId && e.type === 'done');
    while (!ended()) await stream.next();
    abort.abort();
    const frames = stream.events.filter(
      (e): e is Extract<JobEvent, { type: 'frame' }> => e.type === 'frame' && e.jobId === jobId,
    );
    expect(frames.map((f) => f.frame.frameIndex).sort((a, b) => a - b)).toEqual([0, 24]);
    expect(stream.events.some((e) => e.type === 'progress' && e.jobId === jobId)).toBe(true);

    const ref = frames[0]!.frame;
    const t0 = performance.now();
    const res = await fetch(`${server.url}frames/${ref.key}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    console.log(
      `[studio-frames] GET /frames/<key> ${bytes.length} bytes in ${(performance.now() - t0).toFixed(1)} ms`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Number(res.headers.get('x-frame-width'))).toBe(ref.width);
    expect(Number(res.headers.get('x-frame-height'))).toBe(ref.height);
    expect(bytes.length).toBe(ref.width * ref.height * 4);
    const image = await server.context!.render.getFrame(ref.key);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(image!.data))).toBe(0);

    // A second request is answered from the cache: no job, both frames listed.
    const again = await fetch(`${server.url}api/renderFrames`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: [{ document: doc, frames: [0, 24] }] }),
    }).then((r) => r.json() as Promise<{ value: { jobId: string | null; cached: { key: string }[] } }>);
    expect(again.value.jobId).toBeNull();
    expect(again.value.cached.map((f) => f.key).sort()).toEqual(frames.map((f) => f.frame.key).sort());
  });

  it('answers 404 for an unknown key and refuses a foreign Host', async () => {
    const missing = await fetch(`${server.url}frames/0123456789abcdef0123456789abcdef`);
    expect(missing.status).toBe(404);
    const bad = await fetch(`${server.url}frames/..%2F..%2Fetc%2Fpasswd`);
    expect(bad.status).toBe(404);
    const foreign = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/frames/0123456789abcdef',
          headers: { host: 'evil.test' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(foreign).toBe(403);
  });

  it('reports the engine status over the API', async () => {
    const res = await fetch(`${server.url}api/getEngineStatus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: [] }),
    }).then((r) => r.json() as Promise<{ ok: boolean; value: { provider: string | null } }>);
    expect(res).toMatchObject({ ok: true, value: { provider: 'cpu' } });
  });
});
