import { findCharacter, setMotion, setSkeleton } from '../../core/document/edits.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import type { CharacterId, JointId } from '../../core/ids.js';
import { IDENTITY_QUAT } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { evaluateCharacterPose } from '../../core/motion/characterPose.js';
import { setKey } from '../../core/motion/edit.js';
import { keyRootFor, keyRotationFor } from '../../core/motion/layers.js';
import {
  DEFAULT_EASE,
  type Interpolation,
  type Keyframe,
  type Motion,
  type Pose,
  type Track,
} from '../../core/motion/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';

/**
 * Small pure helpers that apply one editor gesture to a project document. The domain operations
 * themselves (keys, evaluation, skeleton and document edits) are core's; this only routes them to
 * the active character and decides what a new key looks like (the editor's keying policy).
 */

export function updateMotion(
  doc: ProjectDocument,
  characterId: CharacterId,
  update: (motion: Motion, character: Character) => Motion,
): ProjectDocument {
  const character = findCharacter(doc, characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  return setMotion(doc, characterId, update(character.motion, character));
}

export function updateSkeleton(
  doc: ProjectDocument,
  characterId: CharacterId,
  update: (skeleton: Skeleton) => Skeleton,
): ProjectDocument {
  const character = findCharacter(doc, characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  return setSkeleton(doc, characterId, update(character.skeleton));
}

/** The pose at a frame with an entry for every joint of the skeleton (unkeyed joints at rest). */
export function completePose(skeleton: Skeleton, pose: Pose): Pose {
  const rotations: Record<string, Quat> = {};
  for (const joint of skeleton.joints) rotations[joint.id] = pose.rotations[joint.id] ?? IDENTITY_QUAT;
  return { rotations, rootTranslation: pose.rootTranslation };
}

/** What the character shows at a frame: layers, keys and IK limbs (core/motion/characterPose.ts). */
export function poseAtFrame(character: Character, frame: number): Pose {
  return completePose(character.skeleton, evaluateCharacterPose(character.skeleton, character.motion, frame));
}

/**
 * A key for `frame`: re-keying a frame that already has a key keeps that key's interpolation and
 * ease (the animator chose them); a new key gets the interpolation picked for new keys.
 */
function keyFor<T>(
  track: Track<T> | undefined,
  frame: number,
  value: T,
  interpolation: Interpolation,
): Keyframe<T> {
  const existing = track?.find((k) => k.frame === frame);
  if (existing) return { ...existing, value };
  return interpolation === 'bezier'
    ? { frame, value, interpolation, ease: DEFAULT_EASE }
    : { frame, value, interpolation };
}

export function keyJointRotation(
  motion: Motion,
  jointId: JointId,
  frame: number,
  rotation: Quat,
  interpolation: Interpolation,
): Motion {
  const track = motion.rotations[jointId];
  // Over clip layers a key is the offset from the layers' rotation (docs/motion.md, "Layers").
  const value = keyRotationFor(motion, jointId, frame, rotation);
  return {
    ...motion,
    rotations: {
      ...motion.rotations,
      [jointId]: setKey(track ?? [], keyFor(track, frame, value, interpolation)),
    },
  };
}

export function keyRootTranslation(
  motion: Motion,
  frame: number,
  translation: Vec3,
  interpolation: Interpolation,
): Motion {
  const value = keyRootFor(motion, frame, translation);
  return {
    ...motion,
    rootTranslation: setKey(
      motion.rootTranslation,
      keyFor(motion.rootTranslation, frame, value, interpolation),
    ),
  };
}

/**
 * Keys `pose` at `frame` for the given joints (and the root translation when `includeRoot`),
 * keeping existing keys' interpolation.
 */
export function keyPoseAt(
  motion: Motion,
  frame: number,
  pose: Pose,
  jointIds: readonly JointId[],
  includeRoot: boolean,
  interpolation: Interpolation,
): Motion {
  let next = motion;
  for (const jointId of jointIds) {
    next = keyJointRotation(next, jointId, frame, pose.rotations[jointId] ?? IDENTITY_QUAT, interpolation);
  }
  if (includeRoot) next = keyRootTranslation(next, frame, pose.rootTranslation, interpolation);
  return next;
}
