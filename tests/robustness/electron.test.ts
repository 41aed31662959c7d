import { execFileSync } from 'node:child_process';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../core/contract/api.js';
import { withDialogs } from '../../electron/dialogs.js';
import { createServices } from '../../host/api/services.js';
import { PathAccess } from '../../host/paths.js';
import { expectUnchanged, type Fingerprint, fingerprint, SAMPLE, tempDir } from './helpers.js';

/**
 * Electron's main process used to read and write any path a page named (item 6). Now the page may
 * only name files the user chose in a dialog; everything else is refused, links included.
 */

let dir: string;
let before: Fingerprint;

beforeAll(async () => {
  dir = await tempDir('electron');
  await writeFile(join(dir, 'chosen.keypose'), await readFile(SAMPLE));
  await writeFile(join(dir, 'other.keypose'), await readFile(SAMPLE));
  await writeFile(join(dir, '.bashrc'), 'a file the app was never shown');
  await symlink(join(dir, '.bashrc'), join(dir, 'innocent.keypose'));
  await symlink(join(dir, 'other.keypose'), join(dir, 'motion.bvh'));
  before = await fingerprint(dir);
});
afterAll(() => {
  execFileSync('rm', ['-rf', dir]);
});

function electronServices(choose: { open?: string; save?: string; exportTo?: string } = {}) {
  const access = new PathAccess("the files you chose in Keypose's dialogs");
  const services = createServices({
    shell: 'electron',
    projectsDir: null,
    confineToProjectsDir: false,
    access,
  });
  return withDialogs(
    services,
    {
      chooseProjectToOpen: async () => choose.open ?? null,
      chooseSaveLocation: async () => choose.save ?? null,
      chooseExportLocation: async () => choose.exportTo ?? null,
    },
    (chosen) => access.allowFile(chosen),
  );
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe('invalid-argument');
  expect((error as ApiError).message).toMatch(/outside the files you chose in Keypose's dialogs/);
};

describe('Electron: only what the user chose', () => {
  it('a path the page names itself is refused, a link to a hidden file too', async () => {
    const services = electronServices();
    await refusal(services.openProject(join(dir, 'other.keypose')));
    await refusal(services.openProject(join(dir, 'innocent.keypose')));
    const doc = (await services.openSample()).document;
    await refusal(services.saveProject(doc, join(dir, '.bashrc')));
    await refusal(services.exportProject({ document: doc, presetId: 'bvh', outPath: join(dir, 'x.bvh') }));
    await expectUnchanged(dir, before);
  });

  it('a file chosen in the open dialog can be opened and saved again; its neighbours cannot', async () => {
    const services = electronServices({ open: join(dir, 'chosen.keypose') });
    const opened = await services.openProject();
    expect(opened?.path).toBe(join(dir, 'chosen.keypose'));
    await services.saveProject({ ...opened!.document, name: 'Saved again' }, opened!.path!);
    expect(JSON.parse(await readFile(join(dir, 'chosen.keypose'), 'utf8')).name).toBe('Saved again');
    await refusal(services.saveProject(opened!.document, join(dir, 'other.keypose')));
    expect(await readFile(join(dir, 'other.keypose'))).toEqual(await readFile(SAMPLE));
  });

  it('an export chosen in the save dialog may replace a file, never a project', async () => {
    // The dialog adds the extension, so a project is reached only through a link.
    const services = electronServices({ exportTo: join(dir, 'motion.bvh') });
    const doc = (await services.openSample()).document;
    const error = await services.exportProject({ document: doc, presetId: 'bvh' }).then(
      () => null,
      (e: unknown) => e as ApiError,
    );
    expect(error?.message).toMatch(/never writes a \.keypose file|is a Keypose project/);
    expect(await readFile(join(dir, 'other.keypose'))).toEqual(await readFile(SAMPLE));
  });
});
