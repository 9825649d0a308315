/**
 * A read-only string → number table kept as keys sorted by UTF-16 code units beside their values, and
 * searched by bisection. Loading one costs reading two arrays, not the tens of milliseconds of
 * hashing 49k keys into a Map that a tokenizer would otherwise pay at every start (app/tokenizer/tokenizer-cache.ts).
 */
export interface Lookup {
  get(key: string): number | undefined;
}

export class SortedLookup implements Lookup {
  private constructor(
    readonly keys: readonly string[],
    readonly values: Int32Array,
  ) {}

  /** From keys already sorted (as a cache stores them); throws when they are not. */
  static fromSorted(keys: readonly string[], values: ArrayLike<number>): SortedLookup {
    if (keys.length !== values.length) throw new Error(`${keys.length} keys but ${values.length} values`);
    for (let i = 1; i < keys.length; i++)
      if (!(keys[i - 1]! < keys[i]!)) throw new Error(`keys not sorted or repeated at ${i}`);
    return new SortedLookup(keys, Int32Array.from(values));
  }

  static fromEntries(entries: Iterable<readonly [string, number]>): SortedLookup {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return SortedLookup.fromSorted(
      sorted.map(([key]) => key),
      sorted.map(([, value]) => value),
    );
  }

  get(key: string): number | undefined {
    let low = 0;
    let high = this.keys.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const probe = this.keys[middle]!;
      if (probe === key) return this.values[middle];
      if (probe < key) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}
