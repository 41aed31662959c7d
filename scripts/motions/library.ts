import { writeBvh } from '../../core/io/bvh.js';
import { frameRate } from '../../core/io/frameRate.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { MOTION_LIBRARY } from '../../core/motion/library.js';
import type { Keyframe, Motion, Pose } from '../../core/motion/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { dance, FPS, idle, jump, run, sit, walk, waveHand } from './humanoid.js';
import { fourLeggedWalk } from './quadruped.js';
import { DOG, HUMAN } from './rigs.js';

/** Poses as a motion with a key on every frame (BVH writes every frame anyway). */
function framesToMotion(poses: readonly Pose[]): Motion {
  const rotations: Record<string, Keyframe<Quat>[]> = {};
  const rootTranslation: Keyframe<Vec3>[] = [];
  poses.forEach((pose, frame) => {
    for (const [joint, q] of Object.entries(pose.rotations)) {
      const track = rotations[joint] ?? [];
      track.push({ frame, value: q, interpolation: 'linear' });
      rotations[joint] = track;
    }
    rootTranslation.push({ frame, value: pose.rootTranslation, interpolation: 'linear' });
  });
  return { rotations, rootTranslation };
}

const MAKERS: Readonly<
  Record<string, { rig: { skeleton: Skeleton; endSites: Record<string, Vec3> }; make: () => Pose[] }>
> = {
  walk: { rig: HUMAN, make: walk },
  run: { rig: HUMAN, make: run },
  jump: { rig: HUMAN, make: jump },
  wave: { rig: HUMAN, make: waveHand },
  idle: { rig: HUMAN, make: idle },
  dance: { rig: HUMAN, make: dance },
  sit: { rig: HUMAN, make: sit },
  'four-legged-walk': { rig: DOG, make: fourLeggedWalk },
};

/** Every library motion's BVH text, by file name. */
export function libraryBvh(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of MOTION_LIBRARY) {
    const maker = MAKERS[entry.id];
    if (!maker) throw new Error(`no maker for library motion "${entry.id}"`);
    const poses = maker.make();
    out[entry.file] = writeBvh(maker.rig.skeleton, framesToMotion(poses), {
      endSites: maker.rig.endSites,
      fps: frameRate(FPS),
      frameRange: { startFrame: 0, endFrame: poses.length - 1 },
    });
  }
  return out;
}
