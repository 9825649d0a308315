/**
 * Builds the Hugging Face `tokenizer.json` of the OpenAI CLIP BPE tokenizer from OpenAI's
 * `bpe_simple_vocab_16e6.txt.gz` (MIT, see LICENSE.md), exactly as CLIP's SimpleTokenizer builds its
 * vocabulary (https://github.com/openai/CLIP/blob/main/clip/simple_tokenizer.py): the 256 byte symbols
 * of `bytes_to_unicode`, the same with `</w>`, one token per merge, then the two special tokens.
 * The normaliser, pre-tokeniser, post-processor and decoder settings are those of the published
 * openai/clip-vit-base-patch32 `tokenizer.json`.
 *
 * Run as a script: `node bin/run-ts.js models/clip/build-tokenizer-json.ts <out.json>`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { EidosError } from '../../app/contract/errors.ts';
import { resources } from '../../app/resources.ts';

export const START_OF_TEXT = '<|startoftext|>';
export const END_OF_TEXT = '<|endoftext|>';
/** SimpleTokenizer keeps the first 49152 − 256 − 2 merges: vocabulary size 49408. */
const MERGE_COUNT = 49152 - 256 - 2;

export interface ClipVocabulary {
  /** Token strings in id order (49408 of them). */
  tokens: string[];
  merges: [string, string][];
}

/** GPT-2's reversible byte → printable-unicode table, in the order CLIP enumerates it. */
export function bytesToUnicode(): string[] {
  const bytes: number[] = [];
  for (const [from, to] of [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ] as const) {
    for (let b = from; b <= to; b++) bytes.push(b);
  }
  const chars = bytes.map((b) => String.fromCodePoint(b));
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(String.fromCodePoint(256 + extra++));
    }
  }
  return chars;
}

export function buildClipVocabulary(bpeGz: Uint8Array = readFileSync(resources.clipVocabulary())): ClipVocabulary {
  const lines = gunzipSync(bpeGz).toString('utf8').split('\n');
  const merges = lines.slice(1, MERGE_COUNT + 1).map((line, i): [string, string] => {
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new EidosError(
        'MODEL_INVALID',
        `CLIP BPE file: merge line ${i + 2} is "${line}", expected two symbols; the file is not OpenAI's bpe_simple_vocab_16e6.txt.gz.`,
      );
    }
    return [parts[0], parts[1]];
  });
  if (merges.length !== MERGE_COUNT) {
    throw new EidosError(
      'MODEL_INVALID',
      `CLIP BPE file has ${merges.length} merges, expected ${MERGE_COUNT}; it is not OpenAI's bpe_simple_vocab_16e6.txt.gz.`,
    );
  }
  const bytes = bytesToUnicode();
  const tokens = [
    ...bytes,
    ...bytes.map((c) => `${c}</w>`),
    ...merges.map(([a, b]) => a + b),
    START_OF_TEXT,
    END_OF_TEXT,
  ];
  return { tokens, merges };
}

/** The `tokenizer.json` object, keys in the order the `tokenizers` library writes them. */
export function buildClipTokenizerJson(vocabulary: ClipVocabulary = buildClipVocabulary()): object {
  const vocab: Record<string, number> = {};
  vocabulary.tokens.forEach((token, id) => (vocab[token] = id));
  const special = (id: number, content: string, normalized: boolean) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      special(vocab[START_OF_TEXT]!, START_OF_TEXT, true),
      special(vocab[END_OF_TEXT]!, END_OF_TEXT, false),
    ],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: {
            Regex:
              "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [END_OF_TEXT, vocab[END_OF_TEXT]],
      cls: [START_OF_TEXT, vocab[START_OF_TEXT]],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: END_OF_TEXT,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: vocabulary.merges,
    },
  };
}

/** The file's text: two-space indentation, as the published file. */
export function clipTokenizerJsonText(vocabulary?: ClipVocabulary): string {
  return JSON.stringify(buildClipTokenizerJson(vocabulary), null, 2);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node bin/run-ts.js models/clip/build-tokenizer-json.ts <out.json>');
    process.exit(2);
  }
  writeFileSync(out, clipTokenizerJsonText());
}
