import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../core/document/schema.js';
import { createServiceContext, type ServiceContext } from '../../host/api/context.js';
import { type ApiImplementation, createServices } from '../../host/api/services.js';
import { ffprobe, run } from './export/helpers.js';
import { jobRecorder } from './jobHelpers.js';

/**
 * The project's audio track through exportProject: the sample rendered by the real frame worker,
 * its sound (a generated WAV) muxed in by the real ffmpeg, read back with Debian's ffprobe and
 * decoded with ffmpeg to find where a click landed.
 */

const SAMPLE_RATE = 48000;
const FRAME_SEC = 1 / 24;

/** A mono 16-bit WAV: a quiet 440 Hz tone with a 1 ms full-scale click at `clickSec`. */
function clickWav(durationSec: number, clickSec: number): Buffer {
  const count = Math.round(durationSec * SAMPLE_RATE);
  const data = Buffer.alloc(count * 2);
  const click = Math.round(clickSec * SAMPLE_RATE);
  for (let i = 0; i < count; i++) {
    const tone = Math.round(0.05 * 32767 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE));
    data.writeInt16LE(i >= click && i < click + SAMPLE_RATE / 1000 ? 32000 : tone, i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Seconds from the file's start to the first loud sample of its audio (decoded by ffmpeg). */
async function clickTimeSec(path: string): Promise<number> {
  const { stdout } = await run('/usr/bin/ffmpeg', [
    '-v',
    'error',
    '-i',
    path,
    '-map',
    '0:a:0',
    '-ac',
    '1',
    '-ar',
    String(SAMPLE_RATE),
    '-f',
    's16le',
    '-',
  ]);
  for (let i = 0; i + 1 < stdout.length; i += 2) {
    if (Math.abs(stdout.readInt16LE(i)) > 16000) return i / 2 / SAMPLE_RATE;
  }
  throw new Error(`no click in the audio of ${path}`);
}

let dir: string;
let projectsDir: string;
let ctx: ServiceContext;
let services: ApiImplementation;
let jobs: ReturnType<typeof jobRecorder>;
let sample: ProjectDocument;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-exportaudio-'));
  projectsDir = join(dir, 'projects');
  await mkdir(projectsDir);
  const options = {
    shell: 'studio' as const,
    projectsDir,
    confineToProjectsDir: true,
    cacheRoot: join(dir, 'cache'),
  };
  ctx = createServiceContext(options);
  services = createServices(options, ctx);
  jobs = jobRecorder(ctx);
  sample = (await services.openSample()).document;
});

afterAll(async () => {
  jobs.unsubscribe();
  await ctx.dispose();
  await rm(dir, { recursive: true, force: true });
});

function withAudio(wav: Buffer, startFrame: number): ProjectDocument {
  return {
    ...sample,
    audio: { fileName: 'line.wav', mime: 'audio/wav', dataBase64: wav.toString('base64'), startFrame },
  };
}

async function exportAndWait(request: Parameters<ApiImplementation['exportProject']>[0]) {
  const started = await services.exportProject(request);
  if (!started) throw new Error('exportProject returned null');
  const end = await jobs.finished(started.jobId);
  if (end.type === 'failed') throw new Error(`export failed: ${end.error.message}`);
  expect(end.type).toBe('done');
  return (end as { result: { path: string; frameCount: number; ignored: string[] } }).result;
}

async function audioStream(path: string) {
  const streams = (await ffprobe(path)).streams;
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!audio) throw new Error(`${path} has no audio stream`);
  return audio as typeof audio & { duration?: string };
}

