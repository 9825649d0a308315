/** What the encoder needs of a tokenizer: texts → [n, contextLength] ids (and a mask, for models that take one). */
export interface EncodedBatch {
  /** Row-major [n, contextLength]. */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
}

export interface TextTokenizer {
  encodeBatch(texts: readonly string[], contextLength: number): EncodedBatch;
}
