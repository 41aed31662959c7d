import { crc32 } from 'node:zlib';
import { writePsdBuffer } from 'ag-psd';
import sharp from 'sharp';

/** Small test pictures made on the fly (nothing large is stored in the repository). */

export async function encodeRgba(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number, number],
  format: 'png' | 'jpeg' | 'webp',
): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  }
  const image = sharp(data, { raw: { width, height, channels: 4 } });
  if (format === 'png') return image.png().toBuffer();
  if (format === 'jpeg') return image.flatten({ background: '#ffffff' }).jpeg({ quality: 95 }).toBuffer();
  return image.webp({ lossless: true }).toBuffer();
}

function chunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A PNG that claims widthPx x heightPx but holds no pixel data (a few dozen bytes): decoding it
 * would need gigabytes, so the importer must refuse it from the header alone.
 */
export function hugePngHeader(widthPx: number, heightPx: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(widthPx, 0);
  ihdr.writeUInt32BE(heightPx, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function solid(width: number, height: number, rgba: [number, number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(rgba, i * 4);
  return { width, height, data };
}

/** A 64x48 PSD: body, a half-transparent left arm, a group "legs" with a right leg, a hidden layer. */
export function layeredPsd(): Buffer {
  return writePsdBuffer({
    width: 64,
    height: 48,
    children: [
      {
        name: 'body',
        left: 20,
        top: 10,
        right: 44,
        bottom: 40,
        imageData: solid(24, 30, [200, 50, 50, 255]),
      },
      {
        name: 'Left Arm',
        left: 40,
        top: 12,
        right: 60,
        bottom: 20,
        opacity: 0.5,
        imageData: solid(20, 8, [0, 0, 255, 255]),
      },
      {
        name: 'legs',
        children: [
          {
            name: 'R_leg',
            left: 22,
            top: 38,
            right: 30,
            bottom: 48,
            imageData: solid(8, 10, [10, 120, 10, 255]),
          },
        ],
      },
      {
        name: 'sketch',
        hidden: true,
        left: 0,
        top: 0,
        right: 64,
        bottom: 48,
        imageData: solid(64, 48, [0, 255, 0, 255]),
      },
    ],
  });
}

/** A PSD with only a flattened image and no layers. */
export function flatPsd(): Buffer {
  return writePsdBuffer({ width: 16, height: 16, imageData: solid(16, 16, [1, 2, 3, 255]) });
}
