import { loadavg } from 'node:os';
import type { JointId } from '../core/ids.js';
import { applyPins, solveIk } from '../core/ik/posing.js';
import { startBvhRead } from '../core/io/bvh.js';
import type { Vec3 } from '../core/math/types.js';
import { resampleClip } from '../core/motion/clip.js';
import { EMPTY_MOTION } from '../core/motion/edit.js';
import { importClip, prepareImport } from '../core/motion/importMotion.js';
import { clipToTracks } from '../core/motion/keyReduction.js';
import type { Pose } from '../core/motion/types.js';
import { retargetClip } from '../core/retarget/retarget.js';
import { createDefaultHumanoid } from '../core/skeleton/humanoid.js';
import { computeWorldTransforms } from '../core/skeleton/kinematics.js';
import type { Skeleton } from '../core/skeleton/types.js';
import { keyPoseAt } from '../renderer/state/edits.js';
import { CMU_HIP, smoothMotion, writeConventionBvh } from '../tests/core/motion/conventions.js';

/**
 * Motion figures: (1) importing a long capture, a CMU-style BVH at 120 fps (10 minutes =
 * 72 000 frames; --quick: 1 minute), step by step as the editor and `keypose motion import` do it:
 * read, resample to 24 fps, retarget onto the default humanoid (feet held on contacts), reduce to
 * 0.5° keys; (2) the work of one IK drag event in the viewport: solve the limb, re-solve two pinned
 * feet, key the changed joints. Prints figures with the load average; asserts nothing.
 */

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const load = () => loadavg().map((x) => round(x, 2));

function time<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function importFigures(minutes: number) {
  const frames = Math.round(minutes * 60 * CMU_HIP.fps);
  const made = time(() => writeConventionBvh(CMU_HIP, smoothMotion(CMU_HIP, frames, 9, 30)));
  const text = made.value;
  const target = createDefaultHumanoid({ heightPx: 800 });
  const loadAtStart = load();
  const read = time(() => {
    const reader = startBvhRead(text);
    while (!reader.step(3000));
    return reader.finish();
  });
  const source = { name: 'long.bvh', ...read.value };
  const prepared = time(() => prepareImport(source, target));
  const resampled = time(() => resampleClip(source.clip, 24));
  const retargeted = time(() =>
    retargetClip({ rig: prepared.value.sourceRig, clip: resampled.value }, prepared.value.targetRig, {
      mapping: prepared.value.mapping,
    }),
  );
  const reduced = time(() => clipToTracks(retargeted.value.clip, { rotationDeg: 0.5, translationPx: 0.5 }));
  // The whole import as the editor's Apply runs it (the same steps in one call).
  const whole = time(() =>
    importClip(prepared.value, target, EMPTY_MOTION, { fps: 24, startFrame: 0, as: 'keys' }),
  );
  return {
    clip: {
      minutes,
      fps: CMU_HIP.fps,
      frames,
      joints: CMU_HIP.joints.length,
      textMB: round(text.length / 2 ** 20),
    },
    loadAverageAtStart: loadAtStart,
    ms: {
      readBvh: round(read.ms),
      prepare: round(prepared.ms),
      resampleTo24fps: round(resampled.ms),
      retarget: round(retargeted.ms),
      reduceKeys: round(reduced.ms),
      wholeImportAfterRead: round(whole.ms),
      readPlusImport: round(read.ms + whole.ms),
    },
    readFramesPerSec: Math.round(frames / (read.ms / 1000)),
    keys: { kept: reduced.value.keyCount, samples: reduced.value.sampleCount },
    contacts: retargeted.value.contacts.map((c) => ({ foot: c.effector, runs: c.runs.length })),
    makeFixtureMs: round(made.ms),
    loadAverageAtEnd: load(),
  };
}

/** One viewport IK drag event: as renderer/viewport/ikDrag.ts does per pointer move. */
function dragEvent(
  sk: Skeleton,
  base: Pose,
  world: ReturnType<typeof computeWorldTransforms>,
  effector: string,
  target: Vec3,
  pins: { effector: JointId; target: Vec3 }[],
) {
  const solved = solveIk(sk, base, effector, target, { world });
  if (!solved) throw new Error('no chain');
  const pose = applyPins(sk, solved.pose, pins);
  return keyPoseAt(
    EMPTY_MOTION,
    12,
    pose,
    [...solved.chain.joints, 'LeftUpLeg', 'LeftLeg', 'RightUpLeg', 'RightLeg'] as JointId[],
    false,
    'linear',
  );
}

function ikFigures(events: number) {
  const sk = createDefaultHumanoid({ heightPx: 800 });
  // A tail for CCD: six joints behind the hips.
  const tail: Skeleton = {
    joints: [
      ...sk.joints,
      ...Array.from({ length: 6 }, (_, i) => ({
        id: `Tail${i + 1}` as JointId,
        name: `Tail${i + 1}`,
        parentId: (i === 0 ? 'Hips' : `Tail${i}`) as JointId,
        restPosition: [0, -40 - 5 * (i + 1), -30 * (i + 1)] as Vec3,
      })),
    ],
  };
  const base: Pose = { rotations: {}, rootTranslation: [0, 0, 0] };
  const world = computeWorldTransforms(sk, base);
  const pins = (['LeftFoot', 'RightFoot'] as JointId[]).map((id) => ({
    effector: id,
    target: world.get(id)!.position,
  }));
  const hand = world.get('LeftHand' as JointId)!.position;
  const run = (skeleton: Skeleton, effector: string, targetAt: (i: number) => Vec3, withPins: boolean) => {
    const w = computeWorldTransforms(skeleton, base);
    for (let i = 0; i < 200; i++) dragEvent(skeleton, base, w, effector, targetAt(i), withPins ? pins : []);
    const samples: number[] = [];
    for (let i = 0; i < events; i++) {
      const start = performance.now();
      dragEvent(skeleton, base, w, effector, targetAt(i), withPins ? pins : []);
      samples.push((performance.now() - start) * 1000);
    }
    samples.sort((a, b) => a - b);
    return {
      events,
      meanUs: round(samples.reduce((a, b) => a + b, 0) / events),
      medianUs: round(percentile(samples, 50)),
      p95Us: round(percentile(samples, 95)),
      maxUs: round(samples.at(-1)!),
    };
  };
  const loadAtStart = load();
  const handTarget = (i: number): Vec3 => [
    hand[0] - 80 + 60 * Math.sin(i / 17),
    hand[1] - 60 + 50 * Math.cos(i / 13),
    hand[2] + 20 * Math.sin(i / 7),
  ];
  return {
    loadAverageAtStart: loadAtStart,
    twoBoneHandWithTwoPinnedFeet: run(sk, 'LeftHand', handTarget, true),
    twoBoneHandAlone: run(sk, 'LeftHand', handTarget, false),
    ccdTailTip: run(tail, 'Tail6', (i) => [40 * Math.sin(i / 11), -70 + 30 * Math.cos(i / 9), -150], false),
    loadAverageAtEnd: load(),
  };
}

export async function runMotionBench({ quick }: { quick: boolean }): Promise<unknown> {
  return {
    import: importFigures(quick ? 1 : 10),
    ikDragEvent: ikFigures(quick ? 500 : 5000),
  };
}
