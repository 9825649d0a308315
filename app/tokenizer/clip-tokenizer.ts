import { EidosError } from '../contract/errors.ts';
import { BytePairEncoder } from './byte-pair-encoder.ts';
import { loadTokenizerTables, type TokenizerTables } from './tokenizer-cache.ts';

const START_TOKEN = '<|startoftext|>';
const END_TOKEN = '<|endoftext|>';
export const CLIP_CONTEXT_LENGTH = 77;

export interface EncodedBatch {
  /** Row-major [n, contextLength]. */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The CLIP text tokenizer, matching Hugging Face's `CLIPTokenizerFast` (and transformers.js) on the
 * same `tokenizer.json`: special tokens are cut out of the raw text first; the rest is normalised
 * (NFC, runs of whitespace → one space, lower case), split by the file's CLIP regex into words, and
 * each word byte-level BPE-encoded. Every sequence is wrapped in start/end tokens.
 */
export class ClipTokenizer {
  readonly startId: number;
  readonly endId: number;
  readonly padId: number;
  private readonly bpe: BytePairEncoder;
  private readonly wordPattern: RegExp;
  private readonly specialPattern: RegExp;
  private readonly addedTokens: Map<string, number>;

  private constructor(data: TokenizerTables, file: string, padToken: string) {
    const id = (token: string): number => {
      const found = data.addedTokens.get(token) ?? data.vocab.get(token);
      if (found === undefined) {
        throw new EidosError(
          'MODEL_INVALID',
          `${file}: the special token '${token}' is missing; this is not a CLIP tokenizer.`,
          { file },
        );
      }
      return found;
    };
    this.startId = id(START_TOKEN);
    this.endId = id(END_TOKEN);
    this.padId = id(padToken);
    this.addedTokens = data.addedTokens;
    this.bpe = new BytePairEncoder(data.vocab, data.ranks, data.endOfWordSuffix, this.endId);
    try {
      this.wordPattern = new RegExp(data.splitPattern, 'gu');
    } catch (error) {
      throw new EidosError(
        'MODEL_INVALID',
        `${file}: the pre-tokenizer regex does not compile in JavaScript (${(error as Error).message}).`,
        {
          file,
          cause: error,
        },
      );
    }
    const specials = [...data.addedTokens.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.specialPattern = new RegExp(`(${specials.join('|') || '(?!)'})`, 'u');
  }

  /**
   * Loads a Hugging Face `tokenizer.json`. `padToken` is what `encodeBatch` pads with: CLIP's own
   * exports pad with the end token; the padded positions are masked out either way. `cache`: keep the
   * fast-loading tables beside the file (app/tokenizer/tokenizer-cache.ts); only for a folder Eidos owns.
   */
  static fromFile(tokenizerJsonPath: string, options: { padToken?: string; cache?: boolean } = {}): ClipTokenizer {
    return new ClipTokenizer(
      loadTokenizerTables(tokenizerJsonPath, { cache: options.cache ?? false }),
      tokenizerJsonPath,
      options.padToken ?? END_TOKEN,
    );
  }

  /** Token ids of `text`, including the start and end tokens, without padding or truncation. */
  encode(text: string): number[] {
    return [this.startId, ...this.encodeContent(text), this.endId];
  }

  /**
   * Encodes many texts into [n, contextLength] tensors for the text encoder: rows longer than the
   * context are cut to fit while keeping the end token (the model pools at it); shorter rows are padded
   * after their end token with `padId` (default: the tokenizer's pad token). A model that pools at the
   * last position of the largest id (MobileCLIP2's export) needs 0 there: end-of-text padding would move
   * its pooling onto the last pad (manifest `text.padId`).
   */
  encodeBatch(texts: readonly string[], contextLength = CLIP_CONTEXT_LENGTH, padId = this.padId): EncodedBatch {
    if (!Number.isInteger(contextLength) || contextLength < 2) {
      throw new EidosError('BAD_ARGUMENT', `contextLength must be an integer ≥ 2 (got ${contextLength}).`);
    }
    if (!Number.isInteger(padId) || padId < 0) {
      throw new EidosError('BAD_ARGUMENT', `padId must be a token id ≥ 0 (got ${padId}).`);
    }
    const inputIds = new BigInt64Array(texts.length * contextLength).fill(BigInt(padId));
    const attentionMask = new BigInt64Array(texts.length * contextLength);
    texts.forEach((text, row) => {
      let ids = this.encode(text);
      if (ids.length > contextLength) ids = [...ids.slice(0, contextLength - 1), this.endId];
      const offset = row * contextLength;
      ids.forEach((id, i) => {
        inputIds[offset + i] = BigInt(id);
        attentionMask[offset + i] = 1n;
      });
    });
    return { inputIds, attentionMask };
  }

  /** The id of the single token `word` encodes to (e.g. "red" → 736), or undefined if it takes several. */
  tokenId(word: string): number | undefined {
    const content = this.encodeContent(word);
    return content.length === 1 ? content[0] : undefined;
  }

  private encodeContent(text: string): number[] {
    const ids: number[] = [];
    // split() with a capturing group keeps the special tokens at the odd indices.
    text.split(this.specialPattern).forEach((segment, i) => {
      if (i % 2 === 1) {
        ids.push(this.addedTokens.get(segment) as number);
        return;
      }
      const normalised = segment.normalize('NFC').replace(/\s+/gu, ' ').toLowerCase();
      for (const match of normalised.matchAll(this.wordPattern)) ids.push(...this.bpe.encodeWord(match[0]));
    });
    return ids;
  }
}
