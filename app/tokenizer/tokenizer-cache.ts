/**
 * A model's tokenizer in the form that loads fast. tokenizer.json is 2–4 MB of JSON whose vocabulary
 * object of 49k keys takes hundreds of milliseconds to parse and hash on every start, which is most of
 * what a one-off `eidos search` would wait for. The first load writes the same tables, as sorted arrays
 * (app/tokenizer/sorted-lookup.ts), beside the model as `tokenizer.eidos-cache.bin`; later loads read
 * that while tokenizer.json keeps its size and modification time. tokenizer.json stays the truth.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../util/private-fs.ts';
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
const FORMAT = 3;
export const CACHE_NAME = 'tokenizer.eidos-cache.bin';

/**
 * The cache file: a 4-byte length, a JSON header, then for each table (vocab, then ranks) its keys'
 * text in UTF-8, its n + 1 key offsets and its n values as little-endian int32 (SortedLookup's parts).
 * The header carries the body's sha256, so a damaged cache is rebuilt rather than trusted.
 */
interface Header {
  format: number;
  source: { bytes: number; mtimeMs: number };
  endOfWordSuffix: string;
  addedTokens: Array<[string, number]>;
  splitPattern: string;
  /** Per table: the UTF-8 byte length of its keys' text and its number of keys. */
  tables: Array<{ textBytes: number; size: number }>;
  sha256: string;
}

const int32Bytes = (array: Int32Array): Buffer => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
const digest = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex');

function writeCache(cacheFile: string, header: Omit<Header, 'tables' | 'sha256'>, tables: SortedLookup[]): void {
  const texts = tables.map((table) => Buffer.from(table.text, 'utf8'));
  const body = Buffer.concat(
    tables.flatMap((table, i) => [texts[i]!, int32Bytes(table.starts), int32Bytes(table.values)]),
  );
  const full: Header = {
    ...header,
    tables: tables.map((table, i) => ({ textBytes: texts[i]!.length, size: table.size })),
    sha256: digest(body),
  };
  const head = Buffer.from(JSON.stringify(full), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([length, head, body]), { mode: PRIVATE_FILE_MODE });
  renameSync(temporary, cacheFile);
}

function readCache(cacheFile: string, source: Header['source']): TokenizerTables | undefined {
  try {
    const bytes = readFileSync(cacheFile);
    const headLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.toString('utf8', 4, 4 + headLength)) as Header;
    const stale =
      header.format !== FORMAT || header.source.bytes !== source.bytes || header.source.mtimeMs !== source.mtimeMs;
    if (stale || digest(bytes.subarray(4 + headLength)) !== header.sha256) return undefined;
    let at = 4 + headLength;
    // Copied out of the file's buffer: an Int32Array needs 4-byte alignment, which `at` may not have.
    const int32s = (count: number): Int32Array => {
      const array = new Int32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + count * 4));
      at += count * 4;
      return array;
    };
    const [vocab, ranks] = header.tables.map(({ textBytes, size }) => {
      const text = bytes.toString('utf8', at, at + textBytes);
      at += textBytes;
      const starts = int32s(size + 1);
      return SortedLookup.fromPacked(text, starts, int32s(size));
    });
    if (vocab === undefined || ranks === undefined || at !== bytes.length) return undefined;
    return {
      vocab,
      ranks,
      endOfWordSuffix: header.endOfWordSuffix,
      addedTokens: new Map(header.addedTokens),
      splitPattern: header.splitPattern,
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
  let source: Header['source'] | undefined;
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
  const tables = {
    vocab,
    ranks,
    endOfWordSuffix: data.endOfWordSuffix,
    addedTokens: data.addedTokens,
    splitPattern: data.splitPattern,
  };
  if (source) {
    try {
      writeCache(
        cacheFile,
        {
          format: FORMAT,
          source,
          endOfWordSuffix: data.endOfWordSuffix,
          addedTokens: [...data.addedTokens],
          splitPattern: data.splitPattern,
        },
        [vocab, ranks],
      );
    } catch {
      // A read-only model folder (or a key the layout cannot hold): the tables are built again next time.
    }
  }
  return tables;
}
