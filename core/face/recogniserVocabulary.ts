/**
 * What the recogniser may hear (docs/face.md, "Lip sync: a small vocabulary").
 *
 * Rhubarb decodes speech with PocketSphinx against the whole US English vocabulary: CMUdict's
 * ~126,000 words and a 27 MB trigram language model, biased towards the dialogue's words when the
 * text is known. Searching all of them at every moment is most of its cost (~1 s of work per audio
 * second on one core here) and lets it hear words the actor did not say. Lip sync needs the sounds,
 * not the words, so Keypose hands Rhubarb a vocabulary of its own in place of those two files:
 *
 * - with the dialogue: only the dialogue's words (their CMUdict pronunciations, alternates
 *   included) and a language model over them. Rhubarb still builds its own model of the text's
 *   word order and mixes it with this one (0.9 / 0.1), so the words may come in any order, be
 *   repeated or left out; a word CMUdict lacks gets Rhubarb's letter-to-sound spelling, as before;
 * - without it: a phone loop, each of CMUdict's 39 phones a "word" of its own, with a phone bigram
 *   counted over the dictionary's pronunciations (what Rhubarb's own "phonetic" recogniser does,
 *   which this wasm build does not expose).
 *
 * bench/lipsync.bench.ts measures both against Rhubarb's full vocabulary in one run (figures in
 * docs/face.md): with the text closer to the truth, without it slightly further, and 3-4× faster
 * either way.
 *
 * Pure: the dictionary's text comes from the recogniser thread (host/lipsync/), this module picks
 * from it and writes the language models (ARPA text, which PocketSphinx reads when the file is not
 * its binary format).
 */

/** Words that spoken numbers and ordinals are made of (flite reads "5th" as "fifth"). */
const NUMBER_WORDS = [
  'zero',
  'oh',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
  'hundred',
  'thousand',
  'million',
  'billion',
  'and',
  'point',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'twentieth',
  'thirtieth',
  'hundredth',
  'thousandth',
];

/** Symbols Rhubarb's tokeniser reads as words (its tokenization.cpp), abbreviations flite expands. */
const SYMBOL_WORDS: Readonly<Record<string, readonly string[]>> = {
  '&': ['and'],
  '*': ['times'],
  '+': ['plus'],
  '=': ['equals'],
  '@': ['at'],
  '%': ['percent'],
  $: ['dollar', 'dollars'],
};
const ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  mr: ['mister'],
  mrs: ['missus'],
  ms: ['miss'],
  dr: ['doctor', 'drive'],
  st: ['saint', 'street'],
  jr: ['junior'],
  sr: ['senior'],
  vs: ['versus'],
  etc: ['etcetera'],
};

/**
 * The words of a dialogue as the dictionary spells them (lower case, apostrophes kept), with the
 * variants Rhubarb's tokeniser may turn a token into: the word without its apostrophes or its
 * "'s", symbols and numbers read as words, common abbreviations spelled out. Deduplicated, in
 * order of first appearance.
 */
