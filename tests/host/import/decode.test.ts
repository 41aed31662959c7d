import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPicture, sniffFormat } from '../../../host/import/decode.js';
import { ImportError } from '../../../host/import/errors.js';
import { encodeRgba, flatPsd, hugePngHeader, layeredPsd } from './fixtures.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function importError(path: string): Promise<ImportError> {
  const error = await importPicture(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportError);
  const importErr = error as ImportError;
  expect(importErr.file).toBe(path);
  expect(importErr.message).toContain(path);
  return importErr;
}

// A circle on transparency: opaque inside, transparent outside.
const disc = (x: number, y: number): [number, number, number, number] =>
  (x - 16) ** 2 + (y - 12) ** 2 < 64 ? [250, 20, 30, 255] : [0, 0, 0, 0];

describe('importPicture', () => {
  it('decodes a PNG with alpha to straight RGBA and notices the alpha', async () => {
    const path = await file('disc.png', await encodeRgba(32, 24, disc, 'png'));
    const picture = await importPicture(path);
    expect(picture.format).toBe('png');
    expect(picture.hasAlpha).toBe(true);
    expect([picture.rgba.width, picture.rgba.height]).toEqual([32, 24]);
    const at = (x: number, y: number) =>
      Array.from(picture.rgba.data.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4));
    expect(at(16, 12)).toEqual([250, 20, 30, 255]);
    expect(at(0, 0)[3]).toBe(0);
  });

  it('decodes JPEG (opaque) and WebP', async () => {
    const jpeg = await importPicture(await file('disc.jpg', await encodeRgba(32, 24, disc, 'jpeg')));
    expect(jpeg.format).toBe('jpeg');
    expect(jpeg.hasAlpha).toBe(false);
    expect(jpeg.rgba.data[(12 * 32 + 16) * 4]).toBeGreaterThan(220);
    const webp = await importPicture(await file('disc.webp', await encodeRgba(32, 24, disc, 'webp')));
    expect(webp.format).toBe('webp');
    expect(webp.hasAlpha).toBe(true);
    expect(Array.from(webp.rgba.data.subarray((12 * 32 + 16) * 4, (12 * 32 + 16) * 4 + 4))).toEqual([
      250, 20, 30, 255,
    ]);
  });

  it('decodes grayscale and 16-bit PNGs to RGBA8', async () => {
    const sharp = (await import('sharp')).default;
    const gray = await sharp(Buffer.from([0, 128, 255, 64]), { raw: { width: 2, height: 2, channels: 1 } })
      .png()
      .toBuffer();
    const grayPicture = await importPicture(await file('gray.png', gray));
    expect(Array.from(grayPicture.rgba.data.subarray(4, 8))).toEqual([128, 128, 128, 255]);
    // A Uint16Array input makes sharp build a 16-bit image.
    const deep = await sharp(new Uint16Array([65535, 0, 32896, 65535]), {
      raw: { width: 1, height: 1, channels: 4 },
    })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const deepPicture = await importPicture(await file('deep.png', deep));
    expect(Array.from(deepPicture.rgba.data)).toEqual([255, 0, 128, 255]);
  });

  it('treats an alpha channel that is fully opaque as no alpha', async () => {
    const picture = await importPicture(
      await file('opaque.png', await encodeRgba(8, 8, () => [9, 9, 9, 255], 'png')),
    );
    expect(picture.hasAlpha).toBe(false);
  });

  it('composites the visible PSD layers and keeps them as named part hints', async () => {
    const picture = await importPicture(await file('layers.psd', layeredPsd()));
    expect(picture.format).toBe('psd');
    expect(picture.layers?.map((l) => l.name)).toEqual(['body', 'Left Arm', 'legs/R_leg']);
    const px = (x: number, y: number) =>
      Array.from(picture.rgba.data.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 4));
    expect(px(30, 30)).toEqual([200, 50, 50, 255]); // body only
    // Half-transparent blue over red body: an even mix; over nothing: blue at half alpha.
    expect(px(42, 15)).toEqual([100, 25, 153, 255]);
    expect(px(55, 15)).toEqual([0, 0, 255, 128]);
    expect(px(5, 5)[3]).toBe(0); // the hidden full-frame layer is skipped
    expect(px(25, 45)).toEqual([10, 120, 10, 255]); // the layer inside the group
    expect(picture.hasAlpha).toBe(true);
    const arm = picture.layers![1]!;
    expect([arm.left, arm.top, arm.image.width, arm.image.height]).toEqual([40, 12, 20, 8]);
  });

  it('sniffs formats from bytes, not names', () => {
    expect(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe('png');
    expect(sniffFormat(new TextEncoder().encode('GIF89a'))).toBeNull();
  });
});

