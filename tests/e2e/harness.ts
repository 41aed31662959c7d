import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startStudioServer } from '../../host/studio/server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

/**
 * Browser-test helpers: the real studio server (in this process, Vite in middleware mode over
 * renderer/) with a throw-away projects folder, and Debian's Chromium driven by playwright-core.
 */

export interface StartedStudio {
  url: string;
  projectsDir: string;
  close(): Promise<void>;
}

export async function startStudio(opts: { projectsDir?: string } = {}): Promise<StartedStudio> {
  const ownsDir = opts.projectsDir === undefined;
  const projectsDir = opts.projectsDir ?? (await mkdtemp(join(tmpdir(), 'keypose-e2e-projects-')));
  const server = await startStudioServer({
    projectsDir,
    mode: 'dev',
    port: 0,
    portFallback: false,
    hmr: false,
    log: () => undefined,
  });
  return {
    url: server.url,
    projectsDir,
    async close() {
      await server.close();
      if (ownsDir) await rm(projectsDir, { recursive: true, force: true });
    },
  };
}

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** A fresh browser (playwright gives every launch its own temporary user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Where a browser test writes a screenshot: tests/.artifacts/ (ignored by git) so a test run
 * leaves the working tree clean, or docs/ (the README's pictures) when
 * KEYPOSE_UPDATE_SCREENSHOTS=1.
 */
export function screenshotPath(fileName: string): string {
  const root = join(import.meta.dirname, '..', '..');
  const dir = process.env.KEYPOSE_UPDATE_SCREENSHOTS === '1' ? 'docs' : join('tests', '.artifacts');
  mkdirSync(join(root, dir), { recursive: true });
  return join(root, dir, fileName);
}

/** What a page reported: uncaught exceptions, and console errors (these include Content-Security-Policy violations and failed requests). */
export interface PageErrors {
  page: string[];
  console: string[];
}

export function collectErrors(page: Page): PageErrors {
  const errors: PageErrors = { page: [], console: [] };
  page.on('pageerror', (error) => errors.page.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.console.push(message.text());
  });
  return errors;
}

/** Waits until the editor has opened the sample project the studio starts with. */
export async function waitForSampleProject(page: Page): Promise<void> {
  await page.waitForFunction(
    () => window.__keyposeDebug?.getState().document?.name.includes('sample'),
    undefined,
    { timeout: 120_000 },
  );
}

/** A desktop-sized page on the studio, collecting its errors, once the editor shows the sample project. */
export async function openEditor(
  browser: Browser,
  studio: StartedStudio,
): Promise<{ page: Page; errors: PageErrors }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(studio.url);
  await waitForSampleProject(page);
  return { page, errors };
}

/**
 * Points XDG_CACHE_HOME at a fresh folder, so frames are rendered by this run rather than found
 * from an earlier one; call before startStudio(). The returned function restores the variable and
 * removes the folder.
 */
async function freshFrameCache(): Promise<() => Promise<void>> {
  const previousCache = process.env.XDG_CACHE_HOME;
  const cacheDir = await mkdtemp(join(tmpdir(), 'keypose-e2e-cache-'));
  process.env.XDG_CACHE_HOME = cacheDir;
  return async () => {
    if (previousCache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = previousCache;
    await rm(cacheDir, { recursive: true, force: true });
  };
}

export interface EditorSession {
  studio: StartedStudio;
  browser: Browser;
  page: Page;
  errors: PageErrors;
  /** Closes the browser and the studio, and restores the frame cache setting. */
  close(): Promise<void>;
}

/**
 * What a browser test of the editor starts from: the studio (with a frame cache of its own when
 * `freshFrameCache`), a Chromium, and a page on the editor with the sample project open.
 */
export async function openEditorSession(opts: { freshFrameCache?: boolean } = {}): Promise<EditorSession> {
  const restoreCache = opts.freshFrameCache ? await freshFrameCache() : undefined;
  let studio: StartedStudio | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await studio?.close();
    await restoreCache?.();
  };
  try {
    studio = await startStudio();
    browser = await launchChromium();
    const { page, errors } = await openEditor(browser, studio);
    return { studio, browser, page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
