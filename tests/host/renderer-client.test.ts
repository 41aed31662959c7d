import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, apiMethods } from '../../core/contract/api.js';
import type { StudioServer } from '../../host/studio/server.js';
import { createApiClient, createStudioTransport } from '../../renderer/api/client.js';
import { makeDocument } from './fixtures.js';
import { type StudioFixture, startStudioFixture } from './studioFixture.js';

const BAD = join(import.meta.dirname, '..', 'fixtures', 'bad');

let root: string;
let server: StudioServer;
let studio: StudioFixture;

beforeAll(async () => {
  studio = await startStudioFixture({ prefix: 'keypose-client-' });
  ({ root, server } = studio);
});
afterAll(async () => {
  await studio?.close();
});

const studioApi = () => createApiClient(createStudioTransport(server.url, fetch), () => () => undefined);

describe('renderer API client against the studio server', () => {
  it('has every contract method', () => {
    const api = studioApi();
    for (const method of Object.keys(apiMethods))
      expect(typeof api[method as keyof typeof api]).toBe('function');
  });

  it('saves, lists and opens a project with typed results', async () => {
    const api = studioApi();
    const doc = makeDocument({ name: 'Client' });
    const saved = await api.saveProject(doc);
    expect(saved?.path).toBe(join(root, 'projects', 'Client.keypose'));
    expect((await api.listProjects()).map((p) => p.name)).toEqual(['Client']);
    const opened = await api.openProject(saved!.path);
    expect(opened?.document).toEqual(doc);
  });

  it('rejects with ApiError carrying code and file, leaving a bad file untouched', async () => {
    const path = join(root, 'projects', 'truncated.keypose');
    await copyFile(join(BAD, 'truncated.keypose'), path);
    const before = await readFile(path);
    const error = await studioApi()
      .openProject(path)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'corrupt-file', file: path });
    expect((error as ApiError).message).toContain('truncated.keypose');
    expect(await readFile(path)).toEqual(before);
  });

  it('rejects a result that does not match the contract', async () => {
    const api = createApiClient(
      async () => ({ ok: true, value: { shell: 'mainframe', version: 1 } }),
      () => () => undefined,
    );
    await expect(api.getShellInfo()).rejects.toMatchObject({ name: 'ApiError', code: 'internal' });
  });

  it('says clearly when the studio server is gone', async () => {
    const api = createApiClient(createStudioTransport('http://127.0.0.1:1/', fetch), () => () => undefined);
    await expect(api.listProjects()).rejects.toMatchObject({ code: 'io-error', message: /npm run studio/ });
  });
});
