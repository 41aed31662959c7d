import type { JointId } from '../../ids.js';
import type { Quat, Vec3 } from '../../math/types.js';
import type { Pose } from '../../motion/types.js';
import { computeWorldTransforms, type WorldTransform } from '../../skeleton/kinematics.js';
import type { Skeleton } from '../../skeleton/types.js';
import type { Atlas } from './atlas.js';
import type { PartsRig } from './types.js';

/**
 * One frame's posing of a parts rig, as the constants the frame engine and the reference
 * renderer evaluate per output pixel. Pure, and the whole of what a frame depends on besides the
 * rig: the frame key hashes it (rounded).
 *
 * Spaces. Output pixels (x, y) are imagePx times `scale` plus the output frame's offset (a
 * frame rendered at half size has scale 0.5; a character placed in a scene is offset). Depth z is in image pixels, towards the camera. A part's local coordinates are
 * (t, l, d): along its axis, along its lateral, and towards the camera at rest; the view ray
 * through an output pixel is local = M (x, y, 1) + z w, where w is the camera's direction in the
 * part's frame. A part is flat when its rotation keeps the picture plane (w = (0, 0, +-1)): its
 * pixels then follow an exact 2D rigid map, whatever the depth.
 */
export interface PosedPart {
  readonly index: number;
  readonly flat: boolean;
  /** The part's posed frame in image space: origin and its t, l, d axes (unit vectors). */
  readonly origin: Vec3;
  readonly axisT: Vec3;
  readonly axisL: Vec3;
  readonly axisD: Vec3;
  /** The rest frame it came from: [originU, originV, axisU, axisV] (imagePx). */
  readonly restAxis: readonly [number, number, number, number];
  /** t = tx x + ty y + t0 + tz z (and likewise l, d). */
  readonly t: readonly [number, number, number, number];
  readonly l: readonly [number, number, number, number];
  readonly d: readonly [number, number, number, number];
  /** Depth key of the posed axis at t: keyBase + keySlope t (bias included). */
  readonly keyBase: number;
  readonly keySlope: number;
  /** Atlas texel from local (t, l): U = uT t + uL l + u0, V likewise (before truncation). */
  readonly u: readonly [number, number, number];
  readonly v: readonly [number, number, number];
  /** Flat parts only: atlas texel straight from the output pixel, U = fx x + fy y + f0. */
  readonly flatU: readonly [number, number, number];
  readonly flatV: readonly [number, number, number];
  /** The layer's texel rectangle in the atlas (inclusive), including its transparent border. */
  readonly clampU: readonly [number, number];
  readonly clampV: readonly [number, number];
  /** Output-pixel bounding box of everything the part can show [x0, y0, x1, y1] (exclusive ends). */
  readonly bounds: readonly [number, number, number, number];
}

export interface PosedSphere {
  readonly index: number;
  /** Centre in output pixels and depth (image pixels); radius in output pixels. */
  readonly cx: number;
  readonly cy: number;
  readonly cz: number;
  readonly radius: number;
  /** Image pixels of depth per output pixel (1 / scale): converts the radius to depth. */
  readonly depthPerPx: number;
  readonly key: number;
  /** Atlas texel of a hit (x, y, z): U = ux x + uy y + uz z + u0. */
  readonly u: readonly [number, number, number, number];
  readonly v: readonly [number, number, number, number];
  readonly clampU: readonly [number, number];
  readonly clampV: readonly [number, number];
  readonly bounds: readonly [number, number, number, number];
}

/**
 * Where a frame's pixels go: output (x, y) = imagePx * scale + (offsetX, offsetY), on a
 * width x height canvas (the character's own size, or the document's frame with its placement).
 */
export interface OutputFrame {
  readonly width: number;
  readonly height: number;
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/** The frame of the art itself, scaled: the whole picture, no offset. */
export function artFrame(art: { width: number; height: number }, scale = 1): OutputFrame {
  return {
    width: Math.max(1, Math.round(art.width * scale)),
    height: Math.max(1, Math.round(art.height * scale)),
    scale,
    offsetX: 0,
    offsetY: 0,
  };
}

export interface PosedFrame {
  /** Output size in pixels. */
  readonly width: number;
  readonly height: number;
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly parts: readonly PosedPart[];
  readonly spheres: readonly PosedSphere[];
}

/**
 * Depth keys of different parts and spheres never tie: each gets index * KEY_TIE_PX on top (the
 * engine's depth resolve takes equal keys as one front, so a tie would lose the layer behind).
 * 4 float32 steps at a depth of 4096 px.
 */
export const KEY_TIE_PX = 1 / 256;

/** Below this out-of-plane component a rotation counts as flat (a 1e-5 tilt moves 0.04 px at 4096 px). */
const FLAT_EPSILON = 1e-5;

/** Rotation matrix of a unit quaternion (row-major), in character space. */
function quatToMat3(q: Quat): number[] {
  const [x, y, z, w] = q;
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  ];
}

