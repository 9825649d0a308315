import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { parseQuery } from '../../../app/contract/query-language.ts';
import {
  containsPhrase,
  foldText,
  lookupWords,
  matchedNear,
  nearWordMatches,
  withinOneEdit,
  wordStartMatches,
} from '../../../app/search/text-match.ts';

// Hand-written texts and queries; what should match is stated by the issue ("walm" finds WALMART,
// "12.50" a total, case and accents ignored) and by the rule in text-match.ts (a plain word matches
// where a word of the text starts).
describe('words in photos: matching', () => {
  it('folds case and Latin accents, keeps other scripts whole', () => {
    expect(foldText('Café CRÈME Straße')).toBe('cafe creme straße');
    expect(foldText('が')).toBe(foldText('が').normalize('NFD')); // Japanese voicing mark kept
  });

  it('looks up the words of a description worth finding in text', () => {
    expect(lookupWords('The WALMART receipt, total $12.50 on a table')).toEqual([
      'walmart',
      'receipt',
      'total',
      '12.50',
      'table',
    ]);
    expect(lookupWords('a dog on the beach')).toEqual(['dog', 'beach']);
    // Nothing but function words: what the user remembers of a sign, looked up as it stands.
    expect(lookupWords('OFF under')).toEqual(['off', 'under']);
    expect(lookupWords('an ox')).toEqual([]);
  });

  it('finds a word where a word of the text starts, and returns it as written', () => {
    const text = 'WALMART SUPERCENTER\nTOTAL $12.50\nLOCATION: (Café)';
    expect(wordStartMatches(text, 'walm')).toEqual([{ text: 'WALMART', whole: false }]);
    expect(wordStartMatches(text, '12.50')).toEqual([{ text: '12.50', whole: true }]);
    expect(wordStartMatches(text, 'cafe')).toEqual([{ text: 'Café', whole: true }]);
    expect(wordStartMatches(text, 'cat')).toEqual([]); // inside LOCATION, not at a word's start
    expect(wordStartMatches(text, 'mart')).toEqual([]);
  });

  it('tells a whole word from the start of a longer one', () => {
    // Whole: the word ends where the text's word ends or at punctuation (TOTAL:, INV:R0007, walmart-super).
    expect(wordStartMatches('TOTAL: 5.20', 'total')).toEqual([{ text: 'TOTAL', whole: true }]);
    expect(wordStartMatches('INV:R000721136', 'inv')).toEqual([{ text: 'INV:R000721136', whole: true }]);
    expect(wordStartMatches('walmart-supercenter', 'supercenter')).toEqual([
      { text: 'walmart-supercenter', whole: true },
    ]);
    // Letters meeting digits bound a word too (a unit run into a number, as receipts and readers write it).
    expect(wordStartMatches('TOTAL RM14.10', '14.10')).toEqual([{ text: 'RM14.10', whole: true }]);
    expect(wordStartMatches('TOTAL RM14.10', 'rm')).toEqual([{ text: 'RM14.10', whole: true }]);
    expect(wordStartMatches('100PCS', 'pcs')).toEqual([{ text: '100PCS', whole: true }]);
    // Only its start: a letter or digit follows.
    expect(wordStartMatches('TAX INVOICE', 'inv')).toEqual([{ text: 'INVOICE', whole: false }]);
    expect(wordStartMatches('RM 5.200', '5.20')).toEqual([{ text: '5.200', whole: false }]);
    // One token, the word both as a start and whole further on ("sam" in SAMPLE/SAM): whole.
    expect(wordStartMatches('SAMPLE/SAM', 'sam')).toEqual([{ text: 'SAMPLE/SAM', whole: true }]);
    expect(wordStartMatches('SAM SAMPLE', 'sam')).toEqual([
      { text: 'SAM', whole: true },
      { text: 'SAMPLE', whole: false },
    ]);
  });

  it('finds a text: phrase anywhere, across any white space', () => {
    expect(containsPhrase('WALMART  Supercenter', 'mart super')).toBe(true);
    expect(containsPhrase('WALMART', 'marts')).toBe(false);
  });
});

