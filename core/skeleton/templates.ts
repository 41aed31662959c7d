import { type JointId, jointId } from '../ids.js';
import { createDefaultHumanoid, HUMANOID_JOINT_NAMES } from './humanoid.js';
import type { Joint, Skeleton } from './types.js';

/**
 * Skeleton templates a figure can be rigged with (docs/rigging.md):
 * - humanoid: the default Mixamo-named humanoid (core/skeleton/humanoid.ts);
 * - six-limbed: the humanoid with a second pair of arms (LeftArmB …) lower on the chest;
 * - quadruped: a horizontal spine (Hips at the hind legs, Chest at the front legs), neck and head,
 *   four legs (Front/Hind, Left = the leg of the pair nearer the head in a side view) and an
 *   optional tail;
 * - chain: no fixed names: a free chain skeleton along the figure's medial axis (Root, then
 *   Branch{n}_{k} joints), for anything else (a snake, an octopus, a tree).
 */
export const TEMPLATE_KINDS = ['humanoid', 'quadruped', 'six-limbed', 'chain'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const TEMPLATE_LABELS: Record<TemplateKind, string> = {
  humanoid: 'Humanoid',
  quadruped: 'Four-legged animal',
  'six-limbed': 'Six-limbed creature',
  chain: 'Free chain (from the shape)',
};

export interface TemplateJoint {
  readonly name: string;
  readonly parent: string | null;
}

const SIX_LIMBED_EXTRA: readonly TemplateJoint[] = ['Left', 'Right'].flatMap((side) => [
  { name: `${side}ShoulderB`, parent: 'Spine' },
  { name: `${side}ArmB`, parent: `${side}ShoulderB` },
  { name: `${side}ForeArmB`, parent: `${side}ArmB` },
  { name: `${side}HandB`, parent: `${side}ForeArmB` },
]);

const QUADRUPED_LEGS = ['FrontLeft', 'FrontRight', 'HindLeft', 'HindRight'] as const;

/** Joints of a fixed template, parent before child (chain has none: it comes from the shape). */
export function templateJoints(
  kind: Exclude<TemplateKind, 'chain'>,
  opts: { tail?: boolean } = {},
): TemplateJoint[] {
  if (kind === 'humanoid' || kind === 'six-limbed') {
    const base = createDefaultHumanoid().joints.map((j) => ({
      name: j.name,
      parent: j.parentId === null ? null : String(j.parentId),
    }));
    return kind === 'humanoid' ? base : [...base, ...SIX_LIMBED_EXTRA];
  }
  const joints: TemplateJoint[] = [
    { name: 'Hips', parent: null },
    { name: 'Spine', parent: 'Hips' },
    { name: 'Chest', parent: 'Spine' },
    { name: 'Neck', parent: 'Chest' },
    { name: 'Head', parent: 'Neck' },
  ];
  for (const leg of QUADRUPED_LEGS) {
    const parent = leg.startsWith('Front') ? 'Chest' : 'Hips';
    joints.push(
      { name: `${leg}UpLeg`, parent },
      { name: `${leg}Leg`, parent: `${leg}UpLeg` },
      { name: `${leg}Foot`, parent: `${leg}Leg` },
    );
  }
  if (opts.tail) joints.push({ name: 'Tail', parent: 'Hips' }, { name: 'TailEnd', parent: 'Tail' });
  return joints;
}

/**
 * A skeleton from joint names, parents and picture positions (pixels, y down), in character space
 * (origin at the picture's centre, y up). Depth comes from `depth` (default 0).
 */
export function skeletonFromPicture(
  joints: readonly TemplateJoint[],
  positions: Readonly<Record<string, readonly [number, number]>>,
  picture: { width: number; height: number },
  depth: Readonly<Record<string, number>> = {},
): Skeleton {
  const out: Joint[] = [];
  for (const j of joints) {
    const p = positions[j.name];
    if (!p) throw new Error(`no position for joint ${j.name}`);
    out.push({
      id: jointId(j.name),
      name: j.name,
      parentId: j.parent === null ? null : (j.parent as JointId),
      restPosition: [p[0] - picture.width / 2, picture.height / 2 - p[1], depth[j.name] ?? 0],
    });
  }
  return { joints: out };
}

/** Which template a skeleton's joint names say it is (a custom skeleton: null). */
export function templateOfSkeleton(skeleton: Skeleton): TemplateKind | null {
  const names = new Set(skeleton.joints.map((j) => j.name));
  if (names.has('LeftArmB')) return 'six-limbed';
  if (HUMANOID_JOINT_NAMES.every((n) => names.has(n))) return 'humanoid';
  if (names.has('FrontLeftUpLeg') && names.has('HindRightUpLeg')) return 'quadruped';
  if (names.has('Root') && skeleton.joints.some((j) => j.name.startsWith('Branch'))) return 'chain';
  return null;
}