describe('the project audio in video exports', () => {
  it('the presets say which formats carry the sound', async () => {
    const presets = await services.listExportPresets();
    const carries = Object.fromEntries(presets.map((p) => [p.id, p.audio ?? false]));
    expect(carries).toEqual({
      prores4444: true,
      'png-sequence': false,
      'mp4-h264': true,
      'webm-vp9': true,
      gif: false,
      bvh: false,
      glb: false,
    });
  });

  // The click sits 1 s into the sound, i.e. on project frame 24 when the sound starts at frame 0.
  const wav = clickWav(3, 1);

  it('MP4 (AAC) and ProRes (PCM) carry an audio stream as long as the clip', async () => {
    expect(sample.fps).toBe(24);
    const mp4 = join(projectsDir, 'talk.mp4');
    await exportAndWait({
      document: withAudio(wav, 0),
      presetId: 'mp4-h264',
      outPath: mp4,
      range: { start: 0, end: 23 },
      scale: 0.25,
    });
    // Without -frames:v (it would cut the audio off) the video still has exactly the range's frames.
    const video = (await ffprobe(mp4)).streams.find((s) => s.codec_type === 'video');
    expect(video?.nb_read_frames).toBe('24');
    const aac = await audioStream(mp4);
    expect(aac.codec_name).toBe('aac');
    expect(Math.abs(Number(aac.duration) - 24 * FRAME_SEC)).toBeLessThanOrEqual(FRAME_SEC);

    const mov = join(projectsDir, 'talk.mov');
    await exportAndWait({
      document: withAudio(wav, 0),
      presetId: 'prores4444',
      outPath: mov,
      range: { start: 0, end: 23 },
      scale: 0.25,
    });
    const pcm = await audioStream(mov);
    expect(pcm.codec_name).toBe('pcm_s16le');
    expect(Math.abs(Number(pcm.duration) - 24 * FRAME_SEC)).toBeLessThanOrEqual(FRAME_SEC);
    // The whole clip: the click is at 1 s = frame 24, just past the end; none in a 0-23 export.
    await expect(clickTimeSec(mov)).rejects.toThrow(/no click/);
  });

  it('a range starting at 12 trims the sound so the click stays on frame 24 (0.5 s into the file)', async () => {
    const mov = join(projectsDir, 'from12.mov');
    await exportAndWait({
      document: withAudio(wav, 0),
      presetId: 'prores4444',
      outPath: mov,
      range: { start: 12, end: 35 },
      scale: 0.25,
    });
    const clickSec = await clickTimeSec(mov);
    expect(Math.abs(clickSec - 0.5)).toBeLessThanOrEqual(FRAME_SEC);
    // PCM is sample-exact.
    expect(Math.abs(clickSec - 0.5)).toBeLessThan(0.001);
    expect(Math.abs(Number((await audioStream(mov)).duration) - 24 * FRAME_SEC)).toBeLessThanOrEqual(
      FRAME_SEC,
    );

    const mp4 = join(projectsDir, 'from12.mp4');
    await exportAndWait({
      document: withAudio(wav, 0),
      presetId: 'mp4-h264',
      outPath: mp4,
      range: { start: 12, end: 35 },
      scale: 0.25,
    });
    expect(Math.abs((await clickTimeSec(mp4)) - 0.5)).toBeLessThanOrEqual(FRAME_SEC);
  });

  it('a sound starting after the range start is padded with silence (start frame 18, range 12-35)', async () => {
    // Click 0.25 s into the sound = 6 frames after its start frame 18 = project frame 24.
    const late = clickWav(2, 0.25);
    const mov = join(projectsDir, 'late.mov');
    await exportAndWait({
      document: withAudio(late, 18),
      presetId: 'prores4444',
      outPath: mov,
      range: { start: 12, end: 35 },
      scale: 0.25,
    });
    expect(Math.abs((await clickTimeSec(mov)) - 0.5)).toBeLessThan(0.001);
    expect(Math.abs(Number((await audioStream(mov)).duration) - 24 * FRAME_SEC)).toBeLessThanOrEqual(
      FRAME_SEC,
    );
  });

  it('GIF, PNG sequence and BVH ignore the audio and say so; no temporary audio file is left', async () => {
    const doc = withAudio(wav, 0);
    const gif = await exportAndWait({
      document: doc,
      presetId: 'gif',
      outPath: join(projectsDir, 'talk.gif'),
      range: { start: 0, end: 1 },
      scale: 0.25,
    });
    expect(gif.ignored.join(' ')).toMatch(/audio/);
    const png = await exportAndWait({
      document: doc,
      presetId: 'png-sequence',
      outPath: join(projectsDir, 'talk-png'),
      range: { start: 0, end: 1 },
      scale: 0.25,
    });
    expect(png.ignored.join(' ')).toMatch(/audio/);
    const bvh = await exportAndWait({
      document: doc,
      presetId: 'bvh',
      outPath: join(projectsDir, 'talk.bvh'),
      range: { start: 0, end: 1 },
    });
    expect(bvh.ignored.join(' ')).toMatch(/audio/);
    const left = (await readdir(tmpdir())).filter((n) => n.startsWith('keypose-audio-'));
    // Other test files may run exports at the same time; ours removed theirs in `finally`.
    expect(left.length).toBeLessThanOrEqual(1);
  });
});
