import { readFileSync } from 'node:fs';
import { EidosError } from '../contract/errors.ts';

/**
 * The parts of a Hugging Face `tokenizer.json` (fast-tokenizer format) that a CLIP BPE tokenizer
 * needs, read and checked once at the boundary so the encoder can trust them.
 * Format: https://huggingface.co/docs/tokenizers/api/tokenizer (serialised `Tokenizer`).
 */
export interface ClipTokenizerData {
  vocab: Map<string, number>;
  /** Merge pairs in priority order, each as `"left right"`. */
  merges: string[];
  /** Appended to the last symbol of every word (`</w>` for CLIP). */
  endOfWordSuffix: string;
  /** Special tokens matched in raw text before normalisation (`<|startoftext|>`, `<|endoftext|>`). */
  addedTokens: Map<string, number>;
  /** The pre-tokenizer's split pattern (CLIP's word/number/punctuation regex), as a JS regex source. */
  splitPattern: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(file: string, field: string, reason: string): EidosError {
  return new EidosError(
    'MODEL_INVALID',
    `${file}: field '${field}' ${reason}. The tokenizer file is damaged or not a CLIP tokenizer; run 'eidos models verify' and re-fetch or re-import the model.`,
    { file },
  );
}

/** Finds the `Split` pre-tokenizer's regex, alone or inside a `Sequence`. */
function findSplitPattern(preTokenizer: unknown): string | undefined {
  if (!isObject(preTokenizer)) return undefined;
  if (
    preTokenizer.type === 'Split' &&
    isObject(preTokenizer.pattern) &&
    typeof preTokenizer.pattern.Regex === 'string'
  ) {
    return preTokenizer.pattern.Regex;
  }
  if (preTokenizer.type === 'Sequence' && Array.isArray(preTokenizer.pretokenizers)) {
    for (const inner of preTokenizer.pretokenizers) {
      const found = findSplitPattern(inner);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function readMerges(file: string, raw: unknown): string[] {
  if (!Array.isArray(raw)) throw invalid(file, 'model.merges', 'is not a list');
  // Older files store merges as "a b" strings, newer ones as ["a", "b"] pairs.
  return raw.map((merge, i) => {
    if (typeof merge === 'string') return merge;
    if (Array.isArray(merge) && merge.length === 2 && typeof merge[0] === 'string' && typeof merge[1] === 'string') {
      return `${merge[0]} ${merge[1]}`;
    }
    throw invalid(file, `model.merges[${i}]`, 'is neither "a b" nor ["a", "b"]');
  });
}

export function readClipTokenizerJson(file: string): ClipTokenizerData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'MODEL_MISSING' : 'MODEL_INVALID';
    throw new EidosError(
      code,
      `${file}: cannot read the tokenizer (${(error as Error).message}). Fetch or import the model first ('eidos models fetch').`,
      {
        file,
        cause: error,
      },
    );
  }
  if (!isObject(parsed)) throw invalid(file, '(root)', 'is not a JSON object');
  const model = parsed.model;
  if (!isObject(model)) throw invalid(file, 'model', 'is missing');
  if (model.type !== 'BPE') throw invalid(file, 'model.type', `is '${String(model.type)}', expected 'BPE'`);
  if (!isObject(model.vocab)) throw invalid(file, 'model.vocab', 'is not an object');
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id)) throw invalid(file, `model.vocab["${token}"]`, 'is not an integer id');
    vocab.set(token, id as number);
  }
  const suffix = model.end_of_word_suffix;
  if (typeof suffix !== 'string' || suffix === '')
    throw invalid(file, 'model.end_of_word_suffix', 'is missing (CLIP uses "</w>")');

  const addedTokens = new Map<string, number>();
  for (const [i, token] of (Array.isArray(parsed.added_tokens) ? parsed.added_tokens : []).entries()) {
    if (!isObject(token) || typeof token.content !== 'string' || !Number.isInteger(token.id)) {
      throw invalid(file, `added_tokens[${i}]`, 'needs a string content and an integer id');
    }
    addedTokens.set(token.content, token.id as number);
  }
  const splitPattern = findSplitPattern(parsed.pre_tokenizer);
  if (splitPattern === undefined) throw invalid(file, 'pre_tokenizer', 'has no Split regex');

  return { vocab, merges: readMerges(file, model.merges), endOfWordSuffix: suffix, addedTokens, splitPattern };
}
