import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../core/contract/api.js';
import { importAndRigCharacter } from '../../host/api/characterServices.js';
import { PathAccess } from '../../host/paths.js';
import { type StudioServer, startStudioServer } from '../../host/studio/server.js';
import { type StudioFixture, startStudioFixture } from '../host/studioFixture.js';
import { expectUnchanged, type Fingerprint, fingerprint, SAMPLE, tempDir } from './helpers.js';

/**
 * The studio server against every request shape it can get (item 5: one request used to kill it)
 * and against paths that try to leave the projects folder (item 6: links inside it pointing out).
 * After each, the server still answers, and nothing outside (or inside) the folder changed.
 */

let fx: StudioFixture;
let outside: string;
let outsideBefore: Fingerprint;
let projects: string;

/** Sends raw bytes and returns the status line of the answer. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolvePromise(answer.split('\r\n')[0] ?? ''));
    socket.write(request);
    setTimeout(() => socket.end(), 500);
  });
}

async function api(
  method: string,
  args: unknown,
  init: RequestInit = {},
): Promise<{ status: number; body: ApiResponse<unknown> }> {
  const res = await fetch(`${fx.server.url}api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ args }),
    ...init,
  });
  return { status: res.status, body: (await res.json()) as ApiResponse<unknown> };
}

async function expectAlive(): Promise<void> {
  const { status, body } = await api('getShellInfo', []);
  expect(status).toBe(200);
  expect(body.ok).toBe(true);
}

const host = () => `127.0.0.1:${fx.server.port}`;

beforeAll(async () => {
  outside = await tempDir('outside');
  await writeFile(join(outside, 'secret.keypose'), await readFile(SAMPLE));
  await writeFile(join(outside, 'secret.png'), 'not for the studio');
  await mkdir(join(outside, 'folder'));
  outsideBefore = await fingerprint(outside);
  fx = await startStudioFixture({
    prefix: 'keypose-robust-server-',
    prepare: async (root) => {
      const p = join(root, 'projects');
      await mkdir(p);
      await writeFile(join(p, 'mine.keypose'), await readFile(SAMPLE));
      await symlink(join(outside, 'secret.keypose'), join(p, 'link-out.keypose'));
      await symlink(join(outside, 'folder'), join(p, 'dir-out'));
      await symlink(join(outside, 'secret.png'), join(p, 'bg-out.png'));
      await symlink('mine.keypose', join(p, 'link-in.keypose'));
    },
  });
  projects = fx.server.projectsDir;
});

afterAll(async () => {
  await fx.close();
  await expectUnchanged(outside, outsideBefore);
  execFileSync('rm', ['-rf', outside]);
});

describe('the studio survives any request', () => {
  it('GET http://[/ (an unparsable URL before the Host check): 400', async () => {
    expect(await raw(fx.server.port, `GET http://[/ HTTP/1.1\r\nHost: ${host()}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 400/,
    );
    await expectAlive();
  });

  it('POST /api/%E0%A4%A (bad percent-encoding): 400', async () => {
    expect(
      await raw(
        fx.server.port,
        `POST /api/%E0%A4%A HTTP/1.1\r\nHost: ${host()}\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`,
      ),
    ).toMatch(/^HTTP\/1\.1 400/);
    await expectAlive();
  });

  it('a request line that is not HTTP, and a NUL in the path: 400', async () => {
    expect(await raw(fx.server.port, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(fx.server.port, `GET /index.html%00.js HTTP/1.1\r\nHost: ${host()}\r\n\r\n`)).toMatch(
      / 400/,
    );
    await expectAlive();
  });

  it('headers larger than Node accepts: 431, and the server goes on', async () => {
    const big = `GET / HTTP/1.1\r\nHost: ${host()}\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`;
    expect(await raw(fx.server.port, big)).toMatch(/^HTTP\/1\.1 431/);
    await expectAlive();
  });

  it('a client that disconnects halfway through its body', async () => {
    await raw(
      fx.server.port,
      `POST /api/saveProject HTTP/1.1\r\nHost: ${host()}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"args": [`,
    );
    await expectAlive();
  });

  it('bodies that are not what the API takes: a clear invalid-argument each', async () => {
    const shapes: [string, RequestInit][] = [
      ['not JSON', { body: '{"args": [' }],
      ['a string', { body: '"x"' }],
      ['null', { body: 'null' }],
      ['args not an array', { body: '{"args": {"0": 1}}' }],
      ['nested 100000 deep', { body: `{"args": [${'['.repeat(100_000)}${']'.repeat(100_000)}]}` }],
      ['wrong content type', { body: '{}', headers: { 'content-type': 'text/plain' } }],
    ];
    for (const [what, init] of shapes) {
      const { body } = await api('openProject', undefined, init);
      expect(body.ok, what).toBe(false);
      if (!body.ok) expect(body.error.code, what).toBe('invalid-argument');
    }
    await expectAlive();
  });

  it('an unknown method is a 404 naming it; GET on /api/x belongs to the renderer', async () => {
    const { status, body } = await api('rm -rf', []);
    expect(status).toBe(404);
    expect(!body.ok && body.error.message).toMatch(/Unknown API method "rm -rf"/);
    const frame = await fetch(`${fx.server.url}frames/..%2F..%2Fetc%2Fpasswd`);
    expect(frame.status).toBe(404);
    expect(await frame.text()).not.toMatch(/root:/);
  });

  it('a 404 or a missing build never shows an absolute path', async () => {
    const res = await fetch(`${fx.server.url}no/such/file.js`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(fx.root);
  });

  it('a handler that throws, synchronously or later, answers 500 and the server lives on', async () => {
    const dir = await tempDir('server-throws');
    const throwing = new Proxy(
      {},
      {
        get: (_t, name) =>
          name === 'getShellInfo'
            ? () => {
                throw new TypeError('sync bug');
              }
            : () => Promise.reject(new Error('async bug')),
      },
    ) as Parameters<typeof startStudioServer>[0]['services'];
    await mkdir(join(dir, 'build', 'renderer'), { recursive: true });
    const server: StudioServer = await startStudioServer({
      projectsDir: join(dir, 'projects'),
      mode: 'prod',
      port: 0,
      appRoot: dir,
      services: throwing!,
      log: () => undefined,
    });
    try {
      for (const method of ['getShellInfo', 'listProjects']) {
        const res = await fetch(`${server.url}api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"args": []}',
        });
        const body = (await res.json()) as ApiResponse<unknown>;
        expect(body.ok).toBe(false);
        if (!body.ok) expect(body.error.message).toMatch(/bug/);
      }
      // Still serving: a missing build is a 503 without a path in it.
      const res = await fetch(server.url);
      expect(res.status).toBe(503);
      expect(await res.text()).not.toContain(dir);
    } finally {
      await server.close();
      execFileSync('rm', ['-rf', dir]);
    }
  });
});

describe('paths cannot leave the projects folder, links included', () => {
  const refused = async (method: string, args: unknown[], pattern = /outside the projects folder/) => {
    const { body } = await api(method, args);
    expect(body.ok, `${method} ${JSON.stringify(args).slice(0, 80)}`).toBe(false);
    if (!body.ok) {
      expect(body.error.code).toBe('invalid-argument');
      expect(body.error.message).toMatch(pattern);
    }
  };

  it('open: "..", an absolute path, a link to a file outside', async () => {
    await refused('openProject', ['../../outside.keypose']);
    await refused('openProject', [join(outside, 'secret.keypose')]);
    await refused('openProject', ['link-out.keypose']);
    await refused('openProject', ['dir-out/any.keypose']);
  });

  it('save: through a link to a folder outside, and over a link to a file outside', async () => {
    const doc = JSON.parse(await readFile(SAMPLE, 'utf8'));
    await refused('saveProject', [doc, 'dir-out/new.keypose']);
    await refused('saveProject', [doc, 'link-out.keypose']);
  });

  it('import and export: a picture, a background and a destination through links', async () => {
    const doc = JSON.parse(await readFile(SAMPLE, 'utf8'));
    // An import is a job: the refusal comes before anything is decoded or sent to the worker.
    const access = new PathAccess(`the projects folder ${projects}`, projects);
    access.allowFolder(projects);
    const supervisor = { post: () => undefined, watch: () => () => undefined } as never;
    const error = await importAndRigCharacter(supervisor, { path: 'bg-out.png' }, { access }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/bg-out\.png \(a link to .*secret\.png\) is outside/);
    await refused('exportProject', [{ document: doc, presetId: 'bvh', outPath: 'dir-out/motion.bvh' }]);
    await refused('exportProject', [
      { document: doc, presetId: 'mp4-h264', background: 'bg-out.png', range: { start: 0, end: 0 } },
    ]);
  });

  it('saving over a link to a project inside the folder keeps the link and writes its target', async () => {
    const doc = JSON.parse(await readFile(SAMPLE, 'utf8'));
    doc.name = 'Saved through a link';
    const { body } = await api('saveProject', [doc, 'link-in.keypose']);
    expect(body.ok).toBe(true);
    expect(await readlink(join(projects, 'link-in.keypose'))).toBe('mine.keypose');
    expect(JSON.parse(await readFile(join(projects, 'mine.keypose'), 'utf8')).name).toBe(
      'Saved through a link',
    );
  });

  it('export: an existing file needs overwrite, a project is never a destination', async () => {
    const doc = JSON.parse(await readFile(SAMPLE, 'utf8'));
    await writeFile(join(projects, 'old.bvh'), 'previous');
    const exists = await api('exportProject', [{ document: doc, presetId: 'bvh', outPath: 'old.bvh' }]);
    expect(!exists.body.ok && exists.body.error.code).toBe('already-exists');
    const project = await api('exportProject', [
      { document: doc, presetId: 'bvh', outPath: 'mine.keypose', overwrite: true },
    ]);
    expect(!project.body.ok && project.body.error.message).toMatch(/never writes a \.keypose file/);
    const disguised = await api('exportProject', [
      { document: doc, presetId: 'gif', outPath: 'link-in.keypose', overwrite: true },
    ]);
    expect(disguised.body.ok).toBe(false);
    expect(await readFile(join(projects, 'old.bvh'), 'utf8')).toBe('previous');
  });
});