// Edit distances worked out by hand: one character changed (walmart/walmarl), added (184810/1184810) or
// dropped (passages/pasages) is 1; kitten/sitting is the textbook 3 (k→s, e→i, +g); ab/ba is 2 (two
// changes, or a drop and an add); flaw/lawn is 2 (−f, +n).
describe('words in photos: one edit away (a misreading)', () => {
  it('tells words at most one edit apart from those further apart', () => {
    const near: Array<[string, string]> = [
      ['walmart', 'walmart'], // 0
      ['walmart', 'walmarl'], // T read as L
      ['184810', '1184810'], // a 1 added
      ['passages', 'pasages'], // an s dropped
      ['gst@6', 'gst06'], // @ read as 0
      ['reductions', 'reouctions'],
      ['a', ''],
      ['', ''],
      ['cafe', 'café'], // é is one code point beside e
      ['a😀b', 'ab'], // one code point dropped (two UTF-16 units)
    ];
    const far: Array<[string, string]> = [
      ['kitten', 'sitting'], // 3
      ['ab', 'ba'], // 2
      ['flaw', 'lawn'], // 2
      ['walmart', 'wal'], // 4
      ['184810', '11848100'], // 2
      ['abcde', 'abXYe'], // 2
    ];
    for (const [a, b] of near) {
      expect(withinOneEdit(a, b), `${a} ~ ${b}`).toBe(true);
      expect(withinOneEdit(b, a), `${b} ~ ${a}`).toBe(true);
    }
    for (const [a, b] of far) {
      expect(withinOneEdit(a, b), `${a} ≁ ${b}`).toBe(false);
      expect(withinOneEdit(b, a), `${b} ≁ ${a}`).toBe(false);
    }
  });

  it('matches words of five letters or more, and numbers of six characters or more, one edit away', () => {
    const receipt = 'WALMARL SUPERCENTER\nTotal Incl. GST06% RM 120.00\nREF 1184810 (0.00)';
    expect(nearWordMatches(receipt, 'walmart')).toEqual([{ text: 'WALMARL', whole: false, near: true }]);
    expect(nearWordMatches(receipt, 'gst@6')).toEqual([{ text: 'GST06', whole: false, near: true }]);
    expect(nearWordMatches(receipt, '184810')).toEqual([{ text: '1184810', whole: false, near: true }]);
    // A price one digit off is another price: five-character numbers are matched only as they stand.
    expect(nearWordMatches(receipt, '20.00')).toEqual([]);
    expect(nearWordMatches(receipt, '120.0')).toEqual([]);
    // Short words have too many neighbours.
    expect(nearWordMatches('SALT SAFE', 'sale')).toEqual([]);
    // The word itself is not "near" (wordStartMatches finds it), nor a word two edits away.
    expect(nearWordMatches(receipt, 'supercenter')).toEqual([]);
    expect(nearWordMatches(receipt, 'walmxrx')).toEqual([]);
    expect([matchedNear('sales'), matchedNear('sale'), matchedNear('184810'), matchedNear('80.00')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    // A number with a letter in it is a word: "gst@6", "b1-15" are matched near from five characters.
    expect(matchedNear('b1-15')).toBe(true);
  });

  it('leaves the words of the concept vocabulary to the image: "koala" does not find KUALA', () => {
    const concepts = readFileSync(resolve(import.meta.dirname, '../../../models/concepts/concepts.txt'), 'utf8');
    for (const concept of ['koala', 'market', 'beach']) expect(concepts.split('\n')).toContain(concept);
    expect([matchedNear('koala'), matchedNear('market'), matchedNear('kuala')]).toEqual([false, false, true]);
    expect(nearWordMatches('JALAN KUALA LUMPUR', 'koala')).toEqual([]);
    expect(nearWordMatches('WALMARL SUPERCENTER', 'walmart').map((m) => m.text)).toEqual(['WALMARL']);
  });
});

describe('words in photos: text:"…" in the query language', () => {
  const brief = (query: string) =>
    parseQuery(query).map((t) => [t.kind, t.role, t.weight, 'text' in t ? t.text : undefined]);

  it('reads text:word and text:"a phrase" as words in the photo, with signs and weights', () => {
    expect(brief('receipt text:walmart -text:"draft copy" 2:text:12.50')).toEqual([
      ['text', 'plain', 1, 'receipt'],
      ['words', 'plain', 1, 'walmart'],
      ['words', 'not', 1, 'draft copy'],
      ['words', 'plain', 2, '12.50'],
    ]);
    expect(brief('TEXT:Café')).toEqual([['words', 'plain', 1, 'Café']]);
    // "text:" alone, or a word merely starting with text, is a description.
    expect(brief('text: context')).toEqual([['text', 'plain', 1, 'text: context']]);
  });

  it('refuses a text: term under three characters, saying why', () => {
    let error: unknown;
    try {
      parseQuery('text:ab');
    } catch (e) {
      error = e;
    }
    expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('three-character pieces');
  });
});
