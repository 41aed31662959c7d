import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../host/studio/csp.js';
import { defaultProjectsDir, parseStudioArgs } from '../../host/studio/options.js';
import { type StudioServer, startStudioServer } from '../../host/studio/server.js';
import { makeDocument } from './fixtures.js';
import { type StudioFixture, startStudioFixture } from './studioFixture.js';

/** A raw request, so tests can send the headers a browser would not (foreign Host, no JSON). */
function send(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', fail);
    req.end(opts.body);
  });
}

const post = (server: StudioServer, method: string, args: unknown[]) =>
  fetch(`${server.url}api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ args }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

let root: string;
let server: StudioServer;
let studio: StudioFixture;

beforeAll(async () => {
  studio = await startStudioFixture({
    prefix: 'keypose-studio-',
    prepare: async (appRoot) => {
      await mkdir(join(appRoot, 'build', 'renderer', 'assets'), { recursive: true });
      await writeFile(join(appRoot, 'build', 'renderer', 'assets', 'app.js'), 'console.log(1)');
      await writeFile(join(appRoot, 'secret.txt'), 'outside the renderer');
    },
  });
  ({ root, server } = studio);
});

afterAll(async () => {
  await studio?.close();
});

describe('studio server', () => {
  it('serves the built renderer with the CSP, and the app for client-side routes', async () => {
    const index = await send(server.port, '/', { headers: { host: `127.0.0.1:${server.port}` } });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Keypose</title>');
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const script = await send(server.port, '/assets/app.js');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect((await send(server.port, '/some/route')).body).toContain('<title>Keypose</title>');
    expect((await send(server.port, '/assets/missing.js')).status).toBe(404);
  });

  it('never serves files outside build/renderer', async () => {
    for (const path of ['/../../secret.txt', '/%2e%2e/%2e%2e/secret.txt', '/..%2f..%2fsecret.txt']) {
      const response = await send(server.port, path);
      expect(response.body).not.toContain('outside the renderer');
    }
  });

  it('answers API calls in the response envelope', async () => {
    const info = await post(server, 'getShellInfo', []);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      ok: true,
      value: { shell: 'studio', projectsDir: join(root, 'projects') },
    });
    const saved = await post(server, 'saveProject', [makeDocument({ name: 'Over HTTP' })]);
    expect(saved.body).toEqual({ ok: true, value: { path: join(root, 'projects', 'Over HTTP.keypose') } });
    const listed = await post(server, 'listProjects', []);
    expect(listed.body).toMatchObject({ ok: true, value: [{ name: 'Over HTTP' }] });
    const unknown = await post(server, 'noSuchMethod', []);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const bad = await post(server, 'openProject', [7]);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('refuses malformed bodies, foreign hosts, cross-site origins and non-JSON posts', async () => {
    const base = { method: 'POST', headers: { 'content-type': 'application/json' } };
    const malformed = await send(server.port, '/api/getShellInfo', { ...base, body: '{"args": [' });
    expect(JSON.parse(malformed.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const rebinding = await send(server.port, '/api/getShellInfo', {
      ...base,
      headers: { ...base.headers, host: `evil.example:${server.port}` },
      body: '{"args":[]}',
    });
    expect(rebinding.status).toBe(403);
    const crossSite = await send(server.port, '/api/listProjects', {
      ...base,
      headers: { ...base.headers, origin: 'https://evil.example' },
      body: '{"args":[]}',
    });
    expect(crossSite.status).toBe(403);
    const form = await send(server.port, '/api/listProjects', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"args":[]}',
    });
    expect(JSON.parse(form.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const put = await send(server.port, '/api/listProjects', { ...base, method: 'PUT', body: '{"args":[]}' });
    expect(put.status).toBe(405);
    // A GET under /api/ is a file of the renderer (its source folder renderer/api/), not a call.
    expect((await send(server.port, '/api/listProjects')).body).not.toContain('"ok"');
  });

  it('streams server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}api/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value);
      }
    };
    await readUntil('event: hello');
    server.broadcast('job-progress', { jobId: 'j1', fraction: 0.5 });
    await readUntil('job-progress');
    expect(text).toContain('event: job-progress\ndata: {"jobId":"j1","fraction":0.5}\n\n');
    controller.abort();
  });

  it('falls back to a free port when the requested one is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const takenPort = (blocker.address() as AddressInfo).port;
    const lines: string[] = [];
    const second = await startStudioServer({
      projectsDir: join(root, 'projects'),
      mode: 'prod',
      port: takenPort,
      appRoot: root,
      log: (line) => lines.push(line),
    });
    try {
      expect(second.port).not.toBe(takenPort);
      expect(second.url).toBe(`http://127.0.0.1:${second.port}/`);
      expect(lines.join('\n')).toContain(`Port ${takenPort} is in use`);
    } finally {
      await second.close();
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  });
});

describe('studio options', () => {
  it('reads --port, --projects, --cache, --prod and KEYPOSE_PORT', () => {
    expect(parseStudioArgs([], {})).toEqual({ port: 5183, projectsDir: defaultProjectsDir(), mode: 'dev' });
    expect(parseStudioArgs(['--port', '6000', '--projects', '/tmp/p', '--prod'], {})).toEqual({
      port: 6000,
      projectsDir: '/tmp/p',
      mode: 'prod',
    });
    expect(parseStudioArgs(['--cache', '/tmp/c']).cacheRoot).toBe('/tmp/c');
    expect(parseStudioArgs([], {}).cacheRoot).toBeUndefined();
    expect(parseStudioArgs(['--port=0'], { KEYPOSE_PORT: '7000' }).port).toBe(0);
    expect(parseStudioArgs([], { KEYPOSE_PORT: '7000' }).port).toBe(7000);
    expect(defaultProjectsDir('/home/ann')).toBe('/home/ann/Keypose Projects');
  });

  it('rejects what it does not understand', () => {
    expect(() => parseStudioArgs(['--port', 'abc'], {})).toThrow(/port number/);
    expect(() => parseStudioArgs(['--verbose'], {})).toThrow(/Unknown option/);
    expect(() => parseStudioArgs(['--projects'], {})).toThrow(/needs a value/);
    expect(() => parseStudioArgs(['--cache'], {})).toThrow(/needs a value/);
  });
});
