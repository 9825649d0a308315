/**
 * The Gemma tokenizer of SigLIP 2 (and any model whose `tokenizer.json` is a SentencePiece-style BPE),
 * run by Hugging Face's own JavaScript port of `tokenizers` (@huggingface/tokenizers, the tokenizer
 * transformers.js uses), not by code of ours: we only add what SigLIP 2's processor does around it.
 *
 *  - optional lower-casing (the model was trained on lower-cased text; GemmaTokenizer itself is cased);
 *  - the file's post-processor adds the special tokens (SigLIP 2: `<eos>` at the end, no `<bos>`);
 *  - a text longer than the context is cut before those tokens, which are kept (as Python's
 *    `truncation=True` does; the model pools at the last position, where `<eos>` or padding sits);
 *  - rows are padded on the right with `padId` (0, `<pad>`) to exactly `contextLength`.
 * The attention mask is returned for the interface; SigLIP 2's text graph takes none.
 */
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { EidosError } from '../contract/errors.ts';
import type { EncodedBatch, TextTokenizer } from './text-tokenizer.ts';

export interface GemmaTokenizerOptions {
  lowercase: boolean;
  padId: number;
}

function readJson(file: string, what: string): object {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'MODEL_MISSING' : 'MODEL_INVALID';
    throw new EidosError(
      code,
      `${file}: cannot read the ${what} (${(error as Error).message}). Run 'eidos models verify' and re-fetch the model.`,
      { file, cause: error },
    );
  }
}

export class GemmaTokenizer implements TextTokenizer {
  private readonly tokenizer: Tokenizer;
  /** What the post-processor puts before and after the text's own tokens. */
  private readonly prefix: number[];
  private readonly suffix: number[];

  private constructor(
    tokenizer: Tokenizer,
    private readonly options: GemmaTokenizerOptions,
    file: string,
  ) {
    this.tokenizer = tokenizer;
    const probe = 'a';
    const content = tokenizer.encode(probe, { add_special_tokens: false }).ids;
    const full = tokenizer.encode(probe).ids;
    const at = full.findIndex((_, i) => content.every((id, j) => full[i + j] === id));
    if (content.length === 0 || at < 0) {
      throw new EidosError('MODEL_INVALID', `${file}: the tokenizer's special tokens wrap no text; it is damaged.`, {
        file,
      });
    }
    this.prefix = full.slice(0, at);
    this.suffix = full.slice(at + content.length);
  }

  /** `tokenizer.json` and, beside it, `tokenizer_config.json` (optional) of an installed model. */
  static fromFiles(
    tokenizerJson: string,
    tokenizerConfig: string | undefined,
    options: GemmaTokenizerOptions,
  ): GemmaTokenizer {
    const json = readJson(tokenizerJson, 'tokenizer');
    const config = tokenizerConfig === undefined ? {} : readJson(tokenizerConfig, 'tokenizer configuration');
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
    } catch (error) {
      throw new EidosError(
        'MODEL_INVALID',
        `${tokenizerJson}: not a tokenizer @huggingface/tokenizers can run (${(error as Error).message}).`,
        { file: tokenizerJson, cause: error },
      );
    }
    return new GemmaTokenizer(tokenizer, options, tokenizerJson);
  }

  /** Ids of one text with the special tokens, cut to `contextLength`, unpadded. */
  encode(text: string, contextLength: number): number[] {
    const input = this.options.lowercase ? text.toLowerCase() : text;
    const room = contextLength - this.prefix.length - this.suffix.length;
    const content = this.tokenizer.encode(input, { add_special_tokens: false }).ids.slice(0, Math.max(0, room));
    return [...this.prefix, ...content, ...this.suffix];
  }

  encodeBatch(texts: readonly string[], contextLength: number): EncodedBatch {
    if (!Number.isInteger(contextLength) || contextLength <= this.prefix.length + this.suffix.length) {
      throw new EidosError(
        'BAD_ARGUMENT',
        `contextLength must be an integer above the special tokens (got ${contextLength}).`,
      );
    }
    const inputIds = new BigInt64Array(texts.length * contextLength).fill(BigInt(this.options.padId));
    const attentionMask = new BigInt64Array(texts.length * contextLength);
    texts.forEach((text, row) => {
      const offset = row * contextLength;
      this.encode(text, contextLength).forEach((id, i) => {
        inputIds[offset + i] = BigInt(id);
        attentionMask[offset + i] = 1n;
      });
    });
    return { inputIds, attentionMask };
  }
}
