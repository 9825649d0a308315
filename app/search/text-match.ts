/**
 * How a query's words are compared with the words read in photos (issue 23), as pure functions:
 *
 * - Folding: lower case and Latin accents removed (U+0300–U+036F after canonical decomposition), the
 *   folding of the index's trigram tokenizer with remove_diacritics, so "Café" and "CAFE" are one word.
 *   Marks of other scripts (Devanagari vowel signs, Japanese voicing marks) are letters there, kept.
 * - A plain query word (in `walmart receipt`) matches where a word of the photo's text STARTS with it:
 *   "walm" finds WALMART, "12.50" finds $12.50, but "cat" does not find LOCATION, so describing a photo
 *   does not drag in every text that happens to contain three of its letters. Each match says whether it
 *   is the whole word ("sam" in SAM, "total" in TOTAL:) or only its start ("sam" in SAMPLE): a whole word
 *   is stronger evidence (text-bits.ts). Words shorter than three characters and a short list of English
 *   function words are not looked up: they name no text (unless the description holds nothing else:
 *   "not here", "off" are then looked up as they stand).
 * - A plain query word of five characters or more (six for a number) also matches a word of the text one
 *   edit away (one character changed, added or dropped: "walmart" finds WALMARL, "gst@6" GST06%, "184810"
 *   1184810), since the reader misreads a character now and then (0 for O, an extra 1); such a match is
 *   weaker evidence than the word itself (text-bits.ts, NEAR_SHARE). Not for the words of the concept
 *   vocabulary, which the image answers for ("koala" does not find KUALA).
 * - A `text:"…"` term matches its words anywhere, inside words too ("mart" finds WALMART): the user
 *   asked for text, by substring.
 */

import { loadConcepts } from '../mi/concept-prompts.ts';
import { NEAR_MIN_CHARS } from '../store/text-index.ts';

/** Folds case and Latin accents as the trigram index does. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

const EDGE = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** The shortest word looked up in photos' text (also the trigram index's shortest lookup). */
export const MIN_WORD_CHARS = 3;

/**
 * Words that describe nothing written: in a description ("a dog on the beach") they would find every
 * sign with THE on it. A `text:"the"` term still looks them up.
 */
const FUNCTION_WORDS = new Set(
  (
    'and the for with from this that these those into onto over under near are was were has have had ' +
    'not but you your our its their his her who what when where which while than then there here them ' +
    'some any all one two very just also out off upon about photo photos picture image'
  ).split(' '),
);

/**
 * The words of a plain description worth looking up in photos' text: folded, punctuation trimmed at the
 * ends (inner punctuation kept: "12.50", "t-shirt"), at least MIN_WORD_CHARS characters, no function
 * words, each once.
 */
