import type { Character } from '../../core/document/schema.js';
import type { JointId } from '../../core/ids.js';
import { evaluateCharacterPose } from '../../core/motion/characterPose.js';
import { keyedFrames } from '../../core/motion/edit.js';
import { restPose } from '../../core/motion/pose.js';
import type { Pose } from '../../core/motion/types.js';
import { computeWorldTransforms, type WorldTransform } from '../../core/skeleton/kinematics.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';

export interface WorldPose {
  readonly character: Character;
  readonly frame: number;
  readonly pose: Pose;
  /** Joint transforms in character space (pixels), from core's forward kinematics. */
  readonly world: ReadonlyMap<JointId, WorldTransform>;
  /** Ghost skeletons for onion skinning: the nearest keys before and after the frame. */
  readonly previousKey: { frame: number; world: ReadonlyMap<JointId, WorldTransform> } | null;
  readonly nextKey: { frame: number; world: ReadonlyMap<JointId, WorldTransform> } | null;
}

/**
 * The skeleton as the viewport shows it now: the pose at the playhead in Pose mode, the rest pose
 * in Fit mode. Recomputed only when the skeleton, the motion, the frame or the mode changed, so
 * every per-frame reader (bones, joints, gizmo, picking) shares one evaluation.
 */
export function createWorldPoseReader(editor: Editor): () => WorldPose | null {
  let last: WorldPose | null = null;
  let lastMode = '';
  return () => {
    const state = editor.store.getState();
    const character = activeCharacter(state);
    if (!character) return null;
    const frame = editor.playhead.getState().frame;
    if (
      last &&
      last.character.skeleton === character.skeleton &&
      last.character.motion === character.motion &&
      last.frame === frame &&
      lastMode === state.mode
    ) {
      return last;
    }
    const posed = state.mode === 'pose';
    const pose = posed ? evaluateCharacterPose(character.skeleton, character.motion, frame) : restPose();
    let previousKey: WorldPose['previousKey'] = null;
    let nextKey: WorldPose['nextKey'] = null;
    if (posed) {
      const frames = keyedFrames(character.motion);
      const before = [...frames].reverse().find((f) => f < frame);
      const after = frames.find((f) => f > frame);
      if (before !== undefined) {
        previousKey = {
          frame: before,
          world: computeWorldTransforms(
            character.skeleton,
            evaluateCharacterPose(character.skeleton, character.motion, before),
          ),
        };
      }
      if (after !== undefined) {
        nextKey = {
          frame: after,
          world: computeWorldTransforms(
            character.skeleton,
            evaluateCharacterPose(character.skeleton, character.motion, after),
          ),
        };
      }
    }
    last = {
      character,
      frame,
      pose,
      world: computeWorldTransforms(character.skeleton, pose),
      previousKey,
      nextKey,
    };
    lastMode = state.mode;
    return last;
  };
}
