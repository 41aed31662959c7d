import { applyImportedMotion } from '../document/motionEdits.js';
import type { Placement, ProjectDocument } from '../document/schema.js';
import { type PoseSequence, readPoseSequence } from '../io/poseSequence.js';
import type { Vec3 } from '../math/types.js';
import {
  type ImportOptions,
  type ImportResult,
  importClip,
  type PreparedImport,
  prepareImport,
} from '../motion/importMotion.js';
import type { JointMapping } from '../retarget/mapping.js';

/**
 * Several people of a video onto several characters of a scene (issue 11), in one document edit:
 * each person's pose sequence goes through the ordinary motion import onto the character assigned
 * to them, starting at the project frame where their first video frame lands; optionally the
 * characters are placed as the people stood relative to each other (sideways spacing and depth
 * order), so two people who cross in the video cross in the scene. The editor's person picker and
 * `keypose motion from-video --assign` both call this.
 */

/** What this needs of a person found in the video (host/motion/videoMotion.ts's VideoPerson). */
export interface VideoPersonMotion {
  readonly trackId: number;
  readonly firstFrame: number;
  /** Hips at their first frame in the lift's camera space (torso units, x right, z towards the camera). */
  readonly startPosition: readonly [number, number, number] | null;
  readonly sequence: PoseSequence;
}

export interface PersonAssignment {
  readonly person: VideoPersonMotion;
  readonly characterId: string;
}

export interface PeopleOntoCharactersOptions {
  /** The project frame at which the video's frame 0 lands. */
  readonly videoStartFrame: number;
  /** Place the characters by the people's positions in the video (default true with two or more). */
  readonly place?: boolean;
  /** The import's options (keys or layer, tolerance, feet, root…); startFrame and fps are set here. */
  readonly importOptions?: Omit<ImportOptions, 'startFrame' | 'fps' | 'mapping'>;
  /** The mapping per character (default: the automatic one). */
  readonly mappingFor?: (prepared: PreparedImport, characterId: string) => JointMapping;
  /** A name for each person's clip (shown as a layer's name), default "person N". */
  readonly clipName?: (trackId: number) => string;
}

export interface PersonApplied {
  readonly trackId: number;
  readonly characterId: string;
  readonly result: ImportResult;
}

export interface PeopleOntoCharactersResult {
  readonly document: ProjectDocument;
  readonly applied: readonly PersonApplied[];
  /** Whether the characters were placed by the video (two or more people with known positions). */
  readonly placed: boolean;
}

export class AssignmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssignmentError';
  }
}

/** One person per character and one character per person; each character in the scene. */
function checkAssignments(doc: ProjectDocument, assignments: readonly PersonAssignment[]): void {
  if (assignments.length === 0) throw new AssignmentError('no person is assigned to a character');
  const characters = new Set<string>();
  const people = new Set<number>();
  for (const a of assignments) {
    const character = doc.characters.find((c) => c.id === a.characterId);
    if (!character) throw new AssignmentError(`the project has no character "${a.characterId}"`);
    if (characters.has(a.characterId))
      throw new AssignmentError(
        `two people are assigned to ${character.name}; give each character one person`,
      );
    if (people.has(a.person.trackId))
      throw new AssignmentError(`person ${a.person.trackId} is assigned twice`);
    characters.add(a.characterId);
    people.add(a.person.trackId);
  }
}

export interface PlacedCharacter {
  /** Where the person stood at their first frame (lift space, torso units). */
  readonly position: Vec3;
  readonly placement: Placement;
  /** Output pixels the character's root travels per torso unit of its person (leg ratio × scale). */
  readonly pxPerUnit: number;
}

/**
 * New placements keeping the characters' centre where they are now: sideways offsets and the 3D
 * view's depth from the people's spacing, in output pixels at the characters' mean travel scale
 * (the same scale their root motion moves at, so the spacing and the travel agree). Height (y)
 * is kept: each character stands on its own floor.
 */
export function placementsFromPeople(characters: readonly PlacedCharacter[]): Placement[] {
  const n = characters.length;
  const mean = (f: (c: PlacedCharacter) => number) => characters.reduce((s, c) => s + f(c), 0) / n;
  const anchorX = mean((c) => c.placement.offset[0]);
  const anchorZ = mean((c) => c.placement.offset[2]);
  const peopleX = mean((c) => c.position[0]);
  const peopleZ = mean((c) => c.position[2]);
  const k = mean((c) => c.pxPerUnit);
  return characters.map((c) => ({
    ...c.placement,
    offset: [
      anchorX + (c.position[0] - peopleX) * k,
      c.placement.offset[1],
      anchorZ + (c.position[2] - peopleZ) * k,
    ],
  }));
}

/**
 * The scene's characters with the assigned ones re-ordered among the slots they already hold, the
 * person furthest from the camera first (list order is depth order: first = furthest back).
 */
function orderByDepth<T extends { id: string }>(
  list: readonly T[],
  depthById: ReadonlyMap<string, number>,
): T[] {
  const slots = list.flatMap((c, i) => (depthById.has(c.id) ? [i] : []));
  const sorted = slots.map((i) => list[i]!).sort((a, b) => depthById.get(a.id)! - depthById.get(b.id)!);
  const out = [...list];
  slots.forEach((slot, i) => {
    out[slot] = sorted[i]!;
  });
  return out;
}

export function peopleOntoCharacters(
  doc: ProjectDocument,
  assignments: readonly PersonAssignment[],
  opts: PeopleOntoCharactersOptions,
): PeopleOntoCharactersResult {
  checkAssignments(doc, assignments);
  const prepared = assignments.map((a) => {
    const character = doc.characters.find((c) => c.id === a.characterId)!;
    const source = readPoseSequence(
      JSON.stringify(a.person.sequence),
      opts.clipName?.(a.person.trackId) ?? `person ${a.person.trackId}`,
      character.skeleton,
    );
    return { a, prepared: prepareImport(source, character.skeleton) };
  });
  const withPositions = prepared.filter((p) => p.a.person.startPosition !== null);
  const place = (opts.place ?? true) && withPositions.length >= 2 && withPositions.length === prepared.length;
  let document = doc;
  if (place) {
    const placements = placementsFromPeople(
      prepared.map(({ a, prepared: p }) => {
        const character = document.characters.find((c) => c.id === a.characterId)!;
        return {
          position: a.person.startPosition as Vec3,
          placement: character.placement,
          pxPerUnit: (p.targetRig.legLength / p.sourceRig.legLength) * character.placement.scale,
        };
      }),
    );
    const byId = new Map(prepared.map(({ a }, i) => [a.characterId, placements[i]!]));
    const depth = new Map(prepared.map(({ a }) => [a.characterId, a.person.startPosition![2]]));
    document = {
      ...document,
      characters: orderByDepth(
        document.characters.map((c) => (byId.has(c.id) ? { ...c, placement: byId.get(c.id)! } : c)),
        depth,
      ),
    };
  }
  const applied: PersonApplied[] = [];
  for (const { a, prepared: p } of prepared) {
    const character = document.characters.find((c) => c.id === a.characterId)!;
    const result = importClip(p, character.skeleton, character.motion, {
      as: 'keys',
      ...opts.importOptions,
      fps: document.fps,
      startFrame: opts.videoStartFrame + a.person.firstFrame,
      mapping: opts.mappingFor?.(p, a.characterId) ?? p.mapping,
    });
    document = applyImportedMotion(document, a.characterId, result);
    applied.push({ trackId: a.person.trackId, characterId: a.characterId, result });
  }
  return { document, applied, placed: place };
}
