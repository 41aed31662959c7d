import { type FrameRate, formatFrameRate, frameDurationSec } from '../../core/io/frameRate.js';

/**
 * Export presets, named for the editor the user has in mind, and the ffmpeg arguments each one
 * needs. Pure data + pure functions: running ffmpeg is ffmpeg.ts' job, streaming is videoExport.ts'.
 *
 * Frames arrive as straight (not premultiplied) RGBA8; RGB -> YUV conversions use BT.709 limited
 * range and tag the file so, as editors assume for HD material.
 */
export type ExportFormatId = 'prores4444' | 'png-sequence' | 'mp4-h264' | 'webm-vp9' | 'gif';

export interface ExportPreset {
  readonly id: ExportFormatId;
  /** What the export dialog shows. */
  readonly label: string;
  /** File extension of the output ('' for the PNG sequence, whose output is a folder). */
  readonly extension: string;
  /** ffmpeg muxer (`-f`), so temporary names need not carry the extension. */
  readonly muxer: string;
  /** ffmpeg encoder the preset needs; checked against the binary before starting. */
  readonly encoder: string;
  /** Pixel format written into the file. */
  readonly pixelFormat: string;
  /** Whether transparent pixels of the frames stay transparent in the file. */
  readonly alpha: boolean;
  /** Audio encoder when the container takes the project's audio; null: audio is not written. */
  readonly audioEncoder: string | null;
  /** Whether a start timecode is written (a QuickTime tmcd track). */
  readonly timecode: boolean;
  /** An image sequence: the output path is a folder of numbered files. */
  readonly imageSequence: boolean;
  /** The preset composites the frames over a background (colour or picture). */
  readonly needsBackground: boolean;
  /** One line for the dialog: what the preset is for and its limits. */
  readonly note: string;
}

export const EXPORT_PRESETS: readonly ExportPreset[] = [
  {
    id: 'prores4444',
    label: 'After Effects / Premiere: ProRes 4444 with alpha',
    extension: '.mov',
    muxer: 'mov',
    encoder: 'prores_ks',
    pixelFormat: 'yuva444p10le',
    alpha: true,
    audioEncoder: 'pcm_s16le',
    timecode: true,
    imageSequence: false,
    needsBackground: false,
    note: 'Also for DaVinci Resolve, Final Cut Pro, Kdenlive/Shotcut. Large files; 16-bit alpha.',
  },
  {
    id: 'png-sequence',
    label: 'PNG sequence with alpha',
    extension: '',
    muxer: 'image2',
    encoder: 'png',
    pixelFormat: 'rgba',
    alpha: true,
    audioEncoder: null,
    timecode: false,
    imageSequence: true,
    needsBackground: false,
    note: 'One lossless PNG per frame in a folder; numbered from the first frame of the range. No audio.',
  },
  {
    id: 'mp4-h264',
    label: 'Web: MP4 (H.264)',
    extension: '.mp4',
    muxer: 'mp4',
    encoder: 'libx264',
    pixelFormat: 'yuv420p',
    alpha: false,
    audioEncoder: 'aac',
    timecode: false,
    imageSequence: false,
    needsBackground: true,
    note: 'Plays everywhere; no alpha, so the character is composited over a colour or a picture.',
  },
  {
    id: 'webm-vp9',
    label: 'Web: WebM VP9 with alpha',
    extension: '.webm',
    muxer: 'webm',
    encoder: 'libvpx-vp9',
    pixelFormat: 'yuva420p',
    alpha: true,
    audioEncoder: 'libopus',
    timecode: false,
    imageSequence: false,
    needsBackground: false,
    note: 'Transparent video for browsers (Chrome, Firefox, Edge). Alpha is a side stream ffmpeg decodes only with -c:v libvpx-vp9.',
  },
  {
    id: 'gif',
    label: 'GIF',
    extension: '.gif',
    muxer: 'gif',
    encoder: 'gif',
    pixelFormat: 'pal8',
    alpha: true,
    audioEncoder: null,
    timecode: false,
    imageSequence: false,
    needsBackground: false,
    note: 'One 256-colour palette per clip, on/off transparency; frame times are rounded to 1/100 s. ffmpeg holds the whole clip while building the palette: keep GIFs short.',
  },
];

export function presetById(id: ExportFormatId): ExportPreset {
  const preset = EXPORT_PRESETS.find((p) => p.id === id);
  if (!preset) throw new RangeError(`unknown export format "${id}"`);
  return preset;
}

/** An inclusive range of frame indices of the motion. */
export interface FrameRange {
  readonly startFrame: number;
  readonly endFrame: number;
}

export function frameRangeLength(range: FrameRange): number {
  if (!Number.isInteger(range.startFrame) || !Number.isInteger(range.endFrame) || range.startFrame < 0) {
    throw new RangeError(`frame range ${range.startFrame}-${range.endFrame} must be non-negative integers`);
  }
  if (range.endFrame < range.startFrame) {
    throw new RangeError(`frame range ends (${range.endFrame}) before it starts (${range.startFrame})`);
  }
  return range.endFrame - range.startFrame + 1;
}

