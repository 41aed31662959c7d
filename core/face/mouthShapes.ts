import type { FaceChannel } from './params.js';

/**
 * The nine mouth shapes of the Preston Blair set as Rhubarb Lip Sync, Moho, Papagayo and Adobe
 * Character Animator name them (A–H and X; Rhubarb's README draws them). Lip sync writes these as
 * keys; the face pass turns a shape into mouth channel values (MOUTH_SHAPE_POSES) or swaps in the
 * user's own drawing of it (FaceRig.mouthArt).
 */
export const MOUTH_SHAPES = ['X', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;
export type MouthShape = (typeof MOUTH_SHAPES)[number];

export const MOUTH_SHAPE_DOCS: Readonly<Record<MouthShape, string>> = {
  X: 'rest: mouth closed and relaxed (silence, pauses)',
  A: 'closed, lips pressed (M, B, P)',
  B: 'slightly open, teeth together (K, S, T, EE and most consonants)',
  C: 'open (EH, AE, AH)',
  D: 'wide open (AA)',
  E: 'slightly rounded (AO, ER)',
  F: 'puckered (UW, OW, W)',
  G: 'upper teeth on the lower lip (F, V)',
  H: 'open with the tongue raised (long L)',
};

export function isMouthShape(value: string): value is MouthShape {
  return (MOUTH_SHAPES as readonly string[]).includes(value);
}

/**
 * Each shape as mouth channel values (unlisted mouth channels are 0). These are the targets the
 * evaluation blends between, so a drawn or warped mouth moves smoothly from shape to shape.
 */
export const MOUTH_SHAPE_POSES: Readonly<Record<MouthShape, Partial<Record<FaceChannel, number>>>> = {
  X: {},
  A: { lipPress: 1 },
  B: { jawOpen: 0.12, teeth: 1, mouthWide: 0.25 },
  C: { jawOpen: 0.4, teeth: 0.5, mouthWide: 0.15 },
  D: { jawOpen: 0.85, teeth: 0.4, tongue: 0.2, mouthWide: 0.1 },
  E: { jawOpen: 0.35, mouthRound: 0.5, mouthWide: -0.2 },
  F: { jawOpen: 0.12, mouthRound: 1, mouthWide: -0.45 },
  G: { jawOpen: 0.1, lipTuck: 1, teeth: 1 },
  H: { jawOpen: 0.45, tongue: 1, teeth: 0.4 },
};

/** The mouth channels a mouth shape sets (the rest of the face is left to other sources). */
export const MOUTH_CHANNELS: readonly FaceChannel[] = [
  'jawOpen',
  'mouthWide',
  'mouthRound',
  'lipPress',
  'teeth',
  'tongue',
  'lipTuck',
];

/**
 * The phoneme-to-shape table (ARPAbet, as CMUdict and PocketSphinx spell phones; stress digits
 * dropped). It follows Rhubarb's own rules (its animation/ShapeRule code) for the first part of
 * each phone; diphthongs take the shape of their start. The lip-sync tests take their truth from
 * it: espeak-ng says which phone starts when, this table says which shape that is.
 */
export const PHONEME_TO_SHAPE: Readonly<Record<string, MouthShape>> = {
  // vowels
  AA: 'D',
  AE: 'C',
  AH: 'C',
  AO: 'E',
  AW: 'D',
  AY: 'C',
  EH: 'C',
  ER: 'E',
  EY: 'C',
  IH: 'B',
  IY: 'B',
  OW: 'E',
  OY: 'E',
  UH: 'E',
  UW: 'F',
  // consonants
  B: 'A',
  M: 'A',
  P: 'A',
  F: 'G',
  V: 'G',
  W: 'F',
  R: 'B',
  L: 'H',
  CH: 'B',
  JH: 'B',
  SH: 'B',
  ZH: 'B',
  D: 'B',
  T: 'B',
  N: 'B',
  NG: 'B',
  K: 'B',
  G: 'B',
  S: 'B',
  Z: 'B',
  TH: 'B',
  DH: 'B',
  HH: 'B',
  Y: 'B',
  // silence
  SIL: 'X',
};

export function shapeForPhoneme(arpabet: string): MouthShape | null {
  return PHONEME_TO_SHAPE[arpabet.toUpperCase().replace(/[0-9]/g, '')] ?? null;
}
