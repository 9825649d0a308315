/**
 * Words in photos, ranked in bits (issue 23; docs/architecture.md "Scores", "Words in photos"). A word
 * found in a photo's text carries its information in this library: −log₂(share of the library's photos
 * whose text contains it), the PMI of "its text contains w" with the photo when each photo holding the
 * word is equally likely to be the one meant (a word on 1 photo in 10,000 is worth 13.3 bits). It is added
 * to the image PMI as another term of the compound query (the naive-Bayes sum of pmi.ts), so:
 * - a photo whose text names the query's words gains their bits and ranks first; a photo holding every
 *   word of the query gains every word's bits, and a word found many times in one photo counts once, so
 *   it beats a photo holding one of them (however often); photos equal in words are ordered by the image;
 * - a plain word typed whole is stronger evidence than a word it only starts (PREFIX_SHARE): "sam" names
 *   the receipt of SAM TRADING more than one that says SAMPLE, and common starts ("inv" of INVOICE) do not
 *   blur the ranking;
 * - a word the reader misread (one edit away: "walmart" on WALMARL, text-match.ts nearWordMatches) is
 *   weaker evidence still (NEAR_SHARE), but where the word itself stands in no photo its near holders
 *   carry its bits: the receipt whose 184810 was read 1184810 is still found by it;
 * - a word found in no photo, neither as it is nor one edit away, adds nothing, and a query none of whose
 *   words is found so in any photo's text returns the image scores themselves, untouched: it ranks
 *   exactly as without text;
 * - a photo whose text lacks a word is not penalised (the reader may have missed it), except that a
 *   `text:` term is required and `-text:` excludes.
 */
import type { QueryTerm, TermRole } from '../contract/query-language.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { TextHit } from '../store/text-index.ts';
import {
  containsPhrase,
  foldText,
  lookupWords,
  matchedNear,
  nearWordMatches,
  wordStartMatches,
  type WordMatch,
} from './text-match.ts';

/**
 * How much a plain word's match on the start of a photo's word counts beside a match of the whole word
 * ("sam" in SAMPLE vs in SAM): the user typed either a word they remember whole or the start of one, so
 * p(word | photo) ∝ 1 where the photo holds it whole, PREFIX_SHARE where it only starts a word there, 0
 * elsewhere, and a photo's bits are the PMI log₂(N · q / Σ q) (wordBits). A start-only match thus costs
 * log₂(1/PREFIX_SHARE) = 2 bits against a whole one; where no photo holds the word whole (the user is
 * still typing, "walm"), every holder gets −log₂(share) as for a whole word. Chosen on the dev split of
 * test/bench/text-search-quality.ts: every share from 0.01 to 0.5 gave the same rank-1 figures there, and
 * a quarter keeps a typed start worth something beside whole words.
 */
export const PREFIX_SHARE = 0.25;

/**
 * How much a plain word's match on a word of the photo one edit away (text-match.ts, nearWordMatches:
 * "walmart" on WALMARL, read with its T as an L) counts beside a match of the whole word, in the same
 * model as PREFIX_SHARE: p(word | photo) ∝ NEAR_SHARE there, 3 bits under a whole match. The reader
 * reads most words right, so a photo holding the word itself is the likelier one meant; where no photo
 * does (the reader misread it everywhere it stands), its near holders get −log₂(share) as for a whole
 * word. Chosen on the dev split of test/bench/text-search-quality.ts: every share from 0.01 to 0.5 gave
 * the same rank-1 figures there; an eighth keeps a misreading below a word only started.
 */
export const NEAR_SHARE = 0.125;

/** A library row whose text holds a query word: the words it matched there, and what that is worth. */
export interface RowMatch {
  /** The photo's words that matched, as the reader wrote them (the whole ones, where any is whole). */
  found: string[];
  /** The words found are one edit from the query word (a misreading), not the word itself or its start. */
  near: boolean;
  /** The word's bits in this photo (≥ 0, wordBits): 2 bits less where it only starts a word. */
  bits: number;
}

