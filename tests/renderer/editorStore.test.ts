import { describe, expect, it } from 'vitest';
import { jointId } from '../../core/ids.js';
import { IDENTITY_QUAT, quatAngleBetween, quatFromAxisAngle } from '../../core/math/quat.js';
import { evaluateMotion } from '../../core/motion/evaluate.js';
import { mirrorQuat } from '../../core/motion/pose.js';
import { activeCharacter, isDirty } from '../../renderer/state/editorStore.js';
import { character, makeDocument, makeEditor, setFrame } from './fixtures.js';

const FOREARM = jointId('LeftForeArm');
const LEFT_ARM = jointId('LeftArm');
const RIGHT_ARM = jointId('RightArm');
const HIPS = jointId('Hips');
const bend = (deg: number) => quatFromAxisAngle([0, 0, 1], (deg * Math.PI) / 180);
const angleDeg = (a: readonly number[], b: readonly number[]) =>
  (quatAngleBetween(a as never, b as never) * 180) / Math.PI;

describe('editor store: loading and document edits', () => {
  it('loading a project is not an undo step and leaves it clean', () => {
    const editor = makeEditor();
    const state = editor.store.getState();
    expect(state.document?.name).toBe('Test');
    expect(state.canUndo).toBe(false);
    expect(isDirty(state)).toBe(false);
    expect(state.projectPath).toBeNull();
  });

  it('a rotation edit auto-keys the joint at the playhead, undo and redo restore both sides', () => {
    const editor = makeEditor();
    setFrame(editor, 5);
    editor.actions.setNewKeyInterpolation('step');
    editor.actions.setJointRotation(FOREARM, bend(40));
    const track = character(editor).motion.rotations[FOREARM];
    expect(track).toHaveLength(1);
    expect(track?.[0]).toMatchObject({ frame: 5, interpolation: 'step' });
    expect(isDirty(editor.store.getState())).toBe(true);
    expect(editor.store.getState().undoLabel).toBe('Rotate LeftForeArm');

    editor.actions.undo();
    expect(character(editor).motion.rotations[FOREARM]).toBeUndefined();
    // Undoing back to the loaded document is clean again, even though the object is rebuilt.
    expect(isDirty(editor.store.getState())).toBe(false);
    expect(editor.store.getState().canRedo).toBe(true);

    editor.actions.redo();
    expect(character(editor).motion.rotations[FOREARM]?.[0]?.frame).toBe(5);
    expect(isDirty(editor.store.getState())).toBe(true);
  });

  it('re-keying a frame keeps the interpolation the key already had', () => {
    const editor = makeEditor();
    editor.actions.setNewKeyInterpolation('bezier');
    editor.actions.setJointRotation(FOREARM, bend(10));
    editor.actions.setNewKeyInterpolation('linear');
    editor.actions.setJointRotation(FOREARM, bend(20));
    const key = character(editor).motion.rotations[FOREARM]?.[0];
    expect(key?.interpolation).toBe('bezier');
    expect(angleDeg(key?.value ?? IDENTITY_QUAT, bend(20))).toBeLessThan(1e-6);
  });

  it('one drag (begin, many previews, end) is one undo step holding only the last preview', () => {
    const editor = makeEditor();
    editor.actions.setJointRotation(LEFT_ARM, bend(5));
    editor.actions.beginGesture('Rotate LeftForeArm');
    for (let deg = 1; deg <= 30; deg++) editor.actions.setJointRotation(FOREARM, bend(deg));
    expect(editor.store.getState().gestureLabel).toBe('Rotate LeftForeArm');
    editor.actions.endGesture();
    expect(editor.store.getState().gestureLabel).toBeNull();
    const keys = character(editor).motion.rotations[FOREARM];
    expect(keys).toHaveLength(1);
    expect(angleDeg(keys?.[0]?.value ?? IDENTITY_QUAT, bend(30))).toBeLessThan(1e-6);

    editor.actions.undo();
    expect(character(editor).motion.rotations[FOREARM]).toBeUndefined();
    // The edit before the drag is still there: the drag was exactly one step.
    expect(character(editor).motion.rotations[LEFT_ARM]).toHaveLength(1);
    editor.actions.undo();
    expect(character(editor).motion.rotations[LEFT_ARM]).toBeUndefined();
    expect(editor.store.getState().canUndo).toBe(false);
  });

  it('a Fit-mode drag of a joint moves its rest position in one step; cancel restores', () => {
    const editor = makeEditor();
    const before = character(editor).skeleton.joints.find((j) => j.id === FOREARM)?.restPosition;
    expect(before).toBeDefined();
    editor.actions.beginGesture('Fit LeftForeArm');
    editor.actions.setRestPosition(FOREARM, [10, 20, 0]);
    editor.actions.setRestPosition(FOREARM, [30, 40, 0]);
    editor.actions.endGesture();
    expect(character(editor).skeleton.joints.find((j) => j.id === FOREARM)?.restPosition).toEqual([
      30, 40, 0,
    ]);
    editor.actions.undo();
    expect(character(editor).skeleton.joints.find((j) => j.id === FOREARM)?.restPosition).toEqual(before);

    editor.actions.beginGesture('Fit LeftForeArm');
    editor.actions.setRestPosition(FOREARM, [99, 99, 0]);
    editor.actions.cancelGesture();
    expect(character(editor).skeleton.joints.find((j) => j.id === FOREARM)?.restPosition).toEqual(before);
  });

  it('an edit that core rejects lands in the error list instead of throwing', () => {
    const editor = makeEditor();
    editor.actions.setFps(1000);
    const { errors, document } = editor.store.getState();
    expect(document?.fps).toBe(24);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.title).toBe('Change frame rate failed');
    editor.actions.dismissError(errors[0]?.id ?? -1);
    expect(editor.store.getState().errors).toHaveLength(0);
  });

  it('fps, duration and name edits are undoable; shortening clamps the playhead', () => {
    const editor = makeEditor();
    setFrame(editor, 40);
    editor.actions.setFps(30);
    editor.actions.setDurationFrames(12);
    editor.actions.renameProject('  Walk  ');
    const doc = editor.store.getState().document;
    expect(doc).toMatchObject({ fps: 30, durationFrames: 12, name: 'Walk' });
    expect(editor.playhead.getState().frame).toBe(11);
    editor.actions.undo();
    editor.actions.undo();
    editor.actions.undo();
    expect(editor.store.getState().document).toMatchObject({ fps: 24, durationFrames: 48, name: 'Test' });
  });
});

