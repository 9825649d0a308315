// `eidos compare-models` through the built CLI, on a synthetic library indexed with synthetic-tiny and
// synthetic-tiny-left, which share a known 21-dimensional subspace of hidden features
// (models/synthetic/left-half.ts). The prediction is made here, apart from app/alignment: the left
// model's embedding of each photo is synthetic-tiny's stored embedding taken back to hidden features
// (the projection's rows are orthonormal), restricted to the shared features, mapped through the left
// model's own projection, normalised and rounded to f16 as the index stores it; then
// kNN by sorting and CKA from the n×n Gram matrices (test/unit/alignment/simulate.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModel } from '../../../app/models/store.ts';
import { indexPath, modelsDir } from '../../../app/paths.ts';
import { openIndex } from '../../../app/store/open.ts';
import { referenceKernels } from '../../../app/kernels/reference.ts';
import type { ModelComparison } from '../../../app/contract/types.ts';
import { SYNTHETIC_DIM, projectionMatrix } from '../../../models/synthetic/feature-space.ts';
import { LEFT_HALF_FEATURES, leftHalfProjection } from '../../../models/synthetic/left-half.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import { MODEL_ID, jsonError, makeHome, runEidos } from '../../helpers/eidos-cli.ts';
import { bruteForceKnn, bruteForceMutualKnn, gramCka, mean, sd, unitRows } from '../../unit/alignment/simulate.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';

const LEFT_ID = 'synthetic-tiny-left';
const PHOTOS = 120;
const K = 10;

let home: string;
let scratch: string;
let dispose: () => void;

beforeAll(async () => {
  ({ home, scratch, dispose } = await makeHome());
  await fetchModel(LEFT_ID, {}, { modelsDir: modelsDir(home) });
  await writePhotoSet(scratch, { count: PHOTOS, width: 320, height: 240, seed: 16 });
  const indexed = await runEidos(home, ['index', scratch, '--model', MODEL_ID, '--json']);
  expect(indexed.code).toBe(0);
}, 180_000);
afterAll(() => dispose());

/** synthetic-tiny's stored embeddings (f16 → f32), in the index's row order, with each row's photo id. */
function storedTinyRows(): { vectors: Float64Array; ids: string[] } {
  const store = openIndex(indexPath(home), { readonly: true });
  try {
    const matrix = store.loadMatrix(MODEL_ID)!;
    return {
      vectors: Float64Array.from(referenceKernels.f16ToF32(matrix.data as Uint16Array)),
      ids: Array.from(matrix.fileIds, String),
    };
  } finally {
    store.close();
  }
}
const storedTinyEmbeddings = (): Float64Array => storedTinyRows().vectors;

/** The rows of `vectors` (d wide) holding the given photos, in the given order. */
function rowsOfIds(rows: { vectors: Float64Array; ids: string[] }, ids: readonly string[], d: number): Float64Array {
  const out = new Float64Array(ids.length * d);
  ids.forEach((id, i) => {
    const row = rows.ids.indexOf(id);
    expect(row).toBeGreaterThanOrEqual(0);
    out.set(rows.vectors.subarray(row * d, row * d + d), i * d);
  });
  return out;
}

/** f16 rounding, as the index stores every vector. */
const roundF16 = (values: Float64Array) =>
  Float64Array.from(referenceKernels.f16ToF32(referenceKernels.f32ToF16(Float32Array.from(values))));
/** The spacing of f16 values at v (normal range; subnormals below 2⁻¹⁴). */
const f16Spacing = (v: number) => 2 ** (Math.max(-14, Math.floor(Math.log2(Math.abs(v) || 2 ** -24))) - 10);

/**
 * The left model's stored embeddings as the construction predicts them from synthetic-tiny's: hidden
 * features (× the projection's transpose), the shared ones through the left model's own projection,
 * normalised and stored in f16.
 */
