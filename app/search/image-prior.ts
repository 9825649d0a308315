/**
 * The image prior log p̂(i) = log mean_b p(i|b) over a reference query bank B (the concept prompts):
 * the hubness correction of docs/architecture.md "Scores". Photos close to everything get a large p̂(i) and
 * lose the advantage that would otherwise put them at the top of every query.
 *
 * Kept current incrementally (app/kernels/prior-update.ts): the state is L_b = log Σ_i exp s(b,i).
 * Added rows merge their own L_b in and get their prior from it; the rows already scored are shifted by
 * the exact log of the prior mass they keep (keptMassLog), so only the spread of their drift remains.
 * That spread is small (measured on real CLIP embeddings in test/unit/search/prior-drift.test.ts), so a
 * full recompute waits until the library grew by GROWTH_BEFORE_RECOMPUTE since the last one. Removed
 * rows subtract their L_b; the rows left are off by at most max_b |ΔL_b| (a strict bound, but a loose
 * one: a new best match for one caption moves its L_b by nats), recomputed past DRIFT_TOLERANCE_NATS.
 */
import { createHash } from 'node:crypto';
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { allocateMatrix } from '../kernels/matrix.ts';
import { keptMassLog, mergeBankLse, priorDrift, removeBankLse } from '../kernels/prior-update.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { LibraryMatrix, MatrixChange } from './library-matrix.ts';

/** Removals: 0.05 nats ≈ 0.07 bits on the strict bound, 7% of the 1-bit cut-off (pmi.ts). */
export const DRIFT_TOLERANCE_NATS = 0.05;

/**
 * Additions: recompute once the library grew by 10% since the last full recompute. Up to there the
 * stored priors of real CLIP photos stay within PRIOR_ERROR_BOUND_NATS of a full recompute (largest
 * measured 0.17 nats, median 0.015: test/unit/search/prior-drift.test.ts), so adding 8 photos to 300
 * costs a pass over the 8 new rows, not a recompute over all of them.
 */
export const GROWTH_BEFORE_RECOMPUTE = 0.1;

/** The error the incremental rule allows in a stored log p̂(i), in nats (≈ 0.36 bits): measured, not proven. */
export const PRIOR_ERROR_BOUND_NATS = 0.25;

/**
 * The prior's bank logits are s(b,i) = PRIOR_TEMPERATURE_RATIO·τ·cos(e_b, e_i): a softer softmax than the
 * query's own. At τ itself each bank caption's p(i|b) sits on its few nearest photos, so a bank of a few
 * hundred captions covers the library patchily and p̂ is mostly sampling noise; half of τ spreads each
 * p(i|b) over more photos (a wider kernel for a smaller sample). Chosen on the Flickr8k dev split with
 * banks of 100, 300 and 1000 captions and topic-skewed ones (test/bench/quality.ts).
 */
export const PRIOR_TEMPERATURE_RATIO = 0.5;

/** The logit scale of the prior's bank softmax for a model of logit scale τ. */
export const priorTau = (tau: number): number => PRIOR_TEMPERATURE_RATIO * tau;

export interface QueryBank {
  /** nb × d, row-major, L2-normalised text embeddings. */
  vectors: Float32Array;
  nb: number;
}

