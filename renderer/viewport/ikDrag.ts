import type { Character } from '../../core/document/schema.js';
import type { JointId } from '../../core/ids.js';
import { applyPins, ikChainFor, type Pin, solveIk } from '../../core/ik/posing.js';
import type { Vec3 } from '../../core/math/types.js';
import { ikBlendAt } from '../../core/motion/characterPose.js';
import { keyIkTarget } from '../../core/motion/ikEdit.js';
import type { Pose } from '../../core/motion/types.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { jointById } from '../../core/skeleton/query.js';
import { motionUiFor } from '../motion/motionUi.js';
import type { Editor } from '../state/editorStore.js';
import { keyPoseAt, poseAtFrame, updateMotion } from '../state/edits.js';

/**
 * The viewport's IK drags in Pose mode (docs/motion.md, "IK posing"), each one undo step:
 * - a limb in IK at this frame: dragging its effector keys its IK target;
 * - with IK drag on (E): dragging an effector moves the joints above it (two-bone or CCD) and
 *   keys their rotations;
 * - dragging the root with pins set: pinned effectors stay where they were (their limbs re-solved
 *   and keyed with the root).
 * `moveTo` takes where the effector should be, in character space.
 */
export interface PoseDrag {
  readonly label: string;
  /** The joint to select while dragging. */
  readonly target: JointId;
  moveTo(point: Vec3): void;
}

function pinsAt(
  editor: Editor,
  character: Character,
  world: ReturnType<typeof computeWorldTransforms>,
  except: JointId,
): Pin[] {
  return motionUiFor(editor)
    .getState()
    .pins.filter((id) => id !== except && jointById(character.skeleton, id))
    .map((id) => ({ effector: id, target: world.get(id)!.position }));
}

/** The joints whose rotations a pose change touches: the dragged chain and the pinned chains. */
function chainJoints(character: Character, effectors: readonly JointId[]): JointId[] {
  const out = new Set<JointId>();
  for (const id of effectors) for (const j of ikChainFor(character.skeleton, id)?.joints ?? []) out.add(j);
  return [...out];
}

export function startPoseDrag(editor: Editor, character: Character, jointId: JointId): PoseDrag | null {
  const joint = jointById(character.skeleton, jointId);
  if (!joint) return null;
  const frame = editor.playhead.getState().frame;
  const interpolation = editor.store.getState().newKeyInterpolation;
  const characterId = character.id;
  const base: Pose = poseAtFrame(character, frame);
  const world = computeWorldTransforms(character.skeleton, base);
  const pins = pinsAt(editor, character, world, jointId);

  if (ikBlendAt(character.motion, jointId, frame) > 0) {
    return {
      label: `Move ${joint.name} IK target`,
      target: jointId,
      moveTo(point) {
        editor.actions.edit(`Move ${joint.name} IK target`, (doc) =>
          updateMotion(doc, characterId, (motion) =>
            keyIkTarget(motion, jointId, frame, point, interpolation),
          ),
        );
      },
    };
  }

  if (joint.parentId === null) {
    if (pins.length === 0) return null;
    const rest = joint.restPosition;
    const keyed = chainJoints(
      character,
      pins.map((p) => p.effector),
    );
    return {
      label: 'Move root',
      target: jointId,
      moveTo(point) {
        const moved: Pose = {
          ...base,
          rootTranslation: [point[0] - rest[0], point[1] - rest[1], point[2] - rest[2]],
        };
        const pinned = applyPins(character.skeleton, moved, pins);
        editor.actions.edit('Move root', (doc) =>
          updateMotion(doc, characterId, (motion) =>
            keyPoseAt(motion, frame, pinned, keyed, true, interpolation),
          ),
        );
      },
    };
  }

  if (!motionUiFor(editor).getState().ikDrag) return null;
  const chain = ikChainFor(character.skeleton, jointId);
  if (!chain) return null;
  const keyed = chainJoints(character, [jointId, ...pins.map((p) => p.effector)]);
  return {
    label: `IK ${joint.name}`,
    target: jointId,
    moveTo(point) {
      const solved = solveIk(character.skeleton, base, jointId, point, { world });
      if (!solved) return;
      const pose = applyPins(character.skeleton, solved.pose, pins);
      editor.actions.edit(`IK ${joint.name}`, (doc) =>
        updateMotion(doc, characterId, (motion) =>
          keyPoseAt(motion, frame, pose, keyed, false, interpolation),
        ),
      );
    },
  };
}
