import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BVHLoader } from 'three/examples/jsm/loaders/BVHLoader.js';
import { describe, expect, test } from 'vitest';
import type { JointId } from '../../../core/ids.js';
import { parseBvh } from '../../../core/io/bvh.js';
import { distance } from '../../../core/math/vec3.js';
import { clipPose } from '../../../core/motion/clip.js';
import { MOTION_LIBRARY } from '../../../core/motion/library.js';
import { autoMapJoints } from '../../../core/retarget/mapping.js';
import { retargetClip } from '../../../core/retarget/retarget.js';
import { buildRig } from '../../../core/retarget/rig.js';
import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import { computeWorldTransforms } from '../../../core/skeleton/kinematics.js';
import type { Skeleton } from '../../../core/skeleton/types.js';
import { libraryBvh } from '../../../scripts/motions/library.js';

/**
 * The motion library (assets/motions/, made by scripts/make-motions.ts): the files are what the
 * code makes, three's BVHLoader reads them, and they retarget cleanly: a walk onto the default
 * humanoid keeps its planted feet within 1% of the leg length, the four-legged walk lands on a
 * four-legged character.
 */

const DIR = join(import.meta.dirname, '..', '..', '..', 'assets', 'motions');
const read = (file: string) => readFileSync(join(DIR, file), 'utf8');

/** Largest movement of each planted foot over its contact, as a fraction of the leg length. */
function worstSliding(target: Skeleton, file: string): { sliding: number; runs: number } {
  const bvh = parseBvh(read(file));
  const source = buildRig({ skeleton: bvh.skeleton, endSites: bvh.endSites });
  const rig = buildRig({ skeleton: target, up: [0, 1, 0] });
  const result = retargetClip({ rig: source, clip: bvh.clip }, rig, { mapping: autoMapJoints(source, rig) });
  let sliding = 0;
  let runs = 0;
  for (const contact of result.contacts) {
    for (const [first, last] of contact.runs) {
      runs++;
      const at = (f: number) =>
        computeWorldTransforms(target, clipPose(result.clip, f)).get(contact.effector as JointId)!.position;
      const start = at(first);
      for (let f = first; f <= last; f++) sliding = Math.max(sliding, distance(at(f), start) / rig.legLength);
    }
  }
  return { sliding, runs };
}

describe('motion library', () => {
  test('the files in assets/motions/ are exactly what scripts/make-motions.ts makes', () => {
    const made = libraryBvh();
    expect(Object.keys(made).sort()).toEqual(MOTION_LIBRARY.map((m) => m.file).sort());
    for (const [file, text] of Object.entries(made)) expect(read(file), file).toBe(text);
  });

  test("three's BVHLoader reads every library file, with our frame and bone counts", () => {
    for (const entry of MOTION_LIBRARY) {
      const text = read(entry.file);
      const ours = parseBvh(text);
      const three = new BVHLoader().parse(text);
      // three adds a bone per End Site.
      expect(three.skeleton.bones.length).toBe(
        ours.skeleton.joints.length + Object.keys(ours.endSites).length,
      );
      expect(Math.round(three.clip.duration * ours.clip.fps) + 1).toBe(ours.clip.frameCount);
    }
  });

  test('every motion retargets onto the default humanoid without NaN, and the walk keeps its feet planted (≤ 1% of the leg length)', () => {
    const humanoid = createDefaultHumanoid({ heightPx: 800 });
    for (const entry of MOTION_LIBRARY) {
      const bvh = parseBvh(read(entry.file));
      const source = buildRig({ skeleton: bvh.skeleton, endSites: bvh.endSites });
      const rig = buildRig({ skeleton: humanoid, up: [0, 1, 0] });
      const result = retargetClip({ rig: source, clip: bvh.clip }, rig, {
        mapping: autoMapJoints(source, rig),
      });
      expect(result.clip.rotations.every(Number.isFinite), entry.id).toBe(true);
      expect(result.clip.rootTranslation.every(Number.isFinite), entry.id).toBe(true);
    }
    const walk = worstSliding(humanoid, 'walk.bvh');
    expect(walk.runs).toBeGreaterThanOrEqual(2);
    expect(walk.sliding).toBeLessThanOrEqual(0.01);
    const run = worstSliding(humanoid, 'run.bvh');
    expect(run.runs).toBeGreaterThanOrEqual(2);
    expect(run.sliding).toBeLessThanOrEqual(0.01);
  });

  test('the walk onto a character with short legs and long arms still keeps its feet planted', () => {
    const base = createDefaultHumanoid({ heightPx: 600 });
    // Legs 30% shorter: everything above the knees moves down.
    const legs = new Set(['LeftLeg', 'LeftFoot', 'LeftToeBase', 'RightLeg', 'RightFoot', 'RightToeBase']);
    const short: Skeleton = {
      joints: base.joints.map((j) =>
        legs.has(j.name)
          ? j
          : { ...j, restPosition: [j.restPosition[0], j.restPosition[1] - 50, j.restPosition[2]] },
      ),
    };
    const { sliding, runs } = worstSliding(short, 'walk.bvh');
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(sliding).toBeLessThanOrEqual(0.01);
  });
});
