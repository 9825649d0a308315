/**
 * A Gemma-shaped `tokenizer.json` for the SigLIP 2 architecture twin: the pipeline of the real file
 * (normalizer: spaces → "▁"; SentencePiece-style BPE with byte fallback; a post-processor that appends
 * `<eos>`; <pad> 0, <eos> 1, <bos> 2, <unk> 3) and its 256,000 ids, with a vocabulary made here instead of
 * Gemma's (34 MB, not redistributable in this repository): single characters of the scripts a query may
 * use (Latin with accents, Greek, Cyrillic, Hebrew, Arabic, Devanagari, Thai, kana, CJK ideographs, Hangul)
 * and Latin pieces with merges, the 256 byte tokens for everything else (emoji), then unused ids to the
 * full size. Real tokenisation differs (Gemma merges far more); ids are what the twin's text tower needs.
 */
import { jsonText } from '../clip/processor-files.ts';
import { SIGLIP2_TEXT } from './architecture.ts';

const SPECIALS = ['<pad>', '<eos>', '<bos>', '<unk>', '<mask>'] as const;

/** Inclusive code point ranges whose characters are single tokens. */
const SCRIPT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x21, 0x7e], // ASCII printable
  [0xa1, 0x24f], // Latin-1 supplement, Latin Extended-A/B (accents)
  [0x370, 0x3ff], // Greek
  [0x400, 0x4ff], // Cyrillic
  [0x5d0, 0x5ea], // Hebrew letters
  [0x600, 0x6ff], // Arabic
  [0x900, 0x97f], // Devanagari
  [0xe01, 0xe5b], // Thai
  [0x2010, 0x206f], // general punctuation
  [0x3000, 0x30ff], // CJK punctuation, hiragana, katakana
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xac00, 0xd7a3], // Hangul syllables
];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** SigLIP 2's post-processor (its tokenizer.json): the text, then <eos> (id 1); no <bos>, unlike Gemma's. */
export const SIGLIP2_POST_PROCESSOR = {
  type: 'TemplateProcessing',
  single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<eos>', type_id: 0 } }],
  pair: [
    { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: '<eos>', type_id: 0 } },
    { Sequence: { id: 'B', type_id: 1 } },
    { SpecialToken: { id: '<eos>', type_id: 1 } },
  ],
  special_tokens: { '<eos>': { id: '<eos>', ids: [1], tokens: ['<eos>'] } },
} as const;

export interface GemmaLikeVocabulary {
  vocab: Map<string, number>;
  merges: Array<[string, string]>;
}

export function buildGemmaLikeVocabulary(size: number = SIGLIP2_TEXT.vocab): GemmaLikeVocabulary {
  const vocab = new Map<string, number>();
  const add = (token: string): void => {
    if (!vocab.has(token)) vocab.set(token, vocab.size);
  };
  SPECIALS.forEach(add);
  for (let byte = 0; byte < 256; byte++) add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
  add('▁');
  for (const [from, to] of SCRIPT_RANGES) for (let c = from; c <= to; c++) add(String.fromCodePoint(c));
  const merges: Array<[string, string]> = [];
  const merge = (left: string, right: string): void => {
    merges.push([left, right]);
    add(left + right);
  };
  // Word starts ("▁a"), then Latin bigrams ("ab") and word-start bigrams ("▁ab"), in a fixed order.
  for (const a of LETTERS) merge('▁', a);
  for (const a of LETTERS) for (const b of LETTERS) merge(a, b);
  for (const a of LETTERS) for (const b of LETTERS) merge(`▁${a}`, b);
  for (let unused = 0; vocab.size < size; unused++) add(`<unused${unused}>`);
  return { vocab, merges };
}

/** The `tokenizer.json` text (Hugging Face tokenizers' serialised form). */
export function gemmaLikeTokenizerJsonText(): string {
  const { vocab, merges } = buildGemmaLikeVocabulary();
  const special = (content: string, id: number) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return jsonText({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((token, id) => special(token, id)),
    normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
    pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious', invert: false },
    post_processor: SIGLIP2_POST_PROCESSOR,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges,
    },
  });
}
