/**
 * The 2.5D cross-section of each kind of part: how deep it is for its width (depthRatio) and
 * where its depth centre lies (depthCentre, in depth semi-axes towards the camera). Humanoid
 * joints by their (Mixamo-style) names: a torso is about 0.6 times as deep as wide, limbs round,
 * hands flat, a foot drawn from the front reaches forward from the ankle. Anything else is a
 * round limb.
 */
export interface PartShape {
  readonly depthRatio: number;
  readonly depthCentre: number;
}

const ROUND: PartShape = { depthRatio: 1, depthCentre: 0 };

const BY_NAME: readonly { pattern: RegExp; shape: PartShape }[] = [
  { pattern: /^(hips|pelvis)$/i, shape: { depthRatio: 0.7, depthCentre: 0 } },
  { pattern: /^(spine\d*|chest|upperchest|torso)$/i, shape: { depthRatio: 0.6, depthCentre: 0 } },
  { pattern: /^head$/i, shape: { depthRatio: 0.85, depthCentre: 0 } },
  { pattern: /hand$/i, shape: { depthRatio: 0.45, depthCentre: 0 } },
  { pattern: /foot$/i, shape: { depthRatio: 1.6, depthCentre: 0.6 } },
  { pattern: /toe(base)?$/i, shape: { depthRatio: 1.2, depthCentre: 0.8 } },
];

export function partShape(jointName: string): PartShape {
  return BY_NAME.find((s) => s.pattern.test(jointName))?.shape ?? ROUND;
}