describe('editor store: keys, copy/paste, mirror', () => {
  it('I with a joint selected keys that joint only; with none selected keys every joint and the root', () => {
    const editor = makeEditor();
    setFrame(editor, 3);
    editor.actions.selectJoint(FOREARM);
    editor.actions.keySelected();
    let motion = character(editor).motion;
    expect(Object.keys(motion.rotations)).toEqual([FOREARM]);
    expect(motion.rootTranslation).toHaveLength(0);

    editor.actions.selectJoint(null);
    editor.actions.keySelected();
    motion = character(editor).motion;
    expect(Object.keys(motion.rotations).sort()).toEqual(
      character(editor)
        .skeleton.joints.map((j) => j.id)
        .sort(),
    );
    expect(motion.rootTranslation.map((k) => k.frame)).toEqual([3]);
  });

  it('keying the selected root also keys the root translation', () => {
    const editor = makeEditor();
    editor.actions.selectJoint(HIPS);
    editor.actions.keySelected();
    expect(character(editor).motion.rootTranslation).toHaveLength(1);
  });

  it('delete removes the selected joint key at the frame, or every key at the frame', () => {
    const editor = makeEditor();
    setFrame(editor, 4);
    editor.actions.keyAll();
    editor.actions.selectJoint(FOREARM);
    editor.actions.deleteKeysAtFrame();
    let motion = character(editor).motion;
    expect(motion.rotations[FOREARM]).toBeUndefined();
    expect(motion.rotations[LEFT_ARM]).toHaveLength(1);
    editor.actions.selectJoint(null);
    editor.actions.deleteKeysAtFrame();
    motion = character(editor).motion;
    expect(Object.keys(motion.rotations)).toHaveLength(0);
    expect(motion.rootTranslation).toHaveLength(0);
  });

  it('copy at one frame and paste at another keys the same pose there', () => {
    const editor = makeEditor();
    editor.actions.setJointRotation(FOREARM, bend(60));
    editor.actions.setRootTranslation([5, -7, 0]);
    editor.actions.copyPose();
    setFrame(editor, 20);
    editor.actions.setJointRotation(FOREARM, bend(-30));
    editor.actions.pastePose();
    const pose = evaluateMotion(character(editor).motion, 20);
    expect(angleDeg(pose.rotations[FOREARM] ?? IDENTITY_QUAT, bend(60))).toBeLessThan(1e-6);
    expect(pose.rootTranslation).toEqual([5, -7, 0]);
    // Paste is one undo step.
    editor.actions.undo();
    const undone = evaluateMotion(character(editor).motion, 20);
    expect(angleDeg(undone.rotations[FOREARM] ?? IDENTITY_QUAT, bend(-30))).toBeLessThan(1e-6);
  });

  it('mirror swaps left and right (reflected) and keys the mirrored pose', () => {
    const editor = makeEditor();
    setFrame(editor, 8);
    const q = quatFromAxisAngle([0.3, 0.5, 0.8], 0.7);
    editor.actions.setJointRotation(LEFT_ARM, q);
    editor.actions.setRootTranslation([12, 0, 0]);
    editor.actions.mirrorPose();
    const pose = evaluateMotion(character(editor).motion, 8);
    expect(angleDeg(pose.rotations[RIGHT_ARM] ?? IDENTITY_QUAT, mirrorQuat(q))).toBeLessThan(1e-6);
    expect(angleDeg(pose.rotations[LEFT_ARM] ?? IDENTITY_QUAT, IDENTITY_QUAT)).toBeLessThan(1e-6);
    expect(pose.rootTranslation[0]).toBeCloseTo(-12);
  });

  it('selection walks the hierarchy and is not part of the undo history', () => {
    const editor = makeEditor();
    editor.actions.selectJoint(FOREARM);
    editor.actions.selectParent();
    expect(editor.store.getState().selectedJointId).toBe(LEFT_ARM);
    editor.actions.selectChild();
    expect(editor.store.getState().selectedJointId).toBe(FOREARM);
    expect(editor.store.getState().canUndo).toBe(false);
  });

  it('loading another project resets history and selection', () => {
    const editor = makeEditor();
    editor.actions.setJointRotation(FOREARM, bend(10));
    editor.actions.selectJoint(FOREARM);
    editor.actions.load(makeDocument('Other'), '/tmp/other.keypose');
    const state = editor.store.getState();
    expect(state.canUndo).toBe(false);
    expect(state.selectedJointId).toBeNull();
    expect(activeCharacter(state)?.motion.rotations[FOREARM]).toBeUndefined();
    expect(state.projectPath).toBe('/tmp/other.keypose');
  });
});

