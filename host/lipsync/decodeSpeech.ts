import { spawn } from 'node:child_process';
import { resolveFfmpegPath } from '../export/ffmpeg.js';

/** Rhubarb's input: 16 kHz mono 16-bit PCM. */
export const SPEECH_SAMPLE_RATE = 16_000;

export class SpeechDecodeError extends Error {
  readonly code = 'bad-audio';
}

/**
 * Any sound file ffmpeg reads (WAV, MP3, OGG, FLAC, M4A, the video formats' audio) as 16 kHz mono
 * 16-bit samples. `input` is a path or the file's bytes (the project's audio track lives in the
 * document). ffmpeg does the decoding and resampling (one well-kept tool for every format, the same
 * one exports use).
 */
export function decodeSpeech(
  input: string | Uint8Array,
  options: { fileName?: string; signal?: AbortSignal; ffmpegPath?: string } = {},
): Promise<Int16Array> {
  const ffmpeg = resolveFfmpegPath(options.ffmpegPath);
  const name = options.fileName ?? (typeof input === 'string' ? input : 'the sound');
  return new Promise((resolve, reject) => {
    const args = [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-i',
      typeof input === 'string' ? input : 'pipe:0',
    ];
    args.push('-vn', '-ac', '1', '-ar', String(SPEECH_SAMPLE_RATE), '-f', 's16le', 'pipe:1');
    const child = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4000) stderr += c.toString();
    });
    child.stdin.on('error', () => {});
    if (typeof input === 'string') child.stdin.end();
    else child.stdin.end(input);
    child.on('error', (error) =>
      reject(error.name === 'AbortError' ? error : new SpeechDecodeError(`${name}: ${error.message}`)),
    );
    child.on('close', (code) => {
      if (options.signal?.aborted) return reject(options.signal.reason ?? new Error('cancelled'));
      if (code !== 0) {
        const why = stderr.trim().split('\n').slice(-2).join(' ') || `ffmpeg exited with ${code}`;
        return reject(new SpeechDecodeError(`${name} is not a sound ffmpeg can read: ${why}`));
      }
      const bytes = Buffer.concat(chunks);
      const samples = new Int16Array(bytes.byteLength >> 1);
      new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.byteLength));
      if (samples.length === 0) return reject(new SpeechDecodeError(`${name} has no sound in it`));
      resolve(samples);
    });
  });
}
