import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressReporter, formatEta, progressLine } from '../../cli/commands/progress.js';
import { loadProject } from '../../host/project/store.js';
import { ffprobe } from '../host/export/helpers.js';
import { humanoidPng } from '../host/jobHelpers.js';
import { BIN, cliEnv, runKeypose } from './runKeypose.js';

/**
 * `keypose rig` then `keypose render`, end to end through the bin launcher (as `npx keypose`
 * runs it): real worker, real ffmpeg; exit codes on bad input and on Ctrl+C.
 */

let dir: string;

/** Runs the CLI; the frame cache goes to the test's folder so runs never share frames. */
const keypose = (args: string[]) => runKeypose(args, dir);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-rig-'));
  await writeFile(join(dir, 'hero.png'), await humanoidPng(192));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose rig + render', () => {
  it('rigs a picture into a project, then renders it to MP4 and BVH', async () => {
    const rig = await keypose(['rig', 'hero.png', '-o', 'hero.keypose', '--frames', '24', '--json']);
    expect(rig.stderr).not.toMatch(/failed unexpectedly/);
    expect(rig.code, rig.stdout + rig.stderr).toBe(0);
    const rigResult = JSON.parse(rig.stdout);
    expect(rigResult).toMatchObject({ ok: true, project: join(dir, 'hero.keypose'), name: 'hero' });
    expect(rigResult.character.joints).toBeGreaterThanOrEqual(16);
    // stderr is not a terminal here: progress comes as plain lines with a percentage and an ETA.
    expect(rig.stderr).toMatch(/\] +\d+% .*ETA/);
    const doc = await loadProject(join(dir, 'hero.keypose'));
    expect(doc.version).toBe(2);
    expect(doc.durationFrames).toBe(24);
    expect(doc.resolution).toEqual({ width: 192, height: 192 });

    const render = await keypose([
      'render',
      'hero.keypose',
      '-o',
      'hero.mp4',
      '--range',
      '0-5',
      '--scale',
      '0.5',
      '--fps',
      '23.976',
      '--ep',
      'cpu',
      '--json',
    ]);
    expect(render.code).toBe(0);
    const out = JSON.parse(render.stdout);
    expect(out).toMatchObject({ ok: true, export: { path: join(dir, 'hero.mp4'), frameCount: 6 } });
    // The execution provider that rendered is reported (here forced to the CPU with --ep).
    expect(out.engine).toMatchObject({ provider: 'cpu' });
    const [video] = (await ffprobe(join(dir, 'hero.mp4'))).streams;
    expect(video).toMatchObject({ codec_name: 'h264', nb_read_frames: '6', r_frame_rate: '24000/1001' });
    expect([video!.width, video!.height]).toEqual([96, 96]);

    const bvh = await keypose(['render', 'hero.keypose', '-o', 'hero.bvh']);
    expect(bvh.code).toBe(0);
    expect(bvh.stdout).toMatch(/Wrote .*hero\.bvh \(bvh, 24 frames\)/);
  });

  it('exits 2 with a clear message on bad input', async () => {
    await writeFile(join(dir, 'broken.png'), (await humanoidPng(64)).subarray(0, 60));
    const corrupt = await keypose(['rig', 'broken.png', '-o', 'broken.keypose', '--json']);
    expect(corrupt.code).toBe(2);
    expect(JSON.parse(corrupt.stdout).error).toMatchObject({
      code: 'corrupt-file',
      file: join(dir, 'broken.png'),
    });
    expect(existsSync(join(dir, 'broken.keypose'))).toBe(false);

    const missing = await keypose(['rig', 'missing.png', '-o', 'x.keypose']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.png: the file does not exist/);

    const notAProject = await keypose(['render', 'hero.png', '-o', 'x.mp4']);
    expect(notAProject.code).toBe(2);
    expect(notAProject.stderr).toMatch(/hero\.png/);

    const usage = await keypose(['render', 'hero.keypose']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: keypose render/);

    const badProvider = await keypose(['render', 'hero.keypose', '-o', 'x.mp4', '--ep', 'tpu']);
    expect(badProvider.code).toBe(2);
    expect(badProvider.stderr).toMatch(/--ep must be one of cpu, cuda, dml, coreml/);

    const badFormat = await keypose(['render', 'hero.keypose', '-o', 'x.avi']);
    expect(badFormat.code).toBe(2);
    const badRange = await keypose(['render', 'hero.keypose', '-o', 'x.mp4', '--range', '10-99']);
    expect(badRange.code).toBe(2);
    expect(badRange.stderr).toMatch(/past the project's last frame 23/);
  });

  it('exits 130 on Ctrl+C and leaves no partial file', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'render', 'hero.keypose', '-o', 'long.mov', '--format', 'prores'],
      {
        cwd: dir,
        env: cliEnv(dir),
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Interrupt once frames are being encoded (the file is being written under a temporary name).
      if (/encoding \d+\/24/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toMatch(/cancelled; nothing was written/);
    expect(code).toBe(130);
    expect(existsSync(join(dir, 'long.mov'))).toBe(false);
    expect((await readdir(dir)).filter((n) => n.includes('partial'))).toEqual([]);
  });
});

describe('progress output', () => {
  it('draws one line in place on a terminal and plain lines elsewhere', () => {
    expect(formatEta(null)).toBe('--:--');
    expect(formatEta(75.4)).toBe('01:15');
    expect(formatEta(3725)).toBe('1:02:05');
    expect(progressLine({ fraction: 0.5, stage: 'encoding', etaSec: 12, detail: '12/24 frames' })).toBe(
      '[############------------]  50% encoding 12/24 frames  ETA 00:12',
    );
    const tty: string[] = [];
    const bar = createProgressReporter((t) => tty.push(t), true);
    bar.update({ fraction: 0.1, stage: 'rendering', etaSec: null });
    bar.update({ fraction: 0.2, stage: 'encoding', etaSec: 3 });
    bar.finish();
    expect(tty.every((t) => !t.includes('\n'))).toBe(true);
    expect(tty[1]!.startsWith('\r[#####')).toBe(true);

    let clock = 0;
    const log: string[] = [];
    const lines = createProgressReporter(
      (t) => log.push(t),
      false,
      () => clock,
    );
    for (let i = 1; i <= 100; i++) {
      clock += 10;
      lines.update({ fraction: i / 100, stage: 'encoding', etaSec: 1 });
    }
    // Every 10% (time alone would allow one line per 2 s), each its own line, and the end.
    expect(log.length).toBe(11);
    expect(log.every((t) => t.endsWith('\n'))).toBe(true);
  });
});
