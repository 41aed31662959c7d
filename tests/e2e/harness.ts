import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page, type Route } from 'playwright-core';
import sharp from 'sharp';
import { startStudioServer } from '../../host/studio/server.js';
// For their declarations of window.__keyposeDebug and window.__keyposeFrames (page.evaluate).
import type {} from '../../renderer/debug.js';
import type {} from '../../renderer/render/frameProbe.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

/**
 * Browser-test helpers: the real studio server (in this process, Vite in middleware mode over
 * renderer/) with a throw-away projects folder, and Debian's Chromium driven by playwright-core.
 */

export interface StartedStudio {
  url: string;
  projectsDir: string;
  /** The studio's frame cache (the server's cacheRoot option): a fresh temporary folder. */
  cacheRoot: string;
  close(): Promise<void>;
}

/**
 * The studio on a throw-away projects folder (unless one is given) and always on caches of its
 * own, never the user's ~/.cache/keypose: frames a test sees or exports are rendered by this run,
 * not found from an earlier one. The frame cache is passed as the server's cacheRoot option;
 * XDG_CACHE_HOME points at the same temporary folder for what else goes to the cache (ffmpeg's
 * logs) and is restored on close, which removes both folders.
 */
export async function startStudio(opts: { projectsDir?: string } = {}): Promise<StartedStudio> {
  const ownsDir = opts.projectsDir === undefined;
  const projectsDir = opts.projectsDir ?? (await mkdtemp(join(tmpdir(), 'keypose-e2e-projects-')));
  const cacheHome = await mkdtemp(join(tmpdir(), 'keypose-e2e-cache-'));
  // Not <cacheHome>/keypose, where XDG_CACHE_HOME alone would put it: the option must be obeyed.
  const cacheRoot = join(cacheHome, 'frames');
  const previousCacheHome = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cacheHome;
  const restore = async () => {
    if (previousCacheHome === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = previousCacheHome;
    await rm(cacheHome, { recursive: true, force: true });
    if (ownsDir) await rm(projectsDir, { recursive: true, force: true });
  };
  let server: Awaited<ReturnType<typeof startStudioServer>>;
  try {
    server = await startStudioServer({
      projectsDir,
      cacheRoot,
      mode: 'dev',
      port: 0,
      portFallback: false,
      hmr: false,
      log: () => undefined,
    });
  } catch (error) {
    await restore();
    throw error;
  }
  return {
    url: server.url,
    projectsDir,
    cacheRoot,
    async close() {
      await server.close();
      await restore();
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

export interface EditorSession {
  studio: StartedStudio;
  browser: Browser;
  page: Page;
  errors: PageErrors;
  /** Closes the browser and the studio (which removes its folders). */
  close(): Promise<void>;
}

/**
 * What a browser test of the editor starts from: the studio (with caches of its own, see
 * startStudio), a Chromium, and a page on the editor with the sample project open.
 */
export async function openEditorSession(
  /** @deprecated Every studio the harness starts has a fresh frame cache now; the option does nothing. */
  _opts: { freshFrameCache?: boolean } = {},
): Promise<EditorSession> {
  let studio: StartedStudio | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await studio?.close();
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

/**
 * Resolves once the page has drawn two more animation frames: the viewport's canvas renders on
 * demand in the frame after a store changes, so after this it shows what the stores hold now.
 * The condition a screenshot waits on, instead of a fixed sleep.
 */
export async function nextPaint(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

/** Waits until the viewport draws the engine's finished frame for `frameIndex`, and it is painted. */
export async function waitForShownFrame(page: Page, frameIndex: number, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(
    (f) => {
      const s = window.__keyposeFrames?.shownFrame();
      return s?.frameIndex === f && s.status === 'ready';
    },
    frameIndex,
    { timeout: timeoutMs },
  );
  await nextPaint(page);
}

/** The viewport canvas as packed RGB (a screenshot of it, alpha removed). */
export async function viewportRgb(page: Page): Promise<Buffer> {
  return sharp(await page.locator('[data-testid=viewport] canvas').screenshot())
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** How many pixels of packed RGB `data` `match`. */
export function countPixels(data: Buffer, match: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let i = 0; i + 2 < data.length; i += 3) if (match(data[i]!, data[i + 1]!, data[i + 2]!)) n++;
  return n;
}

/**
 * Measures until `done` holds for the value, and returns it; fails with the last value after
 * `timeoutMs`. A pixel count waits on this (for the picture it expects) rather than on a sleep,
 * too short on a busy machine and wasted on a quiet one.
 */
export async function until<T>(
  measure: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await measure();
    if (done(value)) return value;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`${what}: not so after ${timeoutMs / 1000} s (last: ${JSON.stringify(value)})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Calls a studio API method as the page does (POST /api/<method> with `{ args }`). */
export async function studioApi<T>(studio: StartedStudio, method: string, ...args: unknown[]): Promise<T> {
  const response = await fetch(`${studio.url}api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ args }),
  });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value as T;
}

export interface FetchedFrame {
  readonly width: number;
  readonly height: number;
  /** Straight RGBA8, as the host cached it. */
  readonly data: Uint8Array;
}

/** A rendered frame's bytes from the studio's frame cache (GET /frames/<key>). */
export async function fetchFrame(studio: StartedStudio, key: string): Promise<FetchedFrame> {
  const response = await fetch(`${studio.url}frames/${encodeURIComponent(key)}`);
  if (response.status !== 200) throw new Error(`frame ${key}: HTTP ${response.status}`);
  return {
    width: Number(response.headers.get('x-frame-width')),
    height: Number(response.headers.get('x-frame-height')),
    data: new Uint8Array(await response.arrayBuffer()),
  };
}

/** Mean absolute difference per channel of two buffers of the same size. */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

/** A frame as the viewport should draw it: over the picture backdrop, resized to the plane on screen. */
export async function expectedOnScreen(
  frame: FetchedFrame,
  size: { width: number; height: number },
): Promise<Buffer> {
  return sharp(Buffer.from(frame.data), { raw: { width: frame.width, height: frame.height, channels: 4 } })
    .flatten({ background: '#3a3a3a' })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** The art plane's pixels on screen (a screenshot clipped to it), RGB, with the clip's size. */
export async function planeOnScreen(page: Page): Promise<{ rgb: Buffer; width: number; height: number }> {
  const rect = await page.evaluate(() => window.__keyposeFrames?.planeScreenRect());
  if (!rect) throw new Error('no art plane on screen');
  const clip = {
    x: Math.round(rect.x),
    y: Math.round(rect.y),
    width: Math.round(rect.width),
    height: Math.round(rect.height),
  };
  const rgb = await sharp(await page.screenshot({ clip }))
    .removeAlpha()
    .raw()
    .toBuffer();
  return { rgb, width: clip.width, height: clip.height };
}

/**
 * File ▸ New from picture through the page's hidden input: accepts the "discard changes?" dialog
 * and waits until the editor holds the new project (named after the file).
 */
export async function newProjectFromPicture(
  page: Page,
  fileName: string,
  png: Buffer,
  timeoutMs = 120_000,
): Promise<void> {
  page.once('dialog', (dialog) => void dialog.accept());
  await page
    .getByTestId('new-project-input')
    .setInputFiles({ name: fileName, mimeType: 'image/png', buffer: png });
  const name = fileName.replace(/\.[^.]+$/, '');
  await page.waitForFunction((n) => window.__keyposeDebug?.getState().document?.name === n, name, {
    timeout: timeoutMs,
  });
}

/** Where the active character's joint named `jointName` is on screen (client CSS pixels). */
export async function jointOnScreen(page: Page, jointName: string): Promise<{ x: number; y: number }> {
  const at = await page.evaluate((name) => {
    const doc = window.__keyposeDebug?.getState().document;
    const id = doc?.characters[0]?.skeleton.joints.find((j) => j.name === name)?.id;
    return id ? (window.__keyposeDebug?.jointScreenPosition(id) ?? null) : null;
  }, jointName);
  if (!at) throw new Error(`${jointName} is not on screen`);
  return at;
}

/**
 * Holds the page's render requests (POST /api/renderFrames) until released: the engine then seems
 * slower than any pointer move, as on a machine where a frame takes longer than a drag lasts, so
 * what a test sees does not depend on the machine's load. `release` lets the held requests (and
 * any later ones) through, or aborts them.
 */
export async function holdRenderRequests(
  page: Page,
): Promise<{ readonly held: () => number; release(how: 'continue' | 'abort'): Promise<void> }> {
  const routes: Route[] = [];
  let holding = true;
  await page.route('**/api/renderFrames', (route) => (holding ? void routes.push(route) : route.continue()));
  return {
    held: () => routes.length,
    async release(how) {
      holding = false;
      for (const route of routes.splice(0)) {
        if (how === 'continue') await route.continue();
        else await route.abort().catch(() => undefined);
      }
      await page.unroute('**/api/renderFrames');
    },
  };
}
