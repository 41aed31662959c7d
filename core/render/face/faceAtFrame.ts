import type { Character } from '../../document/schema.js';
import { evaluateFace } from '../../face/evaluate.js';
import { isNeutralFace } from '../../face/params.js';
import type { Affine2 } from '../../math/types.js';
import { evaluateMotion } from '../../motion/evaluate.js';
import { hashString } from '../frameKey.js';
import { projectPose } from '../project.js';
import { type FaceDrawInput, headToFrame } from './drawFace.js';

/**
 * What the face pass needs for one frame of a character: its rig, the face parameters at the
 * frame, and the head joint's transform from art pixels to the frame's pixels (the head bone's
 * projection, then the character's placement in the output frame when the frame is placed).
 * Null when there is nothing to draw (no rig, a neutral face, a head seen exactly edge-on).
 */
export interface FramePlacement {
  /** Output pixel of the picture's top-left corner and the picture's scale. */
  readonly left: number;
  readonly top: number;
  readonly scale: number;
}

export function faceAtFrame(
  character: Character,
  frameIndex: number,
  art: { readonly width: number; readonly height: number },
  placement: FramePlacement | null,
): FaceDrawInput | null {
  const rig = character.face;
  if (!rig) return null;
  const params = evaluateFace(character.faceMotion, frameIndex);
  if (isNeutralFace(params)) return null;
  const pose = evaluateMotion(character.motion, frameIndex);
  const head = projectPose(character.skeleton, pose, art).find((b) => b.jointId === rig.headJointId);
  if (!head) return null;
  const m: Affine2 = headToFrame(head.affine, placement);
  if (Math.abs(m[0] * m[3] - m[1] * m[2]) < 1e-6) return null;
  return { rig, params, artToFrame: m };
}

/** The placement compose.ts uses (output centred on the scene origin, y up), as a corner and scale. */
export function placementCorner(
  art: { readonly width: number; readonly height: number },
  out: { readonly width: number; readonly height: number },
  placement: { readonly offset: readonly number[]; readonly scale: number },
): FramePlacement {
  const s = placement.scale;
  return {
    left: out.width / 2 + (placement.offset[0] ?? 0) - (art.width * s) / 2,
    top: out.height / 2 - (placement.offset[1] ?? 0) - (art.height * s) / 2,
    scale: s,
  };
}

/** A frame's cache key with its face folded in (the same key when nothing is drawn). */
export function faceFrameKey(key: string, face: FaceDrawInput | null): string {
  if (!face) return key;
  const p = face.params;
  const values = Object.keys(p)
    .sort()
    .map((k) => `${k}=${(p as Record<string, number>)[k]?.toFixed(4)}`);
  return hashString(
    `${key}|face=${hashString(JSON.stringify(face.rig))}|${face.artToFrame.map((v) => v.toFixed(3)).join(',')}|${values.join(',')}`,
  );
}