/** "1-24" or "12" -> inclusive range (CLI and dialog spelling). */
export function parseFrameRange(text: string): FrameRange {
  const match = /^\s*(\d+)\s*(?:[-:]\s*(\d+))?\s*$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a frame range (e.g. 0-119)`);
  const startFrame = Number(match[1]);
  const range = { startFrame, endFrame: match[2] === undefined ? startFrame : Number(match[2]) };
  frameRangeLength(range);
  return range;
}

/** What lies behind the character in presets without alpha. */
export type ExportBackground =
  | { readonly kind: 'color'; readonly color: string }
  | { readonly kind: 'picture'; readonly path: string };

export const DEFAULT_BACKGROUND: ExportBackground = { kind: 'color', color: '#ffffff' };

/** Output size for a resolution scale. */
export function scaledSize(
  widthPx: number,
  heightPx: number,
  scale = 1,
): { widthPx: number; heightPx: number } {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be positive, got ${scale}`);
  return {
    widthPx: Math.max(1, Math.round(widthPx * scale)),
    heightPx: Math.max(1, Math.round(heightPx * scale)),
  };
}

function hexColor(color: string): string {
  const match = /^#?([0-9a-f]{6})$/i.exec(color.trim());
  if (!match) throw new RangeError(`background colour "${color}" is not #rrggbb`);
  return `0x${match[1]!.toLowerCase()}`;
}

