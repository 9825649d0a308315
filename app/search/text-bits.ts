/**
 * Words in photos, ranked in bits (issue 23; docs/architecture.md "Scores", "Words in photos"). A word
 * found in a photo's text carries its information in this library: −log₂(share of the library's photos
 * whose text contains it), the PMI of "its text contains w" with the photo when each photo holding the
 * word is equally likely to be the one meant (a word on 1 photo in 10,000 is worth 13.3 bits). It is added
 * to the image PMI as another term of the compound query (the naive-Bayes sum of pmi.ts), so:
 * - a photo whose text names the query's words gains their bits and ranks first;
 * - a word found in no photo adds nothing, and a query none of whose words is found in any photo's text
 *   returns the image scores themselves, untouched: it ranks exactly as without text;
 * - a photo whose text lacks a word is not penalised (the reader may have missed it), except that a
 *   `text:` term is required and `-text:` excludes.
 */
import type { QueryTerm, TermRole } from '../contract/query-language.ts';
import type { IndexStore } from '../store/index-store.ts';
import { containsPhrase, foldText, lookupWords, wordStartMatches } from './text-match.ts';

/** One query word (or `text:` phrase) and the library rows whose text contains it. */
export interface WordEvidence {
  /** Folded, as looked up. */
  word: string;
  /** 'plain' for words of a description; a `text:` term's own role ('plain' there means required). */
  role: TermRole;
  required: boolean;
  weight: number;
  /** −log₂(rows / N): the word's information in this library. */
  bits: number;
  /** The library rows whose text contains it, and per row the words as the reader wrote them. */
  rows: Map<number, string[]>;
}

export interface TextEvidence {
  words: WordEvidence[];
}

/** The library's rows as the matcher needs them: how many, and each row's content hash. */
export interface TextLibrary {
  n: number;
  contentHashes: readonly string[];
}

/** Content hash → library rows, built once per library state (the matrix replaces the array when it changes). */
const rowsByHashCache = new WeakMap<readonly string[], Map<string, number[]>>();

function rowsByHash(hashes: readonly string[]): Map<string, number[]> {
  let map = rowsByHashCache.get(hashes);
  if (!map) {
    map = new Map();
    hashes.forEach((hash, row) => {
      const rows = map!.get(hash);
      if (rows) rows.push(row);
      else map!.set(hash, [row]);
    });
    rowsByHashCache.set(hashes, map);
  }
  return map;
}

/**
 * What the index's photo text says about the query's words: each word of the plain and `+` description
 * terms (text-match.ts lookupWords) and each `text:` term, with the rows holding it. Words found in no
 * photo are left out (they carry nothing); a `text:` term found nowhere stays, with no rows, so it rules
 * every photo out. Descriptions with `-` are not looked up: `-receipt` is about how a photo looks.
 */
export function textEvidence(
  store: Pick<IndexStore, 'photosWithText'>,
  library: TextLibrary,
  terms: readonly QueryTerm[],
): TextEvidence {
  const byHash = rowsByHash(library.contentHashes);
  const words: WordEvidence[] = [];
  const seen = new Set<string>();
  for (const term of terms) {
    if (term.kind === 'image') continue;
    if (term.kind === 'text') {
      if (term.role === 'not') continue;
      for (const word of lookupWords(term.text)) {
        if (seen.has(word)) continue;
        seen.add(word);
        const rows = rowsHolding(store, byHash, word, (text) => wordStartMatches(text, word));
        if (rows.size > 0) words.push(evidence(word, 'plain', false, term.weight, rows, library.n));
      }
      continue;
    }
    const phrase = foldText(term.text);
    const rows = rowsHolding(store, byHash, phrase, (text) => (containsPhrase(text, phrase) ? [term.text] : []));
    words.push(evidence(phrase, term.role, term.role !== 'not', term.weight, rows, library.n));
  }
  return { words };
}

