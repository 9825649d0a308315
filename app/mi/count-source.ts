/**
 * Where feature selection gets its count tables. The tables are the only O(N) work of the selection, so
 * a native kernel may supply them; this file holds the contract and the TypeScript reference kernels
 * that the native ones are tested against.
 *
 * Data layout (shared with the native kernels):
 * - `binned`: F×N `Uint8Array`, feature-major: `binned[f·N + i]` = bin of feature f for sample i;
 * - `labels`: N `Uint8Array` of 0/1 (1 = in the top-k of the query);
 * - counts of feature f: `Uint32Array` of bins×2, index `b·2 + y`;
 * - pair counts of (f, s): `Uint32Array` of bins×bins×2, index `(b_f·bins + b_s)·2 + y`.
 */
import { EidosError } from '../errors.ts';
import { MAX_BINS } from './equal-frequency-bins.ts';

/** The kernel signatures, identical for the TypeScript reference and the native addon. */
export interface CountKernels {
  countTables(binned: Uint8Array, f: number, n: number, y: Uint8Array, bins: number): Uint32Array;
  pairCountTables(binned: Uint8Array, f: number, n: number, y: Uint8Array, bins: number, s: number): Uint32Array;
}

export interface CountSource {
  readonly featureCount: number;
  readonly sampleCount: number;
  readonly bins: number;
  readonly labels: Uint8Array;
  /** bins×2 counts of (feature f, label). */
  counts(f: number): Uint32Array;
  /** bins×bins×2 counts of (feature f, feature s, label). */
  pairCounts(f: number, s: number): Uint32Array;
  /** Feature f's bin for every sample (a view, not a copy): lets callers form joints of many features. */
  featureBins(f: number): Uint8Array;
}

export const referenceCountKernels: CountKernels = {
  countTables(binned, f, n, y, bins) {
    const table = new Uint32Array(bins * 2);
    const offset = f * n;
    for (let i = 0; i < n; i++) table[binned[offset + i]! * 2 + y[i]!]!++;
    return table;
  },
  pairCountTables(binned, f, n, y, bins, s) {
    const table = new Uint32Array(bins * bins * 2);
    const offsetF = f * n;
    const offsetS = s * n;
    for (let i = 0; i < n; i++) table[(binned[offsetF + i]! * bins + binned[offsetS + i]!) * 2 + y[i]!]!++;
    return table;
  },
};

/**
 * A count source over a binned matrix. Validates the whole input once (bins in range, labels 0/1),
 * so the kernels can trust it.
 */
export function createCountSource(
  binned: Uint8Array,
  labels: Uint8Array,
  bins: number,
  kernels: CountKernels = referenceCountKernels,
): CountSource {
  const sampleCount = labels.length;
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw new EidosError('BAD_ARGUMENT', `bin count ${bins} is invalid: use an integer from 1 to ${MAX_BINS}.`);
  }
  if (sampleCount === 0 || binned.length % sampleCount !== 0) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `binned matrix has ${binned.length} entries, not a multiple of the ${sampleCount} labels; pass it feature-major (F×N).`,
    );
  }
  const badBin = binned.findIndex((b) => b >= bins);
  if (badBin >= 0) {
    throw new EidosError('BAD_ARGUMENT', `binned entry ${badBin} is ${binned[badBin]}, outside 0…${bins - 1}; bin with the same count.`);
  }
  const badLabel = labels.findIndex((y) => y > 1);
  if (badLabel >= 0) {
    throw new EidosError('BAD_ARGUMENT', `label ${badLabel} is ${labels[badLabel]}; labels must be 0 (background) or 1 (top-k).`);
  }
  const featureCount = binned.length / sampleCount;
  const checkFeature = (f: number): void => {
    if (!Number.isInteger(f) || f < 0 || f >= featureCount) {
      throw new EidosError('BAD_ARGUMENT', `feature ${f} does not exist: there are ${featureCount} features.`);
    }
  };
  return {
    featureCount,
    sampleCount,
    bins,
    labels,
    counts(f) {
      checkFeature(f);
      return kernels.countTables(binned, f, sampleCount, labels, bins);
    },
    pairCounts(f, s) {
      checkFeature(f);
      checkFeature(s);
      return kernels.pairCountTables(binned, f, sampleCount, labels, bins, s);
    },
    featureBins(f) {
      checkFeature(f);
      return binned.subarray(f * sampleCount, (f + 1) * sampleCount);
    },
  };
}
