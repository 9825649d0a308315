/**
 * The image prior log p̂(i) = log mean_b p(i|b) over a reference query bank B (the concept prompts):
 * the hubness correction of docs/architecture.md "Scores". Photos close to everything get a large p̂(i) and
 * lose the advantage that would otherwise put them at the top of every query.
 *
 * Kept current incrementally (app/kernels/prior-update.ts): the state is L_b = log Σ_i exp s(b,i).
 * Added rows merge their own L_b in and get their prior from it; removed rows subtract theirs. Rows
 * already scored keep their stored prior, which is off by at most the drift bound max_b |ΔL_b|.
 * A full recompute happens once the accumulated bound passes DRIFT_TOLERANCE_NATS.
 */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { allocateMatrix } from '../kernels/matrix.ts';
import { mergeBankLse, priorDrift, removeBankLse } from '../kernels/prior-update.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { LibraryMatrix, MatrixChange } from './library-matrix.ts';

/**
 * 0.05 nats ≈ 0.07 bits: 7% of the 1-bit cut-off (pmi.ts), far below the spread of PMI between photos
 * that a ranking decides on. Adding a fraction g of photos with typical scores moves every L_b by
 * ≈ log(1 + g), so the tolerance amounts to recomputing after the library changed by about 5%.
 */
export const DRIFT_TOLERANCE_NATS = 0.05;
const REFRESH_FRACTION = Math.expm1(DRIFT_TOLERANCE_NATS);

export interface QueryBank {
  /** nb × d, row-major, L2-normalised text embeddings. */
  vectors: Float32Array;
  nb: number;
}

export class ImagePrior {
  /** log p̂(i) in nats per matrix row. */
  logPrior: Float32Array;
  private lse: Float64Array;
  private drift: number;
  /** How the prior was last brought up to date, for tests and `eidos search --json`. */
  lastUpdate: 'loaded' | 'incremental' | 'full';

  private constructor(logPrior: Float32Array, lse: Float64Array, drift: number, lastUpdate: ImagePrior['lastUpdate']) {
    this.logPrior = logPrior;
    this.lse = lse;
    this.drift = drift;
    this.lastUpdate = lastUpdate;
  }

  /** The stored prior when it still describes the library (catching up on a few new rows), else a fresh one. */
  static async open(store: IndexStore, library: LibraryMatrix, bank: QueryBank, tau: number): Promise<ImagePrior> {
    const state = store.readPriorState(library.modelId);
    const n = library.n;
    if (state && state.bankSize === bank.nb && n > 0) {
      const stored = store.readImagePriors(library.modelId);
      const logPrior = new Float32Array(n);
      const missing: number[] = [];
      library.contentHashes.forEach((hash, row) => {
        const value = stored.get(hash);
        if (value === undefined) missing.push(row);
        else logPrior[row] = value;
      });
      // Only additions can be caught up here (removed rows' vectors are gone): the known rows must be the whole library the state was computed on.
      if (n - missing.length === state.librarySize && missing.length <= REFRESH_FRACTION * n) {
        const prior = new ImagePrior(logPrior, state.logSumExp, 0, 'loaded');
        if (missing.length > 0) {
          prior.addRows(pickRows(library.matrix, missing), Uint32Array.from(missing), bank, tau);
          if (prior.drift > DRIFT_TOLERANCE_NATS) await prior.recompute(library, bank, tau);
          else prior.lastUpdate = 'incremental';
          prior.save(store, library);
        }
        return prior;
      }
    }
    const prior = new ImagePrior(new Float32Array(0), new Float64Array(bank.nb), 0, 'full');
    await prior.recompute(library, bank, tau);
    prior.save(store, library);
    return prior;
  }

  /** Follows a matrix change; recomputes everything when the drift bound says so. */
  async update(change: MatrixChange, store: IndexStore, library: LibraryMatrix, bank: QueryBank, tau: number): Promise<void> {
    const logPrior = new Float32Array(library.n);
    change.oldToNew.forEach((to, from) => {
      if (to >= 0) logPrior[to] = this.logPrior[from]!;
    });
    this.logPrior = logPrior;
    let exact = true;
    if (change.removedRows.length > 0) {
      const before = this.lse;
      const removed = kernels.bankLogSumExp(pickRows(change.before, change.removedRows), bank.vectors, bank.nb, tau);
      const after = removeBankLse(before, removed);
      if (after === undefined) exact = false;
      else {
        this.lse = after;
        this.drift += priorDrift(before, after);
      }
    }
    if (exact && change.addedRows.length > 0) this.addRows(pickRows(library.matrix, change.addedRows), change.addedRows, bank, tau);
    if (!exact || this.drift > DRIFT_TOLERANCE_NATS || library.n === 0) await this.recompute(library, bank, tau);
    else this.lastUpdate = 'incremental';
    this.save(store, library);
  }

  private addRows(rows: EmbeddingMatrix, at: Uint32Array, bank: QueryBank, tau: number): void {
    const before = this.lse;
    this.lse = mergeBankLse(before, kernels.bankLogSumExp(rows, bank.vectors, bank.nb, tau));
    this.drift += priorDrift(before, this.lse);
    const priors = kernels.logPrior(rows, bank.vectors, bank.nb, tau, this.lse);
    at.forEach((row, k) => {
      this.logPrior[row] = priors[k]!;
    });
  }

  private async recompute(library: LibraryMatrix, bank: QueryBank, tau: number): Promise<void> {
    if (library.n === 0) {
      this.logPrior = new Float32Array(0);
      this.lse = new Float64Array(bank.nb).fill(-Infinity);
    } else {
      this.lse = kernels.bankLogSumExp(library.matrix, bank.vectors, bank.nb, tau);
      this.logPrior = await kernels.logPriorAsync(library.matrix, bank.vectors, bank.nb, tau, this.lse);
    }
    this.drift = 0;
    this.lastUpdate = 'full';
  }

  /** Persists priors and state (a read-only search keeps them in memory only). */
  private save(store: IndexStore, library: LibraryMatrix): void {
    if (store.readonly) return;
    const byHash = new Map<string, number>();
    library.contentHashes.forEach((hash, row) => byHash.set(hash, this.logPrior[row]!));
    store.writeImagePriors(library.modelId, byHash, { logSumExp: this.lse, bankSize: this.lse.length, librarySize: library.n, computedAt: new Date().toISOString() });
  }
}

/** A copy of some rows as their own matrix (for per-part log-sum-exps and priors). */
export function pickRows(matrix: EmbeddingMatrix, rows: ArrayLike<number>): EmbeddingMatrix {
  const { d } = matrix;
  const out = allocateMatrix(matrix.dtype === 'f32' ? 'f32' : 'f16', rows.length, d) as EmbeddingMatrix;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k]!;
    out.data.set(matrix.data.subarray(row * d, row * d + d) as never, k * d);
  }
  return out;
}
