/**
 * How closely a model's two towers arrange paired data (`eidos eval`): the items are the image–caption
 * pairs, and mutual-kNN alignment compares each image's nearest images with its caption's nearest
 * captions (Huh et al. 2024 measure vision–language alignment the same way), with CKA beside it.
 */
import { alignRepresentations } from '../alignment/align.ts';
import type { ExactMatrix } from '../alignment/rows.ts';
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { allocateMatrix } from '../kernels/matrix.ts';

export interface PairedAlignment {
  pairs: number;
  k: number;
  mutualKnn: number;
  chance: number;
  interval: { low: number; high: number; level: number; resamples: number; seed: number; method: 'percentile' };
  cka: number;
}

/** Row i of `images` is paired with row i of `texts` (n × d, unit rows). */
export async function pairedAlignment(
  images: EmbeddingMatrix,
  texts: Float32Array,
  k?: number,
): Promise<PairedAlignment> {
  if (images.dtype === 'i8')
    throw new EidosError('INTERNAL', 'image–text alignment needs exact image rows (f32 or f16), not the i8 first pass');
  const textMatrix = allocateMatrix('f32', texts.length / images.d, images.d);
  textMatrix.data.set(texts);
  const result = await alignRepresentations(images as ExactMatrix, textMatrix, {
    disagreements: 0,
    ...(k !== undefined ? { k } : {}),
  });
  const { n, mutualKnn, chance, interval, cka } = result;
  return { pairs: n, k: result.k, mutualKnn, chance, interval, cka };
}

/** One line for the text reports. */
export function pairedAlignmentLine(a: PairedAlignment): string {
  const { interval: ci } = a;
  return (
    `image–text mutual ${a.k}-NN alignment ${a.mutualKnn.toFixed(3)} (${Math.round(ci.level * 100)} % interval ` +
    `${ci.low.toFixed(3)}–${ci.high.toFixed(3)}, percentile bootstrap of ${ci.resamples}; chance ${a.chance.toFixed(4)}), ` +
    `linear CKA ${a.cka.toFixed(3)}, over ${a.pairs} image–caption pairs`
  );
}
