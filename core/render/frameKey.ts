import type { WorldTransform } from '../skeleton/kinematics.js';
import type { OutputFrame } from './parts/posed.js';

/**
 * Content address of a rendered frame. A frame is a pure function of what goes in here, so two
 * frames with the same key are the same pixels and can be taken from the cache.
 *
 * What a frame depends on: the character's parts rig (named by its rig key: a hash of the art, the
 * mask, the part hints, the rest skeleton and the rig algorithm, so the key is known before the rig
 * is built), the posed world transform of every joint, the output frame (size, scale, offset), the
 * engine version and anything else the caller names (a model pack).
 *
 * Transforms are rounded before hashing: positions to 1/256 px, rotations (unit quaternions) to
 * 1e-6 (1e-6 rad at a 4096 px lever arm is 0.004 px); smaller changes cannot move a pixel by a
 * visible amount, and rounding keeps keys stable across the floating-point noise of re-evaluating
 * the same pose. q and -q are the same rotation: the sign is fixed by the first non-zero component.
 */
/** Version of the frame engine's maths (core/render/parts/, inference/engine/graph/); bump when they change. */
export const ENGINE_VERSION = 'parts-3';

export interface FrameKeyInput {
  /** The rig the frame is rendered from (host/render/rigInputs.ts rigKey). */
  readonly rigKey: string;
  readonly world: ReadonlyMap<string, WorldTransform>;
  readonly output: OutputFrame;
  /** Anything else the frame depends on (model-pack stages), as plain strings. */
  readonly extra?: readonly string[];
}

const round = (v: number, step: number): string => {
  const r = Math.round(v / step);
  // -0 and 0 must hash the same.
  return r === 0 ? '0' : String(r);
};

export function frameKeyText(input: FrameKeyInput): string {
  const joints = [...input.world.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, w]) => {
      const q = [...w.rotation];
      const lead = q.find((c) => Math.abs(c) >= 5e-7) ?? 1;
      const sign = lead < 0 ? -1 : 1;
      const rot = q.map((c) => round(sign * c, 1e-6)).join(',');
      const pos = w.position.map((c) => round(c, 1 / 256)).join(',');
      return `${id}:${rot};${pos}`;
    });
  const o = input.output;
  return [
    `engine=${ENGINE_VERSION}`,
    `rig=${input.rigKey}`,
    `out=${o.width}x${o.height}@${round(o.scale, 1e-6)}+${round(o.offsetX, 1 / 256)},${round(o.offsetY, 1 / 256)}`,
    `extra=${(input.extra ?? []).join('|')}`,
    ...joints,
  ].join('\n');
}

/** A 128-bit hex key (see frameKeyText for what it covers). */
export function frameKey(input: FrameKeyInput): string {
  return hashString(frameKeyText(input));
}

/**
 * 128-bit non-cryptographic hash (four interleaved 32-bit multiply-xorshift lanes, MurmurHash3
 * finaliser). Pure TypeScript so core stays free of Node's crypto; collisions are out of reach
 * for cache-sized key sets.
 */
export function hashBytes(bytes: Uint8Array): string {
  let h1 = 0x9747b28c;
  let h2 = 0x85ebca6b;
  let h3 = 0xc2b2ae35;
  let h4 = 0x27d4eb2f;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const k = bytes[i]!;
    h1 = Math.imul(h1 ^ k, 0x01000193);
    h2 = Math.imul(h2 ^ k, 0x5bd1e995);
    h3 = Math.imul(h3 ^ k, 0x1b873593) ^ (h1 >>> 13);
    h4 = Math.imul(h4 ^ k, 0xcc9e2d51) ^ (h2 >>> 15);
  }
  const fmix = (h: number, salt: number): number => {
    let x = (h ^ n ^ salt) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    return x >>> 0;
  };
  const a = fmix(h1 + h3, 1);
  const b = fmix(h2 ^ h4, 2);
  const c = fmix(h3 + a, 3);
  const d = fmix(h4 ^ b, 4);
  return [a, b, c, d].map((x) => x.toString(16).padStart(8, '0')).join('');
}

export function hashString(text: string): string {
  return hashBytes(utf8(text));
}

/** UTF-8 bytes of a string (core has no TextEncoder: it runs without DOM or Node types). */
function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}

/** Hash of float data, over its raw bytes. */
export function hashFloat32(data: Float32Array): string {
  return hashBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}
