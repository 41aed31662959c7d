import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseFrameRate, STANDARD_FRAME_RATES } from '../../../core/io/frameRate.js';
import type { RgbaImage } from '../../../core/render/types.js';
import { ffmpegCapabilities, resolveFfmpegPath } from '../../../host/export/ffmpeg.js';
import { buildFfmpegJob, EXPORT_PRESETS, parseFrameRange, presetById } from '../../../host/export/formats.js';
import { ExportError, type ExportProgress, exportVideo } from '../../../host/export/videoExport.js';
import { skipForMissing } from '../../requirements.js';
import {
  decodeRgba,
  ffprobe,
  figureFrame,
  figureFrames,
  lavfiToFile,
  psnrPremultiplied,
  run,
} from './helpers.js';

const W = 64;
const H = 64;
const RANGE = parseFrameRange('5-16');
const COUNT = RANGE.endFrame - RANGE.startFrame + 1;
const NTSC_FILM = parseFrameRate('23.976');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keypose-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const inputFrame = (i: number) => figureFrame(W, H, RANGE.startFrame + i);

async function exportClip(preset: Parameters<typeof presetById>[0], name: string, extra = {}) {
  const outPath = path.join(dir, name);
  const result = await exportVideo({
    frames: figureFrames(W, H, COUNT, RANGE.startFrame),
    frameCount: COUNT,
    width: W,
    height: H,
    preset,
    fps: NTSC_FILM,
    outPath,
    ...extra,
  });
  return { outPath, result };
}

/** Files in the test folder that look like a leftover temporary export. */
async function leftovers(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((f) => f.includes('.partial'));
}

describe('the bundled ffmpeg', () => {
  test('is ffmpeg 4.1 with every encoder the presets need', async () => {
    const caps = await ffmpegCapabilities(resolveFfmpegPath());
    for (const preset of EXPORT_PRESETS) expect(caps.encoders.has(preset.encoder), preset.encoder).toBe(true);
    expect(caps.version).toMatch(/^ffmpeg version/);
  });
});

describe('ProRes 4444 (.mov)', () => {
  let outPath: string;
  beforeAll(async () => {
    ({ outPath } = await exportClip('prores4444', 'clip.mov', { startTimecode: '01:00:00:00' }));
  });

  test('ffprobe: prores 4444 with an alpha pixel format, the range frame count, 24000/1001 fps, timecode', async () => {
    const { streams } = await ffprobe(outPath);
    const video = streams.find((s) => s.codec_type === 'video')!;
    expect(video.codec_name).toBe('prores');
    expect(video.codec_tag_string).toBe('ap4h');
    // ffmpeg 5.1's decoder reports 12-bit for 4444; the file holds 10-bit colour + 16-bit alpha.
    expect(video.pix_fmt).toMatch(/^yuva444p1[02]le$/);
    expect(Number(video.nb_read_frames)).toBe(COUNT);
    expect(video.r_frame_rate).toBe('24000/1001');
    expect(video.avg_frame_rate).toBe('24000/1001');
    expect(video.tags?.timecode).toBe('01:00:00:00');
  });

  test('29.97 with a drop-frame start timecode', async () => {
    const { outPath } = await exportClip('prores4444', 'ntsc.mov', {
      fps: parseFrameRate('29.97'),
      startTimecode: '00:59:58;00',
    });
    const video = (await ffprobe(outPath)).streams.find((s) => s.codec_type === 'video')!;
    expect(video.r_frame_rate).toBe('30000/1001');
    expect(video.tags?.timecode).toBe('00:59:58;00');
  });

  test('decoded back: every frame matches its input (PSNR >= 40 dB) and transparent pixels stay transparent', async () => {
    const decoded = await decodeRgba(outPath, W, H);
    expect(decoded).toHaveLength(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const input = inputFrame(i).data;
      expect(psnrPremultiplied(input, decoded[i]!)).toBeGreaterThanOrEqual(40);
      for (let p = 3; p < input.length; p += 4) if (input[p] === 0) expect(decoded[i]![p]).toBe(0);
    }
  });

  test('MLT (melt, the engine of Kdenlive/Shotcut) composites it over a colour: the character over red', async () => {
    const profile = path.join(dir, 'profile.txt');
    await writeFile(
      profile,
      'description=test\nframe_rate_num=24000\nframe_rate_den=1001\nwidth=64\nheight=64\nprogressive=1\nsample_aspect_num=1\nsample_aspect_den=1\ndisplay_aspect_num=1\ndisplay_aspect_den=1\ncolorspace=709\n',
    );
    const meltDir = path.join(dir, 'melt');
    await mkdir(meltDir);
    await run('/usr/bin/melt', [
      '-silent',
      '-profile',
      profile,
      '-track',
      'color:0xff0000ff',
      `out=${COUNT - 1}`,
      '-track',
      outPath,
      '-transition',
      'affine',
      'a_track=0',
      'b_track=1',
      'in=0',
      `out=${COUNT - 1}`,
      '-consumer',
      `avformat:${path.join(meltDir, 'f_%03d.png')}`,
      'vcodec=png',
      // Every frame, however long it takes: melt's consumers run in real time by default and drop
      // frames that are late, and on a busy machine (CI at load 10) it once wrote none at all.
      'real_time=0',
    ]);
    const written = (await readdir(meltDir)).sort();
    expect(written.length, 'melt wrote no frames').toBeGreaterThan(0);
    const first = written[0]!;
    const [rgba] = await decodeRgba(path.join(meltDir, first), W, H);
    const input = inputFrame(0).data;
    let background = 0;
    let figure = 0;
    let figureError = 0;
    for (let p = 0; p < input.length; p += 4) {
      const [r, g, b] = [rgba![p]!, rgba![p + 1]!, rgba![p + 2]!];
      if (input[p + 3] === 0) {
        background += 1;
        expect(r).toBeGreaterThan(235);
        expect(g + b).toBeLessThan(25);
      } else if (input[p + 3] === 255) {
        figure += 1;
        figureError += Math.abs(r - input[p]!) + Math.abs(g - input[p + 1]!) + Math.abs(b - input[p + 2]!);
      }
    }
    expect(background).toBeGreaterThan(1000);
    expect(figure).toBeGreaterThan(300);
    // Mean absolute error per channel on the opaque figure: its colours, not red, not black.
    expect(figureError / figure / 3).toBeLessThan(6);
  });
});