describe('editor store: unsaved new projects', () => {
  it('a project made from a picture counts as unsaved until it is saved', () => {
    const editor = makeEditor();
    editor.actions.load(makeDocument('From picture'), null, { unsaved: true });
    expect(isDirty(editor.store.getState())).toBe(true);
    expect(editor.store.getState().canUndo).toBe(false);
    const doc = editor.store.getState().document;
    if (!doc) throw new Error('no document');
    editor.actions.markSaved(doc, '/projects/From picture.keypose');
    expect(isDirty(editor.store.getState())).toBe(false);
  });
});

describe('editor store: custom skeletons (Fit mode)', () => {
  it('adds a child joint below the selection, selects it, and undo removes it', () => {
    const editor = makeEditor();
    editor.actions.selectJoint(jointId('LeftHand'));
    editor.actions.addChildJoint();
    const added = editor.store.getState().selectedJointId;
    const joint = character(editor).skeleton.joints.find((j) => j.id === added);
    expect(joint).toMatchObject({ name: 'Joint', parentId: 'LeftHand' });
    // It continues the forearm-to-hand direction (+x for the character's left arm).
    const hand = character(editor).skeleton.joints.find((j) => j.id === 'LeftHand');
    expect(joint?.restPosition[0]).toBeGreaterThan(hand?.restPosition[0] ?? 0);
    editor.actions.undo();
    expect(character(editor).skeleton.joints.some((j) => j.id === added)).toBe(false);
  });

  it('a six-armed character: extra arms, renamed, posed and keyed like the built-in ones', () => {
    const editor = makeEditor();
    for (let i = 0; i < 4; i++) {
      editor.actions.selectJoint(jointId('Chest'));
      editor.actions.addChildJoint();
      const id = editor.store.getState().selectedJointId;
      if (!id) throw new Error('no joint added');
      editor.actions.renameJoint(id, `ExtraArm${i + 1}`);
    }
    const names = character(editor).skeleton.joints.map((j) => j.name);
    expect(names.filter((n) => n.startsWith('ExtraArm'))).toHaveLength(4);
    const extra = character(editor).skeleton.joints.find((j) => j.name === 'ExtraArm3');
    if (!extra) throw new Error('missing');
    editor.actions.setJointRotation(extra.id, bend(25));
    expect(character(editor).motion.rotations[extra.id]).toHaveLength(1);
  });

  it('deleting a joint re-attaches its children, drops its keys and selects its parent', () => {
    const editor = makeEditor();
    editor.actions.setJointRotation(FOREARM, bend(30));
    editor.actions.selectJoint(FOREARM);
    editor.actions.removeSelectedJoint();
    const skeleton = character(editor).skeleton;
    expect(skeleton.joints.some((j) => j.id === FOREARM)).toBe(false);
    expect(skeleton.joints.find((j) => j.id === 'LeftHand')?.parentId).toBe(LEFT_ARM);
    expect(character(editor).motion.rotations[FOREARM]).toBeUndefined();
    expect(editor.store.getState().selectedJointId).toBe(LEFT_ARM);
    editor.actions.undo();
    expect(character(editor).motion.rotations[FOREARM]).toHaveLength(1);
  });

  it('refuses to delete the root or to make a cycle, with a message in the error list', () => {
    const editor = makeEditor();
    editor.actions.selectJoint(HIPS);
    editor.actions.removeSelectedJoint();
    editor.actions.reparentJoint(LEFT_ARM, FOREARM);
    editor.actions.renameJoint(FOREARM, 'LeftArm');
    const { errors, canUndo, selectedJointId } = editor.store.getState();
    expect(canUndo).toBe(false);
    expect(selectedJointId).toBe(HIPS);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/root joint cannot be removed/),
      expect.stringMatching(/cycle/),
      expect.stringMatching(/already a joint named "LeftArm"/),
    ]);
  });

  it('reparents a joint and keeps the list parent-before-child', () => {
    const editor = makeEditor();
    editor.actions.reparentJoint(jointId('LeftHand'), jointId('Chest'));
    const joints = character(editor).skeleton.joints;
    expect(joints.find((j) => j.id === 'LeftHand')?.parentId).toBe('Chest');
    const index = new Map(joints.map((j, i) => [j.id as string, i]));
    for (const j of joints)
      if (j.parentId) expect(index.get(j.parentId) ?? 99).toBeLessThan(index.get(j.id) ?? -1);
  });
});
