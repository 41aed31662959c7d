import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import sharp from 'sharp';
import type { RgbaImage } from '../../../core/render/types.js';
import type { FigureRender, FigureRenderOptions } from './threeScene.browser.js';

/** Renders three.js humanoids in Debian's headless Chromium (WebGL on SwiftShader). */

export const CHROMIUM_PATH = process.env.KEYPOSE_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface RenderedFigure {
  readonly image: RgbaImage;
  readonly joints: Record<string, [number, number]>;
  readonly topPx: number;
  readonly bottomPx: number;
}

export async function withFigureRenderer<T>(
  body: (render: (opts: FigureRenderOptions) => Promise<RenderedFigure>) => Promise<T>,
): Promise<T> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./threeScene.browser.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: script });
    return await body(async (opts) => {
      const result = await page.evaluate(
        (o) =>
          (
            window as unknown as { renderKeyposeFigure: (o: FigureRenderOptions) => FigureRender }
          ).renderKeyposeFigure(o),
        opts,
      );
      const png = Buffer.from(result.dataUrl.slice(result.dataUrl.indexOf(',') + 1), 'base64');
      const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      return {
        image: { width: info.width, height: info.height, data: new Uint8Array(data) },
        joints: result.joints,
        topPx: result.topPx,
        bottomPx: result.bottomPx,
      };
    });
  } finally {
    await browser.close();
  }
}