describe('importPicture on bad input', () => {
  it('refuses a 30000x30000 PNG from its header, before decoding', async () => {
    const bytes = hugePngHeader(30000, 30000);
    expect(bytes.length).toBeLessThan(100);
    const error = await importError(await file('huge.png', bytes));
    expect(error.reason).toBe('too-large');
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/30000x30000/);
  });

  it('refuses a picture over 100 megapixels even with sides under the limit', async () => {
    const error = await importError(await file('wide.png', hugePngHeader(16000, 7000)));
    expect(error.reason).toBe('too-large');
  });

  it('reports a truncated PNG as a corrupt file', async () => {
    const good = await encodeRgba(64, 64, (x, y) => [x * 4, y * 4, 0, 255], 'png');
    const error = await importError(
      await file('truncated.png', good.subarray(0, Math.floor(good.length / 2))),
    );
    expect(error.reason).toBe('corrupt-file');
    expect(error.code).toBe('corrupt-file');
  });

  it('reports a damaged JPEG as a corrupt file', async () => {
    const good = await encodeRgba(64, 64, (x, y) => [x * 4, y * 4, 0, 255], 'jpeg');
    const bad = Buffer.from(good);
    bad.fill(0, 20, bad.length);
    const error = await importError(await file('damaged.jpg', bad));
    expect(error.reason).toBe('corrupt-file');
  });

  it('reports an unknown format, naming the extension', async () => {
    const error = await importError(await file('drawing.gif', new TextEncoder().encode('GIF89a....')));
    expect(error.reason).toBe('unsupported-format');
    expect(error.message).toMatch(/\.gif/);
    const text = await importError(await file('notes.png', new TextEncoder().encode('just some text')));
    expect(text.reason).toBe('unsupported-format');
  });

  it('refuses a 30000x30000 PSD from its header', async () => {
    const bytes = Buffer.from(layeredPsd());
    bytes.writeUInt32BE(30000, 14);
    bytes.writeUInt32BE(30000, 18);
    const error = await importError(await file('huge.psd', bytes));
    expect(error.reason).toBe('too-large');
  });

  it('refuses a PSD without layers', async () => {
    const error = await importError(await file('flat.psd', flatPsd()));
    expect(error.reason).toBe('empty-psd');
    expect(error.message).toMatch(/no layers/);
  });

  it('reports a truncated PSD as corrupt', async () => {
    const error = await importError(await file('cut.psd', layeredPsd().subarray(0, 200)));
    expect(error.reason).toBe('corrupt-file');
  });

  it('reports a missing file', async () => {
    const error = await importError(join(dir, 'nope.png'));
    expect(error.reason).toBe('not-found');
    expect(error.code).toBe('not-found');
  });
});

describe('importPicture on PSDs whose layers are all hidden', () => {
  it('says the layers are hidden', async () => {
    const { writePsdBuffer } = await import('ag-psd');
    const data = new Uint8ClampedArray(8 * 8 * 4).fill(255);
    const bytes = writePsdBuffer({
      width: 8,
      height: 8,
      children: [
        {
          name: 'head',
          hidden: true,
          left: 0,
          top: 0,
          right: 8,
          bottom: 8,
          imageData: { width: 8, height: 8, data },
        },
      ],
    });
    const error = await importError(await file('hidden.psd', bytes));
    expect(error.reason).toBe('empty-psd');
    expect(error.message).toMatch(/hidden/);
  });
});
