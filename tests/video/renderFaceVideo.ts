import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

/**
 * Test videos for the face performance from a video (issue 13): a three.js head in close-up
 * (tests/video/facePage.js), turned by known yaw/pitch/roll, blinking, opening its jaw, raising its
 * brows, rendered frame by frame in Debian's headless Chromium (SwiftShader WebGL) and encoded with
 * the project's ffmpeg (H.264, yuv420p), with the truth per frame written beside it:
 *   tests/fixtures/video/face-turn.mp4 + face-turn.truth.json (scripts/make-face-video.ts)
 * Angles are radians, three.js Euler order YXZ in character-space axes (x right, y up, z towards
 * the camera): yaw about y (+: the face turns to the picture's right), pitch about x (+: the face
 * tips down), roll about z (+: the top of the head tips to the picture's left).
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

export interface HeadPose {
  readonly yawRad: number;
  readonly pitchRad: number;
  readonly rollRad: number;
}

export interface FaceState {
  readonly blinkL: number;
  readonly blinkR: number;
  readonly jawOpen: number;
  readonly browRaise: number;
  readonly smile: number;
  /** Pupils to the person's left (+) and up (+), the parameters' units (core/face/params.ts); 0 when absent. */
  readonly gazeX?: number;
  readonly gazeY?: number;
}

export interface FaceTruthFrame extends HeadPose, FaceState {}

/** Projected feature points of a rendered face, pixels (x right, y down); sides are the person's. */
export type FaceLandmarks = Record<
  'eyeLeft' | 'eyeRight' | 'mouthLeft' | 'mouthRight' | 'mouthUpper' | 'mouthLower' | 'nose' | 'chin',
  [number, number]
>;

export interface FaceVideoSpec {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly fps: number;
  readonly durationSec: number;
  /** Pose and face at a time in seconds. */
  readonly at: (timeSec: number) => FaceTruthFrame;
}

export interface FaceVideoTruth {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  readonly frames: readonly FaceTruthFrame[];
}

const CAMERA = { fovDeg: 30, position: [0, -0.03, 0.72] as const, target: [0, -0.04, 0] as const };
const BACKGROUND = '#c9d3dc';

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(HERE, 'facePage.js')],
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

/** A page that renders faces; `render` gives a PNG per pose. */
export async function openFaceRenderer(
  widthPx: number,
  heightPx: number,
): Promise<{
  render(pose: HeadPose, face: FaceState): Promise<Buffer>;
  /** The frame and where its features are (pixels): eyes, mouth corners and edges, nose, chin. */
  renderWithLandmarks(pose: HeadPose, face: FaceState): Promise<{ png: Buffer; landmarks: FaceLandmarks }>;
  close(): Promise<void>;
}> {
  const program = await bundlePage();
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
  await page.addScriptTag({ content: program });
  const renderWithLandmarks = async (pose: HeadPose, face: FaceState) => {
    const r = await page.evaluate(
      (o) =>
        (
          globalThis as unknown as { renderFace(o: unknown): { png: string; landmarks: FaceLandmarks } }
        ).renderFace(o),
      { widthPx, heightPx, background: BACKGROUND, camera: CAMERA, pose, face },
    );
    if (errors.length) throw new Error(`rendering failed in Chromium: ${errors.join('; ')}`);
    return { png: Buffer.from(r.png.slice(r.png.indexOf(',') + 1), 'base64'), landmarks: r.landmarks };
  };
  return {
    async render(pose, face) {
      return (await renderWithLandmarks(pose, face)).png;
    },
    renderWithLandmarks,
    close: () => browser.close(),
  };
}

/** Renders `spec` to an H.264 .mp4 at `outPath` and returns the truth. */
export async function renderFaceVideo(spec: FaceVideoSpec, outPath: string): Promise<FaceVideoTruth> {
  const renderer = await openFaceRenderer(spec.widthPx, spec.heightPx);
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
      '24',
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
  const frames: FaceTruthFrame[] = [];
  const frameCount = Math.round(spec.durationSec * spec.fps);
  try {
    for (let i = 0; i < frameCount; i++) {
      const state = spec.at(i / spec.fps);
      const png = await renderer.render(state, state);
      if (!encoder.stdin.write(png)) await new Promise((ok) => encoder.stdin.once('drain', ok));
      const round = (v: number) => Math.round(v * 10000) / 10000;
      frames.push(
        Object.fromEntries(Object.entries(state).map(([k, v]) => [k, round(v)])) as unknown as FaceTruthFrame,
      );
    }
  } finally {
    encoder.stdin.end();
    await renderer.close();
  }
  await encoded;
  return { width: spec.widthPx, height: spec.heightPx, fps: spec.fps, frameCount, frames };
}

