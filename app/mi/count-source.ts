/**
 * Where feature selection gets its count tables. The tables are the only O(F·N) work of the selection,
 * so the native kernels supply them (app/kernels: `countTables`, `pairCountTables`, one call for all
 * features); their TypeScript reference is the default here and the parity oracle there.
 *
 * Data layout (shared with the kernels):
 * - `binned`: F×N `Uint8Array`, feature-major: `binned[f·N + i]` = bin of feature f for sample i;
 * - `labels`: N `Uint8Array` of 0/1 (1 = in the top-k of the query);
 * - counts of feature f: bins×2, index `b·2 + y` (block f of the kernels' F×bins×2 result);
 * - pair counts of (f, s): bins×bins×2, index `(b_f·bins + b_s)·2 + y` (block f of F×bins×bins×2).
 */
import { EidosError } from '../contract/errors.ts';
import type { Kernels } from '../kernels/contract.ts';
import { referenceKernels } from '../kernels/reference.ts';
import { MAX_BINS } from './equal-frequency-bins.ts';

/** The two kernels the selection needs; pass `kernels` from app/kernels/index.ts for the native ones. */
export type CountKernels = Pick<Kernels, 'countTables' | 'pairCountTables'>;

export interface CountSource {
  readonly featureCount: number;
  readonly sampleCount: number;
  readonly bins: number;
  readonly labels: Uint8Array;
  /** For every feature f, a bins×2 view of the counts of (feature f, label). */
  featureCounts(): Uint32Array[];
  /** For every feature f, a bins×bins×2 view of the counts of (feature f, feature s, label). */
  pairCountsWith(s: number): Uint32Array[];
  /** Feature f's bin for every sample (a view, not a copy): lets callers form joints of many features. */
  featureBins(f: number): Uint8Array;
}

/**
 * A count source over a binned matrix. Validates the shapes and values once up front, so a bad input
 * fails here with a message instead of deep inside a kernel.
 */
export function createCountSource(
  binned: Uint8Array,
  labels: Uint8Array,
  bins: number,
  kernels: CountKernels = referenceKernels,
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
    throw new EidosError(
      'BAD_ARGUMENT',
      `binned entry ${badBin} is ${binned[badBin]}, outside 0…${bins - 1}; bin with the same count.`,
    );
  }
  const badLabel = labels.findIndex((y) => y > 1);
  if (badLabel >= 0) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `label ${badLabel} is ${labels[badLabel]}; labels must be 0 (background) or 1 (top-k).`,
    );
  }
  const featureCount = binned.length / sampleCount;
  const checkFeature = (f: number): void => {
    if (!Number.isInteger(f) || f < 0 || f >= featureCount) {
      throw new EidosError('BAD_ARGUMENT', `feature ${f} does not exist: there are ${featureCount} features.`);
    }
  };
  const blocks = (table: Uint32Array, size: number): Uint32Array[] =>
    Array.from({ length: featureCount }, (_, f) => table.subarray(f * size, (f + 1) * size));
  return {
    featureCount,
    sampleCount,
    bins,
    labels,
    featureCounts() {
      return blocks(kernels.countTables(binned, featureCount, sampleCount, labels, bins), bins * 2);
    },
    pairCountsWith(s) {
      checkFeature(s);
      return blocks(kernels.pairCountTables(binned, featureCount, sampleCount, labels, bins, s), bins * bins * 2);
    },
    featureBins(f) {
      checkFeature(f);
      return binned.subarray(f * sampleCount, (f + 1) * sampleCount);
    },
  };
}
