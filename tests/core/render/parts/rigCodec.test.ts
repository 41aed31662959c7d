import { describe, expect, it } from 'vitest';
import { jointId } from '../../../../core/ids.js';
import {
  decodeRig,
  encodeRig,
  hashBytes,
  RIG_CODEC_VERSION,
} from '../../../../core/render/parts/rigCodec.js';
import type { PartsRig } from '../../../../core/render/parts/types.js';
import { figureCharacter } from '../../../fixtures/partsCharacter.js';

/** The rig cache's file format: what goes in comes out, and anything else reads as "no rig". */
const rig = figureCharacter(64, 80).rig;
const KEY = 'rig_0123456789abcdef';

/** The bytes with the checksum recomputed, so a test reaches the check after it. */
function resealed(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(16, hashBytes(bytes.subarray(24)), true);
  return bytes;
}

describe('the parts rig codec', () => {
  it('gives back the rig it was given, every typed array and number', () => {
    const back = decodeRig(encodeRig(rig, KEY), KEY);
    expect(back).not.toBeNull();
    expect(back).toEqual(rig);
    expect(back!.labels).toBeInstanceOf(Int16Array);
    expect(back!.parts[0]!.centre).toBeInstanceOf(Float32Array);
    expect(back!.layers[0]!.data).toBeInstanceOf(Uint8Array);
  });

  it('keeps joint ids outside ASCII', () => {
    const named: PartsRig = {
      ...rig,
      parts: rig.parts.map((p, i) => (i === 0 ? { ...p, jointId: jointId('Ärm 😀') } : p)),
    };
    expect(decodeRig(encodeRig(named, KEY), KEY)!.parts[0]!.jointId).toBe('Ärm 😀');
  });

  it('answers null for another rig key', () => {
    expect(decodeRig(encodeRig(rig, KEY), 'rig_other')).toBeNull();
  });

  it('answers null for another codec version or magic', () => {
    const bytes = encodeRig(rig, KEY);
    const view = new DataView(bytes.buffer);
    view.setUint32(4, RIG_CODEC_VERSION + 1, true);
    expect(decodeRig(bytes, KEY)).toBeNull();
    const other = encodeRig(rig, KEY);
    other[0] = 0x50;
    expect(decodeRig(other, KEY)).toBeNull();
  });

  it('answers null for a rig cut by another algorithm version', () => {
    const bytes = encodeRig(rig, KEY);
    const text = String.fromCharCode(...bytes.subarray(24, 400));
    const at = text.indexOf('"algorithm":"') + '"algorithm":"'.length;
    bytes[24 + at] = 'X'.charCodeAt(0);
    expect(decodeRig(resealed(bytes), KEY)).toBeNull();
  });

  it('answers null for a truncated, extended, altered, empty or foreign file', () => {
    const bytes = encodeRig(rig, KEY);
    expect(decodeRig(bytes.subarray(0, bytes.length - 1), KEY)).toBeNull();
    expect(decodeRig(bytes.subarray(0, 30), KEY)).toBeNull();
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expect(decodeRig(longer, KEY)).toBeNull();
    const flipped = bytes.slice();
    flipped[flipped.length - 100]! ^= 1;
    expect(decodeRig(flipped, KEY)).toBeNull();
    expect(decodeRig(new Uint8Array(0), KEY)).toBeNull();
    expect(
      decodeRig(new Uint8Array(Buffer.from('\x89PNG\r\n\x1a\n not a rig at all, but long enough')), KEY),
    ).toBeNull();
  });

  it('answers null when the header and the payload disagree, even with a valid checksum', () => {
    const bytes = encodeRig(rig, KEY);
    const text = String.fromCharCode(
      ...bytes.subarray(24, 24 + new DataView(bytes.buffer).getUint32(8, true)),
    );
    const at = text.indexOf('"width":') + '"width":'.length;
    // The art's width, one digit changed: the labels no longer fit the payload.
    bytes[24 + at] = bytes[24 + at] === 57 ? 56 : bytes[24 + at]! + 1;
    expect(decodeRig(resealed(bytes), KEY)).toBeNull();
    const broken = encodeRig(rig, KEY);
    broken[24] = '['.charCodeAt(0);
    expect(decodeRig(resealed(broken), KEY)).toBeNull();
  });
});
