/**
 * A read-only string → number table kept as one text of keys sorted by UTF-16 code units (joined by
 * newlines, with each key's start offset) beside their values, searched by bisection. Loading one from
 * a cache (app/tokenizer/tokenizer-cache.ts) is one string and two typed arrays: no Map of 49k keys to
 * hash and no 49k strings to allocate and collect at every start, which was most of what a one-off
 * `eidos search` waited for. A lookup slices the ~16 keys it compares.
 */
export interface Lookup {
  get(key: string): number | undefined;
}

export class SortedLookup implements Lookup {
  private constructor(
    /** The keys in order, joined by '\n' (no key holds one). */
    readonly text: string,
    /** n + 1 offsets into `text`: key i is text.slice(starts[i], starts[i + 1] - 1). */
    readonly starts: Int32Array,
    readonly values: Int32Array,
  ) {}

  get size(): number {
    return this.values.length;
  }

  /** From the parts `text`, `starts` and `values` expose (a cache's copy of them). */
  static fromPacked(text: string, starts: Int32Array, values: Int32Array): SortedLookup {
    if (starts.length !== values.length + 1 || starts[values.length] !== text.length + 1) {
      throw new Error(
        `a table of ${values.length} keys needs ${values.length + 1} offsets ending at ${text.length + 1}`,
      );
    }
    return new SortedLookup(text, starts, values);
  }

  static fromEntries(entries: Iterable<readonly [string, number]>): SortedLookup {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const starts = new Int32Array(sorted.length + 1);
    for (const [i, [key]] of sorted.entries()) {
      if (key.includes('\n')) throw new Error(`the key ${JSON.stringify(key)} holds a newline`);
      if (i > 0 && key === sorted[i - 1]![0]) throw new Error(`the key ${JSON.stringify(key)} is repeated`);
      starts[i + 1] = starts[i]! + key.length + 1;
    }
    return new SortedLookup(
      sorted.map(([key]) => key).join('\n'),
      starts,
      Int32Array.from(sorted, ([, value]) => value),
    );
  }

  get(key: string): number | undefined {
    let low = 0;
    let high = this.values.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const probe = this.text.slice(this.starts[middle]!, this.starts[middle + 1]! - 1);
      if (probe === key) return this.values[middle];
      if (probe < key) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}
