/**
 * The search service's side of reading dates and places from a query: read the words, apply them as a
 * row mask beside the request's filters, list the photos newest first when nothing is left to describe,
 * and say which reading emptied an answer.
 */
import type { ArgsOf } from '../../contract/api.ts';
import { DEFAULT_TOP } from '../../contract/api.ts';
import { quoteQuery } from '../../contract/query-language.ts';
import type { SearchResponse } from '../../contract/types.ts';
import type { IndexStore } from '../../store/index-store.ts';
import type { LibraryMatrix } from '../library-matrix.ts';
import { photoDate, toSearchResult } from '../results.ts';
import { filteredFileIds } from '../search-filters.ts';
import { applyReadings, type AppliedReading } from './apply-readings.ts';
import { readQuery } from './read-query.ts';

export interface WordFilters {
  remainder: string;
  applied: AppliedReading[];
  allowed: Set<number>;
  emptiedBy?: AppliedReading;
}

/** The query's dates and places, applied; undefined when its words name none. */
export function readWordFilters(store: IndexStore, query: string, now = new Date()): WordFilters | undefined {
  const reading = readQuery(query, now);
  if (reading.when.length === 0 && reading.where.length === 0) return undefined;
  const { allowed, applied, emptiedBy } = applyReadings(store, reading.when, reading.where);
  return { remainder: reading.remainder, applied, allowed, ...(emptiedBy ? { emptiedBy } : {}) };
}

/** The request's filter mask narrowed by the words' filters (a mask over the library's rows). */
export function withWordFilters(
  mask: Uint8Array | undefined,
  words: WordFilters | undefined,
  library: Pick<LibraryMatrix, 'maskOf'>,
): Uint8Array | undefined {
  if (!words) return mask;
  const own = library.maskOf(Uint32Array.from([...words.allowed].sort((a, b) => a - b)));
  if (!mask) return own;
  return own.map((v, i) => (v && mask[i] ? 1 : 0));
}

export function emptiedMessage(words: WordFilters | undefined, mask: Uint8Array | undefined): string | undefined {
  if (!words || (mask && mask.includes(1))) return undefined;
  const by = words.emptiedBy;
  if (by)
    return `No photo is left after '${quoteQuery(by.source)}' (read as ${by.kind} ${by.label}); quote the words to search them as a description, or widen the other filters.`;
  return 'No photo matches the filters; widen or remove them.';
}

/** Only a date or place was asked for ("photos in Italy", "last summer"): every photo it allows, newest first. */
export function listReadPhotos(
  store: IndexStore,
  args: ArgsOf<'search'>,
  query: string,
  words: WordFilters,
  started: number,
): SearchResponse {
  let ids = [...words.allowed];
  if (args.filters && Object.keys(args.filters).length > 0) {
    const passing = new Set(filteredFileIds(store, args.filters));
    ids = ids.filter((id) => passing.has(id));
  }
  const rows = store.photoRows(ids).sort((a, b) => (photoDate(b) ?? '').localeCompare(photoDate(a) ?? ''));
  const top = rows.slice(0, args.top ?? DEFAULT_TOP);
  const names = words.applied.map((r) => r.label).join(', ');
  return {
    query,
    queryBits: 0,
    anyStandsOut: rows.length > 0,
    message:
      rows.length > 0
        ? `${rows.length} ${rows.length === 1 ? 'photo' : 'photos'} from ${names}, newest first.`
        : (emptiedMessage(words, undefined) ?? `No photo from ${names}.`),
    total: rows.length,
    results: top.map((row) => toSearchResult(row, 0)),
    terms: [],
    sort: 'date',
    read: words.applied,
    remainder: '',
    elapsedMs: performance.now() - started,
  };
}
