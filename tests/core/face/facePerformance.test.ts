import { describe, expect, it } from 'vitest';
import {
  applyFacePerformance,
  FACE_VIDEO_LAYER_ID,
  headJointIdOf,
} from '../../../core/document/facePerformanceEdits.js';
import { createProject, hashAssetId } from '../../../core/document/factory.js';
import type { ProjectDocument } from '../../../core/document/schema.js';
import { evaluateFace } from '../../../core/face/evaluate.js';
import { EYE, MESH_POINTS_WITH_IRIS, MOUTH } from '../../../core/face/facemeshPoints.js';
import { facePerformance, type PerformanceFrame } from '../../../core/face/facePerformance.js';
import { trackFaces } from '../../../core/face/faceTrack.js';
import { fitRigid, type Mesh, type MeshPoint } from '../../../core/face/headPose.js';
import { quatFromEulerDeg, quatRotateVec3, quatToEulerDeg } from '../../../core/math/quat.js';
import type { Vec3 } from '../../../core/math/types.js';
import { evaluateMotion } from '../../../core/motion/evaluate.js';
import { encodeBase64 } from '../../../core/util/base64.js';
import { seededRandom } from '../helpers.js';

/**
 * The pure half of head pose and face from a video: the rigid fit, the expression measures, the
 * face tracker and the document edit, on synthetic meshes whose truth is exact. (The landmark model
 * on a rendered video: tests/inference/face/faceVideo.test.ts.)
 */

/** A face-like cloud of 478 points (character axes: x right, y up, z towards the camera), deterministic. */
function restCloud(): Vec3[] {
  const rand = seededRandom(7);
  return Array.from({ length: MESH_POINTS_WITH_IRIS }, (): Vec3 => {
    const a = rand() * Math.PI * 2;
    const b = (rand() - 0.5) * Math.PI * 0.9;
    return [60 * Math.cos(b) * Math.sin(a) * 0.8, 80 * Math.sin(b), 50 * Math.cos(b) * Math.cos(a)];
  });
}

/** Sets eye lids and lips in the cloud: eyes `open` (0..1 of 8 px), lips apart by `gap` px. */
function withFeatures(cloud: Vec3[], open: { left: number; right: number }, gap: number): Vec3[] {
  const c = cloud.map((p) => [...p] as Vec3);
  for (const side of ['left', 'right'] as const) {
    const x = side === 'left' ? 25 : -25;
    const e = EYE[side];
    c[e.outer] = [x + (side === 'left' ? 12 : -12), 20, 40];
    c[e.inner] = [x - (side === 'left' ? 12 : -12), 20, 40];
    e.upper.forEach((u, k) => {
      c[u] = [x - 4 + 4 * k, 20 + 4 * open[side], 41];
      c[e.lower[k]!] = [x - 4 + 4 * k, 20 - 4 * open[side], 41];
    });
  }
  MOUTH.innerPairs.forEach(([u, l], k) => {
    c[u] = [-6 + 6 * k, -40 + gap / 2, 45];
    c[l] = [-6 + 6 * k, -40 - gap / 2, 45];
  });
  c[MOUTH.left] = [20, -40, 42];
  c[MOUTH.right] = [-20, -40, 42];
  return c;
}

/** Into the model's coordinates (y down, z away), turned, scaled and moved like a head in a picture. */
function toModel(cloud: readonly Vec3[], eulerDeg: Vec3, scale = 1, at: Vec3 = [160, 140, 0]): Mesh {
  const q = quatFromEulerDeg(eulerDeg, 'YXZ');
  return cloud.map((p): MeshPoint => {
    const r = quatRotateVec3(q, p);
    return [at[0] + scale * r[0], at[1] - scale * r[1], at[2] - scale * r[2]];
  });
}

describe('the head rotation from landmarks (rigid fit)', () => {
  it('recovers a known turn, nod and tilt exactly, whatever the size and place in the picture', () => {
    const cloud = restCloud();
    const rest = toModel(cloud, [0, 0, 0]);
    for (const euler of [
      [0, 30, 0],
      [-15, 0, 0],
      [0, 0, 20],
      [10, -25, 12],
    ] as Vec3[]) {
      const fit = fitRigid(rest, toModel(cloud, euler, 1.3, [90, 200, 5]));
      const got = quatToEulerDeg(fit.rotation, 'YXZ');
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(euler[i]!, 6);
      });
      expect(fit.scale).toBeCloseTo(1.3, 9);
      expect(fit.residual).toBeLessThan(1e-6);
    }
  });

  it('is not turned by expressions (only skull points are fitted)', () => {
    const cloud = restCloud();
    const rest = toModel(withFeatures(cloud, { left: 1, right: 1 }, 0), [0, 0, 0]);
    const frame = toModel(withFeatures(cloud, { left: 0, right: 0.2 }, 30), [0, 12, 0]);
    const got = quatToEulerDeg(fitRigid(rest, frame).rotation, 'YXZ');
    expect(got[1]).toBeCloseTo(12, 6);
    expect(Math.abs(got[0]) + Math.abs(got[2])).toBeLessThan(1e-6);
  });
});

