import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../core/contract/api.js';
import {
  listProjects,
  loadProject,
  projectFileName,
  type SaveIo,
  saveProject,
} from '../../host/project/store.js';
import { makeDocument } from './fixtures.js';

const BAD = join(import.meta.dirname, '..', 'fixtures', 'bad');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectApiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('saveProject / loadProject', () => {
  it('round-trips a document', async () => {
    const path = join(dir, 'a.keypose');
    const doc = makeDocument();
    await saveProject(path, doc);
    expect(await loadProject(path)).toEqual(doc);
    expect(await readdir(dir)).toEqual(['a.keypose']);
  });

  it('replaces an existing file and leaves no temporary file behind', async () => {
    const path = join(dir, 'a.keypose');
    await saveProject(path, makeDocument({ name: 'First' }));
    await saveProject(path, makeDocument({ name: 'Second' }));
    expect((await loadProject(path)).name).toBe('Second');
    expect(await readdir(dir)).toEqual(['a.keypose']);
  });

  it('leaves the original byte-identical and removes the temp file when the disk is full', async () => {
    const path = join(dir, 'a.keypose');
    await saveProject(path, makeDocument({ name: 'Original' }));
    const before = await readFile(path);
    const fullDisk: SaveIo = {
      async writeTemp(tempPath, text) {
        // A partial write, then the error a full disk gives.
        await writeFile(tempPath, text.slice(0, 10));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      rename: async () => {
        throw new Error('rename must not run after a failed write');
      },
    };
    const error = await expectApiError(saveProject(path, makeDocument({ name: 'Changed' }), fullDisk));
    expect(error.code).toBe('io-error');
    expect(error.file).toBe(path);
    expect(error.message).toMatch(/disk is full/);
    expect(await readFile(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(['a.keypose']);
  });

  it('reports a permission problem clearly and keeps the original', async () => {
    const path = join(dir, 'a.keypose');
    await saveProject(path, makeDocument());
    const before = await readFile(path);
    const denied: SaveIo = {
      writeTemp: async () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
      rename: async () => undefined,
    };
    const error = await expectApiError(saveProject(path, makeDocument({ name: 'X' }), denied));
    expect(error.message).toMatch(/permission denied/);
    expect(await readFile(path)).toEqual(before);
  });

  it('fails with the file named when the rename fails (target is a folder)', async () => {
    const path = join(dir, 'taken.keypose');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    const error = await expectApiError(saveProject(path, makeDocument()));
    expect(error.file).toBe(path);
    expect((await readdir(dir)).sort()).toEqual(['taken.keypose']);
  });

  it('says which folder is missing', async () => {
    const path = join(dir, 'nope', 'a.keypose');
    const error = await expectApiError(saveProject(path, makeDocument()));
    expect(error.code).toBe('not-found');
    expect(error.message).toContain(join(dir, 'nope'));
  });

  it('reports a missing file as not-found', async () => {
    const error = await expectApiError(loadProject(join(dir, 'missing.keypose')));
    expect(error.code).toBe('not-found');
    expect(error.file).toBe(join(dir, 'missing.keypose'));
  });

  for (const [fixture, code] of [
    ['truncated.keypose', 'corrupt-file'],
    ['future-version.keypose', 'future-version'],
    ['unknown-joint.keypose', 'invalid-project'],
  ] as const) {
    it(`rejects ${fixture} with ${code}, naming the file, without touching it`, async () => {
      const path = join(dir, fixture);
      await copyFile(join(BAD, fixture), path);
      const before = await readFile(path);
      const error = await expectApiError(loadProject(path));
      expect(error.code).toBe(code);
      expect(error.file).toBe(path);
      expect(error.message).toContain(fixture);
      expect(await readFile(path)).toEqual(before);
      expect(await readdir(dir)).toEqual([fixture]);
    });
  }
});

describe('listProjects', () => {
  it('lists .keypose files newest first and ignores other files', async () => {
    await writeFile(join(dir, 'old.keypose'), '{}');
    await writeFile(join(dir, 'new.keypose'), 'not even json');
    await writeFile(join(dir, 'notes.txt'), 'x');
    await mkdir(join(dir, 'folder.keypose'));
    await utimes(join(dir, 'old.keypose'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const entries = await listProjects(dir);
    expect(entries.map((e) => e.name)).toEqual(['new', 'old']);
    expect(entries[0]!.path).toBe(join(dir, 'new.keypose'));
  });

  it('treats a missing folder as empty', async () => {
    expect(await listProjects(join(dir, 'absent'))).toEqual([]);
  });
});

describe('projectFileName', () => {
  it('keeps readable names and removes path characters', () => {
    expect(projectFileName('Walk cycle')).toBe('Walk cycle.keypose');
    expect(projectFileName('../../etc/passwd')).toBe('etc-passwd.keypose');
    expect(projectFileName('a/b\\c:d')).toBe('a-b-c-d.keypose');
    expect(projectFileName('///')).toBe('Untitled.keypose');
  });
});
