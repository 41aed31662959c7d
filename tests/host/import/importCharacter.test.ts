import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetSchema } from '../../../core/document/schema.js';
import { ANIMATED_DRAWINGS_JOINTS } from '../../../host/import/animatedDrawings.js';
import { ImportError } from '../../../host/import/errors.js';
import { importCharacter } from '../../../host/import/importCharacter.js';
import { rigCharacter } from '../../../inference/rigging/rigCharacter.js';
import { RiggingError } from '../../../inference/rigging/types.js';
import { encodeRgba, layeredPsd, writeAnimatedDrawingsFolder } from './fixtures.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-character-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writeAdFolder = (name: string, opts: { dropJoint?: string; scale?: number } = {}) =>
  writeAnimatedDrawingsFolder(join(dir, name), opts);

describe('importCharacter', () => {
  it("keeps a PNG's pixel chunks as they are (no re-encoding) and returns its pixels", async () => {
    const bytes = await encodeRgba(20, 30, (x) => (x < 10 ? [255, 0, 0, 255] : [0, 0, 0, 0]), 'png');
    const path = join(dir, 'half.png');
    await writeFile(path, bytes);
    const character = await importCharacter(path);
    expect(character.kind).toBe('picture');
    expect(assetSchema.parse(character.asset)).toEqual(character.asset);
    // Only ancillary chunks go (sharp writes a pHYs): IHDR, IDAT and IEND are the same bytes.
    const stored = Buffer.from(character.asset.dataBase64, 'base64');
    const pHYs = bytes.indexOf('pHYs') - 4;
    const withoutPhys = Buffer.concat([
      bytes.subarray(0, pHYs),
      bytes.subarray(pHYs + 12 + bytes.readUInt32BE(pHYs)),
    ]);
    expect(stored.equals(withoutPhys)).toBe(true);
    expect([character.asset.mime, character.asset.width, character.asset.height]).toEqual([
      'image/png',
      20,
      30,
    ]);
    expect(character.hasAlpha).toBe(true);
    expect(character.partHints).toEqual([]);
    expect(character.skeleton).toBeUndefined();
  });

  it('imports a PSD as a PNG asset with its layers as part hints', async () => {
    const path = join(dir, 'layers.psd');
    await writeFile(path, layeredPsd());
    const character = await importCharacter(path);
    expect(character.kind).toBe('psd');
    expect(character.asset.mime).toBe('image/png');
    expect(character.asset.sourceName).toBe('layers.psd');
    expect(character.partHints.map((l) => l.name)).toEqual(['body', 'Left Arm', 'legs/R_leg']);
  });

  it('imports an Animated Drawings folder: mask as alpha, its 16 joints on the humanoid', async () => {
    const folder = await writeAdFolder('char');
    const character = await importCharacter(folder);
    expect(character.kind).toBe('animated-drawings');
    expect(character.hasAlpha).toBe(true);
    expect(character.rgba.data[(54 * 100 + 50) * 4 + 3]).toBe(255);
    expect(character.rgba.data[(5 * 100 + 5) * 4 + 3]).toBe(0);
    const sk = character.skeleton!;
    const at = (name: string): [number, number] => {
      const p = sk.joints.find((j) => j.name === name)!.restPosition;
      return [p[0] + 50, 80 - p[1]]; // back to image pixels of the 100x160 texture
    };
    expect(at('Hips')).toEqual([50, 90]);
    expect(at('Neck')).toEqual([50, 50]);
    expect(at('LeftArm')).toEqual([62, 52]);
    expect(at('LeftHand')).toEqual([90, 56]);
    expect(at('RightForeArm')).toEqual([24, 54]);
    expect(at('RightFoot')).toEqual([40, 148]);
    expect(at('LeftUpLeg')).toEqual([58, 92]);
    expect(at('Head')[1]).toBeLessThan(50);
    expect(at('Head')[1]).toBeGreaterThan(28);
    expect(at('LeftToeBase')[1]).toBeGreaterThan(148);
    // The character's left is +x (the viewer's right), like Keypose's default humanoid.
    expect(at('LeftHand')[0]).toBeGreaterThan(at('RightHand')[0]);
    expect(ANIMATED_DRAWINGS_JOINTS).toHaveLength(16);
    // Importing the char_cfg.yaml file itself works too.
    const again = await importCharacter(join(folder, 'char_cfg.yaml'));
    expect(again.skeleton).toEqual(sk);
  });

  it('scales AD joints when the texture was saved at another size', async () => {
    const character = await importCharacter(await writeAdFolder('char2x', { scale: 2 }));
    const hand = character.skeleton!.joints.find((j) => j.name === 'LeftHand')!.restPosition;
    expect([hand[0] + 100, 160 - hand[1]]).toEqual([180, 112]);
  });

  it('names the missing joint of a broken AD config', async () => {
    const folder = await writeAdFolder('broken', { dropJoint: 'left_knee' });
    const error = await importCharacter(folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).reason).toBe('invalid-character-folder');
    expect((error as ImportError).message).toMatch(/left_knee/);
  });

  it('refuses a folder that is not an AD character', async () => {
    const folder = join(dir, 'empty-folder');
    await mkdir(folder, { recursive: true });
    const error = await importCharacter(folder).catch((e: unknown) => e);
    expect((error as ImportError).reason).toBe('invalid-character-folder');
  });

  it('a picture with no figure (plain white paper) fails to rig with a clear error', async () => {
    const path = join(dir, 'white.jpg');
    await writeFile(path, await encodeRgba(200, 150, () => [255, 255, 255, 255], 'jpeg'));
    const character = await importCharacter(path);
    const error = await rigCharacter({ image: character.rgba, hasAlpha: character.hasAlpha }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RiggingError);
    expect((error as RiggingError).code).toBe('no-figure');
    expect((error as RiggingError).message).toMatch(/no figure/);
  });
});
