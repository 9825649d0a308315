import { join } from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../app/tokenizer/clip-tokenizer.ts';
import { isEidosError } from '../../../app/contract/errors.ts';

const TOKENIZER_DIR = '/work/shared/tokenizers/clip';
const TOKENIZER_JSON = join(TOKENIZER_DIR, 'tokenizer.json');

const words200 = Array.from({ length: 200 }, (_, i) => ['sunset', 'beach', 'kids', 'mountain', 'snow'][i % 5]).join(
  ' ',
);

/** Inputs where a home-made tokenizer typically drifts from the reference. */
const TRICKY = [
  'a photo of a dog',
  'Hello, world!!! (really?) ...',
  'café naïve résumé Ångström',
  'cafe\u0301 decomposed accent',
  '🐶🐱 emoji 👨‍👩‍👧 family 🏳️‍🌈',
  '日本語のテキスト 中文 한국어',
  words200,
  '',
  '   ',
  'kids   on  a \t beach\n\nat   sunset  ',
  "don't it's we're they've I'm you'll he'd",
  "rock'n'roll ''quoted'' 'S",
  '3.14159 and 2024-06-01, 1,000,000',
  'HeLLo WoRLD MiXeD CaSe',
  '&amp; &lt;b&gt; &#39; &quot;',
  '<|startoftext|>a<|endoftext|>b',
  'x<|endoftext|><|endoftext|>',
  'İstanbul ẞtraße ǅ',
  'zero\u200bwidth\u00a0nbsp',
];

describe('ClipTokenizer on the real CLIP tokenizer.json', () => {
  let ours: ClipTokenizer;
  let reference: PreTrainedTokenizer;

  beforeAll(async () => {
    ours = ClipTokenizer.fromFile(TOKENIZER_JSON);
    env.allowRemoteModels = false;
    env.localModelPath = join(TOKENIZER_DIR, '..');
    reference = await AutoTokenizer.from_pretrained('clip');
  });

  it('maps known words to their published vocabulary ids', () => {
    expect(ours.tokenId('a')).toBe(320);
    expect(ours.tokenId('red')).toBe(736);
    expect(ours.tokenId('blue')).toBe(1746);
    expect(ours.tokenId('image')).toBe(2867);
    expect(ours.startId).toBe(49406);
    expect(ours.endId).toBe(49407);
    expect(ours.encode('red')).toEqual([49406, 736, 49407]);
  });

  it('has no single token for a word that BPE splits', () => {
    expect(ours.tokenId('zzqxj')).toBeUndefined();
    expect(ours.tokenId('red blue')).toBeUndefined();
  });

  it.each(TRICKY.map((text) => [JSON.stringify(text).slice(0, 60), text]))(
    'matches transformers.js on %s',
    (_, text) => {
      expect(ours.encode(text as string)).toEqual(reference.encode(text as string));
    },
  );

  it('encodes an empty string as start and end only', () => {
    expect(ours.encode('')).toEqual([49406, 49407]);
  });

  it('pads a batch exactly like transformers.js (padding max_length 77)', () => {
    const texts = TRICKY.filter((text) => text !== words200);
    const batch = ours.encodeBatch(texts);
    const expected = reference(texts, { padding: 'max_length', max_length: 77, truncation: true });
    expect(batch.inputIds.length).toBe(texts.length * 77);
    expect(Array.from(batch.inputIds)).toEqual(Array.from(expected.input_ids.data as BigInt64Array));
    expect(Array.from(batch.attentionMask)).toEqual(Array.from(expected.attention_mask.data as BigInt64Array));
  });

  it("truncates a long text to the reference's first 76 ids plus the end token", () => {
    // transformers.js 4.x cuts after adding the specials and so drops the end token; HF `tokenizers`
    // and OpenAI's clip.tokenize(truncate=True) keep it, and the text tower pools at that position.
    const { inputIds, attentionMask } = ours.encodeBatch([words200], 77);
    const full = reference.encode(words200);
    expect(full.length).toBeGreaterThan(77);
    expect(Array.from(inputIds, Number)).toEqual([...full.slice(0, 76), 49407]);
    expect(attentionMask.every((m) => m === 1n)).toBe(true);
  });

  it('honours a shorter context length and another pad token', () => {
    const withBang = ClipTokenizer.fromFile(TOKENIZER_JSON, { padToken: '!' });
    const { inputIds, attentionMask } = withBang.encodeBatch(['red'], 5);
    expect(Array.from(inputIds)).toEqual([49406n, 736n, 49407n, 0n, 0n]);
    expect(Array.from(attentionMask)).toEqual([1n, 1n, 1n, 0n, 0n]);
  });

  it('rejects a missing tokenizer file with MODEL_MISSING naming the file', () => {
    let caught: unknown;
    try {
      ClipTokenizer.fromFile('/nonexistent/tokenizer.json');
    } catch (error) {
      caught = error;
    }
    expect(isEidosError(caught, 'MODEL_MISSING')).toBe(true);
    expect((caught as Error).message).toContain('/nonexistent/tokenizer.json');
  });
});
