import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBvh } from '../../core/io/bvh.js';
import { withDialogs } from '../../electron/dialogs.js';
import { createServices } from '../../host/api/services.js';
import { projectFileName } from '../../host/project/store.js';
import { ffprobe } from './export/helpers.js';
import { exportAndWait, sampleServicesFixture } from './jobHelpers.js';

/**
 * listExportPresets and exportProject through the services API: the sample project rendered by
 * the real frame worker, streamed into the real ffmpeg, checked with Debian's ffprobe.
 */

const fx = sampleServicesFixture('keypose-exportsvc-');

describe('export services', () => {
  it('lists the video, image-sequence and motion presets', async () => {
    const presets = await fx.services.listExportPresets();
    expect(presets.map((p) => p.id)).toEqual([
      'prores4444',
      'png-sequence',
      'mp4-h264',
      'webm-vp9',
      'gif',
      'bvh',
      'glb',
    ]);
    expect(presets.find((p) => p.id === 'prores4444')).toMatchObject({
      extension: 'mov',
      alpha: true,
      kind: 'video',
    });
    expect(presets.find((p) => p.id === 'png-sequence')).toMatchObject({ kind: 'image-sequence' });
    expect(presets.find((p) => p.id === 'bvh')).toMatchObject({ extension: 'bvh', kind: 'motion' });
  });

  it('exports 6 frames of the sample to MP4 and ProRes that ffprobe reads back', async () => {
    const mp4 = join(fx.projectsDir, 'walk.mp4');
    const { jobId, result } = await exportAndWait(fx, {
      document: fx.sample,
      presetId: 'mp4-h264',
      outPath: mp4,
      range: { start: 10, end: 15 },
      scale: 0.25,
    });
    expect(result).toMatchObject({ path: mp4, frameCount: 6 });
    const [video] = (await ffprobe(mp4)).streams;
    expect(video).toMatchObject({
      codec_name: 'h264',
      pix_fmt: 'yuv420p',
      nb_read_frames: '6',
      r_frame_rate: '24/1',
    });
    // 768x1024 at a quarter.
    expect([video!.width, video!.height]).toEqual([192, 256]);
    // Progress counted the frames, with an estimate of the time left once frames came.
    const progress = fx.jobs.of(jobId).filter((e) => e.type === 'progress');
    const last = progress.at(-1);
    expect(last).toMatchObject({ done: 6, total: 6, stage: 'encoding' });
    expect(progress.some((e) => e.type === 'progress' && typeof e.etaSec === 'number')).toBe(true);

    const mov = join(fx.projectsDir, 'walk.mov');
    await exportAndWait(fx, {
      document: fx.sample,
      presetId: 'prores4444',
      outPath: mov,
      range: { start: 0, end: 5 },
      scale: 0.25,
      fps: '23.976',
      startTimecode: '01:00:00:00',
    });
    const probed = (await ffprobe(mov)).streams.find((s) => s.codec_type === 'video')!;
    expect(probed.codec_name).toBe('prores');
    expect(probed.pix_fmt).toMatch(/^yuva444p/);
    expect(probed.nb_read_frames).toBe('6');
    expect(probed.r_frame_rate).toBe('24000/1001');
  });

  it('writes under <projectsDir>/exports without overwriting, and motion as BVH', async () => {
    const first = await exportAndWait(fx, {
      document: fx.sample,
      presetId: 'bvh',
      range: { start: 0, end: 11 },
    });
    const second = await exportAndWait(fx, {
      document: fx.sample,
      presetId: 'bvh',
      range: { start: 0, end: 11 },
    });
    // The document's name, made safe for a file name ("Hero waves (sample)" -> "Hero waves -sample-").
    const stem = projectFileName(fx.sample.name).replace(/\.keypose$/, '');
    expect(first.result.path).toBe(join(fx.projectsDir, 'exports', `${stem}.bvh`));
    expect(second.result.path).toBe(join(fx.projectsDir, 'exports', `${stem} 2.bvh`));
    const bvh = readBvh(await readFile(second.result.path, 'utf8'));
    expect(bvh.frameCount).toBe(12);
    expect(bvh.fps).toEqual({ numerator: 24, denominator: 1 });
    expect(bvh.skeleton.joints.length).toBe(fx.sample.characters[0]!.skeleton.joints.length);
  });

  it('refuses paths outside the projects folder in the studio, and bad ranges, before starting', async () => {
    await expect(
      fx.services.exportProject({
        document: fx.sample,
        presetId: 'mp4-h264',
        outPath: join(fx.dir, 'outside.mp4'),
      }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(
      fx.services.exportProject({ document: fx.sample, presetId: 'mp4-h264', range: { start: 0, end: 400 } }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(fx.services.exportProject({ document: fx.sample, presetId: 'avi' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  });

  it('asks the desktop shell for a destination when none is given', async () => {
    const asked: [string, string][] = [];
    let answer: string | null = null;
    const desktop = withDialogs(
      createServices({ shell: 'electron', projectsDir: null, confineToProjectsDir: false }, fx.ctx),
      {
        chooseProjectToOpen: async () => null,
        chooseSaveLocation: async () => null,
        chooseExportLocation: async (suggested, extension) => {
          asked.push([suggested, extension]);
          return answer;
        },
      },
    );
    // Cancelled dialog: no job.
    expect(await desktop.exportProject({ document: fx.sample, presetId: 'bvh' })).toBeNull();
    const stem = projectFileName(fx.sample.name).replace(/\.keypose$/, '');
    expect(asked[0]).toEqual([`${stem}.bvh`, 'bvh']);
    // A chosen name without the extension (Linux dialogs) gets it.
    answer = join(fx.projectsDir, 'chosen');
    const started = await desktop.exportProject({ document: fx.sample, presetId: 'bvh' });
    const end = await fx.jobs.finished(started!.jobId);
    expect(end).toMatchObject({ type: 'done', result: { path: join(fx.projectsDir, 'chosen.bvh') } });
    expect(existsSync(join(fx.projectsDir, 'chosen.bvh'))).toBe(true);
  });

  it('cancel mid-export leaves nothing at the destination', async () => {
    const out = join(fx.projectsDir, 'cancelled.mov');
    const started = await fx.services.exportProject({
      document: fx.sample,
      presetId: 'prores4444',
      outPath: out,
      scale: 0.5,
    });
    const jobId = started!.jobId;
    // Cancel once frames are flowing into ffmpeg.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const encoding = fx.jobs.of(jobId).some((e) => e.type === 'progress' && e.stage === 'encoding');
        const ended = fx.jobs.of(jobId).some((e) => e.type !== 'progress');
        if (encoding || ended) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await fx.services.cancelJob(jobId);
    expect((await fx.jobs.finished(jobId)).type).toBe('cancelled');
    expect(existsSync(out)).toBe(false);
    expect((await readdir(fx.projectsDir)).filter((n) => n.includes('partial'))).toEqual([]);
  });
});
