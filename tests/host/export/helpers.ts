import { execFile } from 'node:child_process';
import type { RgbaImage } from '../../../core/render/types.js';

/**
 * Procedural test frames: a coloured figure (head, body, a swinging arm) on fully transparent
 * surroundings, with a soft one-pixel edge so straight-alpha handling is exercised.
 */
export function figureFrame(widthPx: number, heightPx: number, frameIndex: number): RgbaImage {
  const data = new Uint8Array(widthPx * heightPx * 4);
  const cx = widthPx / 2 + Math.sin(frameIndex / 3) * widthPx * 0.08;
  const armAngle = frameIndex * 0.25;
  const coverage = (x: number, y: number): number => {
    const head = Math.hypot(x - cx, y - heightPx * 0.25) - heightPx * 0.12;
    const bodyX = Math.abs(x - cx) - widthPx * 0.1;
    const bodyY = Math.abs(y - heightPx * 0.58) - heightPx * 0.22;
    const body = Math.max(bodyX, bodyY);
    const ax = x - cx;
    const ay = y - heightPx * 0.45;
    const along = ax * Math.cos(armAngle) + ay * Math.sin(armAngle);
    const across = -ax * Math.sin(armAngle) + ay * Math.cos(armAngle);
    const arm = Math.max(
      Math.abs(along - widthPx * 0.18) - widthPx * 0.18,
      Math.abs(across) - heightPx * 0.04,
    );
    const distance = Math.min(head, body, arm);
    return Math.max(0, Math.min(1, 0.5 - distance));
  };
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const a = coverage(x + 0.5, y + 0.5);
      if (a <= 0) continue;
      const i = (y * widthPx + x) * 4;
      data[i] = 40 + Math.round((180 * x) / widthPx);
      data[i + 1] = 60 + Math.round((150 * y) / heightPx);
      data[i + 2] = 170 - Math.round((100 * x) / widthPx);
      data[i + 3] = Math.round(a * 255);
    }
  }
  return { width: widthPx, height: heightPx, data };
}

export async function* figureFrames(widthPx: number, heightPx: number, count: number, first = 0) {
  for (let i = 0; i < count; i++) yield figureFrame(widthPx, heightPx, first + i);
}

export function run(file: string, args: string[]): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr.toString()}`));
      else resolve({ stdout, stderr: stderr.toString() });
    });
  });
}

/** Writes `outPath` from an ffmpeg lavfi source (e.g. 'sine=frequency=440:duration=2'); `extra` goes before the output. */
export async function lavfiToFile(source: string, outPath: string, extra: string[] = []): Promise<void> {
  await run('/usr/bin/ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', source, ...extra, outPath]);
}

export interface ProbedStream {
  codec_name: string;
  codec_type: string;
  codec_tag_string?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  r_frame_rate: string;
  avg_frame_rate: string;
  nb_read_frames?: string;
  color_space?: string;
  tags?: Record<string, string>;
}

/** Debian's ffprobe (5.1), independent of the ffmpeg that wrote the file. */
export async function ffprobe(file: string, extra: string[] = []): Promise<{ streams: ProbedStream[] }> {
  const { stdout } = await run('/usr/bin/ffprobe', [
    '-v',
    'error',
    '-count_frames',
    ...extra,
    '-show_streams',
    '-of',
    'json',
    file,
  ]);
  return JSON.parse(stdout.toString()) as { streams: ProbedStream[] };
}

/** Decodes a video back to straight RGBA frames with Debian's ffmpeg, reading YUV as BT.709. */
export async function decodeRgba(
  file: string,
  widthPx: number,
  heightPx: number,
  decoder?: string,
): Promise<Uint8Array[]> {
  const { stdout } = await run('/usr/bin/ffmpeg', [
    '-v',
    'error',
    ...(decoder ? ['-c:v', decoder] : []),
    '-i',
    file,
    '-vf',
    'scale=in_color_matrix=bt709:in_range=tv',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    'pipe:1',
  ]);
  const frameBytes = widthPx * heightPx * 4;
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset + frameBytes <= stdout.length; offset += frameBytes) {
    frames.push(new Uint8Array(stdout.buffer, stdout.byteOffset + offset, frameBytes));
  }
  return frames;
}

/**
 * PSNR (dB) of premultiplied RGB plus alpha: the colour under a transparent pixel does not count,
 * as no editor can see it.
 */
export function psnrPremultiplied(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    const aa = a[i + 3]! / 255;
    const ba = b[i + 3]! / 255;
    for (let c = 0; c < 3; c++) {
      const d = a[i + c]! * aa - b[i + c]! * ba;
      sum += d * d;
    }
    const d = a[i + 3]! - b[i + 3]!;
    sum += d * d;
  }
  const mse = sum / a.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}
