import { describe, expect, it } from 'vitest';
import { keyRefId } from '../../core/motion/keySelection.js';
import { applyMotionImport, beginMotionImport, updateSession } from '../../renderer/motion/importFlow.js';
import { motionUiFor } from '../../renderer/motion/motionUi.js';
import { runTimelineCommand } from '../../renderer/timeline/timelineCommands.js';
import { timelineUiFor } from '../../renderer/timeline/timelineUi.js';
import { ROKOKO, smoothMotion, writeConventionBvh } from '../core/motion/conventions.js';
import { character, makeEditor, setFrame } from './fixtures.js';

/**
 * The editor's motion import flow and the timeline's key-selection commands, on the real editor
 * store (no browser): read in steps, the mapping panel's session, Apply as one undo step, Cancel;
 * Delete / Ctrl+C / Ctrl+V / Escape on selected keys.
 */

const text = writeConventionBvh(ROKOKO, smoothMotion(ROKOKO, 90, 3));
const file = (name: string, body: string) => ({ name, text: async () => body });

describe('motion import in the editor', () => {
  it('reads a file into the mapping panel, applies it as one undo step', async () => {
    const editor = makeEditor();
    setFrame(editor, 5);
    await beginMotionImport(editor, file('rokoko.bvh', text));
    const session = motionUiFor(editor).getState().session;
    expect(session?.phase).toBe('ready');
    expect(editor.store.getState().dialog).toBe('motion-import');
    if (session?.phase !== 'ready') throw new Error('not ready');
    expect(session.mapping.pairs.LeftUpLeg).toBe('LeftThigh');
    expect(session.options.startFrame).toBe(5);
    updateSession(editor, { mapping: ['Head', null], options: { as: 'layer' } });
    const result = applyMotionImport(editor);
    expect(result?.frames[0]).toBe(5);
    const motion = character(editor).motion;
    expect(motion.layers?.[0]?.rotations.Head).toBeUndefined();
    expect(motion.layers?.[0]?.rotations.LeftUpLeg?.length).toBeGreaterThan(1);
    expect(editor.store.getState().dialog).toBe('none');
    expect(motionUiFor(editor).getState().session).toBeNull();
    expect(editor.store.getState().undoLabel).toBe('Import motion rokoko.bvh');
    editor.actions.undo();
    expect(character(editor).motion.layers).toBeUndefined();
  });

  it('a damaged file goes to the error banner with its name; closing the panel cancels', async () => {
    const editor = makeEditor();
    await beginMotionImport(editor, file('bad.bvh', text.replace('Frame Time:', 'Frame Tme:')));
    expect(editor.store.getState().errors[0]).toMatchObject({
      title: 'Could not import bad.bvh',
      file: 'bad.bvh',
    });
    expect(editor.store.getState().errors[0]?.message).toMatch(
      /^bad\.bvh: expected "Frames: N" and "Frame Time: T"/,
    );
    expect(editor.store.getState().dialog).toBe('none');
    await beginMotionImport(editor, file('ok.bvh', text));
    editor.actions.closeDialog();
    expect(motionUiFor(editor).getState().session).toBeNull();
    expect(character(editor).motion.layers).toBeUndefined();
  });
});

describe('timeline key selection commands', () => {
  it('copy and paste keys at the playhead, delete them, Escape clears the selection', async () => {
    const editor = makeEditor();
    await beginMotionImport(editor, file('rokoko.bvh', text));
    applyMotionImport(editor);
    const keys = character(editor).motion.rotations.LeftArm!;
    const picked = keys.slice(0, 3).map((k) => ({ track: 'LeftArm', frame: k.frame }));
    timelineUiFor(editor).setState({ selection: picked });
    expect(runTimelineCommand('pose.copy', editor)).toBe(true);
    setFrame(editor, 60);
    expect(runTimelineCommand('pose.paste', editor)).toBe(true);
    const pasted = character(editor).motion.rotations.LeftArm!;
    const offset = 60 - picked[0]!.frame;
    for (const ref of picked)
      expect(pasted.find((k) => k.frame === ref.frame + offset)?.value).toEqual(
        keys.find((k) => k.frame === ref.frame)?.value,
      );
    expect(timelineUiFor(editor).getState().selection.map(keyRefId)).toContain(`LeftArm@60`);
    expect(runTimelineCommand('key.delete', editor)).toBe(true);
    expect(character(editor).motion.rotations.LeftArm!.some((k) => k.frame === 60)).toBe(false);
    timelineUiFor(editor).setState({ selection: picked });
    expect(runTimelineCommand('select.none', editor)).toBe(true);
    expect(timelineUiFor(editor).getState().selection).toEqual([]);
    // With nothing selected the pose commands are the editor's again.
    expect(runTimelineCommand('key.delete', editor)).toBe(false);
    expect(runTimelineCommand('pose.copy', editor)).toBe(false);
    expect(runTimelineCommand('pose.paste', editor)).toBe(false);
  });
});
