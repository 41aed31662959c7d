import { beforeAll, describe, expect, it } from 'vitest';
import type { Quat } from '../../../core/math/types.js';
import type { Pose } from '../../../core/motion/types.js';
import type { RgbaImage } from '../../../core/render/types.js';
import { computeWorldTransforms } from '../../../core/skeleton/kinematics.js';
import { createSyntheticCharacter, SYNTHETIC_BONES } from '../../fixtures/syntheticFigure.js';
import {
  andThen,
  coverage,
  deg,
  holes,
  idealInside,
  random,
  randomPose,
  render,
  rot,
  type Subject,
  sampleSubject,
  syntheticSubject,
  tears,
  toOutput,
  X,
  Y,
  Z,
} from './propertyHelpers.js';

/**
 * Properties of the parts engine's frames over seeded random poses (issue 14), on the synthetic
 * figure (whose true part owners are known) and on the sample's drawn character:
 * - no holes: no transparent pixels enclosed by the figure where the posed figure should be
 *   (a hole the pose makes, legs crossing into a triangle, is allowed: it is a hole in the
 *   "ideal" too, the art's pixels moved rigidly by their owners' posed transforms);
 * - the area stays within 15% of the art's for poses in the picture's plane;
 * - a forearm twisted or turned towards the camera keeps at least half its width;
 * - a bent elbow or knee has no crack (the joint's disc stays covered);
 * - the decomposition does not leak a limb into the torso or the torso into a limb.
 */
let synthetic: Subject;
let sample: Subject;

beforeAll(async () => {
  synthetic = syntheticSubject();
  sample = await sampleSubject();
});

const subjects = () => [synthetic, sample];

/**
 * Properties the engine on main does not have yet (issue 14; the report that came with these
 * tests gives input, expected and got). Each runs as it.fails, so the suite stays green and the
 * case turns red the day the engine gets it right: then take it off this list.
 */
const KNOWN_ENGINE_FAILURES = new Set<string>([
  'tears no holes into the synthetic figure (in plane)',
  'tears no holes into the synthetic figure (out of the picture plane)',
  'tears no holes into the sample (in plane)',
  'tears no holes into the sample (out of the picture plane)',
  'keeps a forearm turned 60 towards the camera, twisted 90 at least half its width, and solid',
]);
const check = (name: string) => (KNOWN_ENGINE_FAILURES.has(name) ? it.fails : it);

