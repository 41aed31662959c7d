import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePsdBuffer } from 'ag-psd';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ImportedCharacter, importedCharacterSchema } from '../../core/contract/api.js';
import { createProject, hashAssetId } from '../../core/document/factory.js';
import { parseProjectJson, serializeProject } from '../../core/document/parse.js';
import { callApi } from '../../host/api/services.js';
import { stripPictureMetadata } from '../../host/import/stripMetadata.js';
import { drawHumanoid } from '../inference/rigging/syntheticFigure.js';
import { hugePngHeader, writeAnimatedDrawingsFolder } from './import/fixtures.js';
import { humanoidPng, servicesFixture } from './jobHelpers.js';

/**
 * importCharacter and getWeightOverlay through the services API, with the real frame worker
 * (forked, rigging in inference/worker/rig.ts) and sharp: the picture goes in as a dropped file
 * or a path, a rigged character comes out as the job's result.
 */

const fx = servicesFixture('keypose-charsvc-', { confineToProjectsDir: false });
let figurePng: Buffer;

beforeAll(async () => {
  figurePng = await humanoidPng(160);
});

async function importDropped(fileName: string, bytes: Buffer) {
  const { jobId } = await fx.services.importCharacter({ fileName, dataBase64: bytes.toString('base64') });
  return { jobId, end: await fx.jobs.finished(jobId) };
}

function documentWith(imported: ImportedCharacter) {
  const art = imported.assets[imported.character.artAssetId]!;
  const base = createProject({
    name: 'Imported',
    art: { assetId: imported.character.artAssetId, asset: art },
  });
  return { ...base, characters: [imported.character], assets: imported.assets };
}

