import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Pose } from '../../core/motion/types.js';
import type { RgbaImage } from '../../core/render/types.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/e2e/chromium.js';
import type { GroundTruthMesh } from './character.js';

/**
 * Ground-truth frames: the skinned character rendered by three.js in Debian's Chromium (headless,
 * WebGL through SwiftShader, flags as the browser tests use). The page and three.js are served
 * from this process through a request route on a made-up origin, so nothing leaves the machine.
 */

/** The character-space rectangle a frame shows, and its size in pixels (1 px = 1 character px). */
export interface TruthView {
  readonly left: number;
  readonly right: number;
  readonly bottom: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface TruthRenderer {
  render(pose: Pose, view: TruthView): Promise<RgbaImage>;
  close(): Promise<void>;
}

const ORIGIN = 'http://ground-truth.invalid';

export async function startTruthRenderer(mesh: GroundTruthMesh, supersample = 3): Promise<TruthRenderer> {
  const threeDir = dirname(createRequire(import.meta.url).resolve('three'));
  const files: Record<string, { body: string | Buffer; type: string }> = {
    '/index.html': {
      type: 'text/html',
      body: `<!doctype html><html><head><script type="importmap">{"imports":{"three":"/three/three.module.js"}}</script>
<script type="module" src="/scene.js"></script></head><body></body></html>`,
    },
    '/scene.js': {
      type: 'text/javascript',
      body: readFileSync(join(import.meta.dirname, 'scene.browser.js')),
    },
    '/three/three.module.js': {
      type: 'text/javascript',
      body: readFileSync(join(threeDir, 'three.module.js')),
    },
    '/three/three.core.js': { type: 'text/javascript', body: readFileSync(join(threeDir, 'three.core.js')) },
  };
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page: Page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      const file = files[path];
      return file
        ? route.fulfill({ status: 200, contentType: file.type, body: file.body })
        : route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(
      () => (globalThis as { groundTruthReady?: boolean }).groundTruthReady === true,
      null,
      {
        timeout: 30_000,
      },
    );
    const spec = {
      ...mesh,
      texture: {
        width: mesh.texture.width,
        height: mesh.texture.height,
        base64: Buffer.from(mesh.texture.data).toString('base64'),
      },
    };
    await page.evaluate((s) => (globalThis as unknown as GtWindow).groundTruth.init(s), spec);
    if (errors.length > 0) throw new Error(`ground-truth page failed: ${errors.join('; ')}`);
    return {
      async render(pose, view) {
        const b64 = await page.evaluate(
          (args) => (globalThis as unknown as GtWindow).groundTruth.render(args),
          { pose, view, ss: supersample },
        );
        if (errors.length > 0) throw new Error(`ground-truth page failed: ${errors.join('; ')}`);
        return { width: view.width, height: view.height, data: new Uint8Array(Buffer.from(b64, 'base64')) };
      },
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

interface GtWindow {
  groundTruth: {
    init(spec: unknown): void;
    render(args: { pose: Pose; view: TruthView; ss: number }): string;
  };
}