export interface FfmpegArgsRequest {
  readonly preset: ExportPreset;
  readonly inputWidthPx: number;
  readonly inputHeightPx: number;
  readonly fps: FrameRate;
  readonly frameCount: number;
  /** Resolution scale (1 = the engine's frame size). */
  readonly scale?: number;
  readonly background?: ExportBackground;
  /** SMPTE start timecode, written where the container has a timecode track. */
  readonly startTimecode?: string;
  readonly audioPath?: string;
  /**
   * Clip time (s) at which the audio file's first sample plays: negative trims that much off the
   * sound's start, positive puts that much silence before it. Default 0.
   */
  readonly audioOffsetSec?: number;
  /** Number of the first file of an image sequence (the range's first frame). */
  readonly firstFileNumber?: number;
  /** Where ffmpeg writes: a file, or for image sequences a printf pattern (frame_%05d.png). */
  readonly outputPath: string;
  /** Container tags (-metadata key=value): the provenance record (provenance.ts). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** One ffmpeg input: 'pipe:0' means the raw frames arrive on stdin. */
export interface FfmpegInputSpec {
  readonly source: 'pipe:0' | string;
  readonly options: readonly string[];
}

export interface FfmpegJobSpec {
  readonly inputs: readonly FfmpegInputSpec[];
  readonly complexFilter: string;
  readonly outputOptions: readonly string[];
  readonly outputPath: string;
  /** Options of the request that the preset cannot honour (shown to the user, not fatal). */
  readonly ignored: readonly string[];
}

const BT709_TAGS = ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709'];

/**
 * The whole ffmpeg invocation for a preset. The frame input is raw RGBA on stdin at the exact
 * rational rate; every output stream is mapped explicitly.
 */
export function buildFfmpegJob(req: FfmpegArgsRequest): FfmpegJobSpec {
  const { preset, fps } = req;
  const rate = formatFrameRate(fps);
  const out = scaledSize(req.inputWidthPx, req.inputHeightPx, req.scale ?? 1);
  const ignored: string[] = [];
  const inputs: FfmpegInputSpec[] = [
    {
      source: 'pipe:0',
      options: [
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgba',
        '-s',
        `${req.inputWidthPx}x${req.inputHeightPx}`,
        '-framerate',
        rate,
      ],
    },
  ];
  const filters: string[] = [];
  let current = '[0:v]';
  const resized = out.widthPx !== req.inputWidthPx || out.heightPx !== req.inputHeightPx;
  if (resized) {
    // Resample premultiplied, so the colour hidden under transparent pixels cannot bleed into edges.
    filters.push(
      `${current}format=rgba,premultiply=inplace=1,scale=${out.widthPx}:${out.heightPx}:flags=lanczos,unpremultiply=inplace=1,format=rgba[scaled]`,
    );
    current = '[scaled]';
  }
  const toYuv709 = (pixFmt: string) => `scale=out_color_matrix=bt709:out_range=tv,format=${pixFmt}`;
  const outputOptions: string[] = [];
  switch (preset.id) {
    case 'prores4444':
      filters.push(`${current}${toYuv709('yuva444p10le')}[vout]`);
      outputOptions.push(
        '-c:v',
        'prores_ks',
        '-profile:v',
        '4',
        '-pix_fmt',
        'yuva444p10le',
        '-alpha_bits',
        '16',
        '-vendor',
        'apl0',
        ...BT709_TAGS,
      );
      break;
    case 'png-sequence':
      filters.push(`${current}format=rgba[vout]`);
      outputOptions.push(
        '-c:v',
        'png',
        '-pix_fmt',
        'rgba',
        '-start_number',
        String(req.firstFileNumber ?? 0),
      );
      break;
    case 'mp4-h264': {
      const background = req.background ?? DEFAULT_BACKGROUND;
      // H.264 4:2:0 needs even sizes: an odd frame gets one more row/column of background.
      const canvas = {
        widthPx: out.widthPx + (out.widthPx % 2),
        heightPx: out.heightPx + (out.heightPx % 2),
      };
      const size = `${canvas.widthPx}x${canvas.heightPx}`;
      if (background.kind === 'color') {
        filters.push(`color=c=${hexColor(background.color)}:s=${size}:r=${rate},format=rgba[bg]`);
      } else {
        inputs.push({ source: background.path, options: ['-loop', '1', '-framerate', rate] });
        filters.push(
          `[1:v]scale=${size.replace('x', ':')}:force_original_aspect_ratio=increase,crop=${size.replace('x', ':')},setsar=1,format=rgba[bg]`,
        );
      }
      // The background is endless (a colour source or a looped picture): the clip decides the end.
      filters.push(`[bg]${current}overlay=x=0:y=0:shortest=1:format=rgb,${toYuv709('yuv420p')}[vout]`);
      outputOptions.push(
        '-c:v',
        'libx264',
        '-preset',
        'medium',
        '-crf',
        '18',
        '-profile:v',
        'high',
        '-pix_fmt',
        'yuv420p',
        '-movflags',
        '+faststart',
        ...BT709_TAGS,
      );
      break;
    }
    case 'webm-vp9':
      filters.push(`${current}${toYuv709('yuva420p')}[vout]`);
      // auto-alt-ref off: libvpx cannot use alternate reference frames together with the alpha plane.
      // The alpha plane is a second libvpx stream that ffmpeg (4.1 and 5.1) configures without the
      // -crf control, so it stays lossy (transparent pixels come back at 0-16/255 near edges).
      outputOptions.push(
        '-c:v',
        'libvpx-vp9',
        '-pix_fmt',
        'yuva420p',
        '-crf',
        '15',
        '-b:v',
        '0',
        '-deadline',
        'good',
        '-cpu-used',
        '2',
        '-row-mt',
        '1',
        '-auto-alt-ref',
        '0',
        ...BT709_TAGS,
      );
      break;
    case 'gif':
      // One palette for the whole clip: palettegen sees every frame before paletteuse writes any.
      filters.push(
        `${current}split[gifa][gifb];[gifa]palettegen=stats_mode=full:reserve_transparent=1[pal];[gifb][pal]paletteuse=dither=sierra2_4a[vout]`,
      );
      outputOptions.push('-loop', '0');
      break;
  }
  if (preset.id !== 'mp4-h264' && req.background) ignored.push('background (the format keeps alpha)');
  outputOptions.push('-map', '[vout]');
  let audioMapped = false;
  if (req.audioPath) {
    if (preset.audioEncoder) {
      const durationSec = req.frameCount * frameDurationSec(fps);
      const offsetSec = req.audioOffsetSec ?? 0;
      // Read only as much audio as the clip lasts; a shorter track simply ends early.
      const audibleSec = durationSec - Math.max(0, offsetSec);
      if (audibleSec <= 0) {
        ignored.push('audio (the sound starts after the exported range)');
      } else {
        // Input -ss decodes and drops up to the exact sample (ffmpeg's accurate seek).
        const seek = offsetSec < 0 ? ['-ss', (-offsetSec).toFixed(6)] : [];
        inputs.push({ source: req.audioPath, options: [...seek, '-t', audibleSec.toFixed(6)] });
        const audioInput = `${inputs.length - 1}:a:0`;
        if (offsetSec > 0) {
          // Real silence rather than a timestamp offset (-itsoffset), which MP4/MOV would write as
          // an edit list that not every editor honours. One delay per channel (ffmpeg 4.1 has no
          // adelay all=1); delays beyond the channel count are ignored.
          const delayMs = (offsetSec * 1000).toFixed(3);
          filters.push(`[${audioInput}]adelay=delays=${Array(16).fill(delayMs).join('|')}[aout]`);
          outputOptions.push('-map', '[aout]');
        } else {
          outputOptions.push('-map', audioInput);
        }
        outputOptions.push('-c:a', preset.audioEncoder);
        if (preset.audioEncoder !== 'pcm_s16le') outputOptions.push('-b:a', '192k');
        audioMapped = true;
      }
    } else {
      ignored.push(`audio (${preset.label} carries no audio)`);
    }
  }
  if (req.startTimecode) {
    if (preset.timecode) outputOptions.push('-timecode', req.startTimecode);
    else ignored.push(`start timecode (${preset.label} has no timecode track)`);
  }
  // -frames:v closes the whole file as soon as the last video frame is written, cutting off the
  // audio still in the encoder's buffers; with audio, stdin (exactly frameCount frames) and the
  // audio input's -t bound the streams instead.
  if (!audioMapped) outputOptions.push('-frames:v', String(req.frameCount));
  for (const [key, value] of Object.entries(req.metadata ?? {}))
    outputOptions.push('-metadata', `${key}=${value}`);
  outputOptions.push('-f', preset.muxer);
  return {
    inputs,
    complexFilter: filters.join(';'),
    outputOptions,
    outputPath: req.outputPath,
    ignored,
  };
}
