import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setDuration, setFps, setMotion, setSkeleton, updateCharacter } from '../../core/document/edits.js';
import { createProject, hashAssetId } from '../../core/document/factory.js';
import { migrateToCurrent } from '../../core/document/migrations.js';
import { DocumentError, parseProjectJson, serializeProject } from '../../core/document/parse.js';
import { CURRENT_VERSION, type ProjectDocument, projectDocumentSchema } from '../../core/document/schema.js';
import { UndoHistory } from '../../core/history/history.js';
import { jointId } from '../../core/ids.js';
import { quatAngleBetween, quatFromAxisAngle, quatFromEulerDeg } from '../../core/math/quat.js';
import { keyPose } from '../../core/motion/edit.js';
import { evaluateMotion } from '../../core/motion/evaluate.js';
import { addJoint, removeJoint } from '../../core/skeleton/edit.js';
import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import { decodeBase64, encodeBase64 } from '../../core/util/base64.js';
import { sha256Hex } from '../../core/util/hash.js';
import { expectSameRotation, expectVecClose } from './helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const fixture = (name: string) => readFileSync(join(ROOT, 'tests/fixtures', name), 'utf8');

function parseError(text: string, fileName: string): DocumentError {
  try {
    parseProjectJson(text, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentError);
    return error as DocumentError;
  }
  throw new Error('expected parseProjectJson to throw');
}