const deg = Math.PI / 180;
/** 0 → 1 → 0 over [t0, t1] (a smooth bump). */
function bump(t: number, t0: number, t1: number): number {
  if (t <= t0 || t >= t1) return 0;
  return Math.sin((Math.PI * (t - t0)) / (t1 - t0)) ** 2;
}

/**
 * The committed test video (320x320, 24 fps, 4 s): frontal for 0.4 s (the rest pose), then a
 * yaw of +30° and -30°, a nod of ±15° pitch, a roll of ±15°, and a combined turn; two blinks of
 * both eyes and one wink; the jaw opens three times; the brows rise once.
 */
export function faceTurnAt(t: number): FaceTruthFrame {
  const yaw = 30 * deg * (bump(t, 0.4, 1.2) - bump(t, 1.2, 2.0)) + 20 * deg * bump(t, 3.0, 4.0);
  const pitch = 15 * deg * (bump(t, 2.0, 2.5) - bump(t, 2.5, 3.0)) - 10 * deg * bump(t, 3.0, 4.0);
  const roll = 15 * deg * (bump(t, 1.6, 2.2) - bump(t, 2.2, 2.8)) + 10 * deg * bump(t, 3.0, 4.0);
  const blink = (c: number) => Math.max(0, 1 - Math.abs(t - c) / 0.09);
  const blinkBoth = Math.max(blink(0.9), blink(2.6));
  return {
    yawRad: yaw,
    pitchRad: pitch,
    rollRad: roll,
    blinkL: Math.min(1, blinkBoth + blink(1.8)),
    blinkR: blinkBoth,
    jawOpen: bump(t, 0.5, 1.1) + 0.7 * bump(t, 1.9, 2.4) + bump(t, 3.1, 3.7),
    browRaise: bump(t, 1.0, 1.8),
    smile: 0,
  };
}

/**
 * The held-out test video (320x320, 24 fps, 4 s), made after the face-turn video's settings were
 * chosen and never used to tune them: other turns (yaw -25° then +15°, pitch up 12°, roll -12°),
 * blinks at other times and a wink of the other eye, the jaw open twice, the brows up and then
 * down, a smile, and the eyes looking left, right and up.
 */
export function faceHeldOutAt(t: number): FaceTruthFrame {
  const yaw = -25 * deg * bump(t, 0.5, 1.5) + 15 * deg * bump(t, 2.6, 3.6);
  const pitch = -12 * deg * bump(t, 1.4, 2.2) + 8 * deg * bump(t, 2.8, 3.6);
  const roll = -12 * deg * bump(t, 1.8, 2.8);
  const blink = (c: number) => Math.max(0, 1 - Math.abs(t - c) / 0.09);
  const blinkBoth = Math.max(blink(0.6), blink(3.2));
  return {
    yawRad: yaw,
    pitchRad: pitch,
    rollRad: roll,
    blinkL: blinkBoth,
    blinkR: Math.min(1, blinkBoth + blink(2.0)),
    jawOpen: 0.8 * bump(t, 0.9, 1.6) + bump(t, 2.3, 3.0),
    browRaise: bump(t, 0.5, 1.3) - 0.8 * bump(t, 2.4, 3.2),
    smile: bump(t, 1.5, 2.5),
    gazeX: 0.9 * (bump(t, 0.2, 0.9) - bump(t, 1.2, 1.9)),
    gazeY: 0.8 * bump(t, 3.0, 3.8),
  };
}

export const FACE_TEST_VIDEOS: Record<string, FaceVideoSpec> = {
  'face-turn': { widthPx: 320, heightPx: 320, fps: 24, durationSec: 4, at: faceTurnAt },
  'face-heldout': { widthPx: 320, heightPx: 320, fps: 24, durationSec: 4, at: faceHeldOutAt },
};
