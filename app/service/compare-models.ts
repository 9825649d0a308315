/**
 * `eidos compare-models A B` and the Settings panel: how closely two models that have both indexed the
 * library agree (app/alignment), over the distinct photos both have embedded. Copies of one photo count
 * once: two files with the same content would be each other's nearest neighbour under any model.
 */
import { existsSync } from 'node:fs';
import { alignRepresentations, DEFAULT_K } from '../alignment/align.ts';
import { selectRows, type ExactMatrix } from '../alignment/rows.ts';
import { DEFAULT_SAMPLE, DEFAULT_SAMPLE_SEED, sampleRows } from '../alignment/sample.ts';
import { EidosError } from '../contract/errors.ts';
import type { ModelComparison, PhotoSummary } from '../contract/types.ts';
import { loadManifest } from '../models/manifest.ts';
import { indexPath } from '../paths.ts';
import { toPhotoSummary } from '../search/results.ts';
import { photoIdOf } from '../contract/photo-id.ts';
import type { IndexStore } from '../store/index-store.ts';
import { openIndex } from '../store/open.ts';
import type { StoredEmbeddings } from '../store/types.ts';

export { DEFAULT_K, DEFAULT_SAMPLE };

export interface CompareModelsArgs {
  a: string;
  b: string;
  k?: number;
  /** Photos to measure on, sampled with a fixed seed (default 1,024, as Huh et al.)… */
  sample?: number;
  /** …or every photo both models have indexed. */
  all?: boolean;
}

function notIndexed(modelId: string, photos: number): EidosError {
  const known = loadManifest().models.map((m) => m.id);
  if (!known.includes(modelId))
    return new EidosError(
      'NOT_FOUND',
      `unknown model ${modelId}: the models Eidos knows are ${known.join(', ')} ('eidos models list' shows them).`,
    );
  return new EidosError(
    'NOT_FOUND',
    `model ${modelId} has not indexed the photos of this library (${photos} indexed with other models): run 'eidos index --model ${modelId}' first.`,
  );
}

function load(store: IndexStore, modelId: string, photos: number): StoredEmbeddings {
  const matrix = store.loadMatrix(modelId);
  if (!matrix || matrix.n === 0) throw notIndexed(modelId, photos);
  return matrix;
}

/** Rows of `a` and `b` holding the same content, once per content hash, in `a`'s order. */
function sharedRows(a: StoredEmbeddings, b: StoredEmbeddings): { rowsA: number[]; rowsB: number[] } {
  const rowOfHashB = new Map<string, number>();
  b.contentHashes.forEach((hash, row) => {
    if (!rowOfHashB.has(hash)) rowOfHashB.set(hash, row);
  });
  const seen = new Set<string>();
  const rowsA: number[] = [];
  const rowsB: number[] = [];
  a.contentHashes.forEach((hash, row) => {
    const rowB = rowOfHashB.get(hash);
    if (rowB === undefined || seen.has(hash)) return;
    seen.add(hash);
    rowsA.push(row);
    rowsB.push(rowB);
  });
  return { rowsA, rowsB };
}

const asMatrix = (stored: StoredEmbeddings) =>
  stored.dtype === 'f32'
    ? { dtype: 'f32' as const, data: stored.data as Float32Array, n: stored.n, d: stored.d }
    : { dtype: 'f16' as const, data: stored.data as Uint16Array, n: stored.n, d: stored.d };

/** The given rows of a stored matrix; the matrix itself when they are all of its rows in order (no copy). */
function rowsOf(stored: StoredEmbeddings, rows: readonly number[]): ExactMatrix {
  const matrix = asMatrix(stored);
  return rows.length === stored.n && rows.every((row, i) => row === i) ? matrix : selectRows(matrix, rows);
}

