import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../app/tokenizer/clip-tokenizer.ts';
import { SortedLookup } from '../../../app/tokenizer/sorted-lookup.ts';
import { CACHE_NAME, loadTokenizerTables } from '../../../app/tokenizer/tokenizer-cache.ts';
import { readClipTokenizerJson } from '../../../app/tokenizer/tokenizer-json.ts';

const SHARED_TOKENIZER = '/work/shared/tokenizers/clip/tokenizer.json';
const TEXTS = [
  'a photo of a dog',
  'café naïve Ångström',
  '🐶 日本語 한국어',
  'kids on a beach at sunset -people 2:"red car"',
];

describe('SortedLookup', () => {
  it('answers exactly what a Map of the same entries answers, present or not', () => {
    const entries: Array<[string, number]> = ['b', 'a', 'ä', 'Z', 'zz', '', '🐶', 'a b'].map((key, i) => [key, i * 7]);
    const lookup = SortedLookup.fromEntries(entries);
    const map = new Map(entries);
    for (const key of [...map.keys(), 'c', 'a ', 'zzz', '🐱']) expect(lookup.get(key)).toBe(map.get(key));
  });

  it('refuses repeated keys, keys holding a newline, and parts that do not fit together', () => {
    expect(() =>
      SortedLookup.fromEntries([
        ['a', 1],
        ['a', 2],
      ]),
    ).toThrow(/repeated/);
    expect(() => SortedLookup.fromEntries([['a\nb', 1]])).toThrow(/newline/);
    const { text, starts, values } = SortedLookup.fromEntries([
      ['a', 1],
      ['bc', 2],
    ]);
    expect(SortedLookup.fromPacked(text, starts, values).get('bc')).toBe(2);
    expect(() => SortedLookup.fromPacked(text, starts.subarray(0, 2), values)).toThrow(/offsets/);
  });
});

describe('the tokenizer cache beside an installed model', () => {
  let dir: string;
  let file: string;
  let reference: ClipTokenizer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eidos-tokenizer-'));
    file = join(dir, 'tokenizer.json');
    copyFileSync(SHARED_TOKENIZER, file);
    reference = ClipTokenizer.fromFile(SHARED_TOKENIZER);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the same vocabulary and merge ranks as tokenizer.json', () => {
    loadTokenizerTables(file, { cache: true });
    const cached = loadTokenizerTables(file, { cache: true });
    const truth = readClipTokenizerJson(file);
    for (const [token, id] of truth.vocab) expect(cached.vocab.get(token)).toBe(id);
    truth.merges.forEach((merge, rank) => expect(cached.ranks.get(merge)).toBe(rank));
    expect(cached.splitPattern).toBe(truth.splitPattern);
    expect([...cached.addedTokens]).toEqual([...truth.addedTokens]);
  });

  it('tokenizes exactly as the tokenizer built from the JSON', () => {
    const fast = ClipTokenizer.fromFile(file, { cache: true });
    expect(existsSync(join(dir, CACHE_NAME))).toBe(true);
    for (const text of TEXTS) expect(fast.encode(text)).toEqual(reference.encode(text));
  });

  it('is rebuilt when tokenizer.json changes, and when it is damaged', () => {
    const cacheFile = join(dir, CACHE_NAME);
    // One bit changed in the tables: the digest catches it.
    const flipped = readFileSync(cacheFile);
    const at = flipped.length - 400_000;
    flipped[at] = flipped[at]! ^ 0x01;
    writeFileSync(cacheFile, flipped);
    expect(loadTokenizerTables(file, { cache: true }).vocab.get('dog</w>')).toBe(
      readClipTokenizerJson(file).vocab.get('dog</w>'),
    );
    expect(readFileSync(cacheFile).equals(flipped)).toBe(false);
    writeFileSync(cacheFile, readFileSync(cacheFile).subarray(0, 1000));
    expect(ClipTokenizer.fromFile(file, { cache: true }).encode(TEXTS[0]!)).toEqual(reference.encode(TEXTS[0]!));
    expect(readFileSync(cacheFile).length).toBeGreaterThan(1000);

    // Another tokenizer in the same place (same size is not enough: the time differs): an id moved.
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.model.vocab['dog</w>'] = 3;
    json.model.vocab['!'] = 1929;
    writeFileSync(file, JSON.stringify(json));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(ClipTokenizer.fromFile(file, { cache: true }).encode('dog')).toEqual([49406, 3, 49407]);
  });

  it('never writes beside a file it was not asked to cache', () => {
    ClipTokenizer.fromFile(SHARED_TOKENIZER);
    expect(existsSync(join('/work/shared/tokenizers/clip', CACHE_NAME))).toBe(false);
  });
});
