import { describe, expect, it } from 'vitest';
import {
  dialogDictionary,
  dialogVocabulary,
  dialogWords,
  PronouncingDictionary,
  phoneLoopVocabulary,
  unigramLanguageModel,
} from '../../../core/face/recogniserVocabulary.js';

/** A few lines in CMUdict's format (as pocketsphinx ships it: no stress marks, alternates numbered). */
const DICT = [
  'a AH',
  'a(2) EY',
  'and AE N D',
  'and(2) AH N D',
  'cat K AE T',
  "cat's K AE T S",
  'cats K AE T S',
  'dog D AO G',
  'dogma D AO G M AH',
  'five F AY V',
  'mister M IH S T ER',
  'the DH AH',
  'the(2) DH IY',
  'then DH EH N',
  'zoo Z UW # comment',
].join('\n');

/** Parses an ARPA model's header counts and its n-gram lines. */
function parseArpa(text: string) {
  const counts = new Map<number, number>();
  const grams = new Map<number, { logProb: number; words: string[] }[]>();
  let order = 0;
  for (const line of text.split('\n')) {
    const header = /^ngram (\d+)=(\d+)$/.exec(line);
    if (header) counts.set(Number(header[1]), Number(header[2]));
    const section = /^\\(\d+)-grams:$/.exec(line);
    if (section) order = Number(section[1]);
    else if (line.startsWith('\\')) order = 0;
    else if (order && line.trim()) {
      const fields = line.trim().split(/\s+/);
      const list = grams.get(order) ?? grams.set(order, []).get(order);
      list?.push({ logProb: Number(fields[0]), words: fields.slice(1, 1 + order) });
    }
  }
  return { counts, grams, starts: text.startsWith('\\data\\\n'), ends: text.trimEnd().endsWith('\\end\\') };
}

describe('the dialogue vocabulary handed to the recogniser', () => {
  it('reads the words of a line as the dictionary spells them, with the variants Rhubarb may use', () => {
    expect(dialogWords('The cat, the DOG!')).toEqual(['the', 'cat', 'dog']);
    // Apostrophes (curly ones too): the word, without them, without its 's, and its parts.
    expect(dialogWords('The cat’s toy')).toEqual(['the', "cat's", 'cats', 'cat', 'toy']);
    // Numbers and symbols are spoken as words; abbreviations spelled out.
    const spoken = dialogWords('Mr. Smith & 5 dogs');
    expect(spoken).toEqual(expect.arrayContaining(['mr', 'mister', 'smith', 'and', 'five', 'dogs']));
    expect(dialogWords('... !?')).toEqual([]);
  });

  it('finds every pronunciation of a word and no other word that starts the same', () => {
    const dict = new PronouncingDictionary(DICT);
    expect(dict.linesFor('the')).toEqual(['the DH AH', 'the(2) DH IY']);
    expect(dict.linesFor('dog')).toEqual(['dog D AO G']);
    expect(dict.linesFor('a')).toEqual(['a AH', 'a(2) EY']);
    // The first line and the last (no newline after it) are found too.
    expect(dict.linesFor('zoo')).toEqual(['zoo Z UW # comment']);
    expect(dict.linesFor('horse')).toEqual([]);
    expect(dict.has('then')).toBe(true);
    expect(dict.has('th')).toBe(false);
  });

  it('keeps only the dialogue words in the dictionary, and all of them in the language model', () => {
    const dict = new PronouncingDictionary(DICT);
    expect(dialogDictionary(dict, 'The dog')).toBe('the DH AH\nthe(2) DH IY\ndog D AO G\n');
    const vocabulary = dialogVocabulary(dict, 'The dog and the unicorn');
    expect(
      vocabulary?.dictionary
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['the', 'the(2)', 'dog', 'and', 'and(2)']);
    const lm = parseArpa(vocabulary?.languageModel ?? '');
    expect(lm.starts && lm.ends).toBe(true);
    // A word the dictionary lacks stays in the model: Rhubarb spells it with its own rules.
    const words = lm.grams.get(1)?.map((g) => g.words[0]);
    expect(words).toEqual(['<s>', '</s>', 'the', 'dog', 'and', 'unicorn']);
    expect(lm.counts.get(1)).toBe(6);
    const total = (lm.grams.get(1) ?? []).reduce((s, g) => s + 10 ** g.logProb, 0);
    expect(total).toBeCloseTo(1, 3);
    expect(dialogVocabulary(dict, '?!')).toBeNull();
    expect(unigramLanguageModel(['<s>', 'hi'])).toContain('ngram 1=3');
  });
});

describe('the phone loop (lip sync without the text)', () => {
  it('makes each phone a word and a full, normalised bigram over the dictionary', () => {
    const loop = phoneLoopVocabulary(DICT);
    const phones = loop.dictionary.split('\n').filter(Boolean);
    // Each phone pronounced by itself; the comment and alternates do not add phones.
    expect(phones).toContain('ae AE');
    expect(phones).toContain('dh DH');
    expect(phones).not.toContain('ey EY');
    expect(phones.every((l) => /^[a-z]+ [A-Z]+$/.test(l))).toBe(true);
    const lm = parseArpa(loop.languageModel);
    expect(lm.starts && lm.ends).toBe(true);
    const n = phones.length;
    expect(lm.counts.get(1)).toBe(n + 2);
    expect(lm.grams.get(1)?.length).toBe(n + 2);
    // Every history (each phone and <s>) lists every follower (each phone and </s>): no back-off.
    expect(lm.counts.get(2)).toBe((n + 1) * (n + 1));
    expect(lm.grams.get(2)?.length).toBe((n + 1) * (n + 1));
    const byHistory = new Map<string, number>();
    for (const g of lm.grams.get(2) ?? [])
      byHistory.set(g.words[0] as string, (byHistory.get(g.words[0] as string) ?? 0) + 10 ** g.logProb);
    for (const [history, sum] of byHistory) expect(sum, history).toBeCloseTo(1, 2);
    // Counted, not uniform: after DH the dictionary has AH and EH, never K.
    const p = (a: string, b: string) =>
      lm.grams.get(2)?.find((g) => g.words[0] === a && g.words[1] === b)?.logProb ?? 0;
    expect(p('dh', 'ah')).toBeGreaterThan(p('dh', 'k'));
  });
});