/** Names the bank and estimator a stored prior was computed with: another one means recompute. */
export function priorBankKey(bank: QueryBank, tau: number): string {
  const bytes = new Uint8Array(bank.vectors.buffer, bank.vectors.byteOffset, bank.vectors.byteLength);
  return `scale=${priorTau(tau)};nb=${bank.nb};sha256=${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}

/** L_b over the whole matrix and log p̂(i) per row, from scratch; `bankTau` is the bank softmax's scale. */
export async function estimateLogPrior(
  matrix: EmbeddingMatrix,
  bank: QueryBank,
  bankTau: number,
): Promise<{ lse: Float64Array; logPrior: Float32Array }> {
  const lse = kernels.bankLogSumExp(matrix, bank.vectors, bank.nb, bankTau);
  return { lse, logPrior: await kernels.logPriorAsync(matrix, bank.vectors, bank.nb, bankTau, lse) };
}

/**
 * The incremental step for added rows: merges their L_b into `lse` (returned), shifts every stored
 * log-prior by the log of the mass the old rows keep, and writes the new rows' priors at `at` (their
 * slots in `logPrior`, which holds the whole library).
 */
export function addPriorRows(
  logPrior: Float32Array,
  lse: Float64Array,
  rows: EmbeddingMatrix,
  at: ArrayLike<number>,
  bank: QueryBank,
  bankTau: number,
): Float64Array {
  const after = mergeBankLse(lse, kernels.bankLogSumExp(rows, bank.vectors, bank.nb, bankTau));
  const shift = keptMassLog(lse, after);
  if (Number.isFinite(shift)) for (let i = 0; i < logPrior.length; i++) logPrior[i]! += shift;
  const priors = kernels.logPrior(rows, bank.vectors, bank.nb, bankTau, after);
  for (let k = 0; k < at.length; k++) logPrior[at[k]!] = priors[k]!;
  return after;
}

export class ImagePrior {
  /** log p̂(i) in nats per matrix row. */
  logPrior: Float32Array;
  private lse: Float64Array;
  /** Strict bound on the error removals left in the stored rows. */
  private drift: number;
  /** Library size at the last full recompute: additions count from there. */
  private fullSize: number;
  /** How the prior was last brought up to date, for tests and `eidos search --json`. */
  lastUpdate: 'loaded' | 'incremental' | 'full';

  private constructor(
    logPrior: Float32Array,
    lse: Float64Array,
    fullSize: number,
    lastUpdate: ImagePrior['lastUpdate'],
  ) {
    this.logPrior = logPrior;
    this.lse = lse;
    this.drift = 0;
    this.fullSize = fullSize;
    this.lastUpdate = lastUpdate;
  }

  /** The stored prior when it still describes the library (catching up on new rows), else a fresh one. */
  static async open(store: IndexStore, library: LibraryMatrix, bank: QueryBank, tau: number): Promise<ImagePrior> {
    const state = store.readPriorState(library.modelId);
    const n = library.n;
    if (state && state.bankKey === priorBankKey(bank, tau) && n > 0) {
      const stored = store.readImagePriors(library.modelId);
      const logPrior = new Float32Array(n);
      const missing: number[] = [];
      library.contentHashes.forEach((hash, row) => {
        const value = stored.get(hash);
        if (value === undefined) missing.push(row);
        else logPrior[row] = value;
      });
      // Only additions can be caught up here (removed rows' vectors are gone): the known rows must be the whole library the state was computed on.
      if (n - missing.length === state.librarySize) {
        const prior = new ImagePrior(logPrior, state.logSumExp, state.fullLibrarySize, 'loaded');
        if (missing.length > 0) {
          prior.addRows(pickRows(library.matrix, missing), Uint32Array.from(missing), bank, tau);
          if (prior.stale(n)) await prior.recompute(library, bank, tau);
          else prior.lastUpdate = 'incremental';
          prior.save(store, library, bank, tau);
        }
        return prior;
      }
    }
    const prior = new ImagePrior(new Float32Array(0), new Float64Array(bank.nb), 0, 'full');
    await prior.recompute(library, bank, tau);
    prior.save(store, library, bank, tau);
    return prior;
  }

  /** Follows a matrix change; recomputes everything when the rules above say so. */
  async update(
    change: MatrixChange,
    store: IndexStore,
    library: LibraryMatrix,
    bank: QueryBank,
    tau: number,
  ): Promise<void> {
    const logPrior = new Float32Array(library.n);
    change.oldToNew.forEach((to, from) => {
      if (to >= 0) logPrior[to] = this.logPrior[from]!;
    });
    this.logPrior = logPrior;
    let exact = true;
    if (change.removedRows.length > 0) {
      const before = this.lse;
      const removed = kernels.bankLogSumExp(
        pickRows(change.before, change.removedRows),
        bank.vectors,
        bank.nb,
        priorTau(tau),
      );
      const after = removeBankLse(before, removed);
      if (after === undefined) exact = false;
      else {
        this.lse = after;
        this.drift += priorDrift(before, after);
      }
    }
    if (exact && change.addedRows.length > 0)
      this.addRows(pickRows(library.matrix, change.addedRows), change.addedRows, bank, tau);
    if (!exact || this.stale(library.n)) await this.recompute(library, bank, tau);
    else this.lastUpdate = 'incremental';
    this.save(store, library, bank, tau);
  }

  private stale(n: number): boolean {
    return n === 0 || this.drift > DRIFT_TOLERANCE_NATS || n > (1 + GROWTH_BEFORE_RECOMPUTE) * this.fullSize;
  }

  private addRows(rows: EmbeddingMatrix, at: Uint32Array, bank: QueryBank, tau: number): void {
    this.lse = addPriorRows(this.logPrior, this.lse, rows, at, bank, priorTau(tau));
  }

  private async recompute(library: LibraryMatrix, bank: QueryBank, tau: number): Promise<void> {
    if (library.n === 0) {
      this.logPrior = new Float32Array(0);
      this.lse = new Float64Array(bank.nb).fill(-Infinity);
    } else {
      ({ lse: this.lse, logPrior: this.logPrior } = await estimateLogPrior(library.matrix, bank, priorTau(tau)));
    }
    this.drift = 0;
    this.fullSize = library.n;
    this.lastUpdate = 'full';
  }

  /** Persists priors and state (a read-only search keeps them in memory only). */
  private save(store: IndexStore, library: LibraryMatrix, bank: QueryBank, tau: number): void {
    if (store.readonly) return;
    const byHash = new Map<string, number>();
    library.contentHashes.forEach((hash, row) => byHash.set(hash, this.logPrior[row]!));
    store.writeImagePriors(library.modelId, byHash, {
      logSumExp: this.lse,
      bankSize: this.lse.length,
      librarySize: library.n,
      computedAt: new Date().toISOString(),
      bankKey: priorBankKey(bank, tau),
      fullLibrarySize: this.fullSize,
    });
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