describe('WebM VP9 with alpha', () => {
  let outPath: string;
  beforeAll(async () => {
    ({ outPath } = await exportClip('webm-vp9', 'clip.webm'));
  });

  test('ffprobe: vp9 with alpha_mode=1, the range frame count, 24000/1001 fps', async () => {
    const { streams } = await ffprobe(outPath);
    const video = streams.find((s) => s.codec_type === 'video')!;
    expect(video.codec_name).toBe('vp9');
    // The alpha plane travels as Matroska BlockAdditional data; ffprobe's native vp9 decoder
    // reports yuv420p and the alpha_mode tag is what promises the alpha.
    expect(video.tags?.alpha_mode).toBe('1');
    expect(Number(video.nb_read_frames)).toBe(COUNT);
    expect(video.r_frame_rate).toBe('24000/1001');
  });

  test('decoded back with libvpx-vp9: frames match (PSNR >= 40 dB), transparent pixels stay transparent', async () => {
    const decoded = await decodeRgba(outPath, W, H, 'libvpx-vp9');
    expect(decoded).toHaveLength(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const input = inputFrame(i).data;
      expect(psnrPremultiplied(input, decoded[i]!)).toBeGreaterThanOrEqual(40);
      // VP9's alpha plane is lossy (ffmpeg encodes it without -crf): transparent input pixels come
      // back at 0 almost everywhere, at most a few /255 along the figure's edges.
      let transparent = 0;
      let exactZero = 0;
      for (let p = 3; p < input.length; p += 4) {
        if (input[p] !== 0) continue;
        transparent += 1;
        if (decoded[i]![p] === 0) exactZero += 1;
        expect(decoded[i]![p]).toBeLessThanOrEqual(16);
      }
      expect(exactZero / transparent).toBeGreaterThan(0.9);
    }
  });
});

describe('PNG sequence with alpha', () => {
  test('one lossless RGBA PNG per frame, numbered from the first frame of the range', async () => {
    const { outPath } = await exportClip('png-sequence', 'shot', { firstFrameNumber: RANGE.startFrame });
    const files = (await readdir(outPath)).sort();
    expect(files).toHaveLength(COUNT);
    expect(files[0]).toBe('shot_00005.png');
    expect(files.at(-1)).toBe('shot_00016.png');
    const { streams } = await ffprobe(path.join(outPath, files[3]!));
    expect(streams[0]!.codec_name).toBe('png');
    expect(streams[0]!.pix_fmt).toBe('rgba');
    const [decoded] = await decodeRgba(path.join(outPath, files[3]!), W, H);
    expect(Buffer.compare(Buffer.from(decoded!), Buffer.from(inputFrame(3).data))).toBe(0);
    expect(await leftovers(dir)).toEqual([]);
  });
});

