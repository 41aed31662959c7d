import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRhubarbTsv } from '../../core/face/trackFormats.js';
import { loadProject } from '../../host/project/store.js';
import { speak } from '../fixtures/speech/speech.js';
import { runKeypose, SAMPLE } from './runKeypose.js';

/** `keypose lipsync` through the bin launcher, on the sample project and espeak-ng speech. */

const run = promisify(execFile);
let dir: string;

const keypose = (args: string[]) => runKeypose(args, dir);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-lipsync-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose lipsync', () => {
  it('writes a mouth-shape track into the project, attaches the voice, exports Rhubarb TSV', async () => {
    const s = await speak('Good morning, how are you?', { dir });
    await writeFile(join(dir, 'line.txt'), s.text);
    await copyFile(SAMPLE, join(dir, 'p.keypose'));
    const before = await readFile(SAMPLE, 'utf8');
    const result = await keypose([
      'lipsync',
      s.wavPath,
      '-p',
      'p.keypose',
      '--text',
      'line.txt',
      '--start-frame',
      '3',
      '--export',
      'track.tsv',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.ok).toBe(true);
    expect(summary.frames.first).toBe(3);
    const doc = await loadProject(join(dir, 'p.keypose'));
    const mouth = doc.characters[0]?.faceMotion?.mouth ?? [];
    expect(mouth.length).toBe(summary.keys);
    expect(mouth[0]?.frame).toBe(3);
    expect(new Set(mouth.map((k) => k.shape)).size).toBeGreaterThan(3);
    expect(doc.audio?.fileName).toMatch(/\.wav$/);
    expect(doc.audio?.startFrame).toBe(3);
    expect(doc.characters[0]?.faceMotion?.layers?.[0]?.id).toBe('speech-motion');
    const tsv = parseRhubarbTsv(await readFile(join(dir, 'track.tsv'), 'utf8'), doc.fps);
    expect(tsv.slice(0, mouth.length)).toEqual(mouth);
    expect(await readFile(SAMPLE, 'utf8')).toBe(before);

    // Again from the project's own sound track: same keys, the track is replaced, not doubled.
    const again = await keypose(['lipsync', '-p', 'p.keypose', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const doc2 = await loadProject(join(dir, 'p.keypose'));
    expect(doc2.characters[0]?.faceMotion?.mouth.length).toBe(JSON.parse(again.stdout).keys);
  }, 120_000);

  it('render --audio muxes a voice into the video for that render only', async () => {
    const s = await speak('One two three.', { dir });
    await copyFile(SAMPLE, join(dir, 'r.keypose'));
    const result = await keypose([
      'render',
      'r.keypose',
      '-o',
      'talk.mp4',
      '--audio',
      s.wavPath,
      '--range',
      '0-11',
      '--scale',
      '0.25',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type',
      '-of',
      'json',
      join(dir, 'talk.mp4'),
    ]);
    const types = (JSON.parse(stdout) as { streams: { codec_type: string }[] }).streams.map(
      (x) => x.codec_type,
    );
    expect(types.sort()).toEqual(['audio', 'video']);
    expect(await readFile(join(dir, 'r.keypose'), 'utf8')).toBe(await readFile(SAMPLE, 'utf8'));
    const bad = await keypose(['render', 'r.keypose', '-o', 'x.mp4', '--audio', 'notes.txt']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--audio: notes\.txt is not a sound/);
  }, 180_000);

  it('refuses a file that is not a sound with a clear error and exit 2, changing nothing', async () => {
    await copyFile(SAMPLE, join(dir, 'q.keypose'));
    await writeFile(join(dir, 'notes.wav'), 'not a sound');
    const result = await keypose(['lipsync', 'notes.wav', '-p', 'q.keypose']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/notes\.wav is not a sound ffmpeg can read/);
    expect(await readFile(join(dir, 'q.keypose'), 'utf8')).toBe(await readFile(SAMPLE, 'utf8'));
    const noSound = await keypose(['lipsync', '-p', 'q.keypose']);
    expect(noSound.code).toBe(2);
    expect(noSound.stderr).toMatch(/no sound track/);
  }, 60_000);
});