/** PNG size from its IHDR chunk (bytes 16..23), read independently of any image library. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('hashing and base64', () => {
  it('sha256 matches node:crypto, across block boundaries', () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 1000, 100_003]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
      expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hashAssetId(new Uint8Array([1, 2, 3]))).toMatch(/^sha256-[0-9a-f]{64}$/);
  });

  it('base64 round-trips and matches Buffer', () => {
    for (const size of [0, 1, 2, 3, 4, 5, 1000]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 97 + 13) & 0xff);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect([...decodeBase64(text)]).toEqual([...bytes]);
    }
    expect(() => decodeBase64('ab$d')).toThrow(/invalid character/);
  });
});

describe('the sample project', () => {
  const text = readFileSync(join(ROOT, 'assets/sample/sample.keypose'), 'utf8');
  const doc = parseProjectJson(text, 'sample.keypose');

  it('parses, and its art is the size of the project and of hero.png', () => {
    const character = doc.characters[0]!;
    const asset = doc.assets[character.artAssetId]!;
    const bytes = decodeBase64(asset.dataBase64);
    expect(pngSize(bytes)).toEqual({ width: asset.width, height: asset.height });
    expect(doc.resolution).toEqual({ width: asset.width, height: asset.height });
    expect(hashAssetId(bytes)).toBe(character.artAssetId);
    const png = new Uint8Array(readFileSync(join(ROOT, 'assets/sample/hero.png')));
    expect(hashAssetId(png)).toBe(character.artAssetId);
    expect(asset.width).toBeGreaterThanOrEqual(512);
  });

  it('has the default humanoid and a looping 48-frame wave', () => {
    const character = doc.characters[0]!;
    expect(character.skeleton.joints).toHaveLength(21);
    expect(doc.fps).toBe(24);
    expect(doc.durationFrames).toBe(48);
    const mid = evaluateMotion(character.motion, 24);
    expect(quatAngleBetween([0, 0, 0, 1], mid.rotations.RightArm!)).toBeGreaterThan(1);
    const end = evaluateMotion(character.motion, 47);
    expect(quatAngleBetween([0, 0, 0, 1], end.rotations.RightArm!)).toBeCloseTo(0, 9);
    expect(character.motion.rotations.RightArm!.map((k) => k.frame)).toEqual([0, 12, 24, 36, 47]);
  });

  it('serializes and parses back to the same document', () => {
    expect(parseProjectJson(serializeProject(doc), 'again.keypose')).toEqual(doc);
  });
});

describe('schema validation', () => {
  const valid = parseProjectJson(fixture('project-v2.keypose'), 'project-v2.keypose');
  const character = valid.characters[0]!;

  it('accepts a valid document', () => {
    expect(projectDocumentSchema.safeParse(valid).success).toBe(true);
  });

  const bad: [string, (d: ProjectDocument) => unknown, RegExp][] = [
    ['a missing art asset', (d) => ({ ...d, assets: {} }), /art asset .* is not in the project's assets/],
    [
      'two roots',
      (d) => ({
        ...d,
        characters: [
          {
            ...character,
            skeleton: { joints: character.skeleton.joints.map((j) => ({ ...j, parentId: null })) },
          },
        ],
      }),
      /exactly one root/,
    ],
    [
      'a non-quaternion key',
      (d) => setMotionRaw(d, { Head: [{ frame: 0, value: [0, 0, 1], interpolation: 'linear' }] }),
      /rotations\.Head\[0\]\.value/,
    ],
    [
      'a bad interpolation',
      (d) => setMotionRaw(d, { Head: [{ frame: 0, value: [0, 0, 0, 1], interpolation: 'smooth' }] }),
      /interpolation/,
    ],
    ['a negative fps', (d) => ({ ...d, fps: -3 }), /fps/],
    ['a fractional duration', (d) => ({ ...d, durationFrames: 4.5 }), /durationFrames/],
  ];
  function setMotionRaw(d: ProjectDocument, rotations: unknown): unknown {
    return { ...d, characters: [{ ...character, motion: { ...character.motion, rotations } }] };
  }
  for (const [what, mutate, message] of bad) {
    it(`rejects ${what}`, () => {
      const error = parseError(JSON.stringify(mutate(valid)), 'bad.keypose');
      expect(error.code).toBe('invalid-project');
      expect(error.message).toMatch(/^bad\.keypose is not a valid Keypose project: /);
      expect(error.message).toMatch(message);
    });
  }
});

describe('parse errors', () => {
  it('a truncated file is corrupt-file, naming the file', () => {
    const error = parseError(fixture('project-truncated.keypose'), 'hero.keypose');
    expect(error.code).toBe('corrupt-file');
    expect(error.file).toBe('hero.keypose');
    expect(error.message).toMatch(
      /^hero\.keypose is not a valid Keypose project: the JSON is truncated or damaged \(/,
    );
    expect(parseError('', 'empty.keypose').message).toMatch(/the file is empty/);
  });

  it('a file from a newer Keypose is future-version', () => {
    const error = parseError(fixture('project-future.keypose'), 'new.keypose');
    expect(error.code).toBe('future-version');
    expect(error.message).toBe(
      `new.keypose was saved by a newer Keypose (format version 3; this version reads up to ${CURRENT_VERSION}). Update Keypose to open it.`,
    );
  });

  it('a motion on an unknown joint is invalid-project, naming the joint and its path', () => {
    const error = parseError(fixture('project-unknown-joint.keypose'), 'tail.keypose');
    expect(error.code).toBe('invalid-project');
    expect(error.message).toContain(
      'characters[0].motion.rotations.Tail: the motion animates an unknown joint "Tail"',
    );
  });

  it('something that is not a Keypose project says so', () => {
    expect(parseError('{"hello": 1}', 'x.json').message).toMatch(/x\.json is not a Keypose project/);
    expect(parseError('[1, 2]', 'x.json').code).toBe('invalid-project');
    const noVersion = JSON.stringify({ format: 'keypose-project', version: 'two' });
    expect(parseError(noVersion, 'v.keypose').message).toMatch(/format version "two"/);
  });

  it('lists at most a few issues', () => {
    const v2 = JSON.parse(fixture('project-v2.keypose'));
    v2.characters[0].motion.rotations = Object.fromEntries(
      ['A', 'B', 'C', 'D', 'E', 'F'].map((n) => [
        n,
        [{ frame: 0, value: [0, 0, 0, 1], interpolation: 'linear' }],
      ]),
    );
    const error = parseError(JSON.stringify(v2), 'many.keypose');
    expect(error.message).toMatch(/and 2 more problems$/);
  });

  it('serializeProject refuses to write an invalid document', () => {
    const valid = parseProjectJson(fixture('project-v2.keypose'), 'project-v2.keypose');
    expect(() => serializeProject({ ...valid, assets: {} }, 'out.keypose')).toThrow(DocumentError);
  });
});

describe('migration from format version 1', () => {
  const v1Text = fixture('project-v1.keypose');
  const v1 = JSON.parse(v1Text);

  it('turns the v1 fixture into a valid current document', () => {
    const doc = parseProjectJson(v1Text, 'project-v1.keypose');
    expect(doc.version).toBe(CURRENT_VERSION);
    expect(doc.name).toBe('Old project');
    expect(doc.fps).toBe(12);
    expect(doc.durationFrames).toBe(24);
    expect(doc.resolution).toEqual({ width: v1.character.art.width, height: v1.character.art.height });
    const character = doc.characters[0]!;
    expect(character.name).toBe('Tiny');
    expect(character.skeleton.joints.map((j) => j.name)).toEqual(
      v1.character.skeleton.map((j: { name: string }) => j.name),
    );
    expect(jointIdOf(doc, 'LeftHand').parentId).toBe('LeftForeArm');
    // The art moved to the content-addressed asset table.
    const bytes = decodeBase64(v1.character.art.dataBase64);
    expect(character.artAssetId).toBe(hashAssetId(bytes));
    expect(doc.assets[character.artAssetId]!.dataBase64).toBe(v1.character.art.dataBase64);
  });

  it('converts Euler keys to quaternions and maps interpolation names', () => {
    const doc = parseProjectJson(v1Text, 'project-v1.keypose');
    const { motion } = doc.characters[0]!;
    const arm = motion.rotations.LeftArm!;
    expect(arm.map((k) => k.interpolation)).toEqual(['bezier', 'linear']);
    expectSameRotation(arm[1]!.value, quatFromAxisAngle([0, 0, 1], Math.PI / 2));
    expect(motion.rotations.Head![0]!.interpolation).toBe('step');
    expectSameRotation(motion.rotations.Head![0]!.value, quatFromEulerDeg([10, 20, 30], 'XYZ'));
    expectVecClose(evaluateMotion(motion, 6).rootTranslation, [5, 2.5, 0]);
  });

  it('reports a v1 file with an unknown joint or bad fields', () => {
    const tail = structuredClone(v1);
    tail.character.motion.tracks.Tail = [{ frame: 0, rotationDeg: [0, 0, 0], interpolation: 'linear' }];
    const error = parseError(JSON.stringify(tail), 'old.keypose');
    expect(error.code).toBe('invalid-project');
    expect(error.message).toMatch(/unknown joints "Tail"/);
    const broken = structuredClone(v1);
    broken.character.frameRate = 'fast';
    expect(parseError(JSON.stringify(broken), 'old.keypose').message).toMatch(
      /format version 1.*character\.frameRate/,
    );
  });

  it('leaves current documents alone', () => {
    const raw = JSON.parse(fixture('project-v2.keypose'));
    expect(migrateToCurrent(raw, 'x')).toBe(raw);
  });
});

function jointIdOf(doc: ProjectDocument, name: string) {
  return doc.characters[0]!.skeleton.joints.find((j) => j.name === name)!;
}

describe('createProject and document edits', () => {
  const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
  const doc = createProject({
    name: 'New',
    art: {
      assetId: hashAssetId(bytes),
      asset: { mime: 'image/png', width: 640, height: 480, dataBase64: encodeBase64(bytes) },
    },
  });
  const charId = doc.characters[0]!.id;

  it('creates a valid project sized to the art with the default humanoid', () => {
    expect(projectDocumentSchema.safeParse(doc).success).toBe(true);
    expect(doc.resolution).toEqual({ width: 640, height: 480 });
    expect(doc.characters[0]!.skeleton.joints).toHaveLength(21);
    expect(parseProjectJson(serializeProject(doc), 'new.keypose')).toEqual(doc);
  });

  it('edits share unchanged parts and keep the document valid', () => {
    const pose = {
      rotations: { LeftArm: quatFromAxisAngle([0, 0, 1], 1) },
      rootTranslation: [0, 0, 0] as const,
    };
    const keyed = setMotion(doc, charId, keyPose(doc.characters[0]!.motion, 5, pose));
    expect(keyed.assets).toBe(doc.assets);
    expect(keyed.characters[0]!.skeleton).toBe(doc.characters[0]!.skeleton);
    expect(setFps(keyed, 30).fps).toBe(30);
    expect(setFps(keyed, 24)).toBe(keyed);
    expect(() => setFps(keyed, 0)).toThrow(RangeError);
    expect(setDuration(keyed, 96).durationFrames).toBe(96);
    expect(() => setDuration(keyed, 2.5)).toThrow(RangeError);
    expect(updateCharacter(keyed, charId, (c) => c)).toBe(keyed);
    expect(() => updateCharacter(keyed, 'nobody', (c) => c)).toThrow(/no character/);

    // Removing a keyed joint drops its track, so the document stays valid.
    const sk = keyed.characters[0]!.skeleton;
    const removed = setSkeleton(keyed, charId, removeJoint(sk, jointId('LeftArm')));
    expect(removed.characters[0]!.motion.rotations.LeftArm).toBeUndefined();
    expect(projectDocumentSchema.safeParse(removed).success).toBe(true);
    const { skeleton } = addJoint(sk, {
      name: 'Tail',
      parentId: jointId('Hips'),
      restPosition: [0, -40, -20],
    });
    expect(setSkeleton(keyed, charId, skeleton).characters[0]!.skeleton.joints).toHaveLength(22);
  });

  it('undo/redo of document edits through UndoHistory', () => {
    const history = new UndoHistory<ProjectDocument>(doc);
    const pose = {
      rotations: { LeftArm: quatFromAxisAngle([0, 0, 1], 1) },
      rootTranslation: [0, 0, 0] as const,
    };
    history.apply(
      setMotion(history.present, charId, keyPose(history.present.characters[0]!.motion, 0, pose)),
      'Key',
    );
    history.begin('Rotate LeftArm');
    for (let i = 1; i <= 30; i++) {
      const p = {
        rotations: { LeftArm: quatFromAxisAngle([0, 0, 1], 1 + i / 30) },
        rootTranslation: [0, 0, 0] as const,
      };
      history.preview(
        setMotion(history.present, charId, keyPose(history.present.characters[0]!.motion, 10, p)),
      );
    }
    history.end();
    expect(history.undoDepth).toBe(2);
    expect(history.present.characters[0]!.motion.rotations.LeftArm!.map((k) => k.frame)).toEqual([0, 10]);
    history.undo();
    expect(history.present.characters[0]!.motion.rotations.LeftArm!.map((k) => k.frame)).toEqual([0]);
    expect(history.present.assets).toBe(doc.assets);
    history.undo();
    expect(history.present).toEqual(doc);
    history.redo();
    history.redo();
    expect(projectDocumentSchema.safeParse(history.present).success).toBe(true);
    const loaded = createProject({
      name: 'Loaded',
      art: { assetId: hashAssetId(bytes), asset: doc.assets[doc.characters[0]!.artAssetId]! },
    });
    history.reset(loaded);
    expect(history.canUndo).toBe(false);
    expect(createDefaultHumanoid().joints).toHaveLength(21);
  });
});
