import sharp from 'sharp';
import { quatFromAxisAngle, quatMultiply, quatRotateVec3 } from '../../../core/math/quat.js';
import type { Quat, Vec3 } from '../../../core/math/types.js';
import type { Pose } from '../../../core/motion/types.js';
import { type OutputFrame, poseFrame } from '../../../core/render/parts/posed.js';
import type { PartsRig } from '../../../core/render/parts/types.js';
import type { RgbaImage } from '../../../core/render/types.js';
import { computeWorldTransforms } from '../../../core/skeleton/kinematics.js';
import type { Skeleton } from '../../../core/skeleton/types.js';
import { loadSample } from '../../../host/project/store.js';
import { PartsEngine, type PreparedParts } from '../../../inference/engine/partsEngine.js';
import { buildPartsRig } from '../../../inference/rigging/parts/build.js';
import { createSyntheticCharacter, SYNTHETIC_BONES } from '../../fixtures/syntheticFigure.js';

/**
 * Helpers for property tests of the parts engine (tests/inference/engine/partsProperties.test.ts):
 * seeded random poses, the two test subjects (the synthetic figure with its true part owners, the
 * sample's drawn character), the posed figure's ideal coverage and a hole finder.
 */
export const X: Vec3 = [1, 0, 0];
export const Y: Vec3 = [0, 1, 0];
export const Z: Vec3 = [0, 0, 1];
export const rot = (axis: Vec3, a: number) => quatFromAxisAngle(axis, a);
export const deg = Math.PI / 180;
/** `a` then `b`. */
export const andThen = (a: Quat, b: Quat) => quatMultiply(b, a);

/** mulberry32: a small seeded generator, so a failing pose can be replayed. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random pose: arms +-90 deg (forearms +-60), spine, neck and head +-30, legs +-60 (knees
 * +-30), all in the picture's plane; `outOfPlane` adds swings towards or away from the camera
 * (arms +-60, legs +-60, spine and head turns +-30).
 */
export function randomPose(next: () => number, outOfPlane: boolean): Pose {
  const u = (range: number) => (next() * 2 - 1) * range * deg;
  const r: Record<string, Quat> = {
    LeftArm: rot(Z, u(90)),
    RightArm: rot(Z, u(90)),
    LeftForeArm: rot(Z, u(60)),
    RightForeArm: rot(Z, u(60)),
    Spine: rot(Z, u(30)),
    Neck: rot(Z, u(30)),
    Head: rot(Z, u(30)),
    LeftUpLeg: rot(Z, u(60)),
    RightUpLeg: rot(Z, u(60)),
    LeftLeg: rot(Z, u(30)),
    RightLeg: rot(Z, u(30)),
  };
  if (outOfPlane) {
    r.LeftArm = andThen(r.LeftArm!, rot(Y, u(60)));
    r.RightArm = andThen(r.RightArm!, rot(Y, u(60)));
    r.LeftForeArm = andThen(r.LeftForeArm!, rot(Y, u(60)));
    r.LeftUpLeg = andThen(r.LeftUpLeg!, rot(X, u(60)));
    r.RightUpLeg = andThen(r.RightUpLeg!, rot(X, u(60)));
    r.RightLeg = andThen(r.RightLeg!, rot(X, next() * 60 * deg));
    r.Spine = andThen(r.Spine!, rot(Y, u(30)));
    r.Head = andThen(r.Head!, rot(Y, u(30)));
  }
  return { rotations: r, rootTranslation: [0, 0, 0] };
}

export interface Subject {
  readonly name: string;
  readonly art: RgbaImage;
  readonly skeleton: Skeleton;
  readonly rig: PartsRig;
  /** Per art pixel, the skeleton index of the joint that owns it (the truth where known), or -1. */
  readonly owners: Int32Array;
  readonly prepared: PreparedParts;
  readonly output: OutputFrame;
}

export const engine = new PartsEngine({ provider: 'cpu' });

export function maskOf(art: RgbaImage): Uint8Array {
  const mask = new Uint8Array(art.width * art.height);
  for (let p = 0; p < mask.length; p++) mask[p] = art.data[p * 4 + 3]! > 0 ? 1 : 0;
  return mask;
}

export function subject(
  name: string,
  art: RgbaImage,
  skeleton: Skeleton,
  owners: Int32Array | null,
): Subject {
  const rig = buildPartsRig({ art, mask: maskOf(art), skeleton });
  const index = new Map(skeleton.joints.map((j, i) => [j.id as string, i]));
  const fromRig = Int32Array.from(rig.labels, (k) => (k < 0 ? -1 : index.get(rig.parts[k]!.jointId)!));
  // A margin around the picture, so raised arms and spread legs stay in the frame.
  const margin = Math.round(0.25 * Math.max(art.width, art.height));
  const output = {
    width: art.width + 2 * margin,
    height: art.height + 2 * margin,
    scale: 1,
    offsetX: margin,
    offsetY: margin,
  };
  return { name, art, skeleton, rig, owners: owners ?? fromRig, prepared: engine.prepare(rig, 1), output };
}

export async function render(s: Subject, pose: Pose): Promise<RgbaImage> {
  const frame = poseFrame({
    rig: s.rig,
    atlas: s.prepared.atlas,
    skeleton: s.skeleton,
    pose,
    output: s.output,
  });
  return engine.render(s.prepared, frame);
}

