import { describe, expect, it } from 'vitest';
import { setFaceMotion, setFaceRig } from '../../../core/document/faceEdits.js';
import { createProject, hashAssetId } from '../../../core/document/factory.js';
import { DocumentError, parseProjectJson, serializeProject } from '../../../core/document/parse.js';
import type { ProjectDocument } from '../../../core/document/schema.js';
import {
  cuesToMouthKeys,
  enforceMinHold,
  estimateFaceRig,
  evaluateFace,
  FACE_CHANNELS,
  type FaceMotion,
  MOUTH_SHAPE_POSES,
  MOUTH_SHAPES,
  mouthShapeAt,
  moveMouthKey,
  NEUTRAL_FACE,
  PHONEME_TO_SHAPE,
  setMouthKey,
  shapeForPhoneme,
} from '../../../core/face/index.js';
import { encodeBase64 } from '../../../core/util/base64.js';

function project(): ProjectDocument {
  const bytes = new Uint8Array([137, 80, 78, 71, 9, 9, 9]);
  return createProject({
    name: 'Face',
    art: {
      assetId: hashAssetId(bytes),
      asset: { mime: 'image/png', width: 200, height: 400, dataBase64: encodeBase64(bytes) },
    },
  });
}

function headJoint(doc: ProjectDocument): string {
  const joints = doc.characters[0]?.skeleton.joints ?? [];
  return (joints.find((j) => /head/i.test(j.name)) ?? joints[0])?.id as string;
}

describe('face fields in the document (optional, still version 2)', () => {
  it('round-trips a face rig and a face animation through save and load', () => {
    const doc = project();
    const id = doc.characters[0]?.id as string;
    const rig = estimateFaceRig({ center: [100, 60], width: 80, height: 100 }, headJoint(doc));
    const motion: FaceMotion = {
      mouth: [
        { frame: 0, shape: 'X' },
        { frame: 5, shape: 'D' },
      ],
      channels: { blinkL: [{ frame: 3, value: 1, interpolation: 'linear' }] },
      layers: [{ id: 'speech', name: 'Speech motion', weight: 0.5, channels: {} }],
    };
    const edited = setFaceMotion(setFaceRig(doc, id, rig), id, motion);
    const loaded = parseProjectJson(serializeProject(edited), 'face.keypose');
    expect(loaded.version).toBe(2);
    expect(loaded.characters[0]?.face).toEqual(rig);
    expect(loaded.characters[0]?.faceMotion).toEqual(motion);
    // Older files (no face) still load unchanged.
    expect(parseProjectJson(serializeProject(doc), 'old.keypose').characters[0]?.face).toBeUndefined();
    // Removing gives back the original character.
    expect(setFaceRig(setFaceMotion(edited, id, null), id, null).characters[0]).toEqual(doc.characters[0]);
  });

  it('refuses a face on an unknown joint, a bad shape, an unknown channel, a missing mouth drawing', () => {
    const doc = project();
    const id = doc.characters[0]?.id as string;
    const rig = estimateFaceRig({ center: [100, 60], width: 80, height: 100 }, 'no-such-joint');
    expect(() => serializeProject(setFaceRig(doc, id, rig))).toThrow(/unknown joint "no-such-joint"/);
    const good = estimateFaceRig({ center: [100, 60], width: 80, height: 100 }, headJoint(doc));
    expect(() =>
      serializeProject(
        setFaceRig(doc, id, { ...good, mouthStyle: 'swap', mouthArt: { D: 'sha256-missing' } }),
      ),
    ).toThrow(/mouth shape D/);
    const bad = (faceMotion: unknown) =>
      parseProjectJson(
        JSON.stringify({ ...doc, characters: [{ ...doc.characters[0], faceMotion }] }),
        'bad.keypose',
      );
    expect(() => bad({ mouth: [{ frame: 0, shape: 'Q' }], channels: {} })).toThrow(DocumentError);
    expect(() => bad({ mouth: [], channels: { wiggle: [] } })).toThrow(DocumentError);
    expect(() => bad({ mouth: [{ frame: -1, shape: 'A' }], channels: {} })).toThrow(DocumentError);
  });
});

