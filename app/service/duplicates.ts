/**
 * `eidos duplicates` and the Duplicates view: the library's exact copies, near-duplicates and bursts
 * (app/duplicates), with the photo to keep in each group and why. Pixel fingerprints are kept per
 * content in the index, made by the indexer from its one decode of a new photo; contents without one (a
 * library indexed before they existed, a photo whose vector was already known) are fingerprinted here
 * once (one small decode each), and stored when this process may write the index (else used for this
 * answer only).
 */
import { readFile } from 'node:fs/promises';
import type { DuplicateGroup, DuplicatesReport } from '../contract/duplicates.ts';
import { describeError } from '../contract/errors.ts';
import { BURST_MAX_GAP_SECONDS, BURST_MIN_SIMILARITY } from '../duplicates/bursts.ts';
import { findDuplicates, type ContentSignature, type LibraryFile } from '../duplicates/find-duplicates.ts';
import { NEAR_DUPLICATE_MIN_SIMILARITY } from '../duplicates/near-duplicates.ts';
import { FINGERPRINT_KIND, photoSignature } from '../image/fingerprint.ts';
import { kernels } from '../kernels/index.ts';
import { rowsAsF32, type ExactMatrix } from '../alignment/rows.ts';
import type { ModelSpec } from '../models/manifest-types.ts';
import { toPhotoSummary } from '../search/results.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { FingerprintWrite } from '../store/fingerprints.ts';

/** Fingerprints written per transaction while filling. */
const WRITE_BATCH = 64;

/** Fingerprints every indexed content lacking one; returns them (also stored when the index is writable). */
async function fillFingerprints(store: IndexStore): Promise<{ made: FingerprintWrite[]; failed: number }> {
  const missing = store.unfingerprintedContents(FINGERPRINT_KIND);
  const made: FingerprintWrite[] = [];
  let pending: FingerprintWrite[] = [];
  let failed = 0;
  for (const content of missing) {
    let row: FingerprintWrite;
    try {
      // The bytes by the path's exact OS bytes: a name that is not valid UTF-8 cannot be reopened from its text.
      const bytes = await readFile(content.pathKey);
      const signature = await photoSignature(content.path, bytes);
      row = { contentHash: content.contentHash, ...signature, failed: undefined };
    } catch (error) {
      failed++;
      row = {
        contentHash: content.contentHash,
        fingerprint: undefined,
        sharpness: undefined,
        failed: describeError(error),
      };
    }
    made.push(row);
    pending.push(row);
    if (pending.length >= WRITE_BATCH && !store.readonly) {
      store.writeFingerprints(FINGERPRINT_KIND, pending);
      pending = [];
    }
  }
  if (pending.length > 0 && !store.readonly) store.writeFingerprints(FINGERPRINT_KIND, pending);
  return { made, failed };
}

/** Cosine of two contents' stored embeddings under the model, for a model whose embeddings mean something. */
function embeddingCosines(
  store: IndexStore,
  model: ModelSpec,
): ((a: string, b: string) => number | undefined) | undefined {
  // Generated models (synthetic, architecture twins) have no visual meaning: their cosines say nothing.
  if (model.source !== 'download') return undefined;
  const stored = store.loadMatrix(model.id);
  if (!stored) return undefined;
  const matrix = (
    stored.dtype === 'f32'
      ? { dtype: 'f32', data: stored.data as Float32Array, n: stored.n, d: stored.d }
      : { dtype: 'f16', data: stored.data as Uint16Array, n: stored.n, d: stored.d }
  ) as ExactMatrix;
  const rowOf = new Map(stored.contentHashes.map((hash, row) => [hash, row] as const));
  return (a, b) => {
    const [ra, rb] = [rowOf.get(a), rowOf.get(b)];
    if (ra === undefined || rb === undefined) return undefined;
    const [x, y] = [rowsAsF32(matrix, ra, ra + 1), rowsAsF32(matrix, rb, rb + 1)];
    let dot = 0;
    for (let i = 0; i < x.length; i++) dot += x[i]! * y[i]!;
    return dot;
  };
}

export async function findLibraryDuplicates(engine: {
  store: IndexStore;
  model: ModelSpec;
}): Promise<DuplicatesReport> {
  const started = performance.now();
  const { store } = engine;
  const filled = await fillFingerprints(store);
  const signatures = new Map<string, ContentSignature>();
  for (const [hash, stored] of store.readFingerprints(FINGERPRINT_KIND)) signatures.set(hash, stored);
  for (const row of filled.made) signatures.set(row.contentHash, row);

  const rows = store.photoRows(Array.from(store.selectFileIds({})));
  const byId = new Map(rows.map((row) => [row.id, row] as const));
  const files: LibraryFile[] = rows.map((row) => ({
    id: row.id,
    path: row.path,
    contentHash: row.contentHash,
    size: row.size,
    format: row.format,
    width: row.width,
    height: row.height,
    takenAt: row.takenAt,
    mtimeMs: row.mtimeMs,
    make: row.make,
    model: row.model,
  }));
  const cosine = embeddingCosines(store, engine.model);
  const found = await findDuplicates(files, signatures, kernels, cosine ? { embeddingCosine: cosine } : {});
  const groups: DuplicateGroup[] = found.map((group) => ({
    tier: group.tier,
    evidence: group.evidence,
    members: group.files.map((id, i) => {
      const row = byId.get(id)!;
      return { ...toPhotoSummary(row), bytes: row.size, format: row.format, keep: i === 0, reason: group.reasons[i]! };
    }),
  }));
  const tierOrder = { exact: 0, near: 1, burst: 2 } as const;
  groups.sort((x, y) => tierOrder[x.tier] - tierOrder[y.tier] || x.members[0]!.path.localeCompare(y.members[0]!.path));
  return {
    photos: rows.length,
    groups,
    fingerprints: { made: filled.made.length - filled.failed, failed: filled.failed },
    rules: {
      nearMinSimilarity: NEAR_DUPLICATE_MIN_SIMILARITY,
      burstMinSimilarity: BURST_MIN_SIMILARITY,
      burstMaxGapSeconds: BURST_MAX_GAP_SECONDS,
      burstEmbeddings: cosine !== undefined,
    },
    seconds: (performance.now() - started) / 1000,
  };
}
