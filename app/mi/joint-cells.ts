/**
 * The joint of several binned features as one discrete variable, for an honest I(S;Y) of a selected set
 * S (not a sum of pairwise terms). Each sample carries the id of its cell in the product of the features'
 * bins; adding a feature splits cells. Only occupied cells get ids, so the joint of many features stays
 * at most N cells instead of bins^|S|.
 *
 * Caveat for readers of the numbers: with few samples, every sample soon sits in its own cell and the
 * plug-in I(S;Y) saturates at H(Y) whatever the features mean. Miller–Madow pulls it down but cannot
 * fully undo that; treat the cumulative bits of a large S as an upper-biased estimate.
 */
import { mutualInformationBits, type EntropyEstimator } from './entropy.ts';

export class JointCells {
  private cells: Uint32Array;
  private cellCount = 1;

  constructor(sampleCount: number) {
    this.cells = new Uint32Array(sampleCount);
  }

  /** Adds one feature (its bin per sample, values below `bins`) to the joint. */
  add(featureBins: Uint8Array, bins: number): void {
    const ids = new Map<number, number>();
    const next = new Uint32Array(this.cells.length);
    for (let i = 0; i < next.length; i++) {
      const key = this.cells[i]! * bins + featureBins[i]!;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      next[i] = id;
    }
    this.cells = next;
    this.cellCount = ids.size;
  }

  /** I(joint; Y) in bits for 0/1 labels. */
  informationBits(labels: Uint8Array, estimator: EntropyEstimator): number {
    const table = new Uint32Array(this.cellCount * 2);
    for (let i = 0; i < this.cells.length; i++) table[this.cells[i]! * 2 + labels[i]!]!++;
    return mutualInformationBits(table, { x: this.cellCount, y: 2 }, estimator);
  }
}