describe('face evaluation', () => {
  it('is the neutral face with no animation, and a held shape reaches its pose', () => {
    expect(evaluateFace(undefined, 10)).toEqual(NEUTRAL_FACE);
    const motion: FaceMotion = { mouth: [{ frame: 4, shape: 'D' }], channels: {} };
    expect(evaluateFace(motion, 0).jawOpen).toBe(0);
    expect(evaluateFace(motion, 20).jawOpen).toBeCloseTo(MOUTH_SHAPE_POSES.D.jawOpen as number, 9);
    expect(mouthShapeAt(motion.mouth, 3)).toBe('X');
    expect(mouthShapeAt(motion.mouth, 4)).toBe('D');
  });

  it('blends between shapes without popping (bounded change per half frame), pops with blend 0', () => {
    const mouth = [
      { frame: 0, shape: 'A' as const },
      { frame: 3, shape: 'D' as const },
      { frame: 4, shape: 'A' as const },
      { frame: 10, shape: 'F' as const },
    ];
    let maxStep = 0;
    let prev = evaluateFace({ mouth, channels: {} }, 0);
    for (let f = 0.5; f <= 14; f += 0.5) {
      const now = evaluateFace({ mouth, channels: {} }, f);
      for (const c of FACE_CHANNELS) maxStep = Math.max(maxStep, Math.abs(now[c] - prev[c]));
      prev = now;
    }
    // D's jaw (0.85) reached in 2 frames with a smoothstep: at most ~0.85 * 0.75 per half frame.
    expect(maxStep).toBeLessThan(0.7);
    const popped = evaluateFace({ mouth, channels: {}, mouthBlendFrames: 0 }, 3);
    expect(popped.jawOpen).toBeCloseTo(0.85, 9);
  });

  it('adds layers by weight (muted ones not) and keys; clamps to the channel range', () => {
    const motion: FaceMotion = {
      mouth: [],
      channels: { smile: [{ frame: 0, value: 0.5, interpolation: 'linear' }] },
      layers: [
        {
          id: 'a',
          name: 'a',
          weight: 0.5,
          channels: { smile: [{ frame: 0, value: 1, interpolation: 'step' }] },
        },
        {
          id: 'b',
          name: 'b',
          weight: 1,
          muted: true,
          channels: { blinkL: [{ frame: 0, value: 1, interpolation: 'step' }] },
        },
        {
          id: 'c',
          name: 'c',
          weight: 2,
          channels: { blinkR: [{ frame: 0, value: 1, interpolation: 'step' }] },
        },
      ],
    };
    const face = evaluateFace(motion, 5);
    expect(face.smile).toBeCloseTo(1, 9); // 0.5 (layer) + 0.5 (key), clamped at 1
    expect(face.blinkL).toBe(0);
    expect(face.blinkR).toBe(1); // 2 clamped to 1
  });
});

describe('mouth-shape track edits', () => {
  it('sets, moves (replacing a key at the target) and keeps the track sorted', () => {
    let keys = setMouthKey([], 10, 'C');
    keys = setMouthKey(keys, 2, 'A');
    keys = setMouthKey(keys, 10, 'D');
    expect(keys).toEqual([
      { frame: 2, shape: 'A' },
      { frame: 10, shape: 'D' },
    ]);
    expect(moveMouthKey(keys, 2, 10)).toEqual([{ frame: 10, shape: 'A' }]);
    expect(moveMouthKey(keys, 10, 1)).toEqual([
      { frame: 1, shape: 'D' },
      { frame: 2, shape: 'A' },
    ]);
  });

  it('minimum hold merges flickers but keeps a brief closed mouth', () => {
    const keys = [
      { frame: 0, shape: 'C' as const },
      { frame: 5, shape: 'B' as const },
      { frame: 6, shape: 'D' as const },
      { frame: 12, shape: 'A' as const },
      { frame: 13, shape: 'C' as const },
      { frame: 20, shape: 'X' as const },
    ];
    const held = enforceMinHold(keys, 2);
    for (let i = 1; i < held.length; i++) {
      expect((held[i]?.frame ?? 0) - (held[i - 1]?.frame ?? 0)).toBeGreaterThanOrEqual(2);
    }
    expect(held.map((k) => k.shape)).toContain('A');
    expect(held.map((k) => k.shape)).not.toContain('B');
  });

  it('turns timed cues into frame keys', () => {
    const keys = cuesToMouthKeys(
      [
        { startSec: 0, shape: 'X' },
        { startSec: 0.5, shape: 'C' },
        { startSec: 0.52, shape: 'D' },
        { startSec: 1, shape: 'D' },
      ],
      24,
    );
    expect(keys).toEqual([
      { frame: 0, shape: 'X' },
      { frame: 12, shape: 'D' },
    ]);
  });
});

describe('the phoneme-to-shape table', () => {
  it('maps every ARPAbet phone CMUdict uses to a shape', () => {
    const arpabet =
      'AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH'.split(
        ' ',
      );
    for (const phone of arpabet) expect(MOUTH_SHAPES).toContain(PHONEME_TO_SHAPE[phone]);
    expect(shapeForPhoneme('aa1')).toBe('D');
    expect(shapeForPhoneme('M')).toBe('A');
    expect(shapeForPhoneme('QQ')).toBeNull();
  });
});
