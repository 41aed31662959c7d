import { ApiError } from '../contract/api.js';
import { clampChannel, FACE_CHANNEL_SPECS, type FaceChannel } from './params.js';

/**
 * Expressions from text (docs/face.md, "Expressions from text"): a short prompt such as "sad",
 * "a bit surprised", "angry, 50%", "smiling with an open mouth" or "wink left" becomes facial
 * action units (FACS, Ekman & Friesen) and then face channel values. Pure and offline: a small
 * lexicon written here (no WordNet: none ships in this project; the synonyms below are the
 * common ones). The two steps are kept apart so the table in the docs can say which AUs a word
 * means, and the AU → channel mapping is the one place that knows the face rig.
 *
 * Sides are the CHARACTER's (as the face channels are): "wink left" closes the character's left eye.
 */

/** The action units this rig can show, each with its FACS name. */
export const ACTION_UNITS = {
  AU1: 'inner brow raiser',
  AU2: 'outer brow raiser',
  AU4: 'brow lowerer',
  AU6: 'cheek raiser',
  AU7: 'lid tightener',
  AU10: 'upper lip raiser',
  AU12: 'lip corner puller',
  AU15: 'lip corner depressor',
  AU18: 'lip pucker',
  AU20: 'lip stretcher',
  AU24: 'lip pressor',
  AU25: 'lips part',
  AU26: 'jaw drop',
  AU27: 'mouth stretch',
  AU45: 'blink (both eyes)',
  AU46L: 'wink, left eye',
  AU46R: 'wink, right eye',
  AU61: 'eyes turn left',
  AU62: 'eyes turn right',
  AU63: 'eyes up',
  AU64: 'eyes down',
} as const;
export type ActionUnit = keyof typeof ACTION_UNITS;

/** What one action unit at full intensity (1) does to the channels (offsets from rest). */
export const AU_TO_CHANNELS: Readonly<Record<ActionUnit, Partial<Record<FaceChannel, number>>>> = {
  AU1: { browRaiseL: 0.5, browRaiseR: 0.5 },
  AU2: { browRaiseL: 0.5, browRaiseR: 0.5 },
  AU4: { browFrown: 1, browRaiseL: -0.3, browRaiseR: -0.3 },
  AU6: { blinkL: 0.2, blinkR: 0.2, smile: 0.2 },
  AU7: { blinkL: 0.3, blinkR: 0.3 },
  AU10: { teeth: 0.4, smile: -0.2 },
  AU12: { smile: 1, mouthWide: 0.3 },
  AU15: { smile: -1 },
  AU18: { mouthRound: 1, mouthWide: -0.4 },
  AU20: { mouthWide: 0.7 },
  AU24: { lipPress: 1 },
  AU25: { jawOpen: 0.1 },
  AU26: { jawOpen: 0.45 },
  AU27: { jawOpen: 0.9, mouthWide: 0.2 },
  AU45: { blinkL: 1, blinkR: 1 },
  AU46L: { blinkL: 1 },
  AU46R: { blinkR: 1 },
  AU61: { gazeX: 0.8 },
  AU62: { gazeX: -0.8 },
  AU63: { gazeY: 0.8 },
  AU64: { gazeY: -0.8 },
};

type AuSet = Partial<Record<ActionUnit, number>>;

/**
 * The terms: each names AUs and their intensities at the term's full strength. The emotions follow
 * the EMFACS prototypes (happiness 6+12, sadness 1+4+15, surprise 1+2+5+26, fear 1+2+4+5+20+26,
 * anger 4+5+7+23, disgust 9+15+16); AUs the rig cannot show (5, 9, 16, 23) are left out or given
 * their nearest (23 lip tightener → 24 lip pressor, 9/16 → 10 + 15).
 */
const TERMS: Readonly<Record<string, AuSet>> = {
  neutral: {},
  happy: { AU6: 0.6, AU12: 0.8 },
  sad: { AU1: 1, AU4: 0.15, AU15: 0.8 },
  surprised: { AU1: 1, AU2: 1, AU25: 1, AU26: 1 },
  afraid: { AU1: 0.8, AU2: 0.6, AU4: 0.4, AU20: 0.8, AU25: 1, AU26: 0.6 },
  angry: { AU4: 1, AU7: 0.6, AU24: 0.6, AU15: 0.3 },
  disgusted: { AU4: 0.4, AU10: 1, AU15: 0.6, AU7: 0.4 },
  smile: { AU12: 0.8, AU6: 0.4 },
  grin: { AU12: 1, AU6: 0.6, AU20: 0.5, AU10: 0.6, AU25: 1 },
  frown: { AU4: 0.8, AU15: 0.6 },
  pout: { AU18: 0.8, AU15: 0.3 },
  'open mouth': { AU25: 1, AU26: 1 },
  'closed mouth': { AU24: 0.4 },
  shouting: { AU27: 1, AU4: 0.5, AU20: 0.4 },
  'pressed lips': { AU24: 1 },
  'raised brows': { AU1: 1, AU2: 1 },
  squint: { AU7: 1, AU6: 0.5 },
  'eyes closed': { AU45: 1 },
  wink: { AU46L: 1 },
  'wink left': { AU46L: 1 },
  'wink right': { AU46R: 1 },
  'look left': { AU61: 1 },
  'look right': { AU62: 1 },
  'look up': { AU63: 1 },
  'look down': { AU64: 1 },
};

