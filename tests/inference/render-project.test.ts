import { describe, expect, it } from 'vitest';
import { quatFromAxisAngle, quatRotateVec3 } from '../../core/math/quat.js';
import { frameKey } from '../../core/render/frameKey.js';
import { applyAffine2, invertAffine2, projectPose } from '../../core/render/project.js';
import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';

const size = { width: 400, height: 300 };
const sk = createDefaultHumanoid({ heightPx: 260 });

/** Character-space point -> imagePx. */
const toImage = (p: readonly number[]) => [p[0]! + size.width / 2, size.height / 2 - p[1]!];

describe('projectPose', () => {
  it('is the identity at rest', () => {
    for (const b of projectPose(sk, { rotations: {}, rootTranslation: [0, 0, 0] }, size)) {
      expect(b.affine.map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([1, 0, 0, 1, 0, 0]);
      expect(b.depth.map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([0, 0, 0]);
    }
  });

  it('matches skinning p -> pos_j + R_j (p - rest_j) on the picture plane, with foreshortening', () => {
    const pose = {
      rotations: {
        LeftArm: quatFromAxisAngle([0.3, 1, 0.2], 1.1),
        LeftForeArm: quatFromAxisAngle([0, 0, 1], -0.7),
        Spine: quatFromAxisAngle([1, 0, 0], 0.4),
      },
      rootTranslation: [12, -5, 7] as const,
    };
    const world = computeWorldTransforms(sk, pose);
    const bones = projectPose(sk, pose, size);
    for (const b of bones) {
      const joint = sk.joints.find((j) => j.id === b.jointId)!;
      const wt = world.get(b.jointId)!;
      for (const [px, py] of [
        [10, 20],
        [-50, 33],
        [80, -70],
      ] as const) {
        const rel = [px - joint.restPosition[0], py - joint.restPosition[1], -joint.restPosition[2]] as const;
        const r = quatRotateVec3(wt.rotation, rel);
        const posed = [wt.position[0] + r[0], wt.position[1] + r[1], wt.position[2] + r[2]];
        const [u, v] = toImage([px, py]) as [number, number];
        const [u2, v2] = applyAffine2(b.affine, u, v);
        const [eu, ev] = toImage(posed);
        expect(u2).toBeCloseTo(eu!, 9);
        expect(v2).toBeCloseTo(ev!, 9);
        expect(b.depth[0] * u + b.depth[1] * v + b.depth[2]).toBeCloseTo(posed[2]!, 9);
      }
    }
    // The out-of-plane turn shortens the upper arm in the picture (|det| < 1).
    const arm = bones.find((b) => b.jointId === 'LeftArm')!;
    expect(Math.abs(arm.affine[0] * arm.affine[3] - arm.affine[1] * arm.affine[2])).toBeLessThan(0.9);
  });

  it('inverts affines', () => {
    const m = [0.8, -0.3, 0.4, 1.1, 5, -7] as const;
    const inv = invertAffine2(m)!;
    const [u, v] = applyAffine2(inv, ...applyAffine2(m, 13, 29));
    expect(u).toBeCloseTo(13, 9);
    expect(v).toBeCloseTo(29, 9);
    expect(invertAffine2([1, 2, 2, 4, 0, 0])).toBeNull();
  });
});

describe('frameKey', () => {
  const base = {
    artAssetId: 'art1',
    weightsHash: 'w1',
    width: 64,
    height: 64,
    engineVersion: 'e1',
    bones: projectPose(
      sk,
      { rotations: { LeftArm: quatFromAxisAngle([0, 0, 1], 0.5) }, rootTranslation: [0, 0, 0] },
      size,
    ),
  };
  it('is stable under float noise and bone order, and changes with every input', () => {
    const k = frameKey(base);
    expect(k).toMatch(/^[0-9a-f]{32}$/);
    const noisy = base.bones.map((b) => ({
      ...b,
      affine: b.affine.map((v) => v + 1e-9) as unknown as typeof b.affine,
    }));
    expect(frameKey({ ...base, bones: [...noisy].reverse() })).toBe(k);
    expect(frameKey({ ...base, artAssetId: 'art2' })).not.toBe(k);
    expect(frameKey({ ...base, weightsHash: 'w2' })).not.toBe(k);
    expect(frameKey({ ...base, width: 65 })).not.toBe(k);
    expect(frameKey({ ...base, engineVersion: 'e2' })).not.toBe(k);
    const moved = base.bones.map((b, i) =>
      i === 3
        ? {
            ...b,
            affine: [
              b.affine[0],
              b.affine[1],
              b.affine[2],
              b.affine[3],
              b.affine[4] + 0.05,
              b.affine[5],
            ] as const,
          }
        : b,
    );
    expect(frameKey({ ...base, bones: moved })).not.toBe(k);
  });
});