export function dialogWords(text: string): string[] {
  const out = new Set<string>();
  const add = (w: string) => {
    if (w) out.add(w);
  };
  const lower = text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
  for (const [symbol, words] of Object.entries(SYMBOL_WORDS)) if (lower.includes(symbol)) words.forEach(add);
  if (/\d/.test(lower)) NUMBER_WORDS.forEach(add);
  for (const raw of lower.split(/[^a-z']+/)) {
    const word = raw.replace(/^'+|'+$/g, '');
    if (!word) continue;
    add(word);
    if (word.includes("'")) {
      add(word.replace(/'/g, ''));
      add(word.replace(/'s$/, ''));
      for (const part of word.split("'")) if (part.length > 1) add(part);
    }
    ABBREVIATIONS[word]?.forEach(add);
  }
  return [...out];
}

/**
 * A pronouncing dictionary in CMUdict's text format: one pronunciation a line, `word PH PH ...`,
 * alternates as `word(2) ...`. Kept as text with a leading newline so a word's lines are found with
 * indexOf (the file is 3.3 MB: a Map of it would cost the host ~20 MB for lookups it rarely does).
 */
export class PronouncingDictionary {
  private readonly text: string;

  constructor(text: string) {
    this.text = `\n${text.replace(/\r\n?/g, '\n')}${text.endsWith('\n') ? '' : '\n'}`;
  }

  /** Every line for `word` (its pronunciations: the first and its numbered alternates). */
  linesFor(word: string): string[] {
    const lines: string[] = [];
    for (const head of [`\n${word} `, `\n${word}(`]) {
      let at = this.text.indexOf(head);
      while (at >= 0) {
        const end = this.text.indexOf('\n', at + 1);
        const line = this.text.slice(at + 1, end);
        if (head.endsWith(' ') || /^\S+\(\d+\)\s/.test(line)) lines.push(line);
        at = this.text.indexOf(head, end);
      }
    }
    return lines;
  }

  has(word: string): boolean {
    return this.text.includes(`\n${word} `);
  }
}

/**
 * The dictionary for one dialogue: the lines of its words that the full dictionary has, in the
 * full dictionary's format. Empty when none of the words is known (Rhubarb then spells them all
 * with its letter-to-sound rules).
 */
export function dialogDictionary(dictionary: PronouncingDictionary, text: string): string {
  return dictionaryFor(dictionary, dialogWords(text));
}

function dictionaryFor(dictionary: PronouncingDictionary, words: readonly string[]): string {
  const lines = words.flatMap((w) => dictionary.linesFor(w));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** One vocabulary for the recogniser: a CMUdict-format dictionary and an ARPA language model. */
export interface RecogniserVocabulary {
  readonly dictionary: string;
  readonly languageModel: string;
}

const log10 = (x: number) => Math.log10(x).toFixed(4);

/** A unigram ARPA model giving each word (and the sentence marks) the same probability. */
export function unigramLanguageModel(words: readonly string[]): string {
  const all = ['<s>', '</s>', ...words.filter((w) => w !== '<s>' && w !== '</s>')];
  const p = log10(1 / all.length);
  return [
    '\\data\\',
    `ngram 1=${all.length}`,
    '',
    '\\1-grams:',
    ...all.map((w) => `${p} ${w}`),
    '',
    '\\end\\',
    '',
  ].join('\n');
}

/**
 * The vocabulary for one line of dialogue, or null when the text has no words (the phone loop
 * serves then). Words CMUdict lacks stay in the language model: Rhubarb adds them to the
 * dictionary with its letter-to-sound rules before it builds the search.
 */
export function dialogVocabulary(
  dictionary: PronouncingDictionary,
  text: string,
): RecogniserVocabulary | null {
  const words = dialogWords(text);
  if (!words.length) return null;
  return {
    dictionary: dictionaryFor(dictionary, words),
    languageModel: unigramLanguageModel(words),
  };
}

/**
 * A phone loop: every phone of the dictionary as a word pronounced by itself, and a bigram over
 * phones counted across the dictionary's first pronunciations (word edges as sentence marks),
 * add-one smoothed and written out in full (every pair listed, so no back-off is ever needed).
 */
export function phoneLoopVocabulary(dictionary: string): RecogniserVocabulary {
  const unigram = new Map<string, number>();
  const bigram = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const line of dictionary.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // First pronunciations only (alternates would count a word twice); `#` starts a comment.
    if (fields.length < 2 || /\(\d+\)$/.test(fields[0] as string)) continue;
    const end = fields.indexOf('#');
    const phones = fields.slice(1, end < 0 ? undefined : end).map((p) => p.replace(/\d$/, '').toLowerCase());
    if (!phones.length || phones.some((p) => !/^[a-z]+$/.test(p))) continue;
    const seq = ['<s>', ...phones, '</s>'];
    for (let i = 0; i < seq.length; i++) {
      count(unigram, seq[i] as string);
      if (i > 0) count(bigram, `${seq[i - 1]} ${seq[i]}`);
    }
  }
  const phones = [...unigram.keys()].filter((p) => p !== '<s>' && p !== '</s>').sort();
  const vocab = ['<s>', '</s>', ...phones];
  const total = [...unigram.values()].reduce((a, b) => a + b, 0);
  const unigrams = vocab.map((w) => `${log10((unigram.get(w) ?? 1) / total)} ${w} 0.0000`);
  const bigrams: string[] = [];
  for (const a of vocab) {
    if (a === '</s>') continue;
    const followers = vocab.filter((b) => b !== '<s>');
    const seen = followers.reduce((s, b) => s + (bigram.get(`${a} ${b}`) ?? 0), 0);
    for (const b of followers)
      bigrams.push(`${log10(((bigram.get(`${a} ${b}`) ?? 0) + 1) / (seen + followers.length))} ${a} ${b}`);
  }
  return {
    dictionary: `${phones.map((p) => `${p} ${p.toUpperCase()}`).join('\n')}\n`,
    languageModel: [
      '\\data\\',
      `ngram 1=${unigrams.length}`,
      `ngram 2=${bigrams.length}`,
      '',
      '\\1-grams:',
      ...unigrams,
      '',
      '\\2-grams:',
      ...bigrams,
      '',
      '\\end\\',
      '',
    ].join('\n'),
  };
}
