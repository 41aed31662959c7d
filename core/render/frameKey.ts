import type { BoneProjection } from './project.js';

/**
 * Content address of a rendered frame. A frame is a pure function of what goes in here, so two
 * frames with the same key are the same pixels and can be taken from the cache.
 *
 * Bone transforms are rounded before hashing: translations to 1/256 px, the linear part to 1e-5
 * (1e-5 of a 4096 px lever arm is 0.04 px), depth to 1/64 px (depth only orders parts). Smaller
 * changes cannot move a pixel by a visible amount, and rounding keeps keys stable across the
 * tiny floating-point noise of re-evaluating the same pose.
 */
/** Version of the warp maths (core/render/reference.ts); bump when they change. */
export const WARP_ENGINE_VERSION = 'warp-1';

/**
 * The frame engine's default solve-grid step for a frame size (1 = exact at every pixel, 4 =
 * coarse grid + exact edges): coarse solves pay off from 256x256 up.
 */
export function defaultGridStep(width: number, height: number): number {
  return width * height >= 256 * 256 ? 4 : 1;
}

/** engineVersion for frame keys: the maths version and the grid step (their pixels differ slightly). */
export function engineVersionTag(width: number, height: number, gridStep?: number): string {
  return `${WARP_ENGINE_VERSION}/grid${gridStep ?? defaultGridStep(width, height)}`;
}

export interface FrameKeyInput {
  readonly artAssetId: string;
  /** Hash of the skin weights (hashBytes of their data), so re-rigging invalidates frames. */
  readonly weightsHash: string;
  readonly bones: readonly BoneProjection[];
  readonly width: number;
  readonly height: number;
  /** Bump when the engine's maths change so old cached frames are not reused. */
  readonly engineVersion: string;
  /** Anything else the frame depends on (model-pack stages, quality level), as plain strings. */
  readonly extra?: readonly string[];
}

const round = (v: number, step: number): string => {
  const r = Math.round(v / step);
  // -0 and 0 must hash the same.
  return r === 0 ? '0' : String(r);
};

export function frameKeyText(input: FrameKeyInput): string {
  const bones = [...input.bones]
    .sort((p, q) => (p.jointId < q.jointId ? -1 : p.jointId > q.jointId ? 1 : 0))
    .map((b) => {
      const [a, bb, c, d, tx, ty] = b.affine;
      const lin = [a, bb, c, d].map((v) => round(v, 1e-5)).join(',');
      const t = [tx, ty].map((v) => round(v, 1 / 256)).join(',');
      const z = b.depth.map((v) => round(v, 1 / 64)).join(',');
      return `${b.jointId}:${lin};${t};${z}`;
    });
  return [
    `engine=${input.engineVersion}`,
    `art=${input.artAssetId}`,
    `weights=${input.weightsHash}`,
    `size=${input.width}x${input.height}`,
    `extra=${(input.extra ?? []).join('|')}`,
    ...bones,
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

/** Hash of float data (e.g. skin weights), over its raw bytes. */
export function hashFloat32(data: Float32Array): string {
  return hashBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}
