/**
 * Byte-level BPE for one pre-tokenised word, as in GPT-2/CLIP: the word's UTF-8 bytes are mapped to
 * printable characters (so every byte has a vocabulary entry), the last symbol carries the
 * end-of-word suffix, and the lowest-ranked adjacent pair is merged until none is in the merge table.
 * Reference: openai/CLIP `simple_tokenizer.py` (`bytes_to_unicode`, `bpe`).
 */
import type { Lookup } from './sorted-lookup.ts';

/** GPT-2's reversible byte → character table: printable Latin-1 bytes map to themselves, the rest to U+0100…. */
function byteToCharTable(): string[] {
  const table: string[] = new Array<string>(256);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable =
      (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    table[byte] = String.fromCharCode(printable ? byte : next++);
  }
  return table;
}

const BYTE_TO_CHAR = byteToCharTable();
const utf8 = new TextEncoder();

/** Words are few and repeat (prompts, concept vocabularies); past this many we start over rather than grow forever. */
const CACHE_LIMIT = 50_000;

export class BytePairEncoder {
  private readonly cache = new Map<string, number[]>();

  /** `vocab`: token → id; `ranks`: merge pair `"left right"` → its priority (lower merges first). */
  constructor(
    private readonly vocab: Lookup,
    private readonly ranks: Lookup,
    private readonly endOfWordSuffix: string,
    private readonly unknownId: number,
  ) {}

  /** Token ids for one word (no spaces inside; already normalised). */
  encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const ids = this.merge(this.initialSymbols(word)).map((symbol) => this.vocab.get(symbol) ?? this.unknownId);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  private initialSymbols(word: string): string[] {
    const symbols = Array.from(utf8.encode(word), (byte) => BYTE_TO_CHAR[byte] as string);
    if (symbols.length > 0) symbols[symbols.length - 1] += this.endOfWordSuffix;
    return symbols;
  }

  private merge(symbols: string[]): string[] {
    while (symbols.length > 1) {
      let bestRank = Infinity;
      let bestIndex = -1;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestIndex = i;
        }
      }
      if (bestIndex < 0) break;
      const left = symbols[bestIndex] as string;
      const right = symbols[bestIndex + 1] as string;
      // Merge every occurrence of the best pair, left to right, as the reference does.
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i < symbols.length - 1 && symbols[i] === left && symbols[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else {
          merged.push(symbols[i] as string);
        }
      }
      symbols = merged;
    }
    return symbols;
  }
}
