import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { type FigureSpec, type FigureState, figureAt, type Vec3 } from './figureMotions.js';

/**
 * Test videos for motion from video (issue 11): three.js figures with skin, clothes and faces,
 * rendered frame by frame in Debian's headless Chromium (SwiftShader WebGL), encoded with the
 * project's ffmpeg (H.264, yuv420p), with their TRUE joints written beside them:
 *   tests/fixtures/video/<name>.mp4 + <name>.truth.json (scripts/make-pose-videos.ts writes them)
 * one person waving, one jumping, one walking, one nodding (the head's own turn in the truth), and
 * two people walking past each other (the near one hides the far one while they cross). The truth
 * has per frame and person the world joints (metres, y up, x right, z towards the camera), the
 * joints projected to pixels, the figure's standing height in pixels at its depth (the unit of the
 * 2D tolerance), and the head's own turn where the motion has one.
 * The bench (bench/videoMotion.bench.ts) renders longer and larger ones with the same code.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface VideoSpec {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly fps: number;
  readonly durationSec: number;
  readonly figures: readonly FigureSpec[];
  readonly background?: string;
}

export interface VideoTruthFrame {
  readonly people: readonly {
    readonly id: number;
    readonly joints3d: Record<string, Vec3>;
    readonly joints2d: Record<string, [number, number]>;
    readonly figureHeightPx: number;
    /** The head's own turn relative to the body (FigureState.head), where the motion has one. */
    readonly head?: FigureState['head'];
  }[];
}

export interface VideoTruth {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  readonly camera: { fovDeg: number; position: Vec3; target: Vec3 };
  readonly figures: readonly FigureSpec[];
  readonly frames: readonly VideoTruthFrame[];
}

const CAMERA = { fovDeg: 32, position: [0, 1.0, 5] as Vec3, target: [0, 0.9, 0] as Vec3 };

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(HERE, 'figurePage.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    minify: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function ffmpegPath(): string {
  return (
    process.env.FFMPEG_PATH ??
    (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path
  );
}

/** Renders `spec` to an H.264 .mp4 at `outPath` and returns the truth. */
export async function renderFigureVideo(spec: VideoSpec, outPath: string): Promise<VideoTruth> {
  const program = await bundlePage();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const encoder = spawn(
    ffmpegPath(),
    [
      '-y',
      '-loglevel',
      'error',
      '-f',
      'image2pipe',
      '-framerate',
      String(spec.fps),
      '-c:v',
      'png',
      '-i',
      'pipe:0',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '26',
      '-pix_fmt',
      'yuv420p',
      '-movflags',
      '+faststart',
      outPath,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let encoderErr = '';
  encoder.stderr.on('data', (d: Buffer) => {
    encoderErr += d.toString();
  });
  const encoded = new Promise<void>((ok, fail) => {
    encoder.on('error', fail);
    encoder.on('close', (code) =>
      code === 0 ? ok() : fail(new Error(`ffmpeg exited ${code}: ${encoderErr.slice(-500)}`)),
    );
  });
  const frames: VideoTruthFrame[] = [];
  const frameCount = Math.round(spec.durationSec * spec.fps);
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
    await page.addScriptTag({ content: program });
    for (let i = 0; i < frameCount; i++) {
      const timeSec = i / spec.fps;
      const states: FigureState[] = spec.figures.map((f) => figureAt(f, timeSec, spec.durationSec));
      const r = await page.evaluate(
        (o) =>
          (
            globalThis as unknown as {
              renderFigures(o: unknown): {
                png: string;
                projected: { joints: Record<string, [number, number]>; figureHeightPx: number }[];
              };
            }
          ).renderFigures(o),
        {
          widthPx: spec.widthPx,
          heightPx: spec.heightPx,
          background: spec.background ?? '#dfe4ea',
          camera: CAMERA,
          figures: states.map((s, k) => ({ ...s, palette: k })),
        },
      );
      if (errors.length) throw new Error(`rendering failed in Chromium: ${errors.join('; ')}`);
      const png = Buffer.from(r.png.slice(r.png.indexOf(',') + 1), 'base64');
      if (!encoder.stdin.write(png)) await new Promise((ok) => encoder.stdin.once('drain', ok));
      const round = (v: number) => Math.round(v * 1000) / 1000;
      frames.push({
        people: states.map((s, k) => ({
          id: k,
          joints3d: Object.fromEntries(Object.entries(s.joints).map(([n, p]) => [n, p.map(round) as Vec3])),
          joints2d: Object.fromEntries(
            Object.entries(r.projected[k]!.joints).map(([n, p]) => [n, [round(p[0]), round(p[1])]]),
          ),
          figureHeightPx: round(r.projected[k]!.figureHeightPx),
          ...(s.head
            ? {
                head: {
                  pitchRad: round(s.head.pitchRad),
                  yawRad: round(s.head.yawRad),
                  rollRad: round(s.head.rollRad),
                },
              }
            : {}),
        })),
      });
    }
  } finally {
    encoder.stdin.end();
    await browser.close();
  }
  await encoded;
  return {
    width: spec.widthPx,
    height: spec.heightPx,
    fps: spec.fps,
    frameCount,
    camera: CAMERA,
    figures: spec.figures,
    frames,
  };
}

const deg = Math.PI / 180;

/** The committed test videos: small (640x360, 24 fps, 2.5 s) so the suite stays quick. */
export const TEST_VIDEOS: Record<string, VideoSpec> = {
  'one-wave': {
    widthPx: 640,
    heightPx: 360,
    fps: 24,
    durationSec: 2.5,
    figures: [{ motion: 'wave', heightM: 1.75, from: [0, 0], to: [0, 0], yawRad: 0 }],
  },
  'one-jump': {
    widthPx: 640,
    heightPx: 360,
    fps: 24,
    durationSec: 2.5,
    figures: [{ motion: 'jump', heightM: 1.75, from: [0, 0], to: [0, 0], yawRad: 0 }],
  },
  'one-walk': {
    widthPx: 640,
    heightPx: 360,
    fps: 24,
    durationSec: 2.5,
    figures: [{ motion: 'walk', heightM: 1.75, from: [-1.4, 0], to: [1.4, 0.3], yawRad: 40 * deg }],
  },
  // Nearer the camera (3.5 m; the figure ~310 px tall, its head ~40 px): the head's own nod,
  // turn and tilt on a still body.
  'one-nod': {
    widthPx: 640,
    heightPx: 360,
    fps: 24,
    durationSec: 2.5,
    figures: [{ motion: 'nod', heightM: 1.75, from: [0, 1.5], to: [0, 1.5], yawRad: 0 }],
  },
  'two-crossing': {
    widthPx: 640,
    heightPx: 360,
    fps: 24,
    durationSec: 3,
    figures: [
      { motion: 'walk', heightM: 1.75, from: [-1.8, 0.5], to: [1.8, 0.5], yawRad: 35 * deg },
      {
        motion: 'walk',
        heightM: 1.65,
        from: [1.8, -0.6],
        to: [-1.8, -0.6],
        yawRad: -35 * deg,
        phaseSec: 0.3,
      },
    ],
  },
};
