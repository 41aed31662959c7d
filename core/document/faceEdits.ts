import { EMPTY_FACE_MOTION } from '../face/edits.js';
import type { MouthShape } from '../face/mouthShapes.js';
import type { FaceLayer, FaceMotion, FaceRig, MouthKey } from '../face/schema.js';
import type { CharacterId } from '../ids.js';
import { setDuration, updateCharacter } from './edits.js';
import { MAX_DURATION_FRAMES } from './limits.js';
import type { Asset, ProjectDocument } from './schema.js';

/** A character's face rig; null removes it (its face animation stays, for a later rig). */
export function setFaceRig(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  rig: FaceRig | null,
): ProjectDocument {
  return updateCharacter(doc, characterId, (c) => {
    if (rig === null) {
      if (!c.face) return c;
      const { face: _removed, ...rest } = c;
      return rest;
    }
    return c.face === rig ? c : { ...c, face: rig };
  });
}

/** A character's face animation; null removes it. */
export function setFaceMotion(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  motion: FaceMotion | null,
): ProjectDocument {
  return updateCharacter(doc, characterId, (c) => {
    if (motion === null) {
      if (!c.faceMotion) return c;
      const { faceMotion: _removed, ...rest } = c;
      return rest;
    }
    return c.faceMotion === motion ? c : { ...c, faceMotion: motion };
  });
}

/**
 * A lip-sync result onto a character: the mouth keys inside [fromFrame, toFrame] are replaced by
 * `keys` (keys outside the sound's span are the user's and stay), the speech-motion layer is
 * replaced when one is given, and the project is made long enough to hold the sound. One document
 * edit: one undo step.
 */
export function applyLipSync(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  result: { keys: readonly MouthKey[]; fromFrame: number; toFrame: number; layer?: FaceLayer },
): ProjectDocument {
  const character = doc.characters.find((c) => c.id === characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  const before = character.faceMotion ?? EMPTY_FACE_MOTION;
  const kept = before.mouth.filter((k) => k.frame < result.fromFrame || k.frame > result.toFrame);
  const mouth = [...kept, ...result.keys].sort((a, b) => a.frame - b.frame);
  let layers = before.layers;
  if (result.layer) {
    const layer = result.layer;
    const old = (before.layers ?? []).find((l) => l.id === layer.id);
    // A re-run keeps the user's weight and mute of the layer.
    const placed = old ? { ...layer, weight: old.weight, ...(old.muted ? { muted: true } : {}) } : layer;
    layers = [...(before.layers ?? []).filter((l) => l.id !== layer.id), placed];
  }
  const motion: FaceMotion = { ...before, mouth, ...(layers ? { layers } : {}) };
  const withFace = setFaceMotion(doc, characterId, motion);
  const needed = result.toFrame + 1;
  return needed > withFace.durationFrames
    ? setDuration(withFace, Math.min(needed, MAX_DURATION_FRAMES))
    : withFace;
}

/**
 * A character's mouth style and drawings (docs/face.md, "Swapped mouth drawings"): `drawings` are
 * added as assets and set per shape (shapes not given keep theirs; `replace` drops them), `style`
 * switches between the warped picture and the drawings. A drawing no longer used by any
 * character's mouth goes from the assets. One document edit: one undo step.
 */
export function setMouthArt(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  change: {
    style?: FaceRig['mouthStyle'];
    drawings?: Partial<Record<MouthShape, { assetId: string; asset: Asset }>>;
    replace?: boolean;
  },
): ProjectDocument {
  const character = doc.characters.find((c) => c.id === characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  const rig = character.face;
  if (!rig) throw new Error(`${character.name} has no face rig yet: set up the face first`);
  const assets = { ...doc.assets };
  const art: Partial<Record<MouthShape, string>> = change.replace ? {} : { ...(rig.mouthArt ?? {}) };
  for (const [shape, drawing] of Object.entries(change.drawings ?? {}) as [
    MouthShape,
    { assetId: string; asset: Asset },
  ][]) {
    assets[drawing.assetId] = drawing.asset;
    art[shape] = drawing.assetId;
  }
  const { mouthArt: _old, ...base } = rig;
  const face: FaceRig = {
    ...base,
    mouthStyle: change.style ?? rig.mouthStyle,
    ...(Object.keys(art).length > 0 ? { mouthArt: art } : {}),
  };
  const next = updateCharacter({ ...doc, assets }, characterId, (c) => ({ ...c, face }));
  // Drawings this edit replaced go when nothing else uses them.
  const used = new Set<string>();
  for (const c of next.characters) {
    used.add(c.artAssetId);
    if (c.maskAssetId) used.add(c.maskAssetId);
    if (c.partHints) used.add(c.partHints.ownerAssetId);
    for (const id of Object.values(c.face?.mouthArt ?? {})) if (id) used.add(id);
  }
  const dropped = Object.values(rig.mouthArt ?? {}).filter((id): id is string => !!id && !used.has(id));
  if (dropped.length === 0) return next;
  const kept = { ...next.assets };
  for (const id of dropped) delete kept[id];
  return { ...next, assets: kept };
}
