import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type StartedStudio, startStudio } from './harness.js';

const BAD = join(import.meta.dirname, '..', 'fixtures', 'bad');

let studio: StartedStudio;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  studio = await startStudio();
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await studio?.close();
});

/** Calls the studio API from inside the page, exactly as the renderer's client does. */
function callFromPage(method: string, args: unknown[]): Promise<unknown> {
  return page.evaluate(
    async ({ method, args }) => {
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      });
      return response.json();
    },
    { method, args },
  );
}

describe('studio in Chromium', () => {
  it('serves the renderer page, whose scripts run, with WebGL available', async () => {
    const response = await page.goto(studio.url);
    expect(response?.status()).toBe(200);
    await page.waitForFunction(
      () => (document.getElementById('root')?.childElementCount ?? 0) > 0,
      undefined,
      {
        timeout: 120_000,
      },
    );
    const webgl = await page.evaluate(() => document.createElement('canvas').getContext('webgl2') !== null);
    expect(webgl).toBe(true);
  });

  it('answers getShellInfo', async () => {
    expect(await callFromPage('getShellInfo', [])).toMatchObject({
      ok: true,
      value: { shell: 'studio', projectsDir: studio.projectsDir },
    });
  });

  it('gives a clear error for a truncated project and leaves the file byte-identical', async () => {
    const path = join(studio.projectsDir, 'truncated.keypose');
    await copyFile(join(BAD, 'truncated.keypose'), path);
    const before = await readFile(path);
    const response = (await callFromPage('openProject', [path])) as {
      ok: boolean;
      error: { code: string; message: string; file: string };
    };
    expect(response.ok).toBe(false);
    expect(response.error.code).toBe('corrupt-file');
    expect(response.error.file).toBe(path);
    expect(response.error.message).toMatch(/truncated\.keypose.*truncated or damaged/);
    expect(await readFile(path)).toEqual(before);
    expect(await readdir(studio.projectsDir)).toEqual(['truncated.keypose']);
  });

  it("the renderer's own client (getApi) reports the error as ApiError with code and file", async () => {
    const path = join(studio.projectsDir, 'future.keypose');
    await copyFile(join(BAD, 'future-version.keypose'), path);
    const before = await readFile(path);
    // Vite serves renderer/api/index.ts at /api/index.ts in dev mode: the module the UI imports.
    // The page code is a string so vitest's module transform leaves its import() alone.
    const result = (await page.evaluate(`(async () => {
      const { getApi } = await import('/api/index.ts');
      const api = getApi();
      const info = await api.getShellInfo();
      try {
        await api.openProject(${JSON.stringify(path)});
        return { info, error: null };
      } catch (e) {
        return { info, error: { name: e.name, code: e.code, file: e.file, message: e.message } };
      }
    })()`)) as {
      info: { shell: string };
      error: { name: string; code: string; file: string; message: string } | null;
    };
    expect(result.info.shell).toBe('studio');
    expect(result.error).toMatchObject({ name: 'ApiError', code: 'future-version', file: path });
    expect(result.error?.message).toContain('future.keypose');
    expect(await readFile(path)).toEqual(before);
  });
});