describe('Web: MP4 (H.264)', () => {
  test.each(Object.entries(STANDARD_FRAME_RATES))(
    'at %s fps ffprobe reports exactly %o',
    async (name, rate) => {
      const { outPath } = await exportClip('mp4-h264', `rate-${name}.mp4`, { fps: rate });
      const { streams } = await ffprobe(outPath);
      const video = streams.find((s) => s.codec_type === 'video')!;
      expect(video.codec_name).toBe('h264');
      expect(video.pix_fmt).toBe('yuv420p');
      expect(video.color_space).toBe('bt709');
      expect(Number(video.nb_read_frames)).toBe(COUNT);
      const exact = rate.denominator === 1 ? `${rate.numerator}/1` : `${rate.numerator}/${rate.denominator}`;
      expect(video.r_frame_rate).toBe(exact);
      expect(video.avg_frame_rate).toBe(exact);
    },
  );

  test('composited over the background colour', async () => {
    const { outPath } = await exportClip('mp4-h264', 'green.mp4', {
      background: { kind: 'color', color: '#20c040' },
    });
    const decoded = await decodeRgba(outPath, W, H);
    const input = inputFrame(0).data;
    // A corner far from the figure and from chroma edges.
    expect(input[3]).toBe(0);
    expect(Math.abs(decoded[0]![0]! - 0x20)).toBeLessThanOrEqual(3);
    expect(Math.abs(decoded[0]![1]! - 0xc0)).toBeLessThanOrEqual(3);
    expect(Math.abs(decoded[0]![2]! - 0x40)).toBeLessThanOrEqual(3);
    expect(decoded[0]![3]).toBe(255);
  });

  test('composited over a background picture, at half resolution, with the audio track muxed in', async () => {
    const picture = path.join(dir, 'bg.png');
    await lavfiToFile('color=c=0x2040c0:s=40x30', picture, ['-frames:v', '1']);
    const audio = path.join(dir, 'tone.wav');
    await lavfiToFile('sine=frequency=440:duration=2', audio);
    const { outPath } = await exportClip('mp4-h264', 'picture.mp4', {
      background: { kind: 'picture', path: picture },
      scale: 0.5,
      audioPath: audio,
    });
    const { streams } = await ffprobe(outPath);
    const video = streams.find((s) => s.codec_type === 'video')!;
    const sound = streams.find((s) => s.codec_type === 'audio')!;
    expect([video.width, video.height]).toEqual([W / 2, H / 2]);
    expect(sound.codec_name).toBe('aac');
    const [first] = await decodeRgba(outPath, W / 2, H / 2);
    expect(Math.abs(first![0]! - 0x20)).toBeLessThanOrEqual(4);
    expect(Math.abs(first![2]! - 0xc0)).toBeLessThanOrEqual(4);
    // Only the clip's duration of the 2 s tone is taken.
    const { stdout } = await run('/usr/bin/ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'csv=p=0',
      outPath,
    ]);
    expect(Number(stdout.toString())).toBeLessThan(0.6);
  });
});

describe('GIF', () => {
  test('one palette per clip with transparency; the frame count of the range', async () => {
    const { outPath } = await exportClip('gif', 'clip.gif');
    const { streams } = await ffprobe(outPath);
    expect(streams[0]!.codec_name).toBe('gif');
    expect(Number(streams[0]!.nb_read_frames)).toBe(COUNT);
    // GIF delays are whole 1/100 s: 23.976 fps comes out as 4/4/4/5-cs steps, not 24000/1001.
    const [num, den] = streams[0]!.r_frame_rate.split('/').map(Number) as [number, number];
    expect(Math.abs(num / den - 23.976)).toBeLessThan(0.5);
    const decoded = await decodeRgba(outPath, W, H);
    const input = inputFrame(0).data;
    let opaque = 0;
    for (let p = 3; p < input.length; p += 4) {
      if (input[p] === 0) expect(decoded[0]![p]).toBe(0);
      if (input[p] === 255 && decoded[0]![p] === 255) opaque += 1;
    }
    expect(opaque).toBeGreaterThan(300);
  });
});

