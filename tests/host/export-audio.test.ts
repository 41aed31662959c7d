import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../core/document/schema.js';
import { ffprobe, run } from './export/helpers.js';
import { exportAndWait, sampleServicesFixture } from './jobHelpers.js';
import { monoWav16 } from './wav.js';

/**
 * The project's audio track through exportProject: the sample rendered by the real frame worker,
 * its sound (a generated WAV) muxed in by the real ffmpeg, read back with Debian's ffprobe and
 * decoded with ffmpeg to find where a click landed.
 */

const SAMPLE_RATE = 48000;
const FRAME_SEC = 1 / 24;

/** A mono 16-bit WAV: a quiet 440 Hz tone with a 1 ms full-scale click at `clickSec`. */
function clickWav(durationSec: number, clickSec: number): Buffer {
  const click = Math.round(clickSec * SAMPLE_RATE);
  return monoWav16(SAMPLE_RATE, Math.round(durationSec * SAMPLE_RATE), (i) =>
    i >= click && i < click + SAMPLE_RATE / 1000
      ? 32000
      : Math.round(0.05 * 32767 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)),
  );
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

const fx = sampleServicesFixture('keypose-exportaudio-');

function withAudio(wav: Buffer, startFrame: number): ProjectDocument {
  return {
    ...fx.sample,
    audio: { fileName: 'line.wav', mime: 'audio/wav', dataBase64: wav.toString('base64'), startFrame },
  };
}

/** Exports `document` at a quarter of its size to `outName` in the projects folder; returns its path. */
async function exportQuarter(
  document: ProjectDocument,
  presetId: string,
  outName: string,
  range: { start: number; end: number },
): Promise<string> {
  const outPath = join(fx.projectsDir, outName);
  await exportAndWait(fx, { document, presetId, outPath, range, scale: 0.25 });
  return outPath;
}

async function audioStream(path: string) {
  const streams = (await ffprobe(path)).streams;
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!audio) throw new Error(`${path} has no audio stream`);
  return audio as typeof audio & { duration?: string };
}

describe('the project audio in video exports', () => {
  it('the presets say which formats carry the sound', async () => {
    const presets = await fx.services.listExportPresets();
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
    expect(fx.sample.fps).toBe(24);
    const mp4 = await exportQuarter(withAudio(wav, 0), 'mp4-h264', 'talk.mp4', { start: 0, end: 23 });
    // Without -frames:v (it would cut the audio off) the video still has exactly the range's frames.
    const video = (await ffprobe(mp4)).streams.find((s) => s.codec_type === 'video');
    expect(video?.nb_read_frames).toBe('24');
    const aac = await audioStream(mp4);
    expect(aac.codec_name).toBe('aac');
    expect(Math.abs(Number(aac.duration) - 24 * FRAME_SEC)).toBeLessThanOrEqual(FRAME_SEC);

    const mov = await exportQuarter(withAudio(wav, 0), 'prores4444', 'talk.mov', { start: 0, end: 23 });
    const pcm = await audioStream(mov);
    expect(pcm.codec_name).toBe('pcm_s16le');
    expect(Math.abs(Number(pcm.duration) - 24 * FRAME_SEC)).toBeLessThanOrEqual(FRAME_SEC);
    // The whole clip: the click is at 1 s = frame 24, just past the end; none in a 0-23 export.
    await expect(clickTimeSec(mov)).rejects.toThrow(/no click/);
  });

  it('a range starting at 12 trims the sound so the click stays on frame 24 (0.5 s into the file)', async () => {
    const mov = await exportQuarter(withAudio(wav, 0), 'prores4444', 'from12.mov', { start: 12, end: 35 });
    const clickSec = await clickTimeSec(mov);
    expect(Math.abs(clickSec - 0.5)).toBeLessThanOrEqual(FRAME_SEC);
    // PCM is sample-exact.
    expect(Math.abs(clickSec - 0.5)).toBeLessThan(0.001);
    expect(Math.abs(Number((await audioStream(mov)).duration) - 24 * FRAME_SEC)).toBeLessThanOrEqual(
      FRAME_SEC,
    );

    const mp4 = await exportQuarter(withAudio(wav, 0), 'mp4-h264', 'from12.mp4', { start: 12, end: 35 });
    expect(Math.abs((await clickTimeSec(mp4)) - 0.5)).toBeLessThanOrEqual(FRAME_SEC);
  });

  it('a sound starting after the range start is padded with silence (start frame 18, range 12-35)', async () => {
    // Click 0.25 s into the sound = 6 frames after its start frame 18 = project frame 24.
    const late = clickWav(2, 0.25);
    const mov = await exportQuarter(withAudio(late, 18), 'prores4444', 'late.mov', { start: 12, end: 35 });
    expect(Math.abs((await clickTimeSec(mov)) - 0.5)).toBeLessThan(0.001);
    expect(Math.abs(Number((await audioStream(mov)).duration) - 24 * FRAME_SEC)).toBeLessThanOrEqual(
      FRAME_SEC,
    );
  });

  it('GIF, PNG sequence and BVH ignore the audio and say so; no temporary audio file is left', async () => {
    const doc = withAudio(wav, 0);
    const range = { start: 0, end: 1 };
    for (const request of [
      { presetId: 'gif', outPath: join(fx.projectsDir, 'talk.gif'), scale: 0.25 },
      { presetId: 'png-sequence', outPath: join(fx.projectsDir, 'talk-png'), scale: 0.25 },
      { presetId: 'bvh', outPath: join(fx.projectsDir, 'talk.bvh') },
    ]) {
      const { result } = await exportAndWait(fx, { document: doc, range, ...request });
      expect(result.ignored.join(' '), request.presetId).toMatch(/audio/);
    }
    const left = (await readdir(tmpdir())).filter((n) => n.startsWith('keypose-audio-'));
    // Other test files may run exports at the same time; ours removed theirs in `finally`.
    expect(left.length).toBeLessThanOrEqual(1);
  });
});