describe('a face performance from meshes', () => {
  const cloud = restCloud();
  /**
   * 48 frames: a turn to 20° and back (yaw > 0: the left eye is the far one); a blink at 10–12
   * (both eyes), a wink of the left eye at 2 (barely turned), of the right (near) eye at 30 and of
   * the left (far) eye at 24 (turned 20°); the jaw open 20–28.
   */
  function sequence(): (Mesh | null)[] {
    return Array.from({ length: 48 }, (_, f) => {
      if (f === 40 || f === 41) return null;
      const yaw = 20 * Math.sin((Math.PI * f) / 47);
      const both = f >= 10 && f <= 12 ? 0.1 : 1;
      const left = f === 2 || f === 24 ? 0.1 : both;
      const right = f === 30 ? 0.1 : both;
      const gap = f >= 20 && f <= 28 ? 24 : 0;
      return toModel(withFeatures(cloud, { left, right }, gap), [0, yaw, 0], 1 + f / 200);
    });
  }

  it('reads the turn, the blinks on their sides and the jaw, relative to the rest frame', () => {
    const perf = facePerformance(sequence(), { fps: 24, filter: null });
    expect(perf.restFrame).toBe(0);
    expect(perf.seenFrames).toBe(46);
    perf.frames.forEach((fr, f) => {
      expect(fr.found).toBe(true);
      if (f !== 40 && f !== 41) expect(fr.yawDeg).toBeCloseTo(20 * Math.sin((Math.PI * f) / 47), 4);
    });
    const at = (f: number) => perf.frames[f]!.channels;
    expect(at(11).blinkL).toBeGreaterThan(0.9);
    expect(at(11).blinkR).toBeGreaterThan(0.9);
    expect(at(2).blinkL).toBeGreaterThan(0.9);
    expect(at(2).blinkR).toBeLessThan(0.05);
    expect(at(30).blinkR).toBeGreaterThan(0.9);
    expect(at(30).blinkL).toBeLessThan(0.05);
    // The far eye of a strongly turned head is not trusted to be closed more than the near one.
    expect(at(24).blinkL).toBeLessThan(0.05);
    expect(at(5).blinkL).toBeLessThan(0.05);
    // jawOpen 1 ≈ the mouth's width (40 px): a 24 px gap is 0.6.
    expect(at(24).jawOpen).toBeCloseTo(0.6, 3);
    expect(at(5).jawOpen).toBeCloseTo(0, 6);
  });

  it('fills a short gap (not seen) between the frames either side', () => {
    const perf = facePerformance(sequence(), { fps: 24, filter: null });
    const y39 = perf.frames[39]!.yawDeg;
    const y42 = perf.frames[42]!.yawDeg;
    expect(perf.frames[40]!.yawDeg).toBeCloseTo(y39 + (y42 - y39) / 3, 6);
  });

  it('smooths jitter of a still head by default', () => {
    const rand = seededRandom(3);
    const meshes = Array.from({ length: 48 }, () =>
      toModel(cloud, [(rand() - 0.5) * 2, (rand() - 0.5) * 2, (rand() - 0.5) * 2]),
    );
    const spread = (p: ReturnType<typeof facePerformance>) => {
      const ys = p.frames.slice(8).map((f) => f.yawDeg);
      const m = ys.reduce((s, v) => s + v, 0) / ys.length;
      return Math.sqrt(ys.reduce((s, v) => s + (v - m) ** 2, 0) / ys.length);
    };
    const raw = spread(facePerformance(meshes, { fps: 24, filter: null }));
    const smooth = spread(facePerformance(meshes, { fps: 24 }));
    expect(smooth).toBeLessThan(raw / 2);
  });

  it('refuses a rest frame without a face', () => {
    expect(() => facePerformance(sequence(), { fps: 24, restFrame: 40 })).toThrow(/rest frame 40/);
  });
});

