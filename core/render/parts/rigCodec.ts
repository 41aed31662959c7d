import { z } from 'zod';
import { jointId } from '../../ids.js';
import {
  PARTS_ALGORITHM_VERSION,
  PARTS_FORMAT,
  type PartsRig,
  type RigPart,
  type RigSphere,
} from './types.js';

/**
 * A built parts rig as bytes, for the worker's rig cache (inference/worker/rigCache.ts): building a
 * rig takes 0.3-0.8 s, reading it back a few milliseconds. Little-endian layout:
 *
 *   0  u32 magic 'KPR1'          4  u32 codec version      8  u32 header bytes H
 *  12  u32 payload bytes P       16 u32 checksum of header and payload (hashBytes)
 *  20  H bytes of JSON header (zero-padded to a multiple of 8), then P bytes of payload:
 *      the parts' and the spheres' numbers (float64), per part its centre and radius (float32),
 *      every layer's RGBA8, the labels (int16),
 *      each array starting on a multiple of 8 bytes.
 *
 * The header names the rig key and PARTS_ALGORITHM_VERSION it was built for; decodeRig answers
 * null (never throws) for anything else: another magic or version, another key, a truncated or
 * altered file. The caller then builds the rig again.
 */
export const RIG_CODEC_MAGIC = 0x3152504b; // 'KPR1' little-endian
export const RIG_CODEC_VERSION = 1;
const FIXED_BYTES = 20;

const rectSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
});
const partSchema = z.object({
  jointId: z.string(),
  profileLength: z.number().int().nonnegative(),
  rect: rectSchema,
});
const sphereSchema = z.object({ jointId: z.string(), rect: rectSchema });
/** Each part's and sphere's numbers, as float64 in the payload (JSON would lose -0). */
const PART_SCALARS = [
  'originU',
  'originV',
  'axisU',
  'axisV',
  'tMin',
  'depthRatio',
  'depthCentre',
  'bias',
] as const;
const SPHERE_SCALARS = ['centreU', 'centreV', 'radius', 'bias'] as const;

const headerSchema = z.object({
  algorithm: z.string(),
  format: z.literal(PARTS_FORMAT),
  rigKey: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  parts: z.array(partSchema),
  spheres: z.array(sphereSchema),
  layers: z.array(
    z.object({ width: z.number().int().nonnegative(), height: z.number().int().nonnegative() }),
  ),
});
type Header = z.infer<typeof headerSchema>;

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** The payload's arrays in order, with their byte lengths. */
function payloadLayout(h: Header): number[] {
  const sizes: number[] = [
    h.parts.length * PART_SCALARS.length * 8,
    h.spheres.length * SPHERE_SCALARS.length * 8,
  ];
  for (const p of h.parts) sizes.push(p.profileLength * 4, p.profileLength * 4);
  for (const l of h.layers) sizes.push(l.width * l.height * 4);
  sizes.push(h.width * h.height * 2);
  return sizes;
}

export function encodeRig(rig: PartsRig, rigKey: string): Uint8Array {
  const header: Header = {
    algorithm: PARTS_ALGORITHM_VERSION,
    format: rig.format,
    rigKey,
    width: rig.width,
    height: rig.height,
    parts: rig.parts.map((p) => {
      if (p.centre.length !== p.radius.length) throw new Error('a part profile has unequal planes');
      return { jointId: p.jointId, profileLength: p.centre.length, rect: { ...p.rect } };
    }),
    spheres: rig.spheres.map((s) => ({ jointId: s.jointId, rect: { ...s.rect } })),
    layers: rig.layers.map((l) => ({ width: l.width, height: l.height })),
  };
  const json = asciiBytes(JSON.stringify(header));
  const headerBytes = align8(json.length);
  const partScalars = Float64Array.from(rig.parts.flatMap((p) => PART_SCALARS.map((k) => p[k])));
  const sphereScalars = Float64Array.from(rig.spheres.flatMap((s) => SPHERE_SCALARS.map((k) => s[k])));
  const arrays: Uint8Array[] = [bytesOf(partScalars), bytesOf(sphereScalars)];
  for (const p of rig.parts) arrays.push(bytesOf(p.centre), bytesOf(p.radius));
  for (const l of rig.layers) arrays.push(l.data);
  arrays.push(bytesOf(rig.labels));
  const payloadBytes = arrays.reduce((s, a) => s + align8(a.length), 0);
  const out = new Uint8Array(align8(FIXED_BYTES) + headerBytes + payloadBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, RIG_CODEC_MAGIC, true);
  view.setUint32(4, RIG_CODEC_VERSION, true);
  view.setUint32(8, headerBytes, true);
  view.setUint32(12, payloadBytes, true);
  let at = align8(FIXED_BYTES);
  out.set(json, at);
  at += headerBytes;
  for (const a of arrays) {
    out.set(a, at);
    at += align8(a.length);
  }
  view.setUint32(16, hashBytes(out.subarray(align8(FIXED_BYTES))), true);
  return out;
}

