import {
  AnimationClip,
  Bone,
  BufferGeometry,
  Float32BufferAttribute,
  type KeyframeTrack,
  MeshStandardMaterial,
  PropertyBinding,
  QuaternionKeyframeTrack,
  Scene,
  SkinnedMesh,
  Skeleton as ThreeSkeleton,
  Uint16BufferAttribute,
  VectorKeyframeTrack,
} from 'three';
import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';
import { type FrameRate, frameToTimeSec } from '../../core/io/frameRate.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { evaluateCharacterPose } from '../../core/motion/characterPose.js';
import { lastKeyedFrame } from '../../core/motion/edit.js';
import type { Motion } from '../../core/motion/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { type WriteOptions, writeFileAtomic } from './atomicWrite.js';

/**
 * Binary glTF (.glb) of the skeleton and its animation, through three's GLTFExporter.
 *
 * - Axes: glTF is Y up with the model facing +Z, which is character space (y up, z towards the
 *   camera the character faces); only the unit changes: metres = pixels * metersPerPx (default:
 *   the figure's joints span 1.75 m, so it imports at human size in Blender and game engines).
 * - Nodes: one bone per joint, translation = rest offset from the parent, no rest rotation
 *   (T-pose), so the animated rotation is the joint's local rotation as in the motion.
 * - Skin: a glTF skin needs a mesh, so the file carries a stick figure (a thin box along each
 *   bone, rigidly bound to the bone's parent joint) that shows the motion in any viewer.
 * - Animation: one clip, sampled at every frame of the range (so bezier easing and step keys come
 *   out exactly as the app plays them), LINEAR interpolation: rotation per joint, translation of
 *   the root.
 */

export interface GltfExportOptions {
  readonly fps: FrameRate;
  /** Inclusive frame range; default 0 to the last key. */
  readonly frameRange?: { readonly startFrame: number; readonly endFrame: number };
  readonly metersPerPx?: number;
  readonly clipName?: string;
}

/** GLTFExporter reads its merged buffers back through FileReader, which Node lacks (Blob it has). */
function ensureFileReader(): void {
  const scope = globalThis as { FileReader?: unknown };
  if (scope.FileReader) return;
  class NodeFileReader {
    result: ArrayBuffer | string | null = null;
    onloadend: (() => void) | null = null;
    readAsArrayBuffer(blob: Blob): void {
      void blob.arrayBuffer().then((buffer) => {
        this.result = buffer;
        this.onloadend?.();
      });
    }
    readAsDataURL(blob: Blob): void {
      void blob.arrayBuffer().then((buffer) => {
        this.result = `data:${blob.type || 'application/octet-stream'};base64,${Buffer.from(buffer).toString('base64')}`;
        this.onloadend?.();
      });
    }
  }
  scope.FileReader = NodeFileReader;
}

function defaultMetersPerPx(skeleton: Skeleton): number {
  const ys = skeleton.joints.map((j) => j.restPosition[1]);
  const spanPx = ys.length > 0 ? Math.max(...ys) - Math.min(...ys) : 0;
  return spanPx > 0 ? 1.75 / spanPx : 0.01;
}

/** A thin box from `a` to `b` (metres), as 8 vertices / 12 triangles appended to the arrays. */
function appendBone(a: Vec3, b: Vec3, radius: number, joint: number, out: BoneMeshArrays): void {
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len = Math.hypot(d[0]!, d[1]!, d[2]!) || 1;
  const dir = [d[0]! / len, d[1]! / len, d[2]! / len];
  // Two axes perpendicular to the bone.
  const helper = Math.abs(dir[1]!) < 0.9 ? [0, 1, 0] : [1, 0, 0];
  const u = [
    dir[1]! * helper[2]! - dir[2]! * helper[1]!,
    dir[2]! * helper[0]! - dir[0]! * helper[2]!,
    dir[0]! * helper[1]! - dir[1]! * helper[0]!,
  ];
  const ul = Math.hypot(u[0]!, u[1]!, u[2]!);
  const uu = u.map((c) => c / ul);
  const v = [
    dir[1]! * uu[2]! - dir[2]! * uu[1]!,
    dir[2]! * uu[0]! - dir[0]! * uu[2]!,
    dir[0]! * uu[1]! - dir[1]! * uu[0]!,
  ];
  const base = out.positions.length / 3;
  for (const end of [a, b]) {
    for (const [su, sv] of [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ] as const) {
      for (let c = 0; c < 3; c++) out.positions.push(end[c]! + radius * (su * uu[c]! + sv * v[c]!));
      out.joints.push(joint, 0, 0, 0);
      out.weights.push(1, 0, 0, 0);
    }
  }
  const quads = [
    [0, 1, 5, 4],
    [1, 2, 6, 5],
    [2, 3, 7, 6],
    [3, 0, 4, 7],
    [3, 2, 1, 0],
    [4, 5, 6, 7],
  ];
  for (const [p, q, r, s] of quads)
    out.indices.push(base + p!, base + q!, base + r!, base + p!, base + r!, base + s!);
}

interface BoneMeshArrays {
  positions: number[];
  joints: number[];
  weights: number[];
  indices: number[];
}

