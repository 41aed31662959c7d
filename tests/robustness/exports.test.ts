import { execFileSync } from 'node:child_process';
import { link, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFrameRate } from '../../core/io/frameRate.js';
import type { RgbaImage } from '../../core/render/types.js';
import { runExport } from '../../host/api/exportServices.js';
import { writeFileAtomic } from '../../host/export/atomicWrite.js';
import { checkExportDestination } from '../../host/export/destination.js';
import { ExportError, exportVideo } from '../../host/export/videoExport.js';
import { loadProject, saveProject } from '../../host/project/store.js';
import type { RenderService } from '../../host/render/renderService.js';
import { figureFrames } from '../host/export/helpers.js';
import { skipForMissing } from '../requirements.js';
import {
  expectApiError,
  expectUnchanged,
  type Fingerprint,
  fingerprint,
  keypose,
  mountTmpfs,
  remountReadOnly,
  SAMPLE,
  tempDir,
} from './helpers.js';

/**
 * Where exports and saves write (items 1, 2, 3, 7 and 9): into what they create, verified, never
 * over a project, never deleting; a full or read-only disk is a sentence naming the file, with
 * nothing left at the destination; ffmpeg that makes no progress is stopped.
 */

const FPS = parseFrameRate('24');
let dir: string;

beforeAll(async () => {
  dir = await tempDir('exports');
});
afterAll(() => {
  execFileSync('rm', ['-rf', dir]);
});

/** Noise does not compress: 48 frames of 96x96 PNG are about 1.3 MB. */
async function* noise(count: number, size = 96): AsyncGenerator<RgbaImage> {
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(size * size * 4);
    for (let p = 0; p < data.length; p++) data[p] = (Math.random() * 256) | 0;
    yield { width: size, height: size, data };
  }
}

const clip = (outPath: string, extra: Partial<Parameters<typeof exportVideo>[0]> = {}) =>
  exportVideo({
    frames: figureFrames(48, 48, 3),
    frameCount: 3,
    width: 48,
    height: 48,
    preset: 'png-sequence',
    fps: FPS,
    outPath,
    logDir: join(dir, 'logs'),
    ...extra,
  });

