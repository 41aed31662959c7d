import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseFrameRate } from '../../../core/io/frameRate.js';
import type { ExportFormatId } from '../../../host/export/formats.js';
import {
  buildProvenanceRecord,
  PNG_PROVENANCE_KEYWORD,
  readPngText,
  withPngProvenance,
} from '../../../host/export/provenance.js';
import { exportVideo } from '../../../host/export/videoExport.js';
import { figureFrames, run } from './helpers.js';

/**
 * Every export says Keypose made it (host/export/provenance.ts): read back with Debian's ffprobe
 * (MP4, MOV, WebM tags), from the PNG chunks, and from the sidecar's SHA-256 of each file.
 */

const W = 32;
const H = 32;
const COUNT = 3;
const PICTURE_SHA = 'ab'.repeat(32);
const record = buildProvenanceRecord({
  sourcePictureSha256: [PICTURE_SHA],
  createdAt: new Date('2026-12-03T07:00:00Z'),
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keypose-provenance-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportWith(preset: ExportFormatId, name: string) {
  const outPath = path.join(dir, name);
  await exportVideo({
    frames: figureFrames(W, H, COUNT),
    frameCount: COUNT,
    width: W,
    height: H,
    preset,
    fps: parseFrameRate('24'),
    outPath,
    provenance: record,
  });
  return outPath;
}

async function formatTags(file: string): Promise<Record<string, string>> {
  const { stdout } = await run('/usr/bin/ffprobe', ['-v', 'error', '-show_format', '-of', 'json', file]);
  const tags = (JSON.parse(stdout.toString()) as { format: { tags?: Record<string, string> } }).format.tags;
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

function expectRecord(json: string) {
  const parsed = JSON.parse(json);
  expect(parsed.softwareAgent.name).toBe('Keypose');
  expect(parsed.softwareAgent.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(parsed.generated).toBe(true);
  expect(parsed.statement).toMatch(/from a still picture/);
  expect(parsed.sourcePictures).toEqual([{ sha256: PICTURE_SHA }]);
  expect(parsed.createdAt).toBe('2026-12-03T07:00:00.000Z');
}

async function expectSidecar(sidecar: string, files: string[]) {
  const manifest = JSON.parse(await readFile(sidecar, 'utf8'));
  expectRecord(JSON.stringify(manifest));
  expect(manifest.files.length).toBe(files.length);
  for (const [i, file] of files.entries()) {
    const sha = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    expect(manifest.files[i].sha256).toBe(sha);
  }
}

describe('provenance in every export', () => {
  test.each([
    ['mp4-h264', 'clip.mp4'],
    ['prores4444', 'clip.mov'],
    ['webm-vp9', 'clip.webm'],
  ] as const)(
    '%s: ffprobe shows the record in the container tags; the sidecar hashes the file',
    async (preset, name) => {
      const out = await exportWith(preset, name);
      const tags = await formatTags(out);
      expectRecord(tags.comment as string);
      // MOV's user data has no description atom in ffmpeg's muxer; the comment carries the record.
      if (preset !== 'prores4444') expect(tags.description).toMatch(/^Generated animation: .*Keypose \d/);
      await expectSidecar(`${out}.provenance.json`, [out]);
    },
  );

  test('PNG sequence: each frame carries iTXt chunks; the sidecar beside the folder hashes each frame', async () => {
    const out = await exportWith('png-sequence', 'frames');
    const pngs = (await readdir(out))
      .filter((n) => n.endsWith('.png'))
      .sort()
      .map((n) => path.join(out, n));
    expect(pngs.length).toBe(COUNT);
    for (const png of pngs) {
      const text = readPngText(await readFile(png));
      expect(text.Software).toMatch(/^Keypose \d/);
      expectRecord(text[PNG_PROVENANCE_KEYWORD] as string);
    }
    // An independent reader (Debian's ffprobe decodes the PNG and lists its text chunks).
    const tags = await formatTagsOfFrame(pngs[0] as string);
    expect(tags.software).toMatch(/^Keypose/);
    await expectSidecar(`${out}.provenance.json`, pngs);
  });

  test('a sidecar name that already exists is left alone (not Keypose’s to replace)', async () => {
    const outPath = path.join(dir, 'taken.mp4');
    await writeFile(`${outPath}.provenance.json`, 'mine');
    const result = await exportVideo({
      frames: figureFrames(W, H, COUNT),
      frameCount: COUNT,
      width: W,
      height: H,
      preset: 'mp4-h264',
      fps: parseFrameRate('24'),
      outPath,
      provenance: record,
    });
    expect(await readFile(`${outPath}.provenance.json`, 'utf8')).toBe('mine');
    expect(result.ignored.join(' ')).toMatch(/provenance sidecar/);
    expectRecord((await formatTags(outPath)).comment as string);
  });

  test('the PNG chunk writer refuses what is not a PNG', () => {
    expect(() => withPngProvenance(new Uint8Array([1, 2, 3]), record)).toThrow(/not a PNG/);
  });
});

async function formatTagsOfFrame(file: string): Promise<Record<string, string>> {
  const { stdout } = await run('/usr/bin/ffprobe', ['-v', 'error', '-show_frames', '-of', 'json', file]);
  const frames = (JSON.parse(stdout.toString()) as { frames: { tags?: Record<string, string> }[] }).frames;
  return Object.fromEntries(Object.entries(frames[0]?.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