describe('ProRes and WebM take the audio track, GIF and PNG report it ignored', () => {
  test('pcm in the .mov, opus in the .webm, ignored in the GIF', async () => {
    const audio = path.join(dir, 'tone2.wav');
    await lavfiToFile('sine=frequency=220:duration=1', audio);
    const mov = await exportClip('prores4444', 'audio.mov', { audioPath: audio });
    const webm = await exportClip('webm-vp9', 'audio.webm', { audioPath: audio });
    const gif = await exportClip('gif', 'audio.gif', { audioPath: audio });
    const codecs = async (p: string) => (await ffprobe(p)).streams.map((s) => s.codec_name);
    expect(await codecs(mov.outPath)).toContain('pcm_s16le');
    expect(await codecs(webm.outPath)).toContain('opus');
    expect(gif.result.ignored.join(' ')).toMatch(/audio/);
  });
});

describe('progress, cancel and failures leave nothing at the destination', () => {
  async function* slowFrames(count: number, log: { pulled: number; closed: boolean }) {
    try {
      for (let i = 0; i < count; i++) {
        await new Promise((r) => setTimeout(r, 15));
        log.pulled += 1;
        yield figureFrame(W, H, i);
      }
    } finally {
      log.closed = true;
    }
  }

  test('progress counts every frame and estimates the time left', async () => {
    const seen: ExportProgress[] = [];
    await exportClip('prores4444', 'progress.mov', { onProgress: (p: ExportProgress) => seen.push(p) });
    expect(seen.map((p) => p.framesDone)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
    expect(seen.at(-1)!.fraction).toBe(1);
    expect(seen.at(-1)!.etaSec).toBe(0);
    // After one frame the estimate is that frame's time for each frame still to come.
    expect(seen[0]!.etaSec).toBeCloseTo(seen[0]!.elapsedSec * (COUNT - 1), 9);
    for (const p of seen) expect(p.elapsedSec).toBeGreaterThanOrEqual(seen[0]!.elapsedSec);
  });

  test('cancel mid-export: rejects with code cancelled, stops pulling frames, no file, no temp', async () => {
    const folder = await mkdtemp(path.join(dir, 'cancel-'));
    const outPath = path.join(folder, 'cancelled.mov');
    const controller = new AbortController();
    const log = { pulled: 0, closed: false };
    const error = await exportVideo({
      frames: slowFrames(200, log),
      frameCount: 200,
      width: W,
      height: H,
      preset: 'prores4444',
      fps: NTSC_FILM,
      outPath,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.framesDone === 10) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).code).toBe('cancelled');
    expect(log.pulled).toBeLessThan(15);
    await new Promise((r) => setTimeout(r, 50));
    expect(log.closed).toBe(true);
    expect(await readdir(folder)).toEqual([]);
  });

  test('a killed ffmpeg: clear error, no file, no temp', async () => {
    const folder = await mkdtemp(path.join(dir, 'killed-'));
    const outPath = path.join(folder, 'killed.webm');
    let pid: number | undefined;
    const log = { pulled: 0, closed: false };
    const error = await exportVideo({
      frames: slowFrames(200, log),
      frameCount: 200,
      width: W,
      height: H,
      preset: 'webm-vp9',
      fps: NTSC_FILM,
      outPath,
      // ffmpeg's log of the failure goes here, not into the user's cache.
      logDir: path.join(dir, 'logs'),
      onFfmpegStart: (info) => {
        pid = info.pid;
      },
      onProgress: (p) => {
        if (p.framesDone === 8 && pid) process.kill(pid, 'SIGKILL');
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).code).toBe('ffmpeg-failed');
    expect((error as Error).message).toMatch(/ffmpeg was killed \(SIGKILL\)/);
    expect(log.pulled).toBeLessThan(20);
    expect(await readdir(folder)).toEqual([]);
  });

  test('a full destination disk (1 MB tmpfs): ffmpeg says "No space left on device", no file, no temp', async (ctx) => {
    const mountPoint = await mkdtemp(path.join(dir, 'tmpfs-'));
    try {
      await run('/usr/bin/mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
    } catch (e) {
      return skipForMissing(
        ctx,
        `a tmpfs mount (root or CAP_SYS_ADMIN; ${(e as Error).message.split('\n')[0]})`,
      );
    }
    try {
      // Noise does not compress: 120 frames of 128x128 ProRes 4444 are several MB.
      const noisy = async function* () {
        for (let i = 0; i < 120; i++) {
          const data = new Uint8Array(128 * 128 * 4);
          for (let p = 0; p < data.length; p++) data[p] = (Math.random() * 256) | 0;
          yield { width: 128, height: 128, data } satisfies RgbaImage;
        }
      };
      const outPath = path.join(mountPoint, 'full.mov');
      const error = await exportVideo({
        frames: noisy(),
        frameCount: 120,
        width: 128,
        height: 128,
        preset: 'prores4444',
        fps: NTSC_FILM,
        outPath,
        logDir: path.join(dir, 'logs'),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExportError);
      expect((error as ExportError).code).toBe('disk-full');
      expect((error as ExportError).stderrTail).toMatch(/No space left on device/);
      // A sentence for the user; ffmpeg's own words are in the log file it names.
      expect((error as Error).message).toMatch(/full\.mov: the disk is full/);
      const log = /ffmpeg's output is in (\S+\.log)/.exec((error as Error).message)?.[1];
      expect(await readFile(log!, 'utf8')).toMatch(/No space left on device/);
      expect(await readdir(mountPoint)).toEqual([]);
    } finally {
      await run('/usr/bin/umount', [mountPoint]);
    }
  });

  test('ffmpeg missing: a clear error naming the path, no file', async () => {
    const outPath = path.join(dir, 'missing.mov');
    const error = await exportClip('prores4444', 'missing.mov', { ffmpegPath: '/nonexistent/ffmpeg' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).code).toBe('ffmpeg-missing');
    expect((error as Error).message).toMatch(/\/nonexistent\/ffmpeg.*FFMPEG_PATH/);
    await expect(stat(outPath)).rejects.toThrow();
  });

  test('FFMPEG_PATH picks the binary (Debian ffmpeg 5.1 here)', async () => {
    const saved = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = '/usr/bin/ffmpeg';
    try {
      let commandLine = '';
      expect(resolveFfmpegPath()).toBe('/usr/bin/ffmpeg');
      const { outPath } = await exportClip('png-sequence', 'debian', {
        onFfmpegStart: (info: { commandLine: string }) => {
          commandLine = info.commandLine;
        },
      });
      expect(commandLine).toMatch(/^ffmpeg /);
      expect(await readdir(outPath)).toHaveLength(COUNT);
    } finally {
      if (saved === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = saved;
    }
  });

  test("ffmpeg failing on an input: the error names the input, ffmpeg's own words are in the log", async () => {
    const notAudio = path.join(dir, 'not-audio.wav');
    await writeFile(notAudio, 'this is not a wave file');
    const error = await exportClip('prores4444', 'bad-audio.mov', {
      audioPath: notAudio,
      logDir: path.join(dir, 'logs'),
    }).catch((e: unknown) => e);
    expect((error as ExportError).code).toBe('bad-input');
    expect((error as ExportError).file).toBe(notAudio);
    expect((error as Error).message).toContain(`${notAudio}: ffmpeg cannot read it`);
    const log = /ffmpeg's output is in (\S+\.log)/.exec((error as Error).message)?.[1];
    expect(await readFile(log!, 'utf8')).toMatch(/Invalid data found when processing input/);
    expect(await leftovers(dir)).toEqual([]);
    await expect(stat(path.join(dir, 'bad-audio.mov'))).rejects.toThrow();
  });

  test('a destination folder that does not exist: a clear error before anything runs', async () => {
    const error = await exportClip('prores4444', 'no/such/folder/clip.mov').catch((e: unknown) => e);
    expect((error as ExportError).code).toBe('destination');
    expect((error as Error).message).toMatch(/folder .*no\/such\/folder does not exist/);
  });

  test('a GIF too long for ffmpeg to hold while it builds the palette is refused up front', async () => {
    const error = await exportVideo({
      frames: figureFrames(W, H, 1),
      frameCount: 1000,
      width: 1920,
      height: 1080,
      preset: 'gif',
      fps: NTSC_FILM,
      outPath: path.join(dir, 'long.gif'),
    }).catch((e: unknown) => e);
    expect((error as ExportError).code).toBe('too-large');
    expect((error as Error).message).toMatch(/1000-frame 1920x1080 GIF needs 7910 MB/);
  });

  test.each([
    ['png-sequence', { scale: 0 }],
    ['png-sequence', { scale: Number.NaN }],
    ['mp4-h264', { background: { kind: 'color', color: 'red' } }],
    ['prores4444', { scale: -1 }],
  ] as const)('a bad option (%s, %o) is refused before anything is written', async (preset, option) => {
    const folder = await mkdtemp(path.join(dir, 'bad-option-'));
    const error = await exportVideo({
      frames: figureFrames(W, H, 2),
      frameCount: 2,
      width: W,
      height: H,
      preset,
      fps: NTSC_FILM,
      outPath: path.join(folder, preset === 'png-sequence' ? 'shot' : 'clip.mov'),
      ...option,
    }).catch((e: unknown) => e);
    // Not even a hidden temporary folder (.shot.keypose-<pid>-<hex>.partial).
    expect(await readdir(folder)).toEqual([]);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).code).toBe('bad-option');
    expect((error as Error).message).toMatch(/scale must be|background colour "red"/);
  });

  test('a PNG sequence failing after its temporary folder exists leaves nothing', async () => {
    const folder = await mkdtemp(path.join(dir, 'seq-fails-'));
    async function* wrong() {
      yield figureFrame(W, H, 0);
      yield figureFrame(W, H / 2, 1);
    }
    const error = await exportVideo({
      frames: wrong(),
      frameCount: 2,
      width: W,
      height: H,
      preset: 'png-sequence',
      fps: NTSC_FILM,
      outPath: path.join(folder, 'shot'),
    }).catch((e: unknown) => e);
    expect((error as ExportError).code).toBe('bad-frame');
    expect(await readdir(folder)).toEqual([]);
  });

  test('a frame of the wrong size: bad-frame error, no file', async () => {
    async function* wrong() {
      yield figureFrame(W, H, 0);
      yield figureFrame(W, H / 2, 1);
    }
    const error = await exportVideo({
      frames: wrong(),
      frameCount: 2,
      width: W,
      height: H,
      preset: 'prores4444',
      fps: NTSC_FILM,
      outPath: path.join(dir, 'wrong.mov'),
    }).catch((e: unknown) => e);
    expect((error as ExportError).code).toBe('bad-frame');
    expect((error as Error).message).toMatch(/frame 1 is 64x32/);
    expect(await leftovers(dir)).toEqual([]);
  });

  test('an existing file is kept unless replacing it was confirmed, and then only on success', async () => {
    const outPath = path.join(dir, 'keep.mov');
    await writeFile(outPath, 'previous export');
    const refused = await exportClip('prores4444', 'keep.mov').catch((e: unknown) => e);
    expect((refused as ExportError).code).toBe('exists');
    expect(await readFile(outPath, 'utf8')).toBe('previous export');
    const controller = new AbortController();
    controller.abort();
    await expect(
      exportClip('prores4444', 'keep.mov', { signal: controller.signal, overwrite: true }),
    ).rejects.toThrow(/cancelled/);
    expect(await readFile(outPath, 'utf8')).toBe('previous export');
    await exportClip('prores4444', 'keep.mov', { overwrite: true });
    expect((await stat(outPath)).size).toBeGreaterThan(1000);
    expect(await leftovers(dir)).toEqual([]);
  });
});

describe('buildFfmpegJob', () => {
  test('raw RGBA on stdin at the exact rational rate; preset-specific encoder options', () => {
    const job = buildFfmpegJob({
      preset: presetById('prores4444'),
      inputWidthPx: 1920,
      inputHeightPx: 1080,
      fps: parseFrameRate('29.97'),
      frameCount: 48,
      outputPath: '/x/out.mov',
      startTimecode: '00:59:58;00',
    });
    expect(job.inputs[0]!.options).toEqual([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-s',
      '1920x1080',
      '-framerate',
      '30000/1001',
    ]);
    const args = job.outputOptions.join(' ');
    expect(args).toContain('-c:v prores_ks -profile:v 4 -pix_fmt yuva444p10le');
    expect(args).toContain('-timecode 00:59:58;00');
    expect(args).toContain('-frames:v 48');
  });

  test('4:2:0 outputs get even sizes', () => {
    const job = buildFfmpegJob({
      preset: presetById('mp4-h264'),
      inputWidthPx: 101,
      inputHeightPx: 51,
      fps: parseFrameRate(25),
      frameCount: 1,
      outputPath: '/x/o.mp4',
    });
    expect(job.complexFilter).toContain('s=102x52');
  });
});
