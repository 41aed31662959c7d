/**
 * The face rig's parameters: the numbers a face key, a lip-sync track, an expression or a face
 * video drives, and the face pass (core/render/face) draws. One flat set of named channels so
 * every source (keys, mouth shapes, generated speech motion, issue 13's expressions and video
 * tracking) adds into the same place and the renderer knows one thing. docs/face.md lists them.
 *
 * Sides are the CHARACTER's: `blinkL` closes the character's left eye, which is the picture's
 * right for a figure facing the camera (as body joints are named, core/skeleton/humanoid.ts).
 */

export interface FaceChannelSpec {
  /** Smallest and largest value; evaluation clamps into [min, max]. */
  readonly min: number;
  readonly max: number;
  /** The value of a face at rest (what an unkeyed channel is). */
  readonly neutral: number;
  /** What the channel does, for docs and tooltips. */
  readonly doc: string;
  /** Grouping in the UI. */
  readonly group: 'mouth' | 'eyes' | 'brows';
}

export const FACE_CHANNEL_SPECS = {
  jawOpen: {
    min: 0,
    max: 1,
    neutral: 0,
    group: 'mouth',
    doc: 'lower lip and jaw drop; 1 = as wide open as a shouting mouth (about the mouth width)',
  },
  mouthWide: {
    min: -1,
    max: 1,
    neutral: 0,
    group: 'mouth',
    doc: 'corners pulled apart (+) or together (−); ±1 ≈ ±25% of the mouth width',
  },
  mouthRound: {
    min: 0,
    max: 1,
    neutral: 0,
    group: 'mouth',
    doc: 'lips pursed into a round O (OO, W): narrower, lips pushed forward',
  },
  lipPress: {
    min: 0,
    max: 1,
    neutral: 0,
    group: 'mouth',
    doc: 'lips pressed together (M, B, P): the mouth line thins',
  },
  teeth: { min: 0, max: 1, neutral: 0, group: 'mouth', doc: 'how much of the teeth shows between open lips' },
  tongue: { min: 0, max: 1, neutral: 0, group: 'mouth', doc: 'tongue raised behind the teeth (L, TH)' },
  lipTuck: {
    min: 0,
    max: 1,
    neutral: 0,
    group: 'mouth',
    doc: 'lower lip tucked under the upper teeth (F, V)',
  },
  smile: {
    min: -1,
    max: 1,
    neutral: 0,
    group: 'mouth',
    doc: 'corners up (+, smile) or down (−, frown); 1 ≈ 15% of the mouth width',
  },
  blinkL: {
    min: 0,
    max: 1,
    neutral: 0,
    group: 'eyes',
    doc: "the character's left upper lid: 0 open, 1 closed",
  },
  blinkR: {
    min: 0,
    max: 1,
    neutral: 0,
    group: 'eyes',
    doc: "the character's right upper lid: 0 open, 1 closed",
  },
  gazeX: {
    min: -1,
    max: 1,
    neutral: 0,
    group: 'eyes',
    doc: "pupils towards the character's left (+) or right (−); 1 ≈ 35% of the eye's width",
  },
  gazeY: {
    min: -1,
    max: 1,
    neutral: 0,
    group: 'eyes',
    doc: 'pupils up (+) or down (−); 1 ≈ 35% of the eye opening',
  },
  browRaiseL: {
    min: -1,
    max: 1,
    neutral: 0,
    group: 'brows',
    doc: "the character's left brow up (+) or down (−); 1 ≈ the eye's height",
  },
  browRaiseR: {
    min: -1,
    max: 1,
    neutral: 0,
    group: 'brows',
    doc: "the character's right brow up (+) or down (−)",
  },
  browFrown: {
    min: 0,
    max: 1,
    neutral: 0,
    group: 'brows',
    doc: 'inner ends of both brows drawn down and together (anger, focus)',
  },
} as const satisfies Record<string, FaceChannelSpec>;

export type FaceChannel = keyof typeof FACE_CHANNEL_SPECS;
export const FACE_CHANNELS = Object.keys(FACE_CHANNEL_SPECS) as FaceChannel[];

/** Every channel's value at one instant. */
export type FaceParams = { readonly [C in FaceChannel]: number };

export const NEUTRAL_FACE: FaceParams = Object.fromEntries(
  FACE_CHANNELS.map((c) => [c, FACE_CHANNEL_SPECS[c].neutral]),
) as FaceParams;

export function isFaceChannel(name: string): name is FaceChannel {
  return Object.hasOwn(FACE_CHANNEL_SPECS, name);
}

export function clampChannel(channel: FaceChannel, value: number): number {
  const spec = FACE_CHANNEL_SPECS[channel];
  if (!Number.isFinite(value)) return spec.neutral;
  return Math.min(spec.max, Math.max(spec.min, value));
}

/** True when the face differs from rest (the face pass can skip a neutral face). */
export function isNeutralFace(params: FaceParams, epsilon = 1e-4): boolean {
  return FACE_CHANNELS.every((c) => Math.abs(params[c] - NEUTRAL_FACE[c]) <= epsilon);
}
