import type { Character } from '../../document/schema.js';
import { evaluateFace, mouthShapeAt } from '../../face/evaluate.js';
import { mouthArtFor } from '../../face/mouthArt.js';
import { isNeutralFace } from '../../face/params.js';
import { quatRotateVec3 } from '../../math/quat.js';
import type { Affine2 } from '../../math/types.js';
import { evaluateCharacterPose } from '../../motion/characterPose.js';
import { computeWorldTransforms, type WorldTransform } from '../../skeleton/kinematics.js';
import { hashString } from '../frameKey.js';
import type { FaceDrawInput } from './drawFace.js';

/**
 * What the face pass needs for one frame of a character: its rig, the face parameters at the
 * frame, and the head joint's transform from art pixels to the output frame's pixels. The head
 * moves a rest art point p as the frame engine moves its part (core/render/parts/posed.ts): image
 * position + R (p - rest), seen orthographically, then placed by the output frame's offset and
 * scale. Null when there is nothing to draw (no rig, a neutral face and no swapped drawing, a head
 * seen edge-on). With mouthStyle 'swap', `mouthArtId` names the drawing the frame shows; the host
 * decodes it into `mouthDrawing` (host/render/facePass.ts).
 */
export interface FrameOutput {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

export function headArtToFrame(
  character: Character,
  world: ReadonlyMap<string, WorldTransform>,
  art: { readonly width: number; readonly height: number },
  output: FrameOutput,
  headJointId: string,
): Affine2 | null {
  const w = world.get(headJointId);
  const joint = character.skeleton.joints.find((j) => j.id === headJointId);
  if (!w || !joint) return null;
  // Columns of R in character space (y up), then flipped into image space (y down).
  const ex = quatRotateVec3(w.rotation, [1, 0, 0]);
  const ey = quatRotateVec3(w.rotation, [0, 1, 0]);
  const ez = quatRotateVec3(w.rotation, [0, 0, 1]);
  const r00 = ex[0];
  const r10 = -ex[1];
  const r01 = -ey[0];
  const r11 = ey[1];
  const r02 = ez[0];
  const r12 = -ez[1];
  const px = w.position[0] + art.width / 2;
  const py = art.height / 2 - w.position[1];
  const [rx0, ry0, rz] = joint.restPosition;
  const rx = rx0 + art.width / 2;
  const ry = art.height / 2 - ry0;
  const s = output.scale;
  return [
    s * r00,
    s * r10,
    s * r01,
    s * r11,
    output.offsetX + s * (px - r00 * rx - r01 * ry - r02 * rz),
    output.offsetY + s * (py - r10 * rx - r11 * ry - r12 * rz),
  ];
}

export function faceAtFrame(
  character: Character,
  frameIndex: number,
  art: { readonly width: number; readonly height: number },
  output: FrameOutput,
): FaceDrawInput | null {
  const rig = character.face;
  if (!rig) return null;
  const params = evaluateFace(character.faceMotion, frameIndex);
  // Swapped drawings (docs/face.md): the shape held at the frame, or its nearest drawn stand-in.
  const drawing = mouthArtFor(rig, mouthShapeAt(character.faceMotion?.mouth ?? [], frameIndex));
  if (isNeutralFace(params) && !drawing) return null;
  const pose = evaluateCharacterPose(character.skeleton, character.motion, frameIndex);
  const world = computeWorldTransforms(character.skeleton, pose);
  const m = headArtToFrame(
    character,
    world as ReadonlyMap<string, WorldTransform>,
    art,
    output,
    rig.headJointId,
  );
  if (!m || Math.abs(m[0] * m[3] - m[1] * m[2]) < 1e-6) return null;
  return { rig, params, artToFrame: m, ...(drawing ? { mouthArtId: drawing.assetId } : {}) };
}

/** A frame's cache key with its face folded in (the same key when nothing is drawn). */
export function faceFrameKey(key: string, face: FaceDrawInput | null): string {
  if (!face) return key;
  const p = face.params;
  const values = Object.keys(p)
    .sort()
    .map((k) => `${k}=${(p as Record<string, number>)[k]?.toFixed(4)}`);
  return hashString(
    `${key}|face=${hashString(JSON.stringify(face.rig))}|mouthArt=${face.mouthArtId ?? ''}|${face.artToFrame.map((v) => v.toFixed(3)).join(',')}|${values.join(',')}`,
  );
}
