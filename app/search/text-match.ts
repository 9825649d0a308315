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
 * - A `text:"…"` term matches its words anywhere, inside words too ("mart" finds WALMART): the user
 *   asked for text, by substring.
 */

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
