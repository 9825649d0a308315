/**
 * Word recall of a reader against ground truth (issue 23, part 6): the share of ground-truth words of at
 * least 3 characters, compared case-insensitively, that are among the words read.
 *
 * A "word" on both sides is a run of letters and digits (a decimal point or comma between digits stays
 * inside: "12.50"), as a search for words sees text: punctuation and the spacing between tokens are not
 * words. So the ground truth's "TEL/FAX" is the words "tel" and "fax", found in the reading
 * "TEL/FAX:03-51213881", and "MUDA," is "muda". `within` also counts a ground-truth word that is part of
 * a longer word read (what a substring search finds: "beware" in "BEWAREOF").
 */

const WORD = /[\p{L}\p{N}]+(?:[.,]\p{N}+)*/gu;

/** The words of a text, lower case. */
export function wordsOf(text: string): string[] {
  return [...text.toLowerCase().matchAll(WORD)].map((match) => match[0]);
}

/** The ground-truth words that count: at least 3 characters. */
export function countedWords(truth: readonly string[]): string[] {
  return truth.flatMap(wordsOf).filter((word) => [...word].length >= 3);
}

export interface RecallCount {
  words: number;
  found: number;
  within: number;
}

export function recallCount(truth: readonly string[], readText: string): RecallCount {
  const read = wordsOf(readText);
  const readSet = new Set(read);
  const counted = countedWords(truth);
  let found = 0;
  let within = 0;
  for (const word of counted) {
    if (readSet.has(word)) {
      found++;
      within++;
    } else if (read.some((token) => token.includes(word))) within++;
  }
  return { words: counted.length, found, within };
}

export function addCounts(a: RecallCount, b: RecallCount): RecallCount {
  return { words: a.words + b.words, found: a.found + b.found, within: a.within + b.within };
}