/** Other words for the terms (the lexicon's synonyms and word forms). */
const SYNONYMS: Readonly<Record<string, string>> = {
  calm: 'neutral',
  rest: 'neutral',
  happiness: 'happy',
  glad: 'happy',
  joyful: 'happy',
  joy: 'happy',
  cheerful: 'happy',
  pleased: 'happy',
  smiling: 'smile',
  smiles: 'smile',
  grinning: 'grin',
  sadness: 'sad',
  unhappy: 'sad',
  sorrowful: 'sad',
  gloomy: 'sad',
  upset: 'sad',
  crying: 'sad',
  surprise: 'surprised',
  astonished: 'surprised',
  amazed: 'surprised',
  shocked: 'surprised',
  startled: 'surprised',
  fear: 'afraid',
  scared: 'afraid',
  frightened: 'afraid',
  fearful: 'afraid',
  terrified: 'afraid',
  anger: 'angry',
  mad: 'angry',
  furious: 'angry',
  cross: 'angry',
  annoyed: 'angry',
  disgust: 'disgusted',
  grossed: 'disgusted',
  frowning: 'frown',
  pouting: 'pout',
  'mouth open': 'open mouth',
  'opened mouth': 'open mouth',
  'open-mouthed': 'open mouth',
  gasp: 'open mouth',
  'mouth closed': 'closed mouth',
  shout: 'shouting',
  shouts: 'shouting',
  yelling: 'shouting',
  yell: 'shouting',
  screaming: 'shouting',
  scream: 'shouting',
  'raised eyebrows': 'raised brows',
  'eyebrows raised': 'raised brows',
  'brows raised': 'raised brows',
  'raise eyebrows': 'raised brows',
  'raise brows': 'raised brows',
  squinting: 'squint',
  'closed eyes': 'eyes closed',
  'eyes shut': 'eyes closed',
  winking: 'wink',
  'left wink': 'wink left',
  'wink the left eye': 'wink left',
  'wink left eye': 'wink left',
  'right wink': 'wink right',
  'wink right eye': 'wink right',
  'wink the right eye': 'wink right',
  'looking left': 'look left',
  'looking right': 'look right',
  'looking up': 'look up',
  'looking down': 'look down',
};

/** Intensity words: the factor they scale the next term (or the whole phrase part) by. */
export const INTENSITY_WORDS: Readonly<Record<string, number>> = {
  'a bit': 0.4,
  'a little': 0.4,
  'a tad': 0.3,
  slightly: 0.4,
  somewhat: 0.6,
  'kind of': 0.5,
  mildly: 0.5,
  moderately: 0.6,
  quite: 0.8,
  very: 1.3,
  really: 1.3,
  extremely: 1.6,
  totally: 1.6,
  fully: 1.6,
};

/** Words that join parts of a phrase or carry nothing (ignored). */
const JOINERS = new Set(['and', 'with', 'plus', 'but', 'while', 'also']);
const FILLERS = new Set(['a', 'an', 'the', 'is', 'looks', 'looking', 'face', 'expression', 'mouth', 'eyes']);

export interface ParsedTerm {
  readonly term: string;
  /** The words of the prompt it came from. */
  readonly words: string;
  readonly intensity: number;
}

export interface ParsedExpression {
  readonly terms: readonly ParsedTerm[];
  /** Summed action units (term AU × intensity). */
  readonly actionUnits: Partial<Record<ActionUnit, number>>;
  /** Channel values (absolute, clamped to each channel's range) for every expression channel. */
  readonly channels: Record<ExpressionChannel, number>;
}

/** The channels an expression sets (every channel some action unit moves). */
export const EXPRESSION_CHANNELS = [
  ...new Set(Object.values(AU_TO_CHANNELS).flatMap((c) => Object.keys(c) as FaceChannel[])),
] as ExpressionChannel[];
export type ExpressionChannel = Exclude<FaceChannel, 'tongue' | 'lipTuck'>;

/** Every word or phrase the parser understands, for the error message and the docs. */
export function understoodWords(): string[] {
  return [...Object.keys(TERMS), ...Object.keys(SYNONYMS)].sort();
}