/** Output pixel of a character-space point. */
export function toOutput(s: Subject, p: Vec3): [number, number] {
  return [p[0] + s.art.width / 2 + s.output.offsetX, s.art.height / 2 - p[1] + s.output.offsetY];
}

/**
 * The posed figure's ideal coverage: every opaque art pixel moved by its owner's posed rigid
 * transform (projected), splatted and closed by one pixel, then eroded by `erode` pixels so only
 * the figure's inside counts.
 */
export function idealInside(s: Subject, pose: Pose, erode: number): Uint8Array {
  const world = computeWorldTransforms(s.skeleton, pose);
  const { width: W, height: H } = s.output;
  const hit = new Uint8Array(W * H);
  const joints = s.skeleton.joints;
  for (let v = 0; v < s.art.height; v++) {
    for (let u = 0; u < s.art.width; u++) {
      const i = v * s.art.width + u;
      const j = s.owners[i]!;
      if (j < 0 || s.art.data[i * 4 + 3]! < 128) continue;
      const joint = joints[j]!;
      const t = world.get(joint.id)!;
      const p: Vec3 = [
        u + 0.5 - s.art.width / 2 - joint.restPosition[0],
        s.art.height / 2 - v - 0.5 - joint.restPosition[1],
        -joint.restPosition[2],
      ];
      const q = quatRotateVec3(t.rotation, p);
      const [x, y] = toOutput(s, [q[0] + t.position[0], q[1] + t.position[1], 0]);
      const xi = Math.floor(x);
      const yi = Math.floor(y);
      if (xi >= 0 && yi >= 0 && xi < W && yi < H) hit[yi * W + xi] = 1;
    }
  }
  const grow = (m: Uint8Array, value: number) => {
    const out = new Uint8Array(m.length);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let any = false;
        for (let dy = -1; dy <= 1 && !any; dy++) {
          for (let dx = -1; dx <= 1 && !any; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            const inside = xx >= 0 && yy >= 0 && xx < W && yy < H ? m[yy * W + xx]! : 0;
            if (inside === value) any = true;
          }
        }
        out[y * W + x] = any ? value : 1 - value;
      }
    }
    return out;
  };
  let m = grow(hit, 1);
  for (let k = 0; k < erode + 1; k++) m = grow(m, 0);
  return m;
}

/**
 * Enclosed transparent components (alpha < 128, 4-connected, not reaching the frame's edge): for
 * each, its size and how many of its pixels lie in `inside`.
 */
export function holes(
  image: RgbaImage,
  inside?: Uint8Array,
): { size: number; inside: number; at: [number, number] }[] {
  const { width: W, height: H } = image;
  const clear = (p: number) => image.data[p * 4 + 3]! < 128;
  const seen = new Uint8Array(W * H);
  const out: { size: number; inside: number; at: [number, number] }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < W * H; start++) {
    if (seen[start] || !clear(start)) continue;
    let size = 0;
    let inner = 0;
    let edge = false;
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      if (inside?.[p]) inner++;
      const x = p % W;
      const y = (p - x) / W;
      if (x === 0 || y === 0 || x === W - 1 || y === H - 1) edge = true;
      for (const q of [
        x > 0 ? p - 1 : -1,
        x < W - 1 ? p + 1 : -1,
        y > 0 ? p - W : -1,
        y < H - 1 ? p + W : -1,
      ]) {
        if (q >= 0 && !seen[q] && clear(q)) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (!edge) out.push({ size, inside: inner, at: [start % W, Math.floor(start / W)] });
  }
  return out;
}

/**
 * Holes the engine tore: enclosed transparent components with at least 3 pixels inside the ideal
 * figure (idealInside), and those mostly inside it (half) or with 20 pixels inside. A gap the pose
 * makes between two limbs lies outside the ideal but for a pixel or two along its rim, where the
 * rigid ideal and the engine's cut at the joints differ.
 */
export function tears(
  image: RgbaImage,
  inside: Uint8Array,
): { size: number; inside: number; at: [number, number] }[] {
  return holes(image, inside).filter((h) => h.inside >= 3 && (h.inside >= 0.5 * h.size || h.inside >= 20));
}

export function coverage(image: RgbaImage): number {
  let n = 0;
  for (let p = 3; p < image.data.length; p += 4) if (image.data[p]! >= 128) n++;
  return n;
}

/** The synthetic figure, with its true owners (which capsule each pixel belongs to). */
export function syntheticSubject(width = 192, height = 256): Subject {
  const ch = createSyntheticCharacter({ width, height });
  const index = new Map(ch.skeleton.joints.map((j, i) => [j.id as string, i]));
  const trueOwners = Int32Array.from(ch.owners, (o) => (o < 0 ? -1 : index.get(SYNTHETIC_BONES[o]!)!));
  return subject('synthetic figure', ch.art, ch.skeleton, trueOwners);
}

/** The sample project's character (assets/sample/sample.keypose), its art decoded with sharp. */
export async function sampleSubject(): Promise<Subject> {
  const doc = await loadSample();
  const character = doc.characters[0]!;
  const asset = doc.assets[character.artAssetId]!;
  const decoded = await sharp(Buffer.from(asset.dataBase64, 'base64'))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const art = { width: decoded.info.width, height: decoded.info.height, data: new Uint8Array(decoded.data) };
  return subject('sample', art, character.skeleton as unknown as Skeleton, null);
}
