/**
 * A model's tokenizer in the form that loads fast. tokenizer.json is 2–4 MB of JSON whose vocabulary
 * object of 49k keys takes hundreds of milliseconds to parse and hash on every start, which is most of
 * what a one-off `eidos search` would wait for. The first load writes the same tables, as sorted arrays
 * (app/tokenizer/sorted-lookup.ts), beside the model as `tokenizer.eidos-cache.json`; later loads read
 * that while tokenizer.json keeps its size and modification time. tokenizer.json stays the truth.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SortedLookup, type Lookup } from './sorted-lookup.ts';
import { readClipTokenizerJson } from './tokenizer-json.ts';

export interface TokenizerTables {
  /** Token → id. */
  vocab: Lookup;
  /** Merge pair `"left right"` → priority (lower merges first). */
  ranks: Lookup;
  endOfWordSuffix: string;
  addedTokens: Map<string, number>;
  splitPattern: string;
}

/** Bump when the cache's layout changes: older caches are then rebuilt, never misread. */
const FORMAT = 1;
export const CACHE_NAME = 'tokenizer.eidos-cache.json';

interface CacheFile {
  format: number;
  source: { bytes: number; mtimeMs: number };
  endOfWordSuffix: string;
  addedTokens: Array<[string, number]>;
  splitPattern: string;
  vocab: { keys: string[]; values: number[] };
  ranks: { keys: string[]; values: number[] };
}

function readCache(cacheFile: string, source: CacheFile['source']): TokenizerTables | undefined {
  try {
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as CacheFile;
    if (cache.format !== FORMAT || cache.source.bytes !== source.bytes || cache.source.mtimeMs !== source.mtimeMs) return undefined;
    return {
      vocab: SortedLookup.fromSorted(cache.vocab.keys, cache.vocab.values),
      ranks: SortedLookup.fromSorted(cache.ranks.keys, cache.ranks.values),
      endOfWordSuffix: cache.endOfWordSuffix,
      addedTokens: new Map(cache.addedTokens),
      splitPattern: cache.splitPattern,
    };
  } catch {
    // Missing, half-written by a killed process, or damaged: rebuilt from tokenizer.json below.
    return undefined;
  }
}

/**
 * The tables of `tokenizerJson`. With `cache` (an installed model's folder, which Eidos owns) they are
 * read from and written to the cache beside it; without, always built from the file.
 */
export function loadTokenizerTables(tokenizerJson: string, options: { cache?: boolean } = {}): TokenizerTables {
  let source: CacheFile['source'] | undefined;
  if (options.cache) {
    try {
      const stat = statSync(tokenizerJson);
      source = { bytes: stat.size, mtimeMs: stat.mtimeMs };
    } catch {
      // readClipTokenizerJson below says what is wrong with the file.
    }
  }
  const cacheFile = join(dirname(tokenizerJson), CACHE_NAME);
  const cached = source && readCache(cacheFile, source);
  if (cached) return cached;

  const data = readClipTokenizerJson(tokenizerJson);
  const vocab = SortedLookup.fromEntries(data.vocab);
  const ranks = SortedLookup.fromEntries(data.merges.map((merge, rank) => [merge, rank] as const));
  const tables = { vocab, ranks, endOfWordSuffix: data.endOfWordSuffix, addedTokens: data.addedTokens, splitPattern: data.splitPattern };
  if (source) {
    const cache: CacheFile = { format: FORMAT, source, ...tables, addedTokens: [...data.addedTokens], vocab: vocab.toJSON() as CacheFile['vocab'], ranks: ranks.toJSON() as CacheFile['ranks'] };
    try {
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(cache));
      renameSync(temporary, cacheFile);
    } catch {
      // A read-only model folder: the tables are built again on the next start, nothing is lost.
    }
  }
  return tables;
}
