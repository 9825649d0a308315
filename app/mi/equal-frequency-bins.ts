/**
 * Equal-frequency (quantile) binning of continuous features into B bins, for the plug-in MI estimators.
 *
 * Rule: sort the N values; a value whose first occurrence in sorted order has rank r (0-based) goes to
 * bin ⌊r·B/N⌋. Equal values therefore always share a bin, whatever their input order, and without ties
 * every bin gets ⌊N/B⌋ or ⌈N/B⌉ values.
 *
 * Heavy ties: a value repeated more than N/B times fills its bin and spills over the following rank
 * range, so the bins that range would have used stay EMPTY (e.g. 60 % zeros in 4 bins → bin 0 holds
 * the zeros, bin 1 is empty, the rest share bins 2–3). Empty bins cost nothing: the estimators only
 * count occupied cells. A constant feature lands entirely in bin 0 and carries 0 bits.
 */
import { EidosError } from '../contract/errors.ts';

export const MAX_BINS = 256; // bin indices are stored in a Uint8Array

/** Bin indices (0 … bins−1) of one feature's values. */
export function equalFrequencyBins(values: ArrayLike<number>, bins: number): Uint8Array {
  const out = new Uint8Array(values.length);
  binInto(values, 0, values.length, bins, out, 0);
  return out;
}

/**
 * Bins every feature of a feature-major matrix (`values[f·N + i]` = feature f of sample i) into the
 * F×N `Uint8Array` layout that the count sources read.
 */
export function binFeatureMatrix(
  values: ArrayLike<number>,
  featureCount: number,
  sampleCount: number,
  bins: number,
): Uint8Array {
  if (values.length !== featureCount * sampleCount) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `feature matrix has ${values.length} values, expected ${featureCount} features × ${sampleCount} samples; pass it feature-major.`,
    );
  }
  const out = new Uint8Array(values.length);
  for (let f = 0; f < featureCount; f++) binInto(values, f * sampleCount, sampleCount, bins, out, f * sampleCount);
  return out;
}

function binInto(
  values: ArrayLike<number>,
  start: number,
  length: number,
  bins: number,
  out: Uint8Array,
  outStart: number,
): void {
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw new EidosError('BAD_ARGUMENT', `bin count ${bins} is invalid: use an integer from 1 to ${MAX_BINS}.`);
  }
  const order = new Uint32Array(length);
  for (let i = 0; i < length; i++) {
    const v = values[start + i]!;
    if (!Number.isFinite(v)) {
      throw new EidosError(
        'BAD_ARGUMENT',
        `value ${v} at position ${start + i} cannot be binned: features must be finite numbers (check the encoder output).`,
      );
    }
    order[i] = i;
  }
  order.sort((a, b) => values[start + a]! - values[start + b]!);

  let groupBin = 0;
  for (let r = 0; r < length; r++) {
    const i = order[r]!;
    // A new tie group starts where the value changes; the whole group takes its first rank's bin.
    if (r === 0 || values[start + i]! !== values[start + order[r - 1]!]!) {
      groupBin = Math.floor((r * bins) / length);
    }
    out[outStart + i] = groupBin;
  }
}
