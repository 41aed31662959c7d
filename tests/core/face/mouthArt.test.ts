import { describe, expect, it } from 'vitest';
import { setFaceRig, setMouthArt } from '../../../core/document/faceEdits.js';
import { createProject } from '../../../core/document/factory.js';
import { projectDocumentSchema } from '../../../core/document/schema.js';
import {
  fallbackIsComplete,
  mouthArtByName,
  mouthArtFor,
  mouthShapeFromName,
  unrecognisedMouthNames,
} from '../../../core/face/mouthArt.js';
import { removeCharacter } from '../../../renderer/characters/sceneEdits.js';
import { mouthDrawingAsset } from '../../fixtures/face/mouthDrawings.js';
import { sampleFaceRig } from '../../fixtures/face/sampleFace.js';

describe('mouth drawings named for shapes', () => {
  it.each([
    ['mouth_A.png', 'A'],
    ['A.png', 'A'],
    ['mouth-e.png', 'E'],
    ['Mouth E', 'E'],
    ['mouth A', 'A'],
    ['Mouth_E', 'E'],
    ['MOUTH_X.PNG', 'X'],
    ['x.jpg', 'X'],
    ['hero_mouth_D.png', 'D'],
    ['mouthF.webp', 'F'],
    ['mouth.h.png', 'H'],
    ['/some/dir/mouth_g.png', 'G'],
    ['C:\\art\\mouth_b.png', 'B'],
    ['  c  ', 'C'],
  ])('%s -> %s', (name, shape) => {
    expect(mouthShapeFromName(name)).toBe(shape);
  });

  it.each([
    'mouth.png',
    'eye L.png',
    'I.png',
    'mouth_Z.png',
    'B2.png',
    'mouth_AB.png',
    'head',
    'eyes',
    'nose',
    'lipsA.png',
    '',
  ])('%s is no shape', (name) => {
    expect(mouthShapeFromName(name)).toBeNull();
  });

  it('sorts files by shape and lists the names it did not understand', () => {
    const sorted = mouthArtByName(['mouth_A.png', 'A.png', 'smile.png', 'mouth-d.png', 'eye.png'], (n) => n);
    expect(sorted.byShape).toEqual({ A: 'mouth_A.png', D: 'mouth-d.png' });
    expect(sorted.duplicates).toEqual(['A.png']);
    expect(sorted.unrecognised).toEqual(['smile.png', 'eye.png']);
    expect(unrecognisedMouthNames(sorted.unrecognised)).toContain('smile.png, eye.png');
    expect(unrecognisedMouthNames([])).toBe('');
  });
});

describe('which drawing a frame shows', () => {
  it('every shape falls back through every other shape once', () => {
    expect(fallbackIsComplete()).toBe(true);
  });

  it('the shape’s own drawing, else the nearest drawn one; nothing when warping', () => {
    const rig = { mouthStyle: 'swap' as const, mouthArt: { A: 'a', D: 'd', X: 'x' } };
    expect(mouthArtFor(rig, 'D')).toEqual({ shape: 'D', assetId: 'd' });
    expect(mouthArtFor(rig, 'C')).toEqual({ shape: 'D', assetId: 'd' });
    expect(mouthArtFor(rig, 'F')).toEqual({ shape: 'A', assetId: 'a' });
    expect(mouthArtFor(rig, 'X')).toEqual({ shape: 'X', assetId: 'x' });
    expect(mouthArtFor({ mouthStyle: 'swap', mouthArt: { X: 'x' } }, 'A')).toEqual({
      shape: 'X',
      assetId: 'x',
    });
    expect(mouthArtFor({ ...rig, mouthStyle: 'warp' }, 'D')).toBeNull();
    expect(mouthArtFor({ mouthStyle: 'swap', mouthArt: {} }, 'D')).toBeNull();
    expect(mouthArtFor({ mouthStyle: 'swap' }, 'D')).toBeNull();
  });
});

describe('setMouthArt', () => {
  it('adds the drawings as assets, switches the style, and drops replaced drawings', async () => {
    const art = await mouthDrawingAsset([10, 200, 30], 'art.png');
    const base = createProject({ name: 'p', art });
    const id = base.characters[0]?.id as string;
    const doc = setFaceRig(base, id, sampleFaceRig());
    const a = await mouthDrawingAsset([0, 0, 255], 'mouth_A.png');
    const d = await mouthDrawingAsset([0, 255, 0], 'mouth_D.png');
    const swapped = setMouthArt(doc, id, { style: 'swap', drawings: { A: a, D: d } });
    expect(projectDocumentSchema.safeParse(swapped).success).toBe(true);
    const face = swapped.characters[0]?.face;
    expect(face?.mouthStyle).toBe('swap');
    expect(face?.mouthArt).toEqual({ A: a.assetId, D: d.assetId });
    expect(swapped.assets[a.assetId]?.sourceName).toBe('mouth_A.png');
    // A new D replaces the old one, whose asset goes; A stays.
    const d2 = await mouthDrawingAsset([255, 0, 255], 'mouth_D.png');
    const again = setMouthArt(swapped, id, { drawings: { D: d2 } });
    expect(again.characters[0]?.face?.mouthArt).toEqual({ A: a.assetId, D: d2.assetId });
    expect(again.assets[d.assetId]).toBeUndefined();
    expect(again.assets[a.assetId]).toBeDefined();
    // Back to warp keeps the drawings for later.
    const warp = setMouthArt(again, id, { style: 'warp' });
    expect(warp.characters[0]?.face?.mouthStyle).toBe('warp');
    expect(warp.characters[0]?.face?.mouthArt).toEqual({ A: a.assetId, D: d2.assetId });
    // Replace drops every drawing not given.
    const only = setMouthArt(again, id, { drawings: { X: d }, replace: true });
    expect(only.characters[0]?.face?.mouthArt).toEqual({ X: d.assetId });
    expect(only.assets[a.assetId]).toBeUndefined();
    expect(() => setMouthArt(base, id, { style: 'swap' })).toThrow(/no face rig/);
  });

  it('removing a character takes its mouth drawings from the assets', async () => {
    const art = await mouthDrawingAsset([10, 200, 30], 'art.png');
    const base = createProject({ name: 'p', art });
    const first = base.characters[0];
    if (!first) throw new Error('no character');
    const two = { ...base, characters: [first, { ...first, id: 'char-2' as typeof first.id, name: 'Two' }] };
    const a = await mouthDrawingAsset([0, 0, 255], 'mouth_A.png');
    const withMouths = setMouthArt(setFaceRig(two, 'char-2', sampleFaceRig()), 'char-2', {
      style: 'swap',
      drawings: { A: a },
    });
    expect(withMouths.assets[a.assetId]).toBeDefined();
    const removed = removeCharacter(withMouths, 'char-2');
    expect(removed.assets[a.assetId]).toBeUndefined();
    expect(removed.assets[art.assetId]).toBeDefined();
  });
});
