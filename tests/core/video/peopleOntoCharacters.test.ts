import { describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../../core/document/schema.js';
import { rotate } from '../../../core/math/align.js';
import type { Vec3 } from '../../../core/math/types.js';
import type { HeadTurn, LiftedPerson } from '../../../core/video/lift.js';
import {
  AssignmentError,
  peopleOntoCharacters,
  placementsFromPeople,
  type VideoPersonMotion,
} from '../../../core/video/peopleOntoCharacters.js';
import { videoPoseSequence } from '../../../core/video/videoPoseSequence.js';
import { makeDocument } from '../../renderer/fixtures.js';

/** A person standing still (T-pose-ish) at `at` for `frames` frames, first seen at `firstFrame`. */
function person(
  trackId: number,
  at: Vec3,
  firstFrame: number,
  frames = 6,
  head: HeadTurn = null,
): VideoPersonMotion {
  const joints: Record<string, Vec3> = {
    Hips: [0, 0, 0],
    Neck: [0, 106, 0],
    Head: [0, 120, 0],
    LeftArm: [35, 100, 0],
    RightArm: [-35, 100, 0],
    LeftForeArm: [95, 100, 0],
    LeftHand: [145, 100, 0],
    RightForeArm: [-95, 100, 0],
    RightHand: [-145, 100, 0],
    LeftUpLeg: [20, 0, 0],
    RightUpLeg: [-20, 0, 0],
    LeftLeg: [20, -80, 0],
    RightLeg: [-20, -80, 0],
    LeftFoot: [20, -160, 0],
    RightFoot: [-20, -160, 0],
  };
  const total = firstFrame + frames;
  const lifted: LiftedPerson = {
    trackId,
    firstFrame,
    lastFrame: total - 1,
    proportions: {
      upperArm: 60,
      foreArm: 50,
      thigh: 80,
      shin: 80,
      shoulderWidth: 70,
      hipWidth: 40,
      head: 20,
    },
    frames: Array.from({ length: total }, (_, f) => (f >= firstFrame ? joints : null)),
    // Walking right by 5 units a frame.
    hipsPath: Array.from({ length: total }, (_, f) =>
      f >= firstFrame ? ([at[0] + 5 * (f - firstFrame), at[1], at[2]] as Vec3) : null,
    ),
    yawRad: Array.from({ length: total }, () => 0),
    head: Array.from({ length: total }, (_, f) => (f >= firstFrame ? head : null)),
  };
  return { trackId, firstFrame, startPosition: at, sequence: videoPoseSequence(lifted, { fps: 24 }) };
}

function twoCharacters(): ProjectDocument {
  const doc = makeDocument();
  const hero = doc.characters[0]!;
  return {
    ...doc,
    characters: [
      { ...hero, name: 'Hero' },
      {
        ...hero,
        id: 'char_villain' as typeof hero.id,
        name: 'Villain',
        placement: { offset: [100, 0, 0], scale: 1 },
      },
    ],
  };
}

describe('peopleOntoCharacters', () => {
  it('puts each person on their character at the frame their video frames land, as one document', () => {
    const doc = twoCharacters();
    const left = person(1, [-200, 0, -600], 0);
    const right = person(2, [200, 0, -500], 3);
    const out = peopleOntoCharacters(
      doc,
      [
        { person: left, characterId: 'char_villain' },
        { person: right, characterId: 'char_test' },
      ],
      { videoStartFrame: 10, place: true },
    );
    expect(out.applied.map((a) => a.result.frames)).toEqual([
      [10, 15],
      [13, 18],
    ]);
    const byName = (name: string) => out.document.characters.find((c) => c.name === name)!;
    expect(Object.keys(byName('Villain').motion.rotations).length).toBeGreaterThan(5);
    expect(Object.keys(byName('Hero').motion.rotations).length).toBeGreaterThan(5);
    // Placed as they stood: the left person's character is left of the other, centred where the
    // two characters were (mean x 50), and the one further from the camera is first (behind).
    expect(out.placed).toBe(true);
    const vx = byName('Villain').placement.offset[0];
    const hx = byName('Hero').placement.offset[0];
    expect(vx).toBeLessThan(hx);
    expect((vx + hx) / 2).toBeCloseTo(50, 6);
    expect(out.document.characters.map((c) => c.name)).toEqual(['Villain', 'Hero']);
    // The clip travels right from where its character now stands.
    const root = byName('Hero').motion.rootTranslation;
    expect(root.at(-1)!.value[0]).toBeGreaterThan(root[0]!.value[0]);
    // The input is untouched.
    expect(doc.characters[1]!.placement.offset).toEqual([100, 0, 0]);
  });

  it('keeps the placements when asked to, and refuses a character given two people', () => {
    const doc = twoCharacters();
    const a = person(1, [-200, 0, -500], 0);
    const b = person(2, [200, 0, -500], 0);
    const kept = peopleOntoCharacters(
      doc,
      [
        { person: a, characterId: 'char_test' },
        { person: b, characterId: 'char_villain' },
      ],
      { videoStartFrame: 0, place: false },
    );
    expect(kept.placed).toBe(false);
    expect(kept.document.characters.map((c) => c.placement)).toEqual(doc.characters.map((c) => c.placement));
    expect(() =>
      peopleOntoCharacters(
        doc,
        [
          { person: a, characterId: 'char_test' },
          { person: b, characterId: 'char_test' },
        ],
        { videoStartFrame: 0 },
      ),
    ).toThrow(AssignmentError);
    expect(() =>
      peopleOntoCharacters(doc, [{ person: a, characterId: 'nobody' }], { videoStartFrame: 0 }),
    ).toThrow(/no character "nobody"/);
  });

  it('spaces the characters by the people at the travel scale', () => {
    const placed = placementsFromPeople([
      { position: [-1, 0, 0], placement: { offset: [0, 7, 0], scale: 1 }, pxPerUnit: 10 },
      { position: [1, 0, 2], placement: { offset: [0, 9, 0], scale: 1 }, pxPerUnit: 30 },
    ]);
    expect(placed.map((p) => p.offset)).toEqual([
      [-20, 7, -20],
      [20, 9, 20],
    ]);
  });

  it("carries the face's turn and tilt into the head's rotation", () => {
    const still = person(1, [0, 0, -500], 0, 2).sequence;
    const turned = person(1, [0, 0, -500], 0, 2, { yawRad: 0.5, rollRad: 0.2, pitchRad: 0 }).sequence;
    const q = (seq: typeof still) => seq.frames[0]!.rotations.Head!;
    expect(q(still)).toEqual([0, 0, 0, 1]);
    // Local to a neck that stands straight up: the head's own turn, about Y then Z.
    const angle = 2 * Math.acos(Math.min(1, Math.abs(q(turned)[3])));
    expect(angle).toBeCloseTo(Math.hypot(0.5, 0.2), 1);
    expect(Math.abs(q(turned)[1])).toBeGreaterThan(Math.abs(q(turned)[2]));
  });

  it("carries the face's nod into the head's rotation: a positive pitch turns the face down", () => {
    const nodded = person(1, [0, 0, -500], 0, 2, { yawRad: 0, rollRad: 0, pitchRad: 0.4 }).sequence;
    const face = rotate(nodded.frames[0]!.rotations.Head!, [0, 0, 1]);
    expect(face[1]).toBeCloseTo(-Math.sin(0.4), 5);
    expect(face[2]).toBeCloseTo(Math.cos(0.4), 5);
    // Nod then turn: the face turned 0.5 to the viewer's right still looks 0.4 down.
    const both = person(1, [0, 0, -500], 0, 2, { yawRad: 0.5, rollRad: 0, pitchRad: 0.4 }).sequence;
    const f2 = rotate(both.frames[0]!.rotations.Head!, [0, 0, 1]);
    expect(f2[1]).toBeCloseTo(-Math.sin(0.4), 5);
    expect(Math.atan2(f2[0], f2[2])).toBeCloseTo(0.5, 5);
  });
});
