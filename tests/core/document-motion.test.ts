import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { setSkeleton } from '../../core/document/edits.js';
import { applyImportedMotion } from '../../core/document/motionEdits.js';
import { DocumentError, parseProjectJson, serializeProject } from '../../core/document/parse.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { parseBvh } from '../../core/io/bvh.js';
import { switchToIk } from '../../core/motion/ikEdit.js';
import { importClip, prepareImport } from '../../core/motion/importMotion.js';
import type { Motion } from '../../core/motion/types.js';
import { removeJoint } from '../../core/skeleton/edit.js';

/**
 * The project format's motion fields added by the motion work: clip layers and IK limbs are
 * optional (version 2 files without them still load, no version bump), validated on load,
 * saved and read back unchanged, and pruned with the joints they name.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const sample = () =>
  parseProjectJson(readFileSync(join(ROOT, 'assets', 'sample', 'sample.keypose'), 'utf8'), 'sample.keypose');
const walk = () => ({
  name: 'walk.bvh',
  ...parseBvh(readFileSync(join(ROOT, 'assets', 'motions', 'walk.bvh'), 'utf8')),
});

function withMotion(doc: ProjectDocument, motion: Motion): ProjectDocument {
  return {
    ...doc,
    characters: [
      { ...doc.characters[0]!, motion: motion as ProjectDocument['characters'][number]['motion'] },
    ],
  };
}

describe('motion fields of the project format', () => {
  test('a layer and an IK limb save and load unchanged at version 2', () => {
    const doc = sample();
    const character = doc.characters[0]!;
    const layered = importClip(
      prepareImport(walk(), character.skeleton),
      character.skeleton,
      character.motion,
      { fps: doc.fps, startFrame: 0, as: 'layer' },
    );
    const withIk = switchToIk(character.skeleton, layered.motion, 'LeftHand', 6);
    const next = applyImportedMotion(withMotion(doc, withIk), character.id, { ...layered, motion: withIk });
    const back = parseProjectJson(serializeProject(next), 'layered.keypose');
    expect(back.version).toBe(2);
    expect(back.characters[0]!.motion.layers?.[0]?.name).toBe('walk.bvh');
    expect(back.characters[0]!.motion.ik?.LeftHand?.target).toHaveLength(1);
    expect(back).toEqual(next);
  });

  test('layers and IK limbs naming unknown joints are refused with the path', () => {
    const doc = sample();
    const bad = withMotion(doc, {
      rotations: {},
      rootTranslation: [],
      layers: [{ id: 'l1', name: 'x.bvh', weight: 1, rotations: { Tail: [] }, rootTranslation: [] }],
      ik: { Paw: { target: [], blend: [] } },
    });
    let message = '';
    try {
      parseProjectJson(JSON.stringify(bad), 'bad.keypose');
    } catch (error) {
      expect(error).toBeInstanceOf(DocumentError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/clip layer "x\.bvh" animates an unknown joint "Tail"/);
    expect(message).toMatch(/an IK limb ends at an unknown joint "Paw"/);
  });

  test('removing a joint drops its layer tracks and IK limb', () => {
    const doc = sample();
    const character = doc.characters[0]!;
    const layered = importClip(
      prepareImport(walk(), character.skeleton),
      character.skeleton,
      character.motion,
      { fps: doc.fps, startFrame: 0, as: 'layer' },
    );
    const withIk = switchToIk(character.skeleton, layered.motion, 'LeftHand', 6);
    const next = setSkeleton(
      withMotion(doc, withIk),
      character.id,
      removeJoint(character.skeleton, 'LeftHand' as never),
    );
    const motion = next.characters[0]!.motion;
    expect(motion.ik?.LeftHand).toBeUndefined();
    expect(motion.layers?.[0]?.rotations.LeftHand).toBeUndefined();
    expect(() => parseProjectJson(serializeProject(next), 'pruned.keypose')).not.toThrow();
  });
});
