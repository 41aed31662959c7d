import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

// Joints of an Animated Drawings character, in its own char_cfg.yaml format (a 100x160 figure).
const AD_JOINTS: Record<string, [number, number, string | null]> = {
  root: [50, 90, null],
  hip: [50, 90, 'root'],
  torso: [50, 50, 'hip'],
  neck: [50, 28, 'torso'],
  right_shoulder: [38, 52, 'torso'],
  right_elbow: [24, 54, 'right_shoulder'],
  right_hand: [10, 56, 'right_elbow'],
  left_shoulder: [62, 52, 'torso'],
  left_elbow: [76, 54, 'left_shoulder'],
  left_hand: [90, 56, 'left_elbow'],
  right_hip: [42, 92, 'root'],
  right_knee: [41, 120, 'right_hip'],
  right_foot: [40, 148, 'right_knee'],
  left_hip: [58, 92, 'root'],
  left_knee: [59, 120, 'left_hip'],
  left_foot: [60, 148, 'left_knee'],
};

/**
 * Writes an Animated Drawings character folder (char_cfg.yaml, texture.png, mask.png) of a 100x160
 * figure at `folder`; `dropJoint` leaves one joint out of the config, `scale` scales the pictures.
 */
export async function writeAnimatedDrawingsFolder(
  folder: string,
  opts: { dropJoint?: string; scale?: number } = {},
): Promise<string> {
  await mkdir(folder, { recursive: true });
  const lines = ['height: 160', 'skeleton:'];
  for (const [joint, [x, y, parent]] of Object.entries(AD_JOINTS)) {
    if (joint === opts.dropJoint) continue;
    lines.push(`- loc:\n  - ${x}\n  - ${y}\n  name: ${joint}\n  parent: ${parent ?? 'null'}`);
  }
  lines.push('width: 100');
  await writeFile(join(folder, 'char_cfg.yaml'), `${lines.join('\n')}\n`);
  const s = opts.scale ?? 1;
  const inFigure = (x: number, y: number) =>
    Math.abs(x / s - 50) < 12 || (Math.abs(y / s - 54) < 5 && x / s > 6 && x / s < 94);
  // AD's texture is an opaque drawing; the mask says where the figure is.
  await writeFile(
    join(folder, 'texture.png'),
    await encodeRgba(
      100 * s,
      160 * s,
      (x, y) => (inFigure(x, y) ? [30, 30, 200, 255] : [255, 255, 255, 255]),
      'png',
    ),
  );
  await writeFile(
    join(folder, 'mask.png'),
    await encodeRgba(
      100 * s,
      160 * s,
      (x, y) => (inFigure(x, y) ? [255, 255, 255, 255] : [0, 0, 0, 255]),
      'png',
    ),
  );
  return folder;
}
