import type { ImportedCharacter } from '../../core/contract/api.js';
import { updateCharacter } from '../../core/document/edits.js';
import { createProject } from '../../core/document/factory.js';
import type { Asset, Character, Placement, ProjectDocument } from '../../core/document/schema.js';
import { type AssetId, type CharacterId, newId, characterId as toCharacterId } from '../../core/ids.js';

/**
 * Pure document edits for a scene of several characters. The list order of `doc.characters` is
 * the depth order: the first is drawn furthest back, the last in front. Each edit returns a new
 * document sharing unchanged parts (or the same document when nothing changed).
 */

/** The imported character with ids made unique within `doc` (the same picture may come twice). */
function uniqueCharacter(doc: ProjectDocument, imported: ImportedCharacter): Character {
  const ids = new Set(doc.characters.map((c) => c.id as string));
  const names = new Set(doc.characters.map((c) => c.name));
  const base = imported.character;
  const id = ids.has(base.id) ? toCharacterId(newId('char')) : base.id;
  let name = base.name;
  for (let n = 2; names.has(name); n++) name = `${base.name} ${n}`;
  return id === base.id && name === base.name ? base : { ...base, id, name };
}

/**
 * Where a character added to a scene stands: as tall on screen as the active one, its picture
 * centred on the right edge of the active one's picture (beside it, overlapping the margins that
 * pictures of figures usually have). The user refines it in the Characters panel.
 */
export function placementBeside(doc: ProjectDocument, anchor: Character | undefined, art: Asset): Placement {
  const anchorArt = anchor ? doc.assets[anchor.artAssetId] : undefined;
  if (!anchor || !anchorArt) return { offset: [0, 0, 0], scale: 1 };
  const scale = (anchorArt.height * anchor.placement.scale) / art.height;
  const [ax, ay, az] = anchor.placement.offset;
  return { offset: [ax + (anchorArt.width * anchor.placement.scale) / 2, ay, az], scale };
}

/** Adds an imported character (its art and mask assets included) in front of the others. */
export function addImportedCharacter(
  doc: ProjectDocument,
  imported: ImportedCharacter,
  anchorId?: CharacterId | string,
): ProjectDocument {
  const character = uniqueCharacter(doc, imported);
  const art = imported.assets[character.artAssetId];
  if (!art) throw new Error(`the imported character has no art asset "${character.artAssetId}"`);
  const anchor = doc.characters.find((c) => c.id === anchorId) ?? doc.characters[doc.characters.length - 1];
  const placed: Character = { ...character, placement: placementBeside(doc, anchor, art) };
  return {
    ...doc,
    characters: [...doc.characters, placed],
    assets: { ...doc.assets, ...imported.assets },
  };
}

/** A new project holding only the imported character; the output frame is its picture. */
export function projectFromImported(imported: ImportedCharacter, name: string): ProjectDocument {
  const character = imported.character;
  const art = imported.assets[character.artAssetId];
  if (!art) throw new Error(`the imported character has no art asset "${character.artAssetId}"`);
  const base = createProject({ name, art: { assetId: character.artAssetId, asset: art } });
  return {
    ...base,
    characters: [{ ...character, placement: { offset: [0, 0, 0], scale: 1 } }],
    assets: { ...imported.assets },
  };
}

export function setPlacement(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  placement: Placement,
): ProjectDocument {
  if (!(placement.scale > 0) || !placement.offset.every(Number.isFinite)) {
    throw new RangeError('a placement needs a finite offset and a scale above 0');
  }
  return updateCharacter(doc, characterId, (c) => {
    const same =
      c.placement.scale === placement.scale && c.placement.offset.every((v, i) => v === placement.offset[i]);
    return same ? c : { ...c, placement };
  });
}

/** Moves a character `steps` places towards the front (positive) or the back (negative). */
export function moveInDepth(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  steps: number,
): ProjectDocument {
  const from = doc.characters.findIndex((c) => c.id === characterId);
  if (from < 0) throw new Error(`the project has no character "${characterId}"`);
  const to = Math.max(0, Math.min(doc.characters.length - 1, from + Math.trunc(steps)));
  if (to === from) return doc;
  const characters = doc.characters.slice();
  const [moved] = characters.splice(from, 1);
  if (!moved) return doc;
  characters.splice(to, 0, moved);
  return { ...doc, characters };
}

/** Assets no character refers to any more (art, mask, part hint map or mouth drawing). */
function withoutUnusedAssets(doc: ProjectDocument, candidates: readonly string[]): ProjectDocument {
  const used = new Set<string>();
  for (const c of doc.characters) {
    used.add(c.artAssetId);
    if (c.maskAssetId) used.add(c.maskAssetId);
    if (c.partHints) used.add(c.partHints.ownerAssetId);
    for (const id of Object.values(c.face?.mouthArt ?? {})) if (id) used.add(id);
  }
  const unused = candidates.filter((id) => !used.has(id) && id in doc.assets);
  if (unused.length === 0) return doc;
  const assets = { ...doc.assets };
  for (const id of unused) delete assets[id];
  return { ...doc, assets };
}

/** Removes a character and the assets only it used; the last character cannot be removed. */
export function removeCharacter(doc: ProjectDocument, characterId: CharacterId | string): ProjectDocument {
  const character = doc.characters.find((c) => c.id === characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  if (doc.characters.length === 1) throw new Error('a project needs at least one character');
  const next = { ...doc, characters: doc.characters.filter((c) => c.id !== characterId) };
  return withoutUnusedAssets(next, [
    character.artAssetId,
    ...(character.maskAssetId ? [character.maskAssetId] : []),
    ...(character.partHints ? [character.partHints.ownerAssetId] : []),
    ...Object.values(character.face?.mouthArt ?? {}).filter((id): id is string => !!id),
  ]);
}

/**
 * Sets a character's explicit mask (white = figure) to a new PNG asset; the previous mask asset
 * goes when nothing else uses it, so painting many strokes does not grow the file.
 */
export function setMask(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  maskAssetId: AssetId,
  mask: Asset,
): ProjectDocument {
  const character = doc.characters.find((c) => c.id === characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  if (mask.mime !== 'image/png') throw new Error('a mask is stored as a PNG');
  const art = doc.assets[character.artAssetId];
  if (art && (art.width !== mask.width || art.height !== mask.height)) {
    throw new Error(
      `the mask is ${mask.width}x${mask.height} px but the art is ${art.width}x${art.height} px`,
    );
  }
  if (character.maskAssetId === maskAssetId) return doc;
  const previous = character.maskAssetId;
  const withAsset = { ...doc, assets: { ...doc.assets, [maskAssetId]: mask } };
  const next = updateCharacter(withAsset, characterId, (c) => ({ ...c, maskAssetId }));
  return previous ? withoutUnusedAssets(next, [previous]) : next;
}
