import { describe, expect, it } from 'vitest';
import {
  matchedWordsAt,
  NEAR_SHARE,
  PREFIX_SHARE,
  textBitsPerRow,
  wordBits,
  type WordEvidence,
} from '../../../app/search/text-bits.ts';
import type { WordMatch } from '../../../app/search/text-match.ts';

// A word's bits in each photo holding it (issue 23): closed forms of the model in text-bits.ts. The user
// typed a word whole or its start; p(photo | word) ∝ 1 where the photo holds it whole, PREFIX_SHARE where
// it only starts a word there, so the photos' probabilities sum to 1 and each photo's bits are
// log2(N · p(photo | word)).
const whole = (text: string): WordMatch[] => [{ text, whole: true }];
const start = (text: string): WordMatch[] => [{ text, whole: false }];
const near = (text: string): WordMatch[] => [{ text, whole: false, near: true }];
const N = 1000;

describe('words in photos: a word’s bits in each photo', () => {
  it('a word held whole by k photos is worth −log2(k/N) in each (13.3 bits for 1 in 10,000)', () => {
    const rows = wordBits(new Map([[7, whole('WALMART')]]), 10_000);
    expect(rows.get(7)!.bits).toBeCloseTo(13.2877, 4);
    const four = wordBits(new Map([0, 1, 2, 3].map((row) => [row, whole('TOTAL')])), N);
    for (const row of [0, 1, 2, 3]) expect(four.get(row)!.bits).toBeCloseTo(Math.log2(N / 4), 10);
  });

  it('a word only started in every photo holding it ("walm") is worth −log2(share) too', () => {
    const rows = wordBits(
      new Map([
        [0, start('WALMART')],
        [1, start('walmart')],
      ]),
      N,
    );
    expect(rows.get(0)!.bits).toBeCloseTo(Math.log2(N / 2), 10);
    expect(rows.get(1)!.bits).toBeCloseTo(Math.log2(N / 2), 10);
  });

  it('beside whole words, a start-only match costs log2(1/PREFIX_SHARE) bits, and the photos’ shares sum to 1', () => {
    // "sam": whole in 1 receipt (SAM TRADING), the start of SAMPLE / SAMSUNG in 3 others.
    const matches = new Map<number, WordMatch[]>([
      [10, whole('SAM')],
      [11, start('SAMPLE')],
      [12, start('SAMSUNG')],
      [13, start('SAMPLE')],
    ]);
    const rows = wordBits(matches, N);
    const norm = 1 + 3 * PREFIX_SHARE;
    expect(rows.get(10)!.bits).toBeCloseTo(Math.log2(N / norm), 10);
    for (const row of [11, 12, 13]) {
      expect(rows.get(row)!.bits).toBeCloseTo(rows.get(10)!.bits - Math.log2(1 / PREFIX_SHARE), 10);
      expect(rows.get(row)!.found).toEqual([matches.get(row)![0]!.text]);
    }
    // p(photo | word) = 2^bits / N over the holders: a distribution.
    const total = [...rows.values()].reduce((sum, r) => sum + 2 ** r.bits / N, 0);
    expect(total).toBeCloseTo(1, 10);
  });

  it('never gives a photo holding the word fewer than 0 bits (a photo lacking it gets 0)', () => {
    // Whole in 1 photo, the start of a word in all the others: the start-only share is under 1/N.
    const matches = new Map<number, WordMatch[]>([[0, whole('INV')]]);
    for (let row = 1; row < 8; row++) matches.set(row, start('INVOICE'));
    const rows = wordBits(matches, 8);
    expect(rows.get(0)!.bits).toBeCloseTo(Math.log2(8 / (1 + 7 * PREFIX_SHARE)), 10);
    for (let row = 1; row < 8; row++) expect(rows.get(row)!.bits).toBe(0);
  });

  it('a photo holding both words of a query outranks one holding one of them many times', () => {
    // Row 0 holds "sam" five times, row 1 holds "sam" and "trading" once each.
    const sam = wordBits(
      new Map([
        [0, [...Array(5)].flatMap(() => whole('SAM'))],
        [1, whole('SAM')],
      ]),
      N,
    );
    const trading = wordBits(new Map([[1, whole('TRADING')]]), N);
    const word = (name: string, rows: WordEvidence['rows']): WordEvidence => ({
      word: name,
      role: 'plain',
      required: false,
      weight: 1,
      bits: Math.max(...[...rows.values()].map((r) => r.bits)),
      rows,
    });
    const bits = textBitsPerRow({ words: [word('sam', sam), word('trading', trading)] }, N)!;
    expect(bits[0]).toBeCloseTo(Math.log2(N / 2), 5);
    expect(bits[1]).toBeCloseTo(Math.log2(N / 2) + Math.log2(N), 5);
    expect(bits[2]).toBe(0);
  });

  it('beside whole words, a word one edit away costs log2(1/NEAR_SHARE) bits, and the shares still sum to 1', () => {
    // "walmart": whole on 2 receipts, read WALMARL on one, WALMARTS (its start) on another.
    const matches = new Map<number, WordMatch[]>([
      [0, whole('WALMART')],
      [1, whole('Walmart')],
      [2, near('WALMARL')],
      [3, start('WALMARTS')],
    ]);
    const rows = wordBits(matches, N);
    const norm = 2 + NEAR_SHARE + PREFIX_SHARE;
    expect(rows.get(0)!.bits).toBeCloseTo(Math.log2(N / norm), 10);
    expect(rows.get(2)!.bits).toBeCloseTo(Math.log2((N * NEAR_SHARE) / norm), 10);
    expect(rows.get(0)!.bits - rows.get(2)!.bits).toBeCloseTo(3, 10); // NEAR_SHARE = 1/8
    expect(rows.get(2)!.near).toBe(true);
    expect(rows.get(3)!.near).toBe(false);
    const total = [...rows.values()].reduce((sum, r) => sum + 2 ** r.bits / N, 0);
    expect(total).toBeCloseTo(1, 10);
  });

  it('a word read one edit away in every photo holding it is worth −log2(share) there, and says which word it was', () => {
    const rows = wordBits(new Map([[5, near('1184810')]]), N);
    expect(rows.get(5)!.bits).toBeCloseTo(Math.log2(N), 10);
    const evidence: WordEvidence = { word: '184810', role: 'plain', required: false, weight: 1, bits: 0, rows };
    expect(matchedWordsAt({ words: [evidence] }, 5)).toEqual([
      { text: '1184810', bits: expect.closeTo(Math.log2(N), 10), near: '184810' },
    ]);
  });

  it('a photo holding the word itself and a misreading of it counts as holding the word', () => {
    const rows = wordBits(new Map([[0, [...near('WALMARL'), ...whole('WALMART')]]]), N);
    expect(rows.get(0)).toEqual({ found: ['WALMART'], near: false, bits: expect.closeTo(Math.log2(N), 10) });
  });
});
