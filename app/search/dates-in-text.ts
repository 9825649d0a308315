/**
 * A date or place typed from a photo's text (issue 23): "24-11-17 r000011248" is the date printed on a
 * receipt, "west coast" the words of a sign. The query's dates and places are read as filters first
 * (when-where/); where those filters leave no photo at all, but a word they were read from is found in
 * photos' text, the user evidently meant the words, so the query is searched as written, its dates and
 * places as words in photos (text-bits.ts). Where the filters leave any photo, they stand: "beach 2015"
 * keeps meaning photos taken in 2015.
 */
import type { IndexStore } from '../store/index-store.ts';
import { lookupWords, wordStartMatches } from './text-match.ts';
import type { WordFilters } from './when-where/word-filters.ts';

/** Whether `words`' dates and places left no photo and one of the words they were read from is in a photo's text. */
export function filtersAreWordsInText(store: Pick<IndexStore, 'photosWithText'>, words: WordFilters): boolean {
  if (words.allowed.size > 0) return false;
  return words.applied.some((reading) =>
    lookupWords(reading.source).some((word) =>
      store.photosWithText(word).some((hit) => wordStartMatches(hit.fullText, word).length > 0),
    ),
  );
}