const PHRASES = [...Object.keys(TERMS), ...Object.keys(SYNONYMS), ...Object.keys(INTENSITY_WORDS)]
  .map((p) => p.split(' '))
  .sort((a, b) => b.length - a.length);

function percent(token: string): number | null {
  const m = /^(\d{1,3}(?:\.\d+)?)%$/.exec(token);
  return m ? Number(m[1]) / 100 : null;
}

/**
 * Parses a prompt. Parts are separated by commas, semicolons, "+" or joining words ("and",
 * "with"); an intensity word or percentage applies to the part it is in, and a part that is only
 * an intensity ("angry, 50%") applies to the part before it. Terms add up (their action units sum),
 * then each channel is clamped to its range. Unknown words are an `invalid-argument` error naming
 * them and listing what is understood.
 */
export function parseExpression(text: string): ParsedExpression {
  const tokens = text
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/\.(?!\d)/g, ' ')
    .split(/(\s+|[,;+!?])/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const parts: { terms: { term: string; words: string }[]; scale: number | null }[] = [
    { terms: [], scale: null },
  ];
  const unknown: string[] = [];
  const current = () => parts[parts.length - 1] as (typeof parts)[number];
  const split = () => {
    if (current().terms.length > 0 || current().scale !== null) parts.push({ terms: [], scale: null });
  };
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i] as string;
    if (/^[,;+]$/.test(token) || JOINERS.has(token)) {
      split();
      i++;
      continue;
    }
    if (/^[!?]$/.test(token)) {
      i++;
      continue;
    }
    const p = percent(token) ?? (/^\d+$/.test(token) && tokens[i + 1] === '%' ? Number(token) / 100 : null);
    if (p !== null) {
      current().scale = (current().scale ?? 1) * p;
      i += tokens[i + 1] === '%' && !token.endsWith('%') ? 2 : 1;
      continue;
    }
    const phrase = PHRASES.find((words) => words.every((w, k) => tokens[i + k] === w));
    if (phrase) {
      const key = phrase.join(' ');
      i += phrase.length;
      const intensity = INTENSITY_WORDS[key];
      if (intensity !== undefined) current().scale = (current().scale ?? 1) * intensity;
      else current().terms.push({ term: SYNONYMS[key] ?? key, words: key });
      continue;
    }
    if (!FILLERS.has(token)) unknown.push(token);
    i++;
  }
  if (unknown.length > 0) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `not understood in the expression "${text.trim()}": ${[...new Set(unknown)].map((w) => `"${w}"`).join(', ')}. Understood: ${understoodWords().join(', ')}; intensities: ${Object.keys(INTENSITY_WORDS).join(', ')} or a percentage (50%).`,
    });
  }
  // A part that is only an intensity scales the part before it.
  const merged: typeof parts = [];
  for (const part of parts) {
    const prev = merged[merged.length - 1];
    if (part.terms.length === 0 && part.scale !== null && prev) prev.scale = (prev.scale ?? 1) * part.scale;
    else if (part.terms.length > 0) merged.push(part);
  }
  if (merged.length === 0) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `the expression "${text.trim()}" names no expression. Try e.g. "sad", "a bit happy", "surprised with an open mouth", "wink left".`,
    });
  }
  const terms: ParsedTerm[] = merged.flatMap((part) =>
    part.terms.map((t) => ({ ...t, intensity: part.scale ?? 1 })),
  );
  const actionUnits: Partial<Record<ActionUnit, number>> = {};
  for (const t of terms) {
    for (const [au, v] of Object.entries(TERMS[t.term] ?? {}) as [ActionUnit, number][])
      actionUnits[au] = (actionUnits[au] ?? 0) + v * t.intensity;
  }
  return { terms, actionUnits, channels: channelsFromActionUnits(actionUnits) };
}

/** Action units → channel values (rest + the sum of each AU's offsets), clamped to each range. */
export function channelsFromActionUnits(
  actionUnits: Partial<Record<ActionUnit, number>>,
): Record<ExpressionChannel, number> {
  const out = Object.fromEntries(
    EXPRESSION_CHANNELS.map((c) => [c, FACE_CHANNEL_SPECS[c].neutral]),
  ) as Record<ExpressionChannel, number>;
  for (const [au, amount] of Object.entries(actionUnits) as [ActionUnit, number][]) {
    for (const [channel, v] of Object.entries(AU_TO_CHANNELS[au]) as [ExpressionChannel, number][])
      out[channel] += v * amount;
  }
  for (const c of EXPRESSION_CHANNELS) out[c] = clampChannel(c, out[c]);
  return out;
}

/** The terms and their action units, for docs/face.md's table (and its test). */
export function expressionTable(): { term: string; actionUnits: AuSet }[] {
  return Object.entries(TERMS).map(([term, actionUnits]) => ({ term, actionUnits }));
}