/** The rig in `bytes` when they hold one built for `rigKey` by this algorithm, else null. */
export function decodeRig(bytes: Uint8Array, rigKey: string): PartsRig | null {
  const start = align8(FIXED_BYTES);
  if (bytes.length < start) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== RIG_CODEC_MAGIC || view.getUint32(4, true) !== RIG_CODEC_VERSION)
    return null;
  const headerBytes = view.getUint32(8, true);
  const payloadBytes = view.getUint32(12, true);
  if (bytes.length !== start + headerBytes + payloadBytes) return null;
  if (hashBytes(bytes.subarray(start)) !== view.getUint32(16, true)) return null;
  let header: Header;
  try {
    const text = asciiText(bytes.subarray(start, start + headerBytes)).replace(/\0+$/, '');
    const parsed = headerSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    header = parsed.data;
  } catch {
    return null;
  }
  if (header.algorithm !== PARTS_ALGORITHM_VERSION || header.rigKey !== rigKey) return null;
  if (header.layers.length !== header.parts.length + header.spheres.length) return null;
  const sizes = payloadLayout(header);
  if (sizes.reduce((s, n) => s + align8(n), 0) !== payloadBytes) return null;
  // Copies into fresh buffers: aligned for the typed arrays, and independent of the file's bytes.
  let at = start + headerBytes;
  let next = 0;
  const take = () => {
    const n = sizes[next++]!;
    const copy = bytes.slice(at, at + n);
    at += align8(n);
    return copy;
  };
  const float32 = () => {
    const b = take();
    return new Float32Array(b.buffer, 0, b.length / 4);
  };
  const float64 = () => {
    const b = take();
    return new Float64Array(b.buffer, 0, b.length / 8);
  };
  const partScalars = float64();
  const sphereScalars = float64();
  const scalars = <K extends string>(from: Float64Array, names: readonly K[], i: number) =>
    Object.fromEntries(names.map((k, j) => [k, from[i * names.length + j]!])) as Record<K, number>;
  const parts: RigPart[] = header.parts.map((p, i) => ({
    jointId: jointId(p.jointId),
    ...scalars(partScalars, PART_SCALARS, i),
    centre: float32(),
    radius: float32(),
    rect: p.rect,
  }));
  const spheres: RigSphere[] = header.spheres.map((s, i) => ({
    jointId: jointId(s.jointId),
    ...scalars(sphereScalars, SPHERE_SCALARS, i),
    rect: s.rect,
  }));
  const layers = header.layers.map((l) => ({ width: l.width, height: l.height, data: take() }));
  const labelBytes = take();
  return {
    format: PARTS_FORMAT,
    width: header.width,
    height: header.height,
    parts,
    spheres,
    layers,
    labels: new Int16Array(labelBytes.buffer, 0, labelBytes.length / 2),
  };
}

/** JSON as ASCII bytes: other characters as \\u escapes (core has no TextEncoder). */
function asciiBytes(json: string): Uint8Array {
  const ascii = json.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const out = new Uint8Array(ascii.length);
  for (let i = 0; i < ascii.length; i++) out[i] = ascii.charCodeAt(i);
  return out;
}

function asciiText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function bytesOf(a: Float64Array | Float32Array | Int16Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * A 32-bit checksum (FNV-1a over 32-bit words, then the tail bytes): catches a torn or altered
 * file, not an attacker (the cache holds only what this machine built).
 */
export function hashBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  const words = Math.floor(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) h = Math.imul(h ^ view.getUint32(i * 4, true), 0x01000193);
  for (let i = words * 4; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}