/** The .glb bytes of the skeleton and its animation. */
export async function buildGlb(
  skeleton: Skeleton,
  motion: Motion,
  options: GltfExportOptions,
): Promise<ArrayBuffer> {
  ensureFileReader();
  const metersPerPx = options.metersPerPx ?? defaultMetersPerPx(skeleton);
  const range = options.frameRange ?? { startFrame: 0, endFrame: lastKeyedFrame(motion) };
  if (range.endFrame < range.startFrame) throw new RangeError('glTF export: the frame range is empty');
  const joints = skeleton.joints;
  const root = joints.find((j) => j.parentId === null);
  if (!root) throw new RangeError('glTF export: the skeleton has no root joint');
  const toMeters = (v: Vec3): Vec3 => [v[0] * metersPerPx, v[1] * metersPerPx, v[2] * metersPerPx];

  const bones = new Map<string, Bone>();
  const usedNames = new Set<string>();
  for (const joint of joints) {
    const bone = new Bone();
    let name = PropertyBinding.sanitizeNodeName(joint.name) || 'joint';
    for (let n = 2; usedNames.has(name); n++) name = `${PropertyBinding.sanitizeNodeName(joint.name)}_${n}`;
    usedNames.add(name);
    bone.name = name;
    const parent = joint.parentId === null ? undefined : joints.find((j) => j.id === joint.parentId);
    const local = parent
      ? toMeters([
          joint.restPosition[0] - parent.restPosition[0],
          joint.restPosition[1] - parent.restPosition[1],
          joint.restPosition[2] - parent.restPosition[2],
        ])
      : toMeters(joint.restPosition);
    bone.position.set(local[0], local[1], local[2]);
    if (parent) bones.get(parent.id)!.add(bone);
    bones.set(joint.id, bone);
  }
  const rootBone = bones.get(root.id)!;
  rootBone.updateMatrixWorld(true);

  const arrays: BoneMeshArrays = { positions: [], joints: [], weights: [], indices: [] };
  const index = new Map(joints.map((j, i) => [j.id as string, i]));
  const radius = 0.02;
  for (const joint of joints) {
    if (joint.parentId === null) continue;
    const parent = joints.find((j) => j.id === joint.parentId)!;
    appendBone(
      toMeters(parent.restPosition),
      toMeters(joint.restPosition),
      radius,
      index.get(parent.id)!,
      arrays,
    );
  }
  if (arrays.indices.length === 0) {
    appendBone(
      toMeters(root.restPosition),
      toMeters([root.restPosition[0], root.restPosition[1] + 10, root.restPosition[2]]),
      radius,
      0,
      arrays,
    );
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(arrays.positions, 3));
  geometry.setAttribute('skinIndex', new Uint16BufferAttribute(arrays.joints, 4));
  geometry.setAttribute('skinWeight', new Float32BufferAttribute(arrays.weights, 4));
  geometry.setIndex(arrays.indices);
  geometry.computeVertexNormals();
  const mesh = new SkinnedMesh(geometry, new MeshStandardMaterial({ color: 0x4a90d9 }));
  mesh.name = 'KeyposeSkeleton';
  const scene = new Scene();
  scene.add(rootBone);
  scene.add(mesh);
  const orderedBones = joints.map((j) => bones.get(j.id)!);
  mesh.bind(new ThreeSkeleton(orderedBones));

  const frameCount = range.endFrame - range.startFrame + 1;
  const times = new Float32Array(frameCount);
  const rotations = joints.map(() => new Float32Array(frameCount * 4));
  const rootPositions = new Float32Array(frameCount * 3);
  const rootRest = toMeters(root.restPosition);
  for (let i = 0; i < frameCount; i++) {
    const frame = range.startFrame + i;
    times[i] = frameToTimeSec(i, options.fps);
    // IK limbs and clip layers included: the file shows what the viewport shows.
    const pose = evaluateCharacterPose(skeleton, motion, frame);
    joints.forEach((joint, j) => {
      let q: Quat = pose.rotations[joint.id] ?? [0, 0, 0, 1];
      const values = rotations[j]!;
      // Keep consecutive samples in one hemisphere so LINEAR (slerp) takes the short way.
      if (i > 0) {
        const dot =
          q[0] * values[(i - 1) * 4]! +
          q[1] * values[(i - 1) * 4 + 1]! +
          q[2] * values[(i - 1) * 4 + 2]! +
          q[3] * values[(i - 1) * 4 + 3]!;
        if (dot < 0) q = [-q[0], -q[1], -q[2], -q[3]];
      }
      values.set(q, i * 4);
    });
    const t = toMeters(pose.rootTranslation);
    rootPositions.set([rootRest[0] + t[0], rootRest[1] + t[1], rootRest[2] + t[2]], i * 3);
  }
  const tracks: KeyframeTrack[] = joints.map(
    (joint, j) =>
      new QuaternionKeyframeTrack(`${bones.get(joint.id)!.name}.quaternion`, times, rotations[j]!),
  );
  tracks.push(new VectorKeyframeTrack(`${rootBone.name}.position`, times, rootPositions));
  const clip = new AnimationClip(options.clipName ?? 'Keypose', -1, tracks);

  const exporter = new GLTFExporter();
  const result = await exporter.parseAsync(scene, { binary: true, animations: [clip], onlyVisible: false });
  if (!(result instanceof ArrayBuffer))
    throw new Error('GLTFExporter returned JSON where a .glb was asked for');
  return result;
}

/** Writes the .glb under a temporary name next to `outPath` and renames it into place. */
export async function exportGltf(
  skeleton: Skeleton,
  motion: Motion,
  outPath: string,
  options: GltfExportOptions,
  write: WriteOptions = {},
): Promise<void> {
  await writeFileAtomic(outPath, new Uint8Array(await buildGlb(skeleton, motion, options)), write);
}