describe('parts engine frames over random poses', () => {
  it('the art itself has no holes (the premise of the hole test)', () => {
    for (const s of subjects())
      expect(
        holes(s.art).filter((h) => h.size > 2),
        s.name,
      ).toEqual([]);
  });

  for (const which of ['synthetic figure', 'sample'] as const) {
    for (const outOfPlane of [false, true]) {
      const name = `tears no holes into the ${which} (${outOfPlane ? 'out of the picture plane' : 'in plane'})`;
      check(name)(name, async () => {
        const s = which === 'sample' ? sample : synthetic;
        const next = random(outOfPlane ? 1402 : 14);
        const count = s === sample ? 4 : 10;
        for (let k = 0; k < count; k++) {
          const pose = randomPose(next, outOfPlane);
          const frame = await render(s, pose);
          expect(
            tears(frame, idealInside(s, pose, 2)),
            `${s.name}, pose ${k}: ${JSON.stringify(pose.rotations)}`,
          ).toEqual([]);
        }
      });
    }
  }

  for (const which of ['synthetic figure', 'sample'] as const) {
    const name = `opens no pinholes when the whole ${which} turns in the plane`;
    check(name)(name, async () => {
      // Every part turns by the same rotation: the picture itself, turned; nothing may open between parts.
      const s = which === 'sample' ? sample : synthetic;
      const frame = await render(s, { rotations: { Hips: rot(Z, 0.35) }, rootTranslation: [3, 2, 0] });
      expect(holes(frame)).toEqual([]);
    });
  }

  it('keeps the area within 15% of the art for poses in the plane', async () => {
    for (const s of subjects()) {
      const next = random(27);
      const artArea = coverage(s.art);
      const count = s === sample ? 4 : 10;
      for (let k = 0; k < count; k++) {
        const pose = randomPose(next, false);
        const ratio = coverage(await render(s, pose)) / artArea;
        expect(ratio, `${s.name}, pose ${k}`).toBeGreaterThan(0.85);
        expect(ratio, `${s.name}, pose ${k}`).toBeLessThan(1.15);
      }
    }
  });

  /**
   * Across the unit direction `n` through `at`, within `reach` pixels: the extent from the first to
   * the last covered pixel (alpha >= 128), and the covered pixels within it (a see-through slit
   * inside the limb shows as covered < extent).
   */
  function across(image: RgbaImage, at: [number, number], n: [number, number], reach: number) {
    const covered: boolean[] = [];
    for (let t = -reach; t <= reach; t += 0.5) {
      const x = Math.floor(at[0] + n[0] * t);
      const y = Math.floor(at[1] + n[1] * t);
      const inside = x >= 0 && y >= 0 && x < image.width && y < image.height;
      covered.push(inside && image.data[(y * image.width + x) * 4 + 3]! >= 128);
    }
    const first = covered.indexOf(true);
    const last = covered.lastIndexOf(true);
    if (first < 0) return { extent: 0, covered: 0 };
    return { extent: (last - first + 1) / 2, covered: covered.filter(Boolean).length / 2 };
  }

  const forearmCases: Record<string, Quat> = {
    'twisted 60': rot(X, Math.PI / 3),
    'twisted 90': rot(X, Math.PI / 2),
    'turned 60 towards the camera, twisted 90': andThen(rot(X, Math.PI / 2), rot(Y, -60 * deg)),
  };
  for (const [caseName, q] of Object.entries(forearmCases)) {
    const name = `keeps a forearm ${caseName} at least half its width, and solid`;
    check(name)(name, async () => {
      const s = synthetic;
      /** Across the forearm 0.6 of the way from the elbow to the wrist (both projected). */
      const width = (image: RgbaImage, pose: Pose, reach: number) => {
        const world = computeWorldTransforms(s.skeleton, pose);
        const id = (joint: string) => s.skeleton.joints.find((j) => j.name === joint)!.id;
        const e = toOutput(s, world.get(id('LeftForeArm'))!.position);
        const w = toOutput(s, world.get(id('LeftHand'))!.position);
        const len = Math.hypot(w[0] - e[0], w[1] - e[1]);
        const at: [number, number] = [e[0] + 0.6 * (w[0] - e[0]), e[1] + 0.6 * (w[1] - e[1])];
        return across(image, at, [-(w[1] - e[1]) / len, (w[0] - e[0]) / len], reach);
      };
      const restPose: Pose = { rotations: {}, rootTranslation: [0, 0, 0] };
      const rest = width(await render(s, restPose), restPose, 10);
      expect(rest.extent).toBeGreaterThan(6);
      expect(rest.covered).toBe(rest.extent);
      const pose: Pose = { rotations: { LeftForeArm: q }, rootTranslation: [0, 0, 0] };
      const turned = width(await render(s, pose), pose, rest.extent);
      expect(turned.extent / rest.extent, 'width').toBeGreaterThanOrEqual(0.5);
      expect(turned.covered / turned.extent, 'solid across').toBeGreaterThanOrEqual(0.9);
    });
  }

  it('opens no crack at a bent elbow or knee', async () => {
    const s = synthetic;
    const bends: [string, string, Quat][] = [
      ['LeftForeArm', 'elbow bent up 110', rot(Z, 110 * deg)],
      ['RightForeArm', 'elbow bent down 110', rot(Z, 110 * deg)],
      ['LeftLeg', 'knee bent out 90', rot(Z, 90 * deg)],
      ['RightLeg', 'knee bent towards the camera 100', rot(X, -100 * deg)],
    ];
    // The thinner of the two capsules meeting there (syntheticFigure.ts: forearm 0.026, shin 0.036 of the height).
    const heightPx = Math.min(s.art.height * 0.9, s.art.width * 1.1);
    for (const [joint, name, q] of bends) {
      const pose: Pose = { rotations: { [joint]: q }, rootTranslation: [0, 0, 0] };
      const frame = await render(s, pose);
      const world = computeWorldTransforms(s.skeleton, pose);
      const [cx, cy] = toOutput(s, world.get(s.skeleton.joints.find((j) => j.name === joint)!.id)!.position);
      const r = 0.8 * (joint.endsWith('ForeArm') ? 0.026 : 0.036) * heightPx;
      const open: [number, number][] = [];
      for (let y = Math.floor(cy - r); y <= cy + r; y++) {
        for (let x = Math.floor(cx - r); x <= cx + r; x++) {
          if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) > r) continue;
          if (frame.data[(y * frame.width + x) * 4 + 3]! < 128) open.push([x, y]);
        }
      }
      expect(open, name).toEqual([]);
    }
  });

  it('does not leak a limb into the torso or the torso into a limb', () => {
    const s = synthetic;
    const ch = createSyntheticCharacter({ width: s.art.width, height: s.art.height });
    const joints = s.skeleton.joints;
    const rigJoint = Int32Array.from(s.rig.labels, (k) =>
      k < 0 ? -1 : joints.findIndex((j) => j.id === s.rig.parts[k]!.jointId),
    );
    const torso = new Set(['Hips', 'Spine', 'Chest', 'Neck', 'LeftShoulder', 'RightShoulder']);
    const limbs = /Arm|ForeArm|Hand|UpLeg|Leg|Foot|ToeBase/;
    const rest = new Map(joints.map((j) => [j.name, j.restPosition]));
    const child = new Map(joints.map((j) => [j.parentId as string | null, j.name]));
    const heightPx = Math.min(s.art.height * 0.9, s.art.width * 1.1);
    // Per true limb segment: its pixels more than a limb's width from both its joints.
    const limbPixels = new Map<string, { total: number; inTorso: number }>();
    let torsoTotal = 0;
    let torsoInLimb = 0;
    for (let v = 0; v < s.art.height; v++) {
      for (let u = 0; u < s.art.width; u++) {
        const i = v * s.art.width + u;
        const o = ch.owners[i]!;
        if (o < 0 || s.art.data[i * 4 + 3]! < 128) continue;
        const name = SYNTHETIC_BONES[o] as string;
        const label = rigJoint[i]!;
        const labelName = label >= 0 ? joints[label]!.name : '';
        const x = u + 0.5 - s.art.width / 2;
        const y = s.art.height / 2 - v - 0.5;
        const a = rest.get(name)!;
        const next = child.get(name);
        const b = next ? rest.get(next)! : a;
        const far = 0.045 * heightPx;
        const fromJoints = Math.min(Math.hypot(x - a[0], y - a[1]), Math.hypot(x - b[0], y - b[1]));
        if (limbs.test(name) && !name.endsWith('Hand') && !name.endsWith('Foot') && fromJoints > far) {
          const e = limbPixels.get(name) ?? { total: 0, inTorso: 0 };
          e.total++;
          if (torso.has(labelName)) e.inTorso++;
          limbPixels.set(name, e);
        }
        if (torso.has(name)) {
          // Torso pixels away from where the limbs join it.
          const nearLimb = ['LeftArm', 'RightArm', 'LeftUpLeg', 'RightUpLeg'].some((l) => {
            const p = rest.get(l)!;
            return Math.hypot(x - p[0], y - p[1]) < 0.08 * heightPx;
          });
          if (nearLimb) continue;
          torsoTotal++;
          if (limbs.test(labelName) && !torso.has(labelName)) torsoInLimb++;
        }
      }
    }
    expect(limbPixels.size).toBe(8);
    for (const [name, e] of limbPixels) {
      expect(e.total, name).toBeGreaterThan(20);
      expect(e.inTorso / e.total, `${name} labelled torso`).toBeLessThan(0.01);
    }
    expect(torsoTotal).toBeGreaterThan(500);
    expect(torsoInLimb / torsoTotal, 'torso labelled limb').toBeLessThan(0.01);
  });
});
