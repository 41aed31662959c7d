import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFrameRate } from '../core/io/frameRate.js';
import type { RgbaImage } from '../core/render/types.js';
import type { ExportFormatId } from '../host/export/formats.js';
import { exportVideo } from '../host/export/videoExport.js';

/**
 * Export memory: peak RSS of exporting 200 vs 2000 synthetic 1920x1080 frames. Each run is a fresh
 * Node process (peak RSS only ever grows within a process); ffmpeg's own peak (VmHWM) is polled
 * from /proc while it runs. Streaming means the 2000-frame peak should match the 200-frame one.
 * Prints figures, asserts nothing.
 */

const WIDTH = 1920;
const HEIGHT = 1080;
const PRESET: ExportFormatId = 'prores4444';
const THIS_FILE = fileURLToPath(import.meta.url);

/** A fresh buffer per frame, as the engine hands them out: a moving figure on transparency. */
async function* syntheticFrames(count: number): AsyncGenerator<RgbaImage> {
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(WIDTH * HEIGHT * 4);
    const pixels = new Uint32Array(data.buffer);
    const x0 = 200 + ((i * 7) % 1200);
    // Little-endian RGBA: 0xAABBGGRR.
    const colour = 0xff000000 | ((40 + (i % 200)) << 16) | (160 << 8) | 220;
    for (let y = 240; y < 840; y++) pixels.fill(colour, y * WIDTH + x0, y * WIDTH + x0 + 300);
    yield { width: WIDTH, height: HEIGHT, data };
  }
}

async function vmHwmKb(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Runs in the child process: one export, then its figures as one JSON line. */
async function child(frameCount: number): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'keypose-export-bench-'));
  let ffmpegPid: number | undefined;
  let ffmpegPeakKb = 0;
  const poll = setInterval(() => {
    if (ffmpegPid) void vmHwmKb(ffmpegPid).then((kb) => (ffmpegPeakKb = Math.max(ffmpegPeakKb, kb)));
  }, 100);
  const outPath = path.join(dir, `bench${frameCount}.mov`);
  try {
    const result = await exportVideo({
      frames: syntheticFrames(frameCount),
      frameCount,
      width: WIDTH,
      height: HEIGHT,
      preset: PRESET,
      fps: parseFrameRate('24'),
      outPath,
      onFfmpegStart: (info) => {
        ffmpegPid = info.pid;
      },
    });
    const fileBytes = (await stat(outPath)).size;
    process.stdout.write(
      `${JSON.stringify({
        frameCount,
        nodePeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        ffmpegPeakRssMb: Math.round(ffmpegPeakKb / 1024),
        elapsedSec: Number(result.elapsedSec.toFixed(2)),
        framesPerSec: Number((frameCount / result.elapsedSec).toFixed(2)),
        fileMb: Math.round(fileBytes / 1e6),
      })}\n`,
    );
  } finally {
    clearInterval(poll);
    await rm(dir, { recursive: true, force: true });
  }
}

function runChild(frameCount: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, '--child', String(frameCount)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`export bench child exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as Record<string, number>);
    });
  });
}

export async function runExportBench(frameCounts: readonly number[] = [200, 2000]): Promise<object> {
  const runs: Record<string, number>[] = [];
  for (const frameCount of frameCounts) runs.push(await runChild(frameCount));
  const first = runs[0]!;
  const last = runs.at(-1)!;
  return {
    bench: 'export',
    preset: PRESET,
    size: `${WIDTH}x${HEIGHT}`,
    runs,
    nodePeakGrowthMb: last.nodePeakRssMb! - first.nodePeakRssMb!,
    ffmpegPeakGrowthMb: last.ffmpegPeakRssMb! - first.ffmpegPeakRssMb!,
  };
}

if (process.argv[1] === THIS_FILE) {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex >= 0) {
    await child(Number(process.argv[childIndex + 1]));
  } else {
    const counts = process.argv.slice(2).map(Number).filter(Number.isFinite);
    console.log(JSON.stringify(await runExportBench(counts.length > 0 ? counts : undefined), null, 2));
  }
}
