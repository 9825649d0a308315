/**
 * A model's tokenizer in the form that loads fast. tokenizer.json is 2–4 MB of JSON whose vocabulary
 * object of 49k keys takes hundreds of milliseconds to parse and hash on every start, which is most of
 * what a one-off `eidos search` would wait for. The first load writes the same tables, as sorted arrays
 * (app/tokenizer/sorted-lookup.ts), beside the model as `tokenizer.eidos-cache.bin`; later loads read
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
const FORMAT = 2;
export const CACHE_NAME = 'tokenizer.eidos-cache.bin';

/**
 * The cache file: a small JSON header (format, source, suffix, added tokens, split pattern, the two
 * tables' sizes), then per table its keys as one UTF-8 text joined by newlines and its values as
 * little-endian int32. Byte-level BPE tokens never contain a newline (byte 0x0A maps to `Ċ`), which
 * building the cache checks; loading is one split and one typed-array view, no parse of 100k strings.
 */
interface Header {
  format: number;
  source: { bytes: number; mtimeMs: number };
  endOfWordSuffix: string;
  addedTokens: Array<[string, number]>;
  splitPattern: string;
  /** Byte lengths of the vocab keys text and the ranks keys text; the value arrays follow each. */
  vocabKeyBytes: number;
  ranksKeyBytes: number;
}

function encodeTable(table: SortedLookup): Buffer[] {
  if (table.keys.some((key) => key.includes('\n'))) throw new Error('a key holds a newline');
  const keys = Buffer.from(table.keys.join('\n'), 'utf8');
  return [keys, Buffer.from(table.values.buffer, table.values.byteOffset, table.values.byteLength)];
}

function writeCache(
  cacheFile: string,
  header: Omit<Header, 'vocabKeyBytes' | 'ranksKeyBytes'>,
  vocab: SortedLookup,
  ranks: SortedLookup,
): void {
  const [vocabKeys, vocabValues] = encodeTable(vocab) as [Buffer, Buffer];
  const [ranksKeys, ranksValues] = encodeTable(ranks) as [Buffer, Buffer];
  const head = Buffer.from(
    JSON.stringify({ ...header, vocabKeyBytes: vocabKeys.length, ranksKeyBytes: ranksKeys.length } satisfies Header),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([length, head, vocabKeys, vocabValues, ranksKeys, ranksValues]));
  renameSync(temporary, cacheFile);
}

function readCache(cacheFile: string, source: Header['source']): TokenizerTables | undefined {
  try {
    const bytes = readFileSync(cacheFile);
    const headLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.toString('utf8', 4, 4 + headLength)) as Header;
    if (header.format !== FORMAT || header.source.bytes !== source.bytes || header.source.mtimeMs !== source.mtimeMs)
      return undefined;
    let at = 4 + headLength;
    const table = (keyBytes: number): SortedLookup => {
      const keys = bytes.toString('utf8', at, at + keyBytes).split('\n');
      at += keyBytes;
      // Copied out of the file's buffer: an Int32Array needs 4-byte alignment, which `at` may not have.
      const values = new Int32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + keys.length * 4));
      at += keys.length * 4;
      return SortedLookup.fromSorted(keys, values);
    };
    const vocab = table(header.vocabKeyBytes);
    const ranks = table(header.ranksKeyBytes);
    if (at !== bytes.length) return undefined;
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
        vocab,
        ranks,
      );
    } catch {
      // A read-only model folder (or a key the layout cannot hold): the tables are built again next time.
    }
  }
  return tables;
}
