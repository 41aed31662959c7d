import { quatFromAxisAngle, quatMultiply } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import type { Pose } from '../../core/motion/types.js';

/**
 * The benchmark's poses, in groups, for the default humanoid (character space: the character
 * faces the camera, +z; its left is +x). Rotations are local, relative to the T-pose.
 * Conventions used below: LeftArm z(+) raises the left arm, y(-) swings it towards the camera;
 * RightArm the mirror (z(-) raises, y(+) forwards); UpLeg x(-) swings a leg forwards; Leg x(+)
 * bends a knee; Spine x(+) bows towards the camera; Head y(+) turns the face to the viewer's right.
 */
export type GroupName = 'in-plane' | 'foreshortening' | 'occlusion' | 'walk' | 'extreme';

export interface PoseGroup {
  readonly name: GroupName;
  /** Goals from issue 14: masked PSNR (dB) and SSIM. */
  readonly goal: { psnr: number; ssim: number };
  readonly poses: readonly { name: string; pose: Pose }[];
}

const X: Vec3 = [1, 0, 0];
const Y: Vec3 = [0, 1, 0];
const Z: Vec3 = [0, 0, 1];
const x = (a: number) => quatFromAxisAngle(X, a);
const y = (a: number) => quatFromAxisAngle(Y, a);
const z = (a: number) => quatFromAxisAngle(Z, a);
/** `a` then `b` (b applied in the parent's frame after a). */
const then = (a: Quat, b: Quat) => quatMultiply(b, a);

const pose = (rotations: Record<string, Quat>, root: Vec3 = [0, 0, 0]): Pose => ({
  rotations,
  rootTranslation: root,
});

const IN_PLANE: PoseGroup = {
  name: 'in-plane',
  goal: { psnr: 27, ssim: 0.95 },
  poses: [
    { name: 'arms up 45', pose: pose({ LeftArm: z(0.8), RightArm: z(-0.8) }) },
    { name: 'arms down', pose: pose({ LeftArm: z(-1.1), RightArm: z(1.1) }) },
    {
      name: 'elbows bent',
      pose: pose({ LeftArm: z(0.3), LeftForeArm: z(1.2), RightArm: z(-0.5), RightForeArm: z(-0.9) }),
    },
    { name: 'lean', pose: pose({ Spine: z(0.25), Chest: z(0.15), Neck: z(-0.2), Head: z(-0.2) }) },
    { name: 'legs spread', pose: pose({ LeftUpLeg: z(0.35), RightUpLeg: z(-0.35) }) },
    { name: 'side kick', pose: pose({ LeftUpLeg: z(0.6), LeftLeg: z(-0.9), RightArm: z(0.4) }) },
    { name: 'whole turn', pose: pose({ Hips: z(0.35) }, [12, -6, 0]) },
    {
      name: 'arms 50, spine/neck/head 20',
      pose: pose({ LeftArm: z(0.87), RightArm: z(0.6), Spine: z(-0.35), Neck: z(0.35), Head: z(-0.3) }),
    },
  ],
};

const FORESHORTENING: PoseGroup = {
  name: 'foreshortening',
  goal: { psnr: 22, ssim: 0.85 },
  poses: [
    { name: 'arms forward 60', pose: pose({ LeftArm: y(-1.05), RightArm: y(1.05) }) },
    { name: 'arms back 45', pose: pose({ LeftArm: y(0.8), RightArm: y(-0.8) }) },
    {
      name: 'forearm at camera',
      pose: pose({ LeftForeArm: y(-1.3), RightArm: z(-1), RightForeArm: y(1) }),
    },
    { name: 'knee up', pose: pose({ LeftUpLeg: x(-1), LeftLeg: x(1) }) },
    { name: 'bow', pose: pose({ Spine: x(0.4), Chest: x(0.2) }) },
    { name: 'arms at camera', pose: pose({ LeftArm: y(-1.45), RightArm: then(y(1.3), x(0.3)) }) },
    { name: 'leg back', pose: pose({ RightUpLeg: x(0.7), RightLeg: x(0.8) }) },
  ],
};

