import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCharacter } from '../../host/import/importCharacter.js';
import { encodeRgba, hugePngHeader } from '../host/import/fixtures.js';
import { expectApiError, expectUnchanged, type Fingerprint, fingerprint, tempDir } from './helpers.js';

/**
 * Pictures as the importer gets them: ancillary data is stripped before the bytes go into the
 * project (item 9: a 64 MB text chunk made an 89 MB project), and files that are not pictures get
 * one clear error naming them. The imported files are never changed.
 */

let dir: string;
let before: Fingerprint;

const disc = (x: number, y: number): [number, number, number, number] =>
  (x - 16) ** 2 + (y - 12) ** 2 < 100 ? [200, 40, 40, 255] : [0, 0, 0, 0];

/** A PNG chunk (length, type, data, CRC over type + data). */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** `png` with chunks inserted after IHDR (8 + 25 bytes in). */
function withChunks(png: Buffer, chunks: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let o = 8; o + 8 <= png.length; o += 12 + png.readUInt32BE(o))
    types.push(png.toString('latin1', o + 4, o + 8));
  return types;
}

const storedBytes = async (file: string) =>
  Buffer.from((await importCharacter(file)).asset.dataBase64, 'base64');

let plainPng: Buffer;

beforeAll(async () => {
  dir = await tempDir('pictures');
  plainPng = await encodeRgba(32, 24, disc, 'png');
  const text = Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.alloc(64 * 2 ** 20, 0x61)]);
  await writeFile(join(dir, 'text-64mb.png'), withChunks(plainPng, [pngChunk('tEXt', text)]));
  await writeFile(
    join(dir, 'many-chunks.png'),
    withChunks(plainPng, [
      pngChunk('tEXt', Buffer.from('Author\0Someone', 'latin1')),
      pngChunk('zTXt', Buffer.from('Secret\0\0xyz', 'latin1')),
      pngChunk('iTXt', Buffer.from('GPS\0\0\0\0\0' + '48.85N', 'latin1')),
      pngChunk('tIME', Buffer.from([7, 230, 1, 1, 0, 0, 0])),
      pngChunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])),
    ]),
  );
  await writeFile(
    join(dir, 'exif.jpg'),
    await sharp(await encodeRgba(32, 24, disc, 'png'))
      .flatten({ background: '#ffffff' })
      .withExif({ IFD0: { Copyright: 'x'.repeat(30000), ImageDescription: 'GPS here' } })
      .jpeg()
      .toBuffer(),
  );
  await writeFile(
    join(dir, 'rotated.jpg'),
    await sharp(await encodeRgba(32, 24, disc, 'png'))
      .flatten({ background: '#ffffff' })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer(),
  );
  await writeFile(
    join(dir, 'xmp.webp'),
    await sharp(await encodeRgba(32, 24, disc, 'png'))
      .withExif({ IFD0: { Copyright: 'y'.repeat(20000) } })
      .webp({ lossless: true })
      .toBuffer(),
  );
  await writeFile(join(dir, 'not-a-picture.png'), 'hello, I am text');
  await writeFile(join(dir, 'truncated.png'), plainPng.subarray(0, 60));
  await writeFile(join(dir, 'empty.png'), '');
  await writeFile(join(dir, 'forged-size.png'), hugePngHeader(20000, 20000));
  await mkdir(join(dir, 'folder.png'));
  execFileSync('mkfifo', [join(dir, 'pipe.png')]);
  await symlink('nowhere.png', join(dir, 'dangling.png'));
  before = await fingerprint(dir);
});

afterAll(async () => {
  await expectUnchanged(dir, before);
  execFileSync('rm', ['-rf', dir]);
});

describe('ancillary data is stripped on import', () => {
  it('a PNG with a 64 MB text chunk is stored at its pixels size', async () => {
    const stored = await storedBytes(join(dir, 'text-64mb.png'));
    expect(stored.length).toBeLessThan(plainPng.length + 100);
    expect(chunkTypes(stored)).not.toContain('tEXt');
    const pixels = await sharp(stored).raw().toBuffer();
    expect(pixels.equals(await sharp(plainPng).raw().toBuffer())).toBe(true);
  });

  it('text, time and GPS chunks go; the colour chunk (gAMA) stays', async () => {
    const types = chunkTypes(await storedBytes(join(dir, 'many-chunks.png')));
    expect(types).toEqual(expect.arrayContaining(['IHDR', 'gAMA', 'IDAT', 'IEND']));
    for (const gone of ['tEXt', 'zTXt', 'iTXt', 'tIME']) expect(types).not.toContain(gone);
  });

  it('a JPEG loses its EXIF (30 KB of it) but not its pixels', async () => {
    const original = await readFile(join(dir, 'exif.jpg'));
    const stored = await storedBytes(join(dir, 'exif.jpg'));
    expect(stored.length).toBeLessThan(original.length - 25_000);
    expect(stored.includes(Buffer.from('GPS here'))).toBe(false);
    expect((await sharp(stored).raw().toBuffer()).equals(await sharp(original).raw().toBuffer())).toBe(true);
  });

  it('a rotated JPEG keeps only its orientation, so it still shows upright', async () => {
    const stored = await storedBytes(join(dir, 'rotated.jpg'));
    expect((await sharp(stored).metadata()).orientation).toBe(6);
    const upright = await sharp(stored).autoOrient().toBuffer({ resolveWithObject: true });
    expect([upright.info.width, upright.info.height]).toEqual([24, 32]);
  });

  it('a WebP loses its EXIF chunk and still decodes to the same pixels', async () => {
    const original = await readFile(join(dir, 'xmp.webp'));
    const stored = await storedBytes(join(dir, 'xmp.webp'));
    expect(stored.includes(Buffer.from('EXIF'))).toBe(false);
    expect(stored.length).toBeLessThan(original.length - 15_000);
    expect((await sharp(stored).raw().toBuffer()).equals(await sharp(original).raw().toBuffer())).toBe(true);
  });
});

describe('files that are not pictures', () => {
  const cases: [string, string, RegExp][] = [
    ['not-a-picture.png', 'unsupported', /unrecognised file format/],
    ['truncated.png', 'corrupt-file', /damaged or incomplete/],
    ['empty.png', 'unsupported', /unrecognised file format/],
    ['forged-size.png', 'unsupported', /20000x20000 px; Keypose accepts at most 16384/],
    ['folder.png', 'corrupt-file', /a folder can be imported only as an Animated Drawings character/],
    ['pipe.png', 'unsupported', /not a regular file/],
    ['dangling.png', 'not-found', /does not exist/],
  ];
  for (const [name, code, message] of cases) {
    it(`${name}: ${code}`, async () => {
      const file = join(dir, name);
      const error = await expectApiError(importCharacter(file));
      expect(error.code).toBe(code);
      expect(error.message).toContain(file);
      expect(error.message).toMatch(message);
    });
  }
});
