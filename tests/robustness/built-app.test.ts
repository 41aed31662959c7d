import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../host/project/store.js';
import { speak } from '../fixtures/speech/speech.js';
import { ROOT, SAMPLE, tempDir } from './helpers.js';

/**
 * The app as electron-builder packs it (electron-builder.yml `files`): package.json, build/,
 * assets/ and models/ beside the production node_modules, and none of the TypeScript sources.
 * The bundles `npm run build` makes (scripts/build.mjs, here with --out into a folder of that
 * layout) must start every process they need from what is built: the frame worker, the pose and
 * face workers (host/launch/forkEntry.ts falls back to build/worker/) and the lip-sync thread
 * (build/cli/rhubarbThread.mjs). Run through the built `keypose` (build/cli/main.js), which bundles
 * the same host code as Electron's main process.
 */

let app: string;
let work: string;

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, XDG_CACHE_HOME: join(work, 'cache') }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

const builtKeypose = (args: readonly string[]) =>
  run(process.execPath, [join(app, 'build', 'cli', 'main.js'), ...args], work);

beforeAll(async () => {
  const dir = await tempDir('keypose-built-app-');
  app = join(dir, 'app');
  work = join(dir, 'work');
  await mkdir(work, { recursive: true });
  const build = await run(
    process.execPath,
    [join(ROOT, 'scripts', 'build.mjs'), '--skip-renderer', '--out', join(app, 'build')],
    ROOT,
  );
  expect(build.code, build.stderr).toBe(0);
  await copyFile(join(ROOT, 'package.json'), join(app, 'package.json'));
  for (const name of ['node_modules', 'assets', 'models']) await symlink(join(ROOT, name), join(app, name));
  await copyFile(SAMPLE, join(work, 'sample.keypose'));
}, 120_000);

afterAll(async () => {
  if (app) await rm(join(app, '..'), { recursive: true, force: true });
});

describe('the built app, without its sources', () => {
  it('has no TypeScript to fall back on', async () => {
    const top = await readdir(app);
    for (const source of ['host', 'inference', 'core', 'cli']) expect(top).not.toContain(source);
    expect(await readdir(join(app, 'build', 'worker'))).toEqual(
      expect.arrayContaining(['main.js', 'videoWorker.js', 'faceWorker.js']),
    );
  });

  it('renders frames (the frame worker from build/worker/main.js)', async () => {
    const result = await builtKeypose([
      'render',
      'sample.keypose',
      '-o',
      'frames',
      '--format',
      'png',
      '--range',
      '0-1',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(join(work, 'frames'))).filter((f) => f.endsWith('.png'))).toHaveLength(2);
  });

  it('reads people from a video (the pose worker from build/worker/videoWorker.js)', async () => {
    const video = join(ROOT, 'tests', 'fixtures', 'video', 'one-wave.mp4');
    const result = await builtKeypose(['motion', 'from-video', video, '-o', 'wave.json', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { frames: number; people: unknown[] };
    expect(summary.frames).toBeGreaterThan(20);
    expect(summary.people).toHaveLength(1);
  });

  it('reads a face from a video (the face worker from build/worker/faceWorker.js)', async () => {
    // The first half second of the head-turn video: enough for the worker to find the face.
    const clip = join(work, 'face-short.mp4');
    const cut = await run(
      'ffmpeg',
      [
        '-v',
        'error',
        '-i',
        join(ROOT, 'tests', 'fixtures', 'video', 'face-turn.mp4'),
        '-frames:v',
        '12',
        clip,
      ],
      work,
    );
    expect(cut.code, cut.stderr).toBe(0);
    const result = await builtKeypose(['face', 'from-video', clip, '-p', 'sample.keypose', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { videoFrames: number; faces: { seenFrames: number }[] };
    expect(summary.videoFrames).toBe(12);
    expect(summary.faces[0]?.seenFrames).toBeGreaterThan(6);
  });

  it('lip-syncs a voice (the lip-sync thread from build/cli/rhubarbThread.mjs)', async () => {
    const voice = await speak('Hello there, how are you?', { dir: work });
    const lipsync = await builtKeypose(['lipsync', voice.wavPath, '-p', 'sample.keypose', '--json']);
    expect(lipsync.code, lipsync.stderr).toBe(0);
    const mouth = (await loadProject(join(work, 'sample.keypose'))).characters[0]?.faceMotion?.mouth ?? [];
    expect(mouth.length).toBe(JSON.parse(lipsync.stdout).keys);
    // Open shapes were keyed from the speech (A and X alone would be a silent track).
    expect(mouth.some((k) => 'BCDEFGH'.includes(k.shape))).toBe(true);
  });
});
