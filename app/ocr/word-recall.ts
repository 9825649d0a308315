/**
 * Word recall of a reader against ground truth (issue 23, part 6): the share of ground-truth words of at
 * least 3 characters, compared case-insensitively, that are among the words read. Punctuation at a word's
 * ends is not part of the comparison ("MUDA," is read as "muda" on both sides). A word is found when a
 * word read equals it (`exact`); `within` also counts it when it is inside one word read (what a
 * substring search finds: "TEL/FAX" inside "TEL/FAX:03-51213881").
 */

/** Lower case, without punctuation at either end. */
export function normaliseWord(word: string): string {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** The ground-truth words that count: at least 3 characters once normalised. */
export function countedWords(words: readonly string[]): string[] {
  return words.map(normaliseWord).filter((word) => [...word].length >= 3);
}

export interface RecallCount {
  words: number;
  exact: number;
  within: number;
}

export function recallCount(truth: readonly string[], readText: string): RecallCount {
  const read = readText.split(/\s+/).map(normaliseWord).filter((word) => word !== '');
  const readSet = new Set(read);
  const counted = countedWords(truth);
  let exact = 0;
  let within = 0;
  for (const word of counted) {
    if (readSet.has(word)) {
      exact++;
      within++;
    } else if (read.some((token) => token.includes(word))) within++;
  }
  return { words: counted.length, exact, within };
}

export function addCounts(a: RecallCount, b: RecallCount): RecallCount {
  return { words: a.words + b.words, exact: a.exact + b.exact, within: a.within + b.within };
}
