/**
 * The InfoNCE lower bound on mutual information (A. van den Oord, Y. Li, O. Vinyals, "Representation
 * Learning with Contrastive Predictive Coding", arXiv:1807.03748, 2018, eq. 4 / §2.3):
 *
 *   I(X;Y) ≥ log N − L,   L = −(1/N) Σ_i log( e^{s(x_i,y_i)} / Σ_j e^{s(x_i,y_j)} )
 *
 * for a batch of N positive pairs and any critic s. The bound holds in expectation over batches and
 * can never exceed log N, so a large MI needs a large batch to show. Reported in bits.
 */
import { EidosError } from '../contract/errors.ts';

/**
 * From an N×N row-major logits matrix whose row i scores x_i against every y_j and whose diagonal
 * holds the positive pairs (a CLIP batch: `logit_scale · cos(image_i, text_j)`).
 */
export function infoNceBoundFromLogits(logits: ArrayLike<number>, n: number): number {
  if (!Number.isInteger(n) || n < 1 || logits.length !== n * n) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `InfoNCE needs an N×N logits matrix: got ${logits.length} values for N = ${n}.`,
    );
  }
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // −log softmax of the diagonal entry, with the row maximum subtracted for a stable log-sum-exp.
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, logits[i * n + j]!);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(logits[i * n + j]! - max);
    losses[i] = max + Math.log(sum) - logits[i * n + i]!;
  }
  return infoNceBoundFromLosses(losses, n);
}

/** From per-sample cross-entropy losses in nats, each computed against a batch of N candidates. */
export function infoNceBoundFromLosses(losses: ArrayLike<number>, n: number): number {
  if (losses.length === 0 || !Number.isInteger(n) || n < 1) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `InfoNCE needs at least one loss and a batch size N ≥ 1 (got ${losses.length} losses, N = ${n}).`,
    );
  }
  let sum = 0;
  for (let i = 0; i < losses.length; i++) sum += losses[i]!;
  return (Math.log(n) - sum / losses.length) / Math.LN2;
}