/**
 * A joint's world transform in image space (u right, v down, z towards the camera): the
 * y-flip F of character space conjugates rotations, R' = F R F, and maps positions to
 * (x + W/2, H/2 - y, z).
 */
interface ImageTransform {
  readonly rotation: number[];
  readonly position: Vec3;
  readonly rest: Vec3;
}

function toImage(world: WorldTransform, restChar: Vec3, width: number, height: number): ImageTransform {
  const r = quatToMat3(world.rotation);
  const f = [1, -1, 1];
  const rotation = r.map((v, i) => v * f[Math.floor(i / 3)]! * f[i % 3]!);
  const position: Vec3 = [world.position[0] + width / 2, height / 2 - world.position[1], world.position[2]];
  const rest: Vec3 = [restChar[0] + width / 2, height / 2 - restChar[1], restChar[2]];
  return { rotation, position, rest };
}

const mulMat3Vec = (m: readonly number[], v: Vec3): Vec3 => [
  m[0]! * v[0] + m[1]! * v[1] + m[2]! * v[2],
  m[3]! * v[0] + m[4]! * v[1] + m[5]! * v[2],
  m[6]! * v[0] + m[7]! * v[1] + m[8]! * v[2],
];

export interface PoseFrameInput {
  readonly rig: PartsRig;
  readonly atlas: Pick<Atlas, 'scale' | 'placements'>;
  readonly skeleton: Skeleton;
  readonly pose: Pose;
  /** Where the pixels go (default: the art's own frame at scale 1). */
  readonly output?: OutputFrame;
}

export function poseFrame(input: PoseFrameInput): PosedFrame {
  const { rig, atlas, skeleton } = input;
  const output = input.output ?? artFrame(rig);
  const { scale, offsetX: ox, offsetY: oy } = output;
  const world = computeWorldTransforms(skeleton, input.pose);
  const restOf = new Map(skeleton.joints.map((j) => [j.id as string, j.restPosition]));
  const transform = (id: JointId): ImageTransform => {
    const w = world.get(id);
    const rest = restOf.get(id);
    if (!w || !rest) throw new Error(`the parts rig names joint ${id}, which the skeleton lacks`);
    return toImage(w, rest, rig.width, rig.height);
  };
  const { width, height } = output;
  const S = atlas.scale;

  const parts: PosedPart[] = rig.parts.map((part, index) => {
    const tr = transform(part.jointId);
    const R = tr.rotation;
    const a: Vec3 = [part.axisU, part.axisV, 0];
    const b: Vec3 = [-part.axisV, part.axisU, 0];
    const A = mulMat3Vec(R, a);
    const B = mulMat3Vec(R, b);
    const N = mulMat3Vec(R, [0, 0, 1]);
    // Posed origin of the part's frame: the rest origin lies in the picture plane (z = 0).
    const rel: Vec3 = [part.originU - tr.rest[0], part.originV - tr.rest[1], -tr.rest[2]];
    const Rr = mulMat3Vec(R, rel);
    const O: Vec3 = [tr.position[0] + Rr[0], tr.position[1] + Rr[1], tr.position[2] + Rr[2]];
    // local_k = axis_k . (image - O) with image = ((x - ox) / scale, (y - oy) / scale, z).
    const row = (e: Vec3): [number, number, number, number] => [
      e[0] / scale,
      e[1] / scale,
      -(e[0] * O[0] + e[1] * O[1] + e[2] * O[2]) - (e[0] * ox + e[1] * oy) / scale,
      e[2],
    ];
    const t = row(A);
    const l = row(B);
    const d = row(N);
    const flat = Math.abs(A[2]) < FLAT_EPSILON && Math.abs(B[2]) < FLAT_EPSILON;
    const place = atlas.placements[index]!;
    // Rest imagePx (u, v) = origin + t a + l b; texel = S (u - rect.x) + 0.5 + atlasX.
    const u: [number, number, number] = [
      S * part.axisU,
      -S * part.axisV,
      S * (part.originU - place.rect.x) + 0.5 + place.atlasX,
    ];
    const v: [number, number, number] = [
      S * part.axisV,
      S * part.axisU,
      S * (part.originV - place.rect.y) + 0.5 + place.atlasY,
    ];
    const flatU: [number, number, number] = [
      u[0] * t[0] + u[1] * l[0],
      u[0] * t[1] + u[1] * l[1],
      u[0] * t[2] + u[1] * l[2] + u[2],
    ];
    const flatV: [number, number, number] = [
      v[0] * t[0] + v[1] * l[0],
      v[0] * t[1] + v[1] * l[1],
      v[0] * t[2] + v[1] * l[2] + v[2],
    ];
    return {
      index,
      flat,
      origin: O,
      axisT: A,
      axisL: B,
      axisD: N,
      restAxis: [part.originU, part.originV, part.axisU, part.axisV],
      t,
      l,
      d,
      keyBase: O[2] + part.bias + index * KEY_TIE_PX,
      keySlope: A[2],
      u,
      v,
      flatU,
      flatV,
      clampU: [place.atlasX - 1, place.atlasX + place.texelsX],
      clampV: [place.atlasY - 1, place.atlasY + place.texelsY],
      bounds: partBounds(part, A, B, N, O, output),
    };
  });

  const spheres: PosedSphere[] = rig.spheres.map((sphere, i) => {
    const index = rig.parts.length + i;
    const tr = transform(sphere.jointId);
    const R = tr.rotation;
    const rel: Vec3 = [sphere.centreU - tr.rest[0], sphere.centreV - tr.rest[1], -tr.rest[2]];
    const Rr = mulMat3Vec(R, rel);
    const C: Vec3 = [tr.position[0] + Rr[0], tr.position[1] + Rr[1], tr.position[2] + Rr[2]];
    const place = atlas.placements[index]!;
    // Rest point of a hit: rest + R^T (image - position); image = ((x - ox) / scale, (y - oy) / scale, z).
    // Row k of R^T is column k of R.
    const col = (k: number): Vec3 => [R[k]!, R[3 + k]!, R[6 + k]!];
    const restRow = (k: number, rectStart: number, atlasStart: number) => {
      const c = col(k);
      const offset = tr.rest[k]! - (c[0] * tr.position[0] + c[1] * tr.position[1] + c[2] * tr.position[2]);
      return [
        (S * c[0]) / scale,
        (S * c[1]) / scale,
        S * c[2],
        S * (offset - rectStart) + 0.5 + atlasStart - (S * (c[0] * ox + c[1] * oy)) / scale,
      ] as const;
    };
    const radius = sphere.radius * scale;
    const cx = C[0] * scale + ox;
    const cy = C[1] * scale + oy;
    return {
      index,
      cx,
      cy,
      cz: C[2],
      radius,
      depthPerPx: 1 / scale,
      key: C[2] + sphere.bias + index * KEY_TIE_PX,
      u: restRow(0, place.rect.x, place.atlasX),
      v: restRow(1, place.rect.y, place.atlasY),
      clampU: [place.atlasX - 1, place.atlasX + place.texelsX],
      clampV: [place.atlasY - 1, place.atlasY + place.texelsY],
      bounds: clampBounds(
        [cx - radius - 1, cy - radius - 1, cx + radius + 1, cy + radius + 1],
        width,
        height,
      ),
    };
  });
  return { width, height, scale, offsetX: ox, offsetY: oy, parts, spheres };
}

