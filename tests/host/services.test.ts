import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiMethods, openedProjectSchema } from '../../core/contract/api.js';
import { callApi, createServices } from '../../host/api/services.js';
import { makeDocument } from './fixtures.js';

const BAD = join(import.meta.dirname, '..', 'fixtures', 'bad');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-services-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const studio = () =>
  createServices({ shell: 'studio', projectsDir: dir, confineToProjectsDir: true, version: '9.9.9' });

describe('host services', () => {
  it('implements every method of the contract', () => {
    expect(Object.keys(studio()).sort()).toEqual(Object.keys(apiMethods).sort());
  });

  it('answers getShellInfo', async () => {
    expect(await callApi(studio(), 'getShellInfo', [])).toEqual({
      ok: true,
      value: { shell: 'studio', version: '9.9.9', projectsDir: dir },
    });
  });

  it('saves a new project under the projects folder, then lists and reopens it', async () => {
    const services = studio();
    const doc = makeDocument({ name: 'Walk' });
    const saved = await callApi(services, 'saveProject', [doc]);
    expect(saved).toEqual({ ok: true, value: { path: join(dir, 'Walk.keypose') } });
    const listed = await callApi(services, 'listProjects', []);
    expect(listed.ok && (listed.value as { name: string }[]).map((p) => p.name)).toEqual(['Walk']);
    const opened = await callApi(services, 'openProject', ['Walk.keypose']);
    expect(opened.ok).toBe(true);
    const value = openedProjectSchema.parse(opened.ok ? opened.value : null);
    expect(value.path).toBe(join(dir, 'Walk.keypose'));
    expect(value.document).toEqual(doc);
  });

  it('saving the same project again reuses its file; another project with the same name gets a new one', async () => {
    const services = studio();
    await services.saveProject(makeDocument({ id: 'prj_a', name: 'Walk' }));
    expect(await services.saveProject(makeDocument({ id: 'prj_a', name: 'Walk' }))).toEqual({
      path: join(dir, 'Walk.keypose'),
    });
    expect(await services.saveProject(makeDocument({ id: 'prj_b', name: 'Walk' }))).toEqual({
      path: join(dir, 'Walk 2.keypose'),
    });
    expect((await readdir(dir)).sort()).toEqual(['Walk 2.keypose', 'Walk.keypose']);
  });

  it('never overwrites a corrupt file that happens to have the new name', async () => {
    await copyFile(join(BAD, 'truncated.keypose'), join(dir, 'Fixture.keypose'));
    const before = await readFile(join(dir, 'Fixture.keypose'));
    const result = await studio().saveProject(makeDocument({ name: 'Fixture' }));
    expect(result).toEqual({ path: join(dir, 'Fixture 2.keypose') });
    expect(await readFile(join(dir, 'Fixture.keypose'))).toEqual(before);
  });

  it('maps a bad project to error data with code and file', async () => {
    await copyFile(join(BAD, 'future-version.keypose'), join(dir, 'future.keypose'));
    const response = await callApi(studio(), 'openProject', [join(dir, 'future.keypose')]);
    expect(response).toMatchObject({
      ok: false,
      error: { code: 'future-version', file: join(dir, 'future.keypose') },
    });
  });

  it('confines the studio to its projects folder', async () => {
    for (const path of ['/etc/passwd', '../outside.keypose', dir]) {
      const response = await callApi(studio(), 'openProject', [path]);
      expect(response).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
    const save = await callApi(studio(), 'saveProject', [makeDocument(), join(dir, 'x.json')]);
    expect(save).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('lets the Electron shell open any path it is given', async () => {
    const services = createServices({ shell: 'electron', projectsDir: null, confineToProjectsDir: false });
    await services.saveProject(makeDocument(), join(dir, 'elsewhere.keypose'));
    const opened = await services.openProject(join(dir, 'elsewhere.keypose'));
    expect(opened?.path).toBe(join(dir, 'elsewhere.keypose'));
    await expect(services.saveProject(makeDocument())).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('validates arguments where they are received', async () => {
    const services = studio();
    expect(await callApi(services, 'openProject', [42])).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await callApi(services, 'saveProject', [{ format: 'keypose-project' }])).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await callApi(services, 'getShellInfo', 'not an array')).toMatchObject({ ok: false });
    expect(await callApi(services, 'constructor', [])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await callApi(services, 'deleteEverything', [])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a missing sample as not-found', async () => {
    const services = createServices({
      shell: 'studio',
      projectsDir: dir,
      confineToProjectsDir: true,
      samplePath: null,
    });
    expect(await callApi(services, 'openSample', [])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('turns unexpected exceptions into internal errors instead of crashing', async () => {
    const services = { ...studio(), listProjects: async () => Promise.reject(new TypeError('boom')) };
    expect(await callApi(services, 'listProjects', [])).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Internal error: boom' },
    });
  });
});