describe('importCharacter (services API, real worker)', () => {
  let imported: ImportedCharacter;

  it('rigs a dropped PNG into a character whose project validates', async () => {
    const { jobId, end } = await importDropped('hero figure.png', figurePng);
    expect(end.type).toBe('done');
    if (end.type !== 'done') return;
    imported = importedCharacterSchema.parse(end.result);
    const { character, assets, fit } = imported;
    expect(character.name).toBe('hero figure');
    // The art is the dropped file's own pixel bytes (ancillary chunks stripped), addressed by their hash.
    const stored = stripPictureMetadata('png', figurePng);
    expect(character.artAssetId).toBe(hashAssetId(stored));
    expect(assets[character.artAssetId]).toMatchObject({ mime: 'image/png', width: 160, height: 160 });
    expect(Buffer.from(assets[character.artAssetId]!.dataBase64, 'base64').equals(stored)).toBe(true);
    expect(character.skeleton.joints.map((j) => j.name)).toEqual(
      expect.arrayContaining(['Hips', 'Head', 'LeftHand', 'RightFoot']),
    );
    expect(['pose-model', 'silhouette']).toContain(fit.method);
    // The figure's hands lie at the picture's sides: the fit found them (character space, x right).
    const hand = (name: string) => character.skeleton.joints.find((j) => j.name === name)!.restPosition;
    expect(hand('LeftHand')[0]).toBeGreaterThan(30);
    expect(hand('RightHand')[0]).toBeLessThan(-30);
    // The document built from it loads like a saved project.
    const doc = documentWith(imported);
    const reloaded = parseProjectJson(serializeProject(doc, 'x.keypose'), 'x.keypose');
    expect(reloaded.characters[0]!.skeleton.joints.length).toBe(character.skeleton.joints.length);
    // Progress came with stages, ending at the whole.
    const progress = fx.jobs.of(jobId).filter((e) => e.type === 'progress');
    const stages = progress.map((e) => (e.type === 'progress' ? e.stage : ''));
    expect(stages).toEqual(expect.arrayContaining(['decode', 'mask', 'fit']));
    // No skin-weights stage: the frame engine renders layered parts, built when it loads the character.
    expect(stages).not.toContain('weights');
    const last = progress.at(-1);
    expect(last?.type === 'progress' && last.done === last.total).toBe(true);
  });

  it('imports by path too, and keeps a JPEG as JPEG with a separated mask', async () => {
    const path = join(fx.dir, 'paper.jpg');
    const jpeg = await sharp(figurePng).flatten({ background: '#ffffff' }).jpeg({ quality: 92 }).toBuffer();
    await writeFile(path, jpeg);
    const { jobId } = await fx.services.importCharacter({ path });
    const end = await fx.jobs.finished(jobId);
    expect(end.type).toBe('done');
    if (end.type !== 'done') return;
    const result = importedCharacterSchema.parse(end.result);
    expect(result.assets[result.character.artAssetId]!.mime).toBe('image/jpeg');
    // No alpha: the figure was separated from the paper, and that mask is kept as an asset.
    expect(result.character.maskAssetId).toBeDefined();
    const mask = result.assets[result.character.maskAssetId!]!;
    expect([mask.width, mask.height]).toEqual([160, 160]);
    expect(result.warnings.join(' ')).toMatch(/no transparency/);
  });

  it('uses PSD layer names as part hints', async () => {
    const figure = drawHumanoid({ width: 160, height: 160, figureHeightPx: 136 });
    const splitX = Math.round(figure.joints.LeftArm![0]);
    const layer = (keep: (x: number) => boolean) => {
      const data = new Uint8ClampedArray(160 * 160 * 4);
      for (let p = 0; p < 160 * 160; p++) {
        if (!keep(p % 160)) continue;
        data.set([200, 120, 60, Math.round(figure.coverage[p]! * 255)], p * 4);
      }
      return { width: 160, height: 160, data };
    };
    const psd = (names: [string, string]) =>
      writePsdBuffer({
        width: 160,
        height: 160,
        children: [
          { name: names[0], left: 0, top: 0, right: 160, bottom: 160, imageData: layer((x) => x < splitX) },
          { name: names[1], left: 0, top: 0, right: 160, bottom: 160, imageData: layer((x) => x >= splitX) },
        ],
      });
    // Layers whose names name no body part are reported as unused…
    const unnamed = await importDropped('unnamed.psd', psd(['Layer 1', 'Layer 2']));
    expect(
      unnamed.end.type === 'done' && importedCharacterSchema.parse(unnamed.end.result).warnings.join(' '),
    ).toMatch(/layers were not used/);
    // …named ones become part hints.
    const { end } = await importDropped('layered.psd', psd(['body', 'Left Arm']));
    expect(end.type).toBe('done');
    if (end.type !== 'done') return;
    const result = importedCharacterSchema.parse(end.result);
    // The layers were composited into one PNG, and their names were understood.
    expect(result.assets[result.character.artAssetId]).toMatchObject({ mime: 'image/png', width: 160 });
    expect(result.warnings.join(' ')).not.toMatch(/layers were not used/);

    // The character keeps them (document schema partHints): the parts, and a map of who owns what.
    const hints = result.character.partHints!;
    const jointName = (id: string) => result.character.skeleton.joints.find((j) => j.id === id)?.name;
    expect(hints.parts.map((p) => [p.name, p.jointIds.map(jointName)])).toEqual([
      ['body', ['Chest', 'Spine']],
      ['Left Arm', ['LeftArm', 'LeftForeArm', 'LeftHand']],
    ]);
    const owner = await sharp(Buffer.from(result.assets[hints.ownerAssetId]!.dataBase64, 'base64'))
      .extractChannel(0)
      .raw()
      .toBuffer();
    const [handX, handY] = figure.joints.RightHand!.map(Math.round) as [number, number];
    expect(owner[handY * 160 + handX]).toBe(1); // the "body" layer covers the right hand
    const [leftX, leftY] = figure.joints.LeftHand!.map(Math.round) as [number, number];
    expect(owner[leftY * 160 + leftX]).toBe(2);

    // The render's parts follow them: the right hand lies on the "body" layer, so it is cut into
    // the Chest or Spine part; without the hints the right arm's chain owns it.
    const doc = documentWith(result);
    const ownerAt = (p: Awaited<ReturnType<typeof fx.ctx.render.partsOf>>) => {
      const id = p.partJointIds[p.labels[handY * 160 + handX]!]!;
      return jointName(id);
    };
    const hinted = await fx.ctx.render.partsOf(doc, result.character.id);
    expect(['Chest', 'Spine']).toContain(ownerAt(hinted));
    const { partHints: _dropped, ...unhintedCharacter } = result.character;
    const unhinted = await fx.ctx.render.partsOf(
      { ...doc, characters: [unhintedCharacter] },
      result.character.id,
    );
    expect(['RightHand', 'RightForeArm']).toContain(ownerAt(unhinted));
  });

  it('keeps the skeleton of an Animated Drawings folder', async () => {
    const folder = await writeAnimatedDrawingsFolder(join(fx.dir, 'ad-char'));
    const { jobId } = await fx.services.importCharacter({ path: folder });
    const end = await fx.jobs.finished(jobId);
    expect(end.type).toBe('done');
    if (end.type !== 'done') return;
    const result = importedCharacterSchema.parse(end.result);
    expect(result.fit.method).toBe('file');
    // AD's left_hand at image (90, 56) -> character space (90 - 50, 80 - 56).
    const leftHand = result.character.skeleton.joints.find((j) => j.name === 'LeftHand')!;
    expect(leftHand.restPosition[0]).toBeCloseTo(40, 5);
    expect(leftHand.restPosition[1]).toBeCloseTo(24, 5);
  });

  /** A folder as the editor sends it (dropped or chosen): its files' names and bytes. */
  async function folderSource(folder: string, folderName: string) {
    const names = await readdir(folder);
    const files = await Promise.all(
      names.map(async (name) => ({
        name,
        dataBase64: (await readFile(join(folder, name))).toString('base64'),
      })),
    );
    return { folderName, files };
  }

  async function importFolder(source: Awaited<ReturnType<typeof folderSource>>) {
    // A private temporary folder (os.tmpdir() follows TMPDIR), so other processes' files don't count.
    const privateTmp = await mkdtemp(join(fx.dir, 'tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      const { jobId } = await fx.services.importCharacter(source);
      const end = await fx.jobs.finished(jobId);
      // The temporary copy is gone once the job ends, whatever the outcome.
      expect(await readdir(privateTmp)).toEqual([]);
      return end;
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  }

  it('imports an Animated Drawings folder sent as its files, keeping its skeleton', async () => {
    const folder = await writeAnimatedDrawingsFolder(join(fx.dir, 'hero'));
    const source = await folderSource(folder, 'hero');
    // Files the importer does not need are accepted and ignored.
    source.files.push({ name: 'notes.txt', dataBase64: Buffer.from('drawn on paper').toString('base64') });
    const end = await importFolder(source);
    expect(end.type).toBe('done');
    if (end.type !== 'done') return;
    const result = importedCharacterSchema.parse(end.result);
    expect(result.fit.method).toBe('file');
    expect(result.character.name).toBe('hero');
    expect(result.assets[result.character.artAssetId]).toMatchObject({ width: 100, height: 160 });
    const at = (name: string) => result.character.skeleton.joints.find((j) => j.name === name)!.restPosition;
    // AD's left_hand at image (90, 56) -> character space (90 - 50, 80 - 56); hip at (50, 90).
    expect(at('LeftHand')[0]).toBeCloseTo(40, 5);
    expect(at('LeftHand')[1]).toBeCloseTo(24, 5);
    expect(at('RightHand')[0]).toBeLessThan(-30);
    expect(result.character.skeleton.joints).toHaveLength(21);
  });

  it('a folder without char_cfg.yaml, or with a broken file, fails naming the folder and the file', async () => {
    const folder = await writeAnimatedDrawingsFolder(join(fx.dir, 'villain'));
    const full = await folderSource(folder, 'villain');
    const noCfg = { ...full, files: full.files.filter((f) => f.name !== 'char_cfg.yaml') };
    const missing = await importFolder(noCfg);
    expect(missing.type).toBe('failed');
    if (missing.type !== 'failed') return;
    expect(missing.error.code).toBe('corrupt-file');
    expect(missing.error.message).toMatch(/^villain\/: char_cfg\.yaml is missing/);
    expect(missing.error.file).toBe('villain/');

    const brokenMask = {
      ...full,
      files: full.files.map((f) =>
        f.name === 'mask.png' ? { name: f.name, dataBase64: f.dataBase64.slice(0, 40) } : f,
      ),
    };
    const broken = await importFolder(brokenMask);
    expect(broken.type).toBe('failed');
    if (broken.type !== 'failed') return;
    expect(broken.error.message).toMatch(/^villain\/mask\.png: /);
    expect(broken.error.message).not.toContain(tmpdir());
  });

  it('refuses file names that could leave the folder, and oversized folders', async () => {
    const folder = await writeAnimatedDrawingsFolder(join(fx.dir, 'sneaky'));
    const full = await folderSource(folder, 'sneaky');
    for (const name of ['../char_cfg.yaml', 'sub/texture.png', 'sub\\mask.png', '..']) {
      const end = await importFolder({ ...full, files: [...full.files, { name, dataBase64: 'AA==' }] });
      expect(end.type, name).toBe('failed');
      if (end.type !== 'failed') continue;
      expect(end.error.code, name).toBe('invalid-argument');
      expect(end.error.message, name).toContain(`sneaky/: "${name}" is not a plain file name`);
    }
    // The limits are in the contract: the call itself is refused with the reason.
    const many = {
      folderName: 'crowd',
      files: Array.from({ length: 40 }, (_, i) => ({ name: `f${i}.png`, dataBase64: 'AA==' })),
    };
    const response = await callApi(fx.services, 'importCharacter', [many]);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe('invalid-argument');
    expect(response.error.message).toMatch(/crowd\/ has 40 files; a character folder may send at most 16/);
  });

  it('gives a clear error naming the file for each bad input', async () => {
    const cases: [string, Buffer, string, RegExp][] = [
      ['broken.png', figurePng.subarray(0, 80), 'corrupt-file', /damaged or incomplete/],
      ['notes.txt', Buffer.from('just some text, not a picture'), 'unsupported', /unrecognised file format/],
      ['huge.png', hugePngHeader(30000, 30000), 'unsupported', /30000x30000/],
    ];
    const blank = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } },
    })
      .png()
      .toBuffer();
    cases.push(['blank.png', blank, 'invalid-argument', /no figure/]);
    for (const [fileName, bytes, code, message] of cases) {
      const { end } = await importDropped(fileName, bytes);
      expect(end.type, fileName).toBe('failed');
      if (end.type !== 'failed') continue;
      expect(end.error.code, fileName).toBe(code);
      expect(end.error.message, fileName).toMatch(message);
      // The user's file name, never our temporary copy's path.
      expect(end.error.file).toBe(fileName);
      expect(end.error.message.startsWith(`${fileName}:`)).toBe(true);
    }
    const missing = await fx.services.importCharacter({ path: join(fx.dir, 'nowhere.png') });
    const end = await fx.jobs.finished(missing.jobId);
    expect(end.type === 'failed' && end.error.code).toBe('not-found');
  });

  it('cancels an import', async () => {
    const { jobId } = await fx.services.importCharacter({
      fileName: 'big.png',
      dataBase64: (await humanoidPng(512)).toString('base64'),
    });
    await fx.services.cancelJob(jobId);
    expect((await fx.jobs.finished(jobId)).type).toBe('cancelled');
  });

  it('draws the pixels that move with one joint as a PNG heat map over the figure', async () => {
    const doc = documentWith(imported);
    const character = doc.characters[0]!;
    const leftArm = character.skeleton.joints.find((j) => j.name === 'LeftForeArm')!;
    const overlay = await fx.services.getWeightOverlay({
      document: doc,
      characterId: character.id,
      jointId: leftArm.id,
    });
    expect([overlay.width, overlay.height]).toEqual([160, 160]);
    const { data, info } = await sharp(Buffer.from(overlay.pngBase64, 'base64'))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([160, 160]);
    const at = (x: number, y: number) => [...data.subarray((y * 160 + x) * 4, (y * 160 + x) * 4 + 4)];
    // The forearm joint in image pixels: the left forearm is on the picture's right.
    const u = Math.round(leftArm.restPosition[0] + 80);
    const v = Math.round(80 - leftArm.restPosition[1]);
    const arm = at(u + 6, v);
    expect(arm[3]).toBeGreaterThan(0);
    // Hot (red end of the ramp) on the forearm, cold (blue) on the other arm, clear outside.
    expect(arm[0]!).toBeGreaterThan(arm[2]!);
    const other = at(160 - u - 6, v);
    expect(other[3]).toBeGreaterThan(0);
    expect(other[2]!).toBeGreaterThan(other[0]!);
    expect(at(2, 2)[3]).toBe(0);
    await expect(
      fx.services.getWeightOverlay({ document: doc, characterId: character.id, jointId: 'no-such-joint' }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
