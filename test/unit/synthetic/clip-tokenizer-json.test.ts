import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildClipTokenizerJson,
  buildClipVocabulary,
  bytesToUnicode,
} from '../../../models/clip/build-tokenizer-json.ts';

const SHARED = '/work/shared/tokenizers/clip';

interface HfTokenizer {
  model: { vocab: Record<string, number>; merges: [string, string][] };
  [key: string]: unknown;
}

describe('CLIP tokenizer.json builder', () => {
  const published = JSON.parse(readFileSync(`${SHARED}/tokenizer.json`, 'utf8')) as HfTokenizer;
  const built = JSON.parse(JSON.stringify(buildClipTokenizerJson())) as HfTokenizer;

  it('maps the 256 bytes to 256 distinct printable characters', () => {
    const table = bytesToUnicode();
    expect(new Set(table).size).toBe(256);
    expect(table[0]).toBe('!');
    expect(table.every((c) => c.trim() === c && c.length === 1)).toBe(true);
  });

  it('builds the published vocabulary (49408 ids) and merges exactly', () => {
    expect(Object.keys(built.model.vocab)).toHaveLength(49408);
    expect(built.model.vocab).toEqual(published.model.vocab);
    expect(built.model.merges).toEqual(published.model.merges);
  });

  it('matches every other setting of the published file (normaliser, pre-tokeniser, post-processor, decoder)', () => {
    expect(built).toEqual(published);
  });

  it('agrees with the shared vocab.json and the ids SOURCE.md lists', () => {
    const vocabJson = JSON.parse(readFileSync(`${SHARED}/vocab.json`, 'utf8')) as Record<string, number>;
    const { tokens } = buildClipVocabulary();
    expect(Object.fromEntries(tokens.map((t, i) => [t, i]))).toEqual(vocabJson);
    expect([tokens[320], tokens[736], tokens[49406], tokens[49407]]).toEqual([
      'a</w>',
      'red</w>',
      '<|startoftext|>',
      '<|endoftext|>',
    ]);
  });
});