function clampBounds(b: readonly number[], width: number, height: number): [number, number, number, number] {
  return [
    Math.max(0, Math.floor(b[0]!)),
    Math.max(0, Math.floor(b[1]!)),
    Math.min(width, Math.ceil(b[2]!)),
    Math.min(height, Math.ceil(b[3]!)),
  ];
}

/**
 * Output box of a posed part: the corners of its layer rect (flat) or of the box around its
 * cross-sections (t range x lateral extent x depth), projected.
 */
function partBounds(
  part: PartsRig['parts'][number],
  A: Vec3,
  B: Vec3,
  N: Vec3,
  O: Vec3,
  output: OutputFrame,
): [number, number, number, number] {
  const { scale, offsetX: ox, offsetY: oy, width, height } = output;
  const n = part.radius.length;
  let lMin = Number.POSITIVE_INFINITY;
  let lMax = Number.NEGATIVE_INFINITY;
  let rMax = 0;
  for (let i = 0; i < n; i++) {
    const r = part.radius[i]!;
    if (r <= 0) continue;
    lMin = Math.min(lMin, part.centre[i]! - r);
    lMax = Math.max(lMax, part.centre[i]! + r);
    rMax = Math.max(rMax, r);
  }
  if (!Number.isFinite(lMin)) return [0, 0, 0, 0];
  const dMax = rMax * part.depthRatio * (1 + Math.abs(part.depthCentre));
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const t of [part.tMin - 1, part.tMin + n + 1]) {
    for (const l of [lMin - 1, lMax + 1]) {
      for (const d of [-dMax, dMax]) {
        const x = O[0] + t * A[0] + l * B[0] + d * N[0];
        const y = O[1] + t * A[1] + l * B[1] + d * N[1];
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return clampBounds(
    [x0 * scale + ox - 1, y0 * scale + oy - 1, x1 * scale + ox + 1, y1 * scale + oy + 1],
    width,
    height,
  );
}
