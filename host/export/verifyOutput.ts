import { open, stat } from 'node:fs/promises';
import { syncPath } from './atomicWrite.js';

/**
 * Checks that what ffmpeg wrote is whole before it is published. ffmpeg's image2 muxer reports
 * success on a full disk while leaving empty or cut files (22 of 48 PNGs on a 2 MB tmpfs), so its
 * exit code is not enough: each file is fsynced (a deferred write error surfaces here) and its
 * ending checked where the format has one: PNG's IEND chunk, GIF's trailer byte, the top-level
 * boxes of MP4/MOV adding up to the file's size with a 'moov' among them.
 * Throws an Error with code ENOSPC-like errno or 'EBADOUT' and a message naming the file.
 */

export type OutputKind = 'png' | 'gif' | 'isobmff' | 'other';

const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

function bad(file: string, problem: string): Error {
  return Object.assign(new Error(`${file} is incomplete (${problem})`), { code: 'EBADOUT' });
}

async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Walks the top-level boxes of an ISO base media file (MP4, MOV); true when they tile the file and include moov. */
async function isobmffComplete(file: string, size: number): Promise<boolean> {
  let offset = 0;
  let sawMoov = false;
  for (let boxes = 0; offset < size && boxes < 10_000; boxes++) {
    const head = await readAt(file, offset, 16);
    if (head.length < 8) return false;
    let boxSize = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (boxSize === 1) {
      if (head.length < 16) return false;
      boxSize = Number(head.readBigUInt64BE(8));
    } else if (boxSize === 0) {
      boxSize = size - offset;
    }
    if (boxSize < 8) return false;
    if (type === 'moov') sawMoov = true;
    offset += boxSize;
  }
  return offset === size && sawMoov;
}

export async function verifyOutputFile(file: string, kind: OutputKind): Promise<void> {
  await syncPath(file);
  const { size } = await stat(file);
  if (size === 0) throw bad(file, 'it is empty');
  if (kind === 'png') {
    if (size < 57) throw bad(file, `${size} bytes`);
    const tail = await readAt(file, size - PNG_IEND.length, PNG_IEND.length);
    if (!tail.equals(PNG_IEND)) throw bad(file, 'the PNG has no end chunk');
  } else if (kind === 'gif') {
    const tail = await readAt(file, size - 1, 1);
    if (tail[0] !== 0x3b) throw bad(file, 'the GIF has no trailer');
  } else if (kind === 'isobmff') {
    if (!(await isobmffComplete(file, size))) throw bad(file, 'the movie boxes do not add up');
  }
}

/** The check that fits an export's file extension ('' = a PNG of a sequence). */
export function outputKindFor(extension: string, imageSequence: boolean): OutputKind {
  if (imageSequence) return 'png';
  switch (extension.toLowerCase()) {
    case '.gif':
      return 'gif';
    case '.mp4':
    case '.mov':
      return 'isobmff';
    default:
      return 'other';
  }
}