function evidence(
  word: string,
  role: TermRole,
  required: boolean,
  weight: number,
  rows: Map<number, string[]>,
  n: number,
): WordEvidence {
  return { word, role, required, weight, bits: rows.size > 0 ? Math.log2(n / rows.size) : 0, rows };
}

function rowsHolding(
  store: Pick<IndexStore, 'photosWithText'>,
  byHash: Map<string, number[]>,
  needle: string,
  matches: (fullText: string) => string[],
): Map<number, string[]> {
  const rows = new Map<number, string[]>();
  for (const hit of store.photosWithText(needle)) {
    const libraryRows = byHash.get(hit.contentHash);
    if (!libraryRows) continue; // text of a photo no longer in the library (or not embedded by this model)
    const found = matches(hit.fullText);
    if (found.length === 0) continue;
    for (const row of libraryRows) rows.set(row, found);
  }
  return rows;
}

/**
 * The text's bits per row: + weight·bits on each row holding a plain word or a required `text:` term,
 * −∞ on rows lacking a required term or holding an excluded one, 0 elsewhere. Undefined when the query
 * has no word found anywhere and no `text:` term: then nothing about the ranking changes.
 */
export function textBitsPerRow(evidence: TextEvidence, n: number): Float32Array | undefined {
  if (evidence.words.length === 0) return undefined;
  const out = new Float32Array(n);
  for (const word of evidence.words) {
    if (word.role === 'not') {
      for (const row of word.rows.keys()) out[row] = -Infinity;
      continue;
    }
    for (const [row] of word.rows) out[row]! += word.weight * word.bits;
    if (word.required) for (let row = 0; row < n; row++) if (!word.rows.has(row)) out[row] = -Infinity;
  }
  return out;
}

/** The image scores with the text's bits added (textBitsPerRow); `imageScores` itself when there are none. */
export function withTextBits(imageScores: Float32Array, textBits: Float32Array | undefined): Float32Array {
  if (!textBits) return imageScores;
  return imageScores.map((v, row) => v + textBits[row]!);
}

/** A word found in one photo, as the search result carries it. */
export interface MatchedWord {
  /** As the reader wrote it in the photo (e.g. `WALMART`), or the `text:` phrase as typed. */
  text: string;
  /** The word's information in this library, bits. */
  bits: number;
}

/** The words of the query found in the photo at `row` (empty when none). */
export function matchedWordsAt(evidence: TextEvidence, row: number): MatchedWord[] {
  const out: MatchedWord[] = [];
  for (const word of evidence.words) {
    if (word.role === 'not') continue;
    const found = word.rows.get(row);
    if (found) for (const text of new Set(found)) out.push({ text, bits: word.bits });
  }
  return out;
}

/**
 * log2 N − H of a query made of `text:` terms alone: the uniform distribution over the photos they allow
 * (rows above −∞), the information of "one of these".
 */
export function textOnlyQueryBits(scores: Float32Array): number {
  let allowed = 0;
  for (const v of scores) if (v > -Infinity) allowed++;
  return allowed === 0 ? 0 : Math.log2(scores.length / allowed);
}

/** A query word as the explanation's candidate feature: 1 on the rows whose text holds it, 0 elsewhere. */
export interface WordFeature {
  /** As a query term (`text:walmart`, `text:"total 12.50"`), so "why these results" can add it. */
  name: string;
  word: string;
  bits: number;
  values: Uint8Array;
}

export function wordFeatures(evidence: TextEvidence, n: number): WordFeature[] {
  return evidence.words
    .filter((word) => word.role !== 'not' && word.rows.size > 0)
    .map((word) => {
      const values = new Uint8Array(n);
      for (const row of word.rows.keys()) values[row] = 1;
      const name = /\s/.test(word.word) ? `text:"${word.word}"` : `text:${word.word}`;
      return { name, word: word.word, bits: word.bits, values };
    });
}