export function lookupWords(description: string): string[] {
  const words = foldText(description)
    .split(/\s+/)
    .map((word) => word.replace(EDGE, ''))
    .filter((word) => [...word].length >= MIN_WORD_CHARS);
  const named = words.filter((word) => !FUNCTION_WORDS.has(word));
  // A description made of function words alone ("not here", "off") names nothing to see: it can only be
  // text the user remembers, so those words are looked up rather than nothing.
  return [...new Set(named.length > 0 ? named : words)];
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;

/**
 * Whether a word may begin or end between characters `before` and `after`: one of them is not a letter
 * or digit, or letters meet digits ("RM14.10", "100PCS"), as readers and receipts run a unit into a number.
 */
function isBoundary(before: string, after: string): boolean {
  if (!WORD_CHAR.test(before) || !WORD_CHAR.test(after)) return true;
  return (LETTER.test(before) && DIGIT.test(after)) || (DIGIT.test(before) && LETTER.test(after));
}

/** A word of a photo's text that a plain query word matches, as the reader wrote it. */
export interface WordMatch {
  /** The text's word, punctuation around it trimmed ("$12.50" → "12.50"), so a card can highlight it. */
  text: string;
  /** The query word is the whole word ("sam" in SAM, "total" in TOTAL:), not only its start (SAMPLE). */
  whole: boolean;
  /** The text's word is one edit from the query word, not the word itself (nearWordMatches: a misreading). */
  near?: true;
}

/**
 * The words of `fullText` (as the reader wrote them) that a plain query word matches: a word of the text
 * (split at white space) that, folded, has `word` at its start or right after a character that is not a
 * letter or digit ("$12.50", "(walmart)", "walmart-supercenter") or where letters meet digits ("RM14.10"
 * for "14.10"). The match is whole where `word` also ends there, before such a character or where letters
 * meet digits ("inv" in INV:R0007, "rm" in RM14.10). Empty when none does.
 */
export function wordStartMatches(fullText: string, word: string): WordMatch[] {
  const found: WordMatch[] = [];
  for (const token of fullText.split(/\s+/)) {
    const folded = foldText(token);
    let match: WordMatch | undefined;
    for (let at = folded.indexOf(word); at >= 0; at = folded.indexOf(word, at + 1)) {
      if (at > 0 && !isBoundary(folded[at - 1]!, folded[at]!)) continue;
      const end = at + word.length;
      const whole = end === folded.length || isBoundary(folded[end - 1]!, folded[end]!);
      match = { text: token.replace(EDGE, '') || token, whole };
      if (whole) break;
    }
    if (match) found.push(match);
  }
  return found;
}

/** Whether `fullText` contains `phrase` anywhere (folded; white space of any kind compared as one space). */
export function containsPhrase(fullText: string, phrase: string): boolean {
  const squash = (text: string) => foldText(text).replace(/\s+/g, ' ');
  return squash(fullText).includes(squash(phrase));
}

/**
 * The shortest query word without a letter (a number, a price, a date) matched one edit away. A price
 * one digit off is another price: on the dev split of test/bench/text-search-quality.ts (275 photos with
 * text among 1660) a five-character number of the ground truth ("80.00", "13.00") was one edit from the
 * text of 6.1 photos that did not hold it, on average, against 1.2 for six-character numbers and 0.9 for
 * words with letters; six keeps a misread long number ("184810" read 1184810) and rank 1 on dev (receipts
 * 100 %, scenes 68.7 %, the same as with five).
 */
export const NEAR_MIN_NUMBER_CHARS = 6;

let conceptWords: ReadonlySet<string> | undefined;

/**
 * The words of the concept vocabulary (models/concepts: "koala", "market", "golden", "retriever"): what a
 * query names that the image shows. One edit from such a word is usually another word that is really
 * written ("koala" is one edit from KUALA on every Kuala Lumpur receipt), not a misreading of it, and the
 * image already answers for it; a misread shop name, code or number is what the one-edit match is for.
 */
function isConceptWord(word: string): boolean {
  conceptWords ??= new Set(loadConcepts().flatMap((concept) => foldText(concept).split(/\s+/)));
  return conceptWords.has(word);
}

/**
 * Whether a (folded) query word is matched one edit away too (nearWordMatches): long enough for its kind,
 * and not a word of the concept vocabulary.
 */
export function matchedNear(word: string): boolean {
  const length = [...word].length;
  const longEnough = LETTER.test(word) ? length >= NEAR_MIN_CHARS : length >= NEAR_MIN_NUMBER_CHARS;
  return longEnough && !isConceptWord(word);
}

/**
 * Whether `a` and `b` are at most one edit apart (Levenshtein distance ≤ 1, by code point): equal, or
 * one character changed, added or dropped. Past their common start and common end, each has at most
 * one character left.
 */
export function withinOneEdit(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let end = 0;
  while (end < x.length - start && end < y.length - start && x[x.length - 1 - end] === y[y.length - 1 - end]) end++;
  return x.length - start - end <= 1 && y.length - start - end <= 1;
}

/**
 * The words of `fullText` one edit from the query `word` but not the word itself (withinOneEdit; each
 * text word split at white space, punctuation at its ends trimmed, folded): what the reader may have
 * misread. Empty for a word too short for it (matchedNear). A text word that `word` starts or is whole
 * (wordStartMatches) is not near: the caller takes near matches only where there are none of those.
 */
export function nearWordMatches(fullText: string, word: string): WordMatch[] {
  if (!matchedNear(word)) return [];
  const found: WordMatch[] = [];
  for (const token of fullText.split(/\s+/)) {
    const trimmed = token.replace(EDGE, '');
    const folded = foldText(trimmed);
    if (folded !== word && withinOneEdit(folded, word)) found.push({ text: trimmed, whole: false, near: true });
  }
  return found;
}