/** One query word (or `text:` phrase) and the library rows whose text contains it. */
export interface WordEvidence {
  /** Folded, as looked up. */
  word: string;
  /** 'plain' for words of a description; a `text:` term's own role ('plain' there means required). */
  role: TermRole;
  required: boolean;
  weight: number;
  /** The word's information in this library: the most a photo holding it gains (0 when none does). */
  bits: number;
  /** The library rows whose text contains it. */
  rows: Map<number, RowMatch>;
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
  store: Pick<IndexStore, 'photosWithText' | 'photosWithTextNear'>,
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
        const matches = rowsHolding(byHash, store.photosWithText(word), (text) => wordStartMatches(text, word));
        // One edit away, in the photos that hold neither the word nor a word it starts.
        const near = matchedNear(word)
          ? rowsHolding(byHash, store.photosWithTextNear(word), (text) => nearWordMatches(text, word))
          : new Map<number, WordMatch[]>();
        for (const [row, found] of near) if (!matches.has(row)) matches.set(row, found);
        if (matches.size > 0) words.push(evidence(word, 'plain', false, term.weight, wordBits(matches, library.n)));
      }
      continue;
    }
    const phrase = foldText(term.text);
    const matches = rowsHolding(byHash, store.photosWithText(phrase), (text) =>
      containsPhrase(text, phrase) ? [{ text: term.text, whole: true }] : [],
    );
    words.push(evidence(phrase, term.role, term.role !== 'not', term.weight, wordBits(matches, library.n)));
  }
  return { words };
}

/**
 * Each holding row's bits for one word: log₂(N · q / Σ q) with q = 1 where the row holds the word whole,
 * PREFIX_SHARE where it only starts a word and NEAR_SHARE where it holds only words one edit away (the
 * models of PREFIX_SHARE and NEAR_SHARE), never below 0: a match never ranks a photo under one whose
 * text lacks the word, which is not penalised either. A row's found words are its best kind of match.
 */
export function wordBits(matches: Map<number, WordMatch[]>, n: number): Map<number, RowMatch> {
  const best = (found: WordMatch[]): WordMatch[] => {
    const whole = found.filter((m) => m.whole);
    if (whole.length > 0) return whole;
    const start = found.filter((m) => !m.near);
    return start.length > 0 ? start : found;
  };
  const share = (match: WordMatch) => (match.whole ? 1 : match.near ? NEAR_SHARE : PREFIX_SHARE);
  let total = 0;
  for (const found of matches.values()) total += share(best(found)[0]!);
  const rows = new Map<number, RowMatch>();
  for (const [row, found] of matches) {
    const kept = best(found);
    rows.set(row, {
      found: kept.map((m) => m.text),
      near: kept[0]!.near === true,
      bits: Math.max(0, Math.log2((n * share(kept[0]!)) / total)),
    });
  }
  return rows;
}

function evidence(
  word: string,
  role: TermRole,
  required: boolean,
  weight: number,
  rows: Map<number, RowMatch>,
): WordEvidence {
  let bits = 0;
  for (const match of rows.values()) bits = Math.max(bits, match.bits);
  return { word, role, required, weight, bits, rows };
}

/** The library rows of the photos `hits` whose text `matches` finds something in, with what it found. */
function rowsHolding(
  byHash: Map<string, number[]>,
  hits: readonly TextHit[],
  matches: (fullText: string) => WordMatch[],
): Map<number, WordMatch[]> {
  const rows = new Map<number, WordMatch[]>();
  for (const hit of hits) {
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
    for (const [row, match] of word.rows) out[row]! += word.weight * match.bits;
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
  /** The query word (folded) when `text` is only one edit from it: "walmart" for WALMARL. */
  near?: string;
}

/** The words of the query found in the photo at `row` (empty when none). */
export function matchedWordsAt(evidence: TextEvidence, row: number): MatchedWord[] {
  const out: MatchedWord[] = [];
  for (const word of evidence.words) {
    if (word.role === 'not') continue;
    const match = word.rows.get(row);
    if (match)
      for (const text of new Set(match.found))
        out.push(match.near ? { text, bits: match.bits, near: word.word } : { text, bits: match.bits });
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
