import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../core/document/schema.js';
import { readBvh } from '../../core/io/bvh.js';
import { withDialogs } from '../../electron/dialogs.js';
import { createServiceContext, type ServiceContext } from '../../host/api/context.js';
import { type ApiImplementation, createServices } from '../../host/api/services.js';
import { projectFileName } from '../../host/project/store.js';
import { ffprobe } from './export/helpers.js';
import { jobRecorder } from './jobHelpers.js';

/**
 * listExportPresets and exportProject through the services API: the sample project rendered by
 * the real frame worker, streamed into the real ffmpeg, checked with Debian's ffprobe.
 */

let dir: string;
let projectsDir: string;
let ctx: ServiceContext;
let services: ApiImplementation;
let jobs: ReturnType<typeof jobRecorder>;
let sample: ProjectDocument;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-exportsvc-'));
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

async function exportAndWait(request: Parameters<ApiImplementation['exportProject']>[0]) {
  const started = await services.exportProject(request);
  if (!started) throw new Error('exportProject returned null');
  const end = await jobs.finished(started.jobId);
  if (end.type === 'failed') throw new Error(`export failed: ${end.error.message}`);
  expect(end.type).toBe('done');
  return { jobId: started.jobId, result: (end as { result: { path: string; frameCount: number } }).result };
}

describe('export services', () => {
  it('lists the video, image-sequence and motion presets', async () => {
    const presets = await services.listExportPresets();
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
    const mp4 = join(projectsDir, 'walk.mp4');
    const { jobId, result } = await exportAndWait({
      document: sample,
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
    const progress = jobs.of(jobId).filter((e) => e.type === 'progress');
    const last = progress.at(-1);
    expect(last).toMatchObject({ done: 6, total: 6, stage: 'encoding' });
    expect(progress.some((e) => e.type === 'progress' && typeof e.etaSec === 'number')).toBe(true);

    const mov = join(projectsDir, 'walk.mov');
    await exportAndWait({
      document: sample,
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
    const first = await exportAndWait({ document: sample, presetId: 'bvh', range: { start: 0, end: 11 } });
    const second = await exportAndWait({ document: sample, presetId: 'bvh', range: { start: 0, end: 11 } });
    // The document's name, made safe for a file name ("Hero waves (sample)" -> "Hero waves -sample-").
    const stem = projectFileName(sample.name).replace(/\.keypose$/, '');
    expect(first.result.path).toBe(join(projectsDir, 'exports', `${stem}.bvh`));
    expect(second.result.path).toBe(join(projectsDir, 'exports', `${stem} 2.bvh`));
    const bvh = readBvh(await readFile(second.result.path, 'utf8'));
    expect(bvh.frameCount).toBe(12);
    expect(bvh.fps).toEqual({ numerator: 24, denominator: 1 });
    expect(bvh.skeleton.joints.length).toBe(sample.characters[0]!.skeleton.joints.length);
  });

  it('refuses paths outside the projects folder in the studio, and bad ranges, before starting', async () => {
    await expect(
      services.exportProject({ document: sample, presetId: 'mp4-h264', outPath: join(dir, 'outside.mp4') }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(
      services.exportProject({ document: sample, presetId: 'mp4-h264', range: { start: 0, end: 400 } }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(services.exportProject({ document: sample, presetId: 'avi' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  });

  it('asks the desktop shell for a destination when none is given', async () => {
    const asked: [string, string][] = [];
    let answer: string | null = null;
    const desktop = withDialogs(
      createServices({ shell: 'electron', projectsDir: null, confineToProjectsDir: false }, ctx),
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
    expect(await desktop.exportProject({ document: sample, presetId: 'bvh' })).toBeNull();
    const stem = projectFileName(sample.name).replace(/\.keypose$/, '');
    expect(asked[0]).toEqual([`${stem}.bvh`, 'bvh']);
    // A chosen name without the extension (Linux dialogs) gets it.
    answer = join(projectsDir, 'chosen');
    const started = await desktop.exportProject({ document: sample, presetId: 'bvh' });
    const end = await jobs.finished(started!.jobId);
    expect(end).toMatchObject({ type: 'done', result: { path: join(projectsDir, 'chosen.bvh') } });
    expect(existsSync(join(projectsDir, 'chosen.bvh'))).toBe(true);
  });

  it('cancel mid-export leaves nothing at the destination', async () => {
    const out = join(projectsDir, 'cancelled.mov');
    const started = await services.exportProject({
      document: sample,
      presetId: 'prores4444',
      outPath: out,
      scale: 0.5,
    });
    const jobId = started!.jobId;
    // Cancel once frames are flowing into ffmpeg.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const encoding = jobs.of(jobId).some((e) => e.type === 'progress' && e.stage === 'encoding');
        const ended = jobs.of(jobId).some((e) => e.type !== 'progress');
        if (encoding || ended) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await services.cancelJob(jobId);
    expect((await jobs.finished(jobId)).type).toBe('cancelled');
    expect(existsSync(out)).toBe(false);
    expect((await readdir(projectsDir)).filter((n) => n.includes('partial'))).toEqual([]);
  });
});