describe('several faces in a video', () => {
  it('keeps each face on its own track when another appears, and orders them by size', () => {
    const small = (x: number) => ({ boxPx: [x, 50, 40, 40] as const, score: 0.9 });
    const big = (x: number) => ({ boxPx: [x, 40, 90, 90] as const, score: 0.9 });
    const frames = Array.from({ length: 20 }, (_, f) =>
      f < 5 ? [small(20 + f)] : [big(200 - f), small(20 + f)],
    );
    const tracks = trackFaces(frames);
    expect(tracks).toHaveLength(2);
    expect(tracks[0]!.seenFrames).toBe(15);
    expect(tracks[0]!.indices.slice(5).every((k) => k === 0)).toBe(true);
    expect(tracks[1]!.indices.every((k) => k === (tracks[1]!.indices[0] === 0 ? 0 : 1) || k === 1)).toBe(
      true,
    );
    expect(tracks[1]!.seenFrames).toBe(20);
  });
});

function project(): ProjectDocument {
  const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
  return createProject({
    name: 'Face',
    art: {
      assetId: hashAssetId(bytes),
      asset: { mime: 'image/png', width: 200, height: 400, dataBase64: encodeBase64(bytes) },
    },
    durationFrames: 60,
  });
}

function frame(yawDeg: number, blink: number, found = true): PerformanceFrame {
  return {
    found,
    yawDeg,
    pitchDeg: 0,
    rollDeg: 0,
    channels: {
      blinkL: blink,
      blinkR: blink,
      browRaiseL: 0,
      browRaiseR: 0,
      jawOpen: 0,
      mouthWide: 0,
      smile: 0,
    },
  };
}

describe('a face performance keyed onto a character', () => {
  it('keys the head joint and a face layer over the range only, as one edit', () => {
    let doc = project();
    const character = doc.characters[0]!;
    const head = headJointIdOf(character);
    expect(character.skeleton.joints.find((j) => j.id === head)?.name).toMatch(/head/i);
    // A key of the user's outside the range stays.
    const userKey = {
      frame: 50,
      value: [0, 0, 0.1, 0.995] as [number, number, number, number],
      interpolation: 'linear' as const,
    };
    doc = {
      ...doc,
      characters: [{ ...character, motion: { ...character.motion, rotations: { [head]: [userKey] } } }],
    };
    const frames = Array.from({ length: 30 }, (_, i) =>
      frame(i < 15 ? i * 2 : 30, i === 20 ? 1 : 0, i !== 25),
    );
    const out = applyFacePerformance(doc, character.id, frames, { from: 10, to: 30 });
    const c = out.characters[0]!;
    const track = c.motion.rotations[head]!;
    expect(track.some((k) => k.frame === 50)).toBe(true);
    expect(track.filter((k) => k.frame !== 50).every((k) => k.frame >= 10 && k.frame <= 30)).toBe(true);
    // Reduced: far fewer keys than frames, still within 0.5° of every frame.
    expect(track.length).toBeLessThan(12);
    for (const f of [10, 17, 24, 30]) {
      const yaw = quatToEulerDeg(evaluateMotion(c.motion, f).rotations[head]!, 'YXZ')[1];
      expect(yaw).toBeCloseTo(f - 10 < 15 ? (f - 10) * 2 : 30, 0);
    }
    const layer = c.faceMotion?.layers?.find((l) => l.id === FACE_VIDEO_LAYER_ID);
    expect(layer?.weight).toBe(1);
    expect(Object.keys(layer?.channels ?? {}).sort()).toEqual(['blinkL', 'blinkR']);
    expect(evaluateFace(c.faceMotion!, 30).blinkL).toBeCloseTo(1, 6);
    expect(evaluateFace(c.faceMotion!, 29).blinkL).toBeCloseTo(0, 6);
    // The input document is unchanged (one edit, undoable by the caller's history).
    expect(doc.characters[0]!.faceMotion).toBeUndefined();
  });

  it('keeps the layer weight on a re-run and refuses a range outside the project', () => {
    const doc = project();
    const id = doc.characters[0]!.id;
    const frames = Array.from({ length: 10 }, (_, i) => frame(i, 0));
    const once = applyFacePerformance(doc, id, frames, { from: 0, to: 9 });
    const c = once.characters[0]!;
    const toned = {
      ...once,
      characters: [
        {
          ...c,
          faceMotion: { ...c.faceMotion!, layers: c.faceMotion!.layers!.map((l) => ({ ...l, weight: 0.4 })) },
        },
      ],
    };
    const twice = applyFacePerformance(toned, id, frames, { from: 0, to: 9 });
    expect(twice.characters[0]!.faceMotion!.layers!.find((l) => l.id === FACE_VIDEO_LAYER_ID)!.weight).toBe(
      0.4,
    );
    expect(() => applyFacePerformance(doc, id, frames, { from: 50, to: 70 })).toThrow(/not within/);
    expect(() =>
      applyFacePerformance(
        doc,
        id,
        frames.map((f) => ({ ...f, found: false })),
        { from: 0, to: 9 },
      ),
    ).toThrow(/No face/);
  });
});