export async function compareModels(
  store: IndexStore,
  args: CompareModelsArgs,
  options: { yieldEvery?: () => Promise<void> } = {},
): Promise<ModelComparison> {
  const photos = store.status().indexed;
  const a = load(store, args.a, photos);
  const b = args.b === args.a ? a : load(store, args.b, photos);
  const shared = sharedRows(a, b);
  const k = args.k ?? DEFAULT_K;
  if (shared.rowsA.length < k + 2)
    throw new EidosError(
      'BAD_ARGUMENT',
      `${args.a} and ${args.b} have both indexed ${shared.rowsA.length} distinct photos; comparing ${k}-nearest neighbourhoods needs at least ${k + 2}: index more photos with both models, or ask for a smaller k.`,
    );
  const wanted = args.all ? 'all' : (args.sample ?? DEFAULT_SAMPLE);
  if (wanted !== 'all' && wanted < k + 2)
    throw new EidosError(
      'BAD_ARGUMENT',
      `a sample of ${wanted} photos is too small for k = ${k}: it needs at least ${k + 2}.`,
    );
  const picked = wanted === 'all' ? null : sampleRows(shared.rowsA.length, wanted, DEFAULT_SAMPLE_SEED);
  const rowsA = picked ? picked.map((i) => shared.rowsA[i]!) : shared.rowsA;
  const rowsB = picked ? picked.map((i) => shared.rowsB[i]!) : shared.rowsB;
  const matrixA = rowsOf(a, rowsA);
  // A model against itself: one matrix, so one kNN pass serves both sides.
  const matrixB = b === a ? matrixA : rowsOf(b, rowsB);
  const alignment = await alignRepresentations(matrixA, matrixB, {
    k,
    ...(options.yieldEvery ? { yieldEvery: options.yieldEvery } : {}),
  });
  // Only the photos shown are read back from the index.
  const shown = new Set<number>();
  for (const d of alignment.disagreements)
    for (const item of [d.item, ...d.neighboursA, ...d.neighboursB]) shown.add(item);
  const fileIdOfItem = (item: number) => a.fileIds[rowsA[item]!]!;
  const summaries = new Map(
    store.photoRows([...shown].map(fileIdOfItem)).map((row) => [row.id, toPhotoSummary(row)] as const),
  );
  const summary = (item: number): PhotoSummary => {
    const found = summaries.get(fileIdOfItem(item));
    if (!found) throw new EidosError('INTERNAL', `photo ${fileIdOfItem(item)} left the index during the comparison`);
    return found;
  };
  const { timings } = alignment;
  return {
    a: { id: a.modelId, dim: a.d, photos: a.n },
    b: { id: b.modelId, dim: b.d, photos: b.n },
    photos: alignment.n,
    sample: {
      size: alignment.n,
      of: shared.rowsA.length,
      seed: picked && picked.length < shared.rowsA.length ? DEFAULT_SAMPLE_SEED : null,
      ids: rowsA.map((row) => photoIdOf(a.fileIds[row]!)),
    },
    k,
    mutualKnn: alignment.mutualKnn,
    chance: alignment.chance,
    interval: alignment.interval,
    cka: alignment.cka,
    overlapHistogram: alignment.overlapHistogram,
    disagreements: alignment.disagreements.map((d) => ({
      photo: summary(d.item),
      overlap: d.overlap,
      neighboursA: d.neighboursA.map(summary),
      neighboursB: d.neighboursB.map(summary),
    })),
    seconds: { knnA: timings.knnA / 1000, knnB: timings.knnB / 1000, rest: timings.rest / 1000 },
  };
}

/** The comparison over the index in `home`, read-only (another process may be indexing meanwhile). */
export async function compareModelsIn(home: string, args: CompareModelsArgs): Promise<ModelComparison> {
  const file = indexPath(home);
  if (!existsSync(file))
    throw new EidosError('NOT_FOUND', `no index yet at ${file}: run 'eidos index <folder>' first.`, { file });
  const store = openIndex(file, { readonly: true });
  try {
    return await compareModels(store, args);
  } finally {
    store.close();
  }
}