const OCCLUSION: PoseGroup = {
  name: 'occlusion',
  goal: { psnr: 22, ssim: 0.88 },
  poses: [
    {
      name: 'forearm across chest',
      pose: pose({ LeftArm: then(y(-1.3), x(0.5)), LeftForeArm: y(-1.4) }),
    },
    {
      name: 'forearm before face',
      pose: pose({ RightArm: then(y(1.2), x(-0.2)), RightForeArm: y(1.35) }),
    },
    { name: 'legs crossed', pose: pose({ LeftUpLeg: then(z(-0.22), x(-0.3)), RightUpLeg: z(0.05) }) },
    {
      name: 'hand on belly',
      pose: pose({ LeftArm: then(z(-1.2), x(-0.4)), LeftForeArm: y(-1.5), RightArm: z(1.2) }),
    },
    {
      name: 'arm behind back',
      pose: pose({ RightArm: then(z(1.1), x(0.5)), RightForeArm: y(-1.2), LeftArm: z(-1.1) }),
    },
  ],
};

/** A walk facing the camera: 12 frames of one cycle. */
function walkPoses(): { name: string; pose: Pose }[] {
  const frames: { name: string; pose: Pose }[] = [];
  for (let i = 0; i < 12; i++) {
    const phi = (2 * Math.PI * i) / 12;
    const s = Math.sin(phi);
    const swingL = -0.45 * s;
    const swingR = 0.45 * s;
    const kneeL = 0.15 + 0.55 * Math.max(0, Math.sin(phi + 1.2));
    const kneeR = 0.15 + 0.55 * Math.max(0, Math.sin(phi + 1.2 + Math.PI));
    frames.push({
      name: `walk ${i}`,
      pose: pose(
        {
          Hips: y(-0.08 * s),
          Spine: y(0.12 * s),
          Head: y(-0.05 * s),
          LeftUpLeg: x(swingL),
          LeftLeg: x(kneeL),
          LeftFoot: x(-0.5 * (swingL + kneeL) + 0.1),
          RightUpLeg: x(swingR),
          RightLeg: x(kneeR),
          RightFoot: x(-0.5 * (swingR + kneeR) + 0.1),
          LeftArm: then(z(-1.25), x(0.4 * s)),
          LeftForeArm: y(-0.35),
          RightArm: then(z(1.25), x(-0.4 * s)),
          RightForeArm: y(0.35),
        },
        [0, -6 + 4 * Math.cos(2 * phi), 0],
      ),
    });
  }
  return frames;
}

const WALK: PoseGroup = { name: 'walk', goal: { psnr: 22, ssim: 0.85 }, poses: walkPoses() };

const EXTREME: PoseGroup = {
  name: 'extreme',
  goal: { psnr: 17, ssim: 0.65 },
  poses: [
    {
      name: 'crouch',
      pose: pose(
        {
          Spine: x(0.3),
          LeftUpLeg: x(-1.5),
          LeftLeg: x(2.1),
          LeftFoot: x(-0.6),
          RightUpLeg: x(-1.5),
          RightLeg: x(2.1),
          RightFoot: x(-0.6),
          LeftArm: y(-1.2),
          RightArm: y(1.2),
        },
        [0, -70, 0],
      ),
    },
    {
      name: 'cartwheel',
      pose: pose({
        Hips: z(1.4),
        LeftArm: z(0.4),
        RightArm: z(-0.4),
        LeftUpLeg: z(0.6),
        RightUpLeg: z(-0.6),
      }),
    },
    { name: 'arms overhead', pose: pose({ LeftArm: z(1.45), RightArm: z(-1.45), Head: x(-0.3) }) },
    { name: 'twist 90', pose: pose({ Spine: y(0.8), Chest: y(0.5), Head: y(0.5) }) },
    {
      name: 'sit kick',
      pose: pose({ LeftUpLeg: x(-1.45), RightUpLeg: x(-0.4), RightLeg: x(1.2) }, [0, -30, 0]),
    },
    {
      name: 'back bend',
      pose: pose({ Spine: x(-0.5), Chest: x(-0.4), Neck: x(-0.3), LeftArm: z(1.2), RightArm: z(-1.2) }),
    },
  ],
};

export const POSE_GROUPS: readonly PoseGroup[] = [IN_PLANE, FORESHORTENING, OCCLUSION, WALK, EXTREME];
