/**
 * Keeps only the pixels and the colour description of an imported picture's bytes, which the
 * project stores as they are (base64). Text chunks, EXIF, XMP, thumbnails and comments can be
 * far larger than the picture (a PNG with a 64 MB tEXt chunk made an 89 MB project) and can carry
 * what the artist did not mean to share (GPS positions, names). No pixel is re-encoded.
 *
 * PNG: IHDR, PLTE, tRNS, IDAT, IEND and the colour chunks (iCCP, sRGB, gAMA, cHRM, cICP, sBIT).
 * JPEG: the frame and scan segments, JFIF (APP0), the ICC profile (APP2) and Adobe's colour
 * transform (APP14); EXIF (APP1) only as a minimal one carrying the orientation when that is not
 * "upright", since the picture is displayed by it.
 * WebP: the image chunks (VP8, VP8L, ALPH, ANIM, ANMF) and ICCP; VP8X's EXIF/XMP flags cleared
 * (EXIF kept when its orientation is not "upright").
 * Bytes that do not parse are returned unchanged (the decoder has already accepted them).
 */

const PNG_KEEP = new Set([
  'IHDR',
  'PLTE',
  'tRNS',
  'IDAT',
  'IEND',
  'iCCP',
  'sRGB',
  'gAMA',
  'cHRM',
  'cICP',
  'sBIT',
]);

function stripPng(bytes: Buffer): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, 8)];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) return bytes;
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (PNG_KEEP.has(type)) parts.push(bytes.subarray(offset, end));
    offset = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(parts);
}

/** A minimal EXIF APP1 segment holding only the orientation tag (big-endian TIFF, one IFD entry). */
function orientationApp1(orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  tiff.writeUInt32BE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

function stripJpeg(bytes: Buffer, orientation: number): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, 2)];
  if (orientation > 1 && orientation <= 8) parts.push(orientationApp1(orientation));
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return bytes;
    const marker = bytes[offset + 1]!;
    if (marker === 0xd9) {
      parts.push(bytes.subarray(offset, offset + 2));
      return Buffer.concat(parts);
    }
    const length = bytes.readUInt16BE(offset + 2);
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) return bytes;
    if (marker === 0xda) {
      // Start of scan: the entropy-coded data (and any later segments) runs to the end.
      parts.push(bytes.subarray(offset));
      return Buffer.concat(parts);
    }
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const keep = !isApp && marker !== 0xfe ? true : marker === 0xe0 || marker === 0xe2 || marker === 0xee;
    if (keep) parts.push(bytes.subarray(offset, end));
    offset = end;
  }
  return bytes;
}

const WEBP_KEEP = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);

/** `keepExif`: the picture is displayed rotated by its EXIF orientation, which must stay. */
function stripWebp(bytes: Buffer, keepExif: boolean): Buffer {
  const parts: Buffer[] = [];
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const type = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const end = offset + 8 + size + (size % 2);
    if (end > bytes.length + (size % 2)) return bytes;
    if (WEBP_KEEP.has(type) || (keepExif && type === 'EXIF')) {
      const chunk = Buffer.from(bytes.subarray(offset, Math.min(end, bytes.length)));
      // VP8X flags: bit 3 EXIF, bit 2 XMP (RFC 9649); those chunks are gone.
      if (type === 'VP8X' && chunk.length > 8) chunk[8] = chunk[8]! & (keepExif ? ~0b0100 : ~0b1100);
      parts.push(chunk);
    }
    offset = end;
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body]);
}

/** The picture's bytes with everything but pixels and colour removed (see above). */
export function stripPictureMetadata(
  format: 'png' | 'jpeg' | 'webp',
  bytes: Buffer,
  orientation = 1,
): Buffer {
  try {
    if (format === 'png') return stripPng(bytes);
    if (format === 'jpeg') return stripJpeg(bytes, orientation);
    return stripWebp(bytes, orientation > 1);
  } catch {
    return bytes;
  }
}