describe('the export destination policy', () => {
  it('item 1: a PNG sequence into a folder with files in it is refused; the folder is untouched', async () => {
    const folder = join(dir, 'd');
    await mkdir(folder);
    await writeFile(join(folder, 'keep.txt'), 'days of work');
    const before = await fingerprint(folder);
    const error = (await clip(folder).catch((e: unknown) => e)) as ExportError;
    expect(error.code).toBe('exists');
    expect(error.message).toMatch(/already has files in it/);
    await expectUnchanged(folder, before);
    expect((await readdir(dir)).filter((n) => n.includes('.partial'))).toEqual([]);
  });

  it('a confirmed export into that folder adds its frames and deletes nothing', async () => {
    const folder = join(dir, 'd');
    const before = await fingerprint(folder);
    await clip(folder, { overwrite: true });
    await expectUnchanged(folder, before, ['d_0000']);
    expect((await readdir(folder)).sort()).toEqual(['d_00000.png', 'd_00001.png', 'd_00002.png', 'keep.txt']);
  });

  it('an existing empty folder is filled', async () => {
    const folder = join(dir, 'empty');
    await mkdir(folder);
    await clip(folder);
    expect((await readdir(folder)).length).toBe(3);
  });

  it('a file where a folder is asked for, and a folder where a file is, are refused even confirmed', async () => {
    await writeFile(join(dir, 'plain-file'), 'x');
    await expectApiError(
      checkExportDestination(join(dir, 'plain-file'), { kind: 'folder', overwrite: true }),
    );
    await mkdir(join(dir, 'a-folder.mp4'));
    const error = await expectApiError(
      checkExportDestination(join(dir, 'a-folder.mp4'), { kind: 'file', overwrite: true }),
    );
    expect(error.message).toMatch(/is a folder/);
  });

  it('item 2: a project is never a destination: by name, by content, through a link, by a hard link', async () => {
    const project = join(dir, 'p.keypose');
    await writeFile(project, await readFile(SAMPLE));
    const renamed = join(dir, 'p-renamed.mov');
    await writeFile(renamed, await readFile(SAMPLE));
    await symlink(project, join(dir, 'link-to-project.mp4'));
    await link(project, join(dir, 'hard-link.bvh'));
    const before = await fingerprint(dir);
    for (const target of [project, renamed, join(dir, 'link-to-project.mp4'), join(dir, 'hard-link.bvh')]) {
      const error = await expectApiError(
        checkExportDestination(target, { kind: 'file', overwrite: true, protect: [project] }),
      );
      expect(error.code, target).toBe('invalid-argument');
      expect(error.message).toMatch(/project|\.keypose file/);
    }
    await expectUnchanged(dir, before);
  });

  it('a BVH over an existing file needs overwrite, and a cancelled one changes nothing', async () => {
    const target = join(dir, 'motion.bvh');
    await writeFile(target, 'earlier motion');
    const doc = await loadProject(SAMPLE);
    const render = {} as RenderService;
    const refused = await expectApiError(runExport(render, { document: doc, presetId: 'bvh' }, target));
    expect(refused.code).toBe('already-exists');
    const cancelled = new AbortController();
    cancelled.abort();
    await expectApiError(
      runExport(render, { document: doc, presetId: 'bvh', overwrite: true }, target, {
        signal: cancelled.signal,
      }),
    );
    expect(await readFile(target, 'utf8')).toBe('earlier motion');
    await runExport(render, { document: doc, presetId: 'bvh', overwrite: true }, target);
    expect(await readFile(target, 'utf8')).toMatch(/^HIERARCHY/);
  });

  it('a background that is not a picture is refused before anything renders (item 7)', async () => {
    await writeFile(join(dir, 'bg.png'), 'hello, not a picture');
    const doc = await loadProject(SAMPLE);
    const error = await expectApiError(
      runExport(
        {} as RenderService,
        { document: doc, presetId: 'mp4-h264', background: join(dir, 'bg.png') },
        join(dir, 'bg.mp4'),
      ),
    );
    expect(error.code).toBe('corrupt-file');
    expect(error.message).toMatch(/bg\.png: it is not a picture Keypose can read; use a PNG, JPEG or WebP/);
  });

  it("a sound that is not audio is refused with a sentence naming it, not ffmpeg's log (item 9)", async () => {
    const doc = await loadProject(SAMPLE);
    const withBadAudio = {
      ...doc,
      audio: {
        fileName: 'voice.wav',
        mime: 'audio/wav' as const,
        dataBase64: Buffer.from('this is not a wave file').toString('base64'),
        startFrame: 0,
      },
    };
    const error = await expectApiError(
      runExport(
        {} as RenderService,
        { document: withBadAudio, presetId: 'mp4-h264' },
        join(dir, 'audio.mp4'),
      ),
    );
    expect(error.code).toBe('corrupt-file');
    expect(error.file).toBe('voice.wav');
    expect(error.message).toMatch(/^The project's sound "voice\.wav" cannot be decoded .*attach it again/);
    expect(error.message).not.toMatch(/keypose-audio-/);
  });
});

describe('a full disk, a read-only disk (tmpfs mounts)', () => {
  it('item 3: a PNG sequence on a full 2 MB disk fails naming the folder, and leaves nothing', async (ctx) => {
    const mount = await mountTmpfs(2048);
    if (!mount) return skipForMissing(ctx, 'a tmpfs mount (root or CAP_SYS_ADMIN)');
    try {
      const out = join(mount.dir, 'seq');
      const error = (await clip(out, {
        frames: noise(48, 160),
        frameCount: 48,
        width: 160,
        height: 160,
      }).catch((e: unknown) => e)) as ExportError;
      expect(error).toBeInstanceOf(ExportError);
      expect(error.message).toContain(out);
      expect(error.message).toMatch(/disk (is|may be) full/);
      expect(await readdir(mount.dir)).toEqual([]);
    } finally {
      await mount.unmount();
    }
  });

  it('a video on a full disk: disk-full, the log named, nothing left', async (ctx) => {
    const mount = await mountTmpfs(1024);
    if (!mount) return skipForMissing(ctx, 'a tmpfs mount (root or CAP_SYS_ADMIN)');
    try {
      const out = join(mount.dir, 'clip.mov');
      const error = (await clip(out, {
        preset: 'prores4444',
        frames: noise(60, 128),
        frameCount: 60,
        width: 128,
        height: 128,
      }).catch((e: unknown) => e)) as ExportError;
      expect(error.code).toBe('disk-full');
      expect(error.message).toMatch(/clip\.mov: the disk is full.*ffmpeg's output is in .*\.log/s);
      expect(await readdir(mount.dir)).toEqual([]);
    } finally {
      await mount.unmount();
    }
  });

  it('a save on a full disk keeps the previous project byte for byte', async (ctx) => {
    const mount = await mountTmpfs(1024);
    if (!mount) return skipForMissing(ctx, 'a tmpfs mount (root or CAP_SYS_ADMIN)');
    try {
      const target = join(mount.dir, 'p.keypose');
      const doc = await loadProject(SAMPLE);
      await writeFile(target, 'the previous save');
      const before = await fingerprint(mount.dir);
      // The sample with a 2 MB picture does not fit in what is left.
      const big = structuredClone(doc);
      const art = big.assets[big.characters[0]!.artAssetId]!;
      art.dataBase64 = Buffer.alloc(2 * 2 ** 20, 7).toString('base64');
      const error = await expectApiError(saveProject(target, big));
      expect(error.code).toBe('io-error');
      expect(error.message).toMatch(/p\.keypose: the disk is full; nothing was saved/);
      await expectUnchanged(mount.dir, before);
    } finally {
      await mount.unmount();
    }
  });

  it('the shared write (BVH, preferences) on a full disk: a sentence, nothing left', async (ctx) => {
    const mount = await mountTmpfs(64);
    if (!mount) return skipForMissing(ctx, 'a tmpfs mount (root or CAP_SYS_ADMIN)');
    try {
      const error = await expectApiError(
        writeFileAtomic(join(mount.dir, 'big.bvh'), Buffer.alloc(256 * 1024, 1)),
      );
      expect(error.message).toMatch(/big\.bvh: the disk is full; nothing was written there/);
      expect(await readdir(mount.dir)).toEqual([]);
    } finally {
      await mount.unmount();
    }
  });

  it('a read-only disk: export and save fail naming the file; the files there stay', async (ctx) => {
    const mount = await mountTmpfs(1024);
    if (!mount) return skipForMissing(ctx, 'a tmpfs mount (root or CAP_SYS_ADMIN)');
    try {
      await writeFile(join(mount.dir, 'p.keypose'), await readFile(SAMPLE));
      await remountReadOnly(mount.dir);
      const before = await fingerprint(mount.dir);
      const exported = (await clip(join(mount.dir, 'seq')).catch((e: unknown) => e)) as ExportError;
      expect(exported.message).toMatch(/seq: the disk is read-only; nothing was written there/);
      const saved = await expectApiError(
        saveProject(join(mount.dir, 'p.keypose'), await loadProject(SAMPLE)),
      );
      expect(saved.message).toMatch(/p\.keypose: the disk is read-only/);
      await expectUnchanged(mount.dir, before);
    } finally {
      await mount.unmount();
    }
  });
});

describe('ffmpeg that makes no progress', () => {
  it('is stopped by the watchdog (a background that never opens: a pipe with no writer)', async () => {
    const fifo = join(dir, 'never.png');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    const error = (await clip(join(dir, 'stalled.mp4'), {
      preset: 'mp4-h264',
      background: { kind: 'picture', path: fifo },
      stallTimeoutMs: 1500,
    }).catch((e: unknown) => e)) as ExportError;
    expect(error.code).toBe('stalled');
    expect(error.message).toMatch(
      /made no progress for 2 s and was stopped \(is the background .*never\.png a picture\?\)/,
    );
    expect(performance.now() - started).toBeLessThan(30_000);
    expect((await readdir(dir)).filter((n) => n.startsWith('.stalled') || n === 'stalled.mp4')).toEqual([]);
  });
});

describe('the CLI (items 1 and 2 as reported)', () => {
  let cli: string;
  let before: Fingerprint;
  beforeAll(async () => {
    cli = await tempDir('exports-cli');
    await mkdir(join(cli, 'd'));
    await writeFile(join(cli, 'd', 'keep.txt'), 'keep me');
    await writeFile(join(cli, 'p.keypose'), await readFile(SAMPLE));
    await writeFile(join(cli, 'taken.mp4'), 'an earlier export');
    // rig refuses the existing -o before it reads the picture.
    await writeFile(join(cli, 'hero.png'), 'any picture');
    before = await fingerprint(cli);
  });
  afterAll(() => {
    execFileSync('rm', ['-rf', cli]);
  });
  const tmpOf = () => join(cli, 'tmp');

  it('render -o d --format png into a folder with keep.txt: exit 2, keep.txt kept', async () => {
    await mkdir(tmpOf(), { recursive: true });
    const r = await keypose(['render', 'p.keypose', '-o', 'd', '--format', 'png', '--range', '0-1'], {
      cwd: cli,
      tmp: tmpOf(),
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/d already has files in it/);
    await expectUnchanged(cli, before, ['tmp']);
  });

  it('render p.keypose -o p.keypose: exit 2, the project unchanged even with --force', async () => {
    const r = await keypose(['render', 'p.keypose', '-o', 'p.keypose', '--format', 'mp4', '--force'], {
      cwd: cli,
      tmp: tmpOf(),
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/never writes a \.keypose file/);
    await expectUnchanged(cli, before, ['tmp']);
  });

  it('render over an existing file: exit 2 without --force, replaced with it', async () => {
    const refused = await keypose(['render', 'p.keypose', '-o', 'taken.mp4', '--range', '0-1'], {
      cwd: cli,
      tmp: tmpOf(),
    });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/taken\.mp4 already exists; .*--force/);
    await expectUnchanged(cli, before, ['tmp']);
    const forced = await keypose(['render', 'p.keypose', '-o', 'taken.mp4', '--range', '0-1', '--force'], {
      cwd: cli,
      tmp: tmpOf(),
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect((await stat(join(cli, 'taken.mp4'))).size).toBeGreaterThan(1000);
  });

  it('rig -o over an existing project: exit 2 before any rigging, the project unchanged', async () => {
    const started = performance.now();
    const r = await keypose(['rig', 'hero.png', '-o', 'p.keypose'], { cwd: cli, tmp: tmpOf() });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/p\.keypose already exists; give --force/);
    expect(await readFile(join(cli, 'p.keypose'))).toEqual(await readFile(SAMPLE));
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});