function predictedLeftEmbeddings(tiny: Float64Array): Float64Array {
  const [projection, left, d] = [projectionMatrix(), leftHalfProjection(), SYNTHETIC_DIM];
  const n = tiny.length / d;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (const feature of LEFT_HALF_FEATURES) {
      let value = 0;
      for (let c = 0; c < d; c++) value += tiny[i * d + c]! * projection[feature * d + c]!;
      for (let c = 0; c < d; c++) out[i * d + c]! += value * left[feature * d + c]!;
    }
  return roundF16(unitRows(out, d));
}

describe('eidos compare-models', () => {
  it('says which model has not indexed the photos and the command that would, exit 1', async () => {
    const result = await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID, '--json']);
    expect(result.code).toBe(1);
    const error = jsonError(result);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(`model ${LEFT_ID} has not indexed`);
    expect(error.message).toContain(`eidos index --model ${LEFT_ID}`);
  });

  it('gives exactly 1 for a model compared with itself', async () => {
    const result = await runEidos(home, ['compare-models', MODEL_ID, MODEL_ID, '--json']);
    expect(result.code).toBe(0);
    const c = JSON.parse(result.stdout) as ModelComparison;
    expect([c.mutualKnn, c.cka, c.interval.low, c.interval.high]).toEqual([1, 1, 1, 1]);
    expect(c.photos).toBe(PHOTOS);
    expect(c.chance).toBe(K / (PHOTOS - 1));
  });

  it('gives the value the shared subspace predicts for synthetic-tiny vs synthetic-tiny-left', async () => {
    expect((await runEidos(home, ['index', '--model', LEFT_ID, '--json'])).code).toBe(0);
    const result = await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID, '--json', '--show', '3']);
    expect(result.code).toBe(0);
    const c = JSON.parse(result.stdout) as ModelComparison;
    expect(c.photos).toBe(PHOTOS);
    expect([c.a.dim, c.b.dim]).toEqual([SYNTHETIC_DIM, SYNTHETIC_DIM]);

    const tiny = storedTinyEmbeddings();
    const d = SYNTHETIC_DIM;
    const listsTiny = bruteForceKnn(tiny, d, K);
    const figures = (left: Float64Array) => ({
      knn: bruteForceMutualKnn(listsTiny, bruteForceKnn(left, d, K), K),
      cka: gramCka(tiny, d, left, d),
    });
    const { knn: predicted, cka: predictedCka } = figures(predictedLeftEmbeddings(tiny));
    // Tolerance: synthetic-tiny's vectors were rounded to f16 before the prediction saw them, which can
    // swap near-tied neighbours. Predict again from vectors moved by as much (uniform within half an f16
    // step) to learn how far that moves the figures; allow 4 standard deviations of it, its mean shift,
    // and one neighbour of one photo.
    const random = mulberry32(31);
    const moved = Array.from({ length: 8 }, () =>
      figures(predictedLeftEmbeddings(tiny.map((v) => v + (random() - 0.5) * f16Spacing(v)))),
    );
    const knnTolerance =
      4 * sd(moved.map((x) => x.knn)) + Math.abs(mean(moved.map((x) => x.knn)) - predicted) + 1 / (PHOTOS * K);
    // CKA also gets 1e-5 for the kernel's f32 products (relative rounding ~1e-7 per sum of 120 terms).
    const ckaTolerance =
      4 * sd(moved.map((x) => x.cka)) + Math.abs(mean(moved.map((x) => x.cka)) - predictedCka) + 1e-5;
    expect(Math.abs(c.mutualKnn - predicted)).toBeLessThanOrEqual(knnTolerance);
    expect(Math.abs(c.cka - predictedCka)).toBeLessThanOrEqual(ckaTolerance);
    // The shared half carries real but partial agreement, and the interval holds the estimate.
    expect(c.mutualKnn).toBeGreaterThan(3 * c.chance);
    expect(c.mutualKnn).toBeLessThan(0.9);
    expect(c.interval.low).toBeLessThanOrEqual(c.mutualKnn);
    expect(c.interval.high).toBeGreaterThanOrEqual(c.mutualKnn);
    expect(c.overlapHistogram.reduce((x, y) => x + y, 0)).toBe(PHOTOS);
    // The most-disagreeing photos come first, each with k neighbours from both sides.
    expect(c.disagreements.length).toBeGreaterThan(0);
    const lowest = Math.min(...c.overlapHistogram.flatMap((count, shared) => (count > 0 ? [shared] : [])));
    expect(c.disagreements[0]!.overlap).toBe(lowest);
    for (const d of c.disagreements) {
      expect(d.neighboursA).toHaveLength(K);
      expect(d.neighboursB).toHaveLength(K);
      expect(d.neighboursA.filter((p) => d.neighboursB.some((q) => q.id === p.id))).toHaveLength(d.overlap);
    }

    const text = await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`mutual 10-NN alignment  ${c.mutualKnn.toFixed(4)}`);
    expect(text.stdout).toContain(`chance level              ${c.chance.toFixed(4)}`);
  }, 180_000);

  it('states N: every photo below 1,024; a seeded sample of N photos predicted on that sample; --all', async () => {
    // The left model indexed the library in the test before.
    const whole = JSON.parse(
      (await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID, '--json'])).stdout,
    ) as ModelComparison;
    expect(whole.sample).toMatchObject({ size: PHOTOS, of: PHOTOS, seed: null });
    const all = JSON.parse(
      (await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID, '--all', '--json'])).stdout,
    ) as ModelComparison;
    expect(all.mutualKnn).toBe(whole.mutualKnn);

    const N = 60;
    const result = await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID, '--sample', String(N), '--json']);
    expect(result.code).toBe(0);
    const c = JSON.parse(result.stdout) as ModelComparison;
    expect(c.photos).toBe(N);
    expect(c.sample).toMatchObject({ size: N, of: PHOTOS, seed: 1 });
    expect(new Set(c.sample.ids).size).toBe(N);
    expect(c.chance).toBe(K / (N - 1));
    expect(c.overlapHistogram.reduce((x, y) => x + y, 0)).toBe(N);
    // The shared subspace's prediction, made on exactly the sampled photos (neighbours among them only).
    const d = SYNTHETIC_DIM;
    const tiny = rowsOfIds(storedTinyRows(), c.sample.ids, d);
    const predicted = bruteForceMutualKnn(
      bruteForceKnn(tiny, d, K),
      bruteForceKnn(predictedLeftEmbeddings(tiny), d, K),
      K,
    );
    // f16 rounding of the stored vectors may swap near-tied neighbours: allow two neighbours of one photo.
    expect(Math.abs(c.mutualKnn - predicted)).toBeLessThanOrEqual(2 / (N * K) + 1e-12);
    // The same seed, the same photos and figure.
    const again = JSON.parse(
      (await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID, '--sample', String(N), '--json'])).stdout,
    ) as ModelComparison;
    expect(again.sample.ids).toEqual(c.sample.ids);
    expect(again.mutualKnn).toBe(c.mutualKnn);

    const text = await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID, '--sample', String(N)]);
    expect(text.stdout).toContain(`N = ${N} photos sampled (seed 1) of the ${PHOTOS} both have indexed`);
    const both = await runEidos(home, ['compare-models', MODEL_ID, LEFT_ID, '--sample', '30', '--all']);
    expect(both.code).toBe(2);
  }, 180_000);

  it('refuses a bad k with exit 2, and an unknown model with exit 1', async () => {
    const badK = await runEidos(home, ['compare-models', MODEL_ID, MODEL_ID, '--k', 'ten']);
    expect(badK.code).toBe(2);
    expect(badK.stderr + badK.stdout).toContain('--k takes a whole number');
    const tooLarge = await runEidos(home, ['compare-models', MODEL_ID, MODEL_ID, '--k', String(PHOTOS)]);
    expect(tooLarge.code).toBe(2);
    const unknown = await runEidos(home, ['compare-models', MODEL_ID, 'no-such-model', '--json']);
    expect(unknown.code).toBe(1);
    expect(jsonError(unknown).message).toContain('unknown model no-such-model');
    expect(jsonError(unknown).message).toContain(LEFT_ID);
  });
});
