/**
 * Entropy and (conditional) mutual information of discrete variables from count tables, in bits.
 *
 * Two estimators:
 * - `plugin`: the empirical distribution's entropy / MI. Entropy is biased down and MI biased up by
 *   O(cells/N), which matters for the small top-k sets used to explain a search.
 * - `miller-madow`: adds (m − 1)/(2N) nats to EVERY entropy term, m = number of occupied cells of that
 *   table (Miller 1955). MI and conditional MI are signed sums of entropies of the joint table and its
 *   marginals, so their correction is the same signed sum of (m − 1)/(2N): for independent X, Y with
 *   all cells occupied it is −(|X|−1)(|Y|−1)/(2N), exactly the leading bias of the plug-in MI. The
 *   corrected MI can be slightly negative (an estimate of 0 with noise); it is not clamped.
 *
 * MI is computed as Σ p·log(p_xy / p_x p_y) with integer count ratios, not as a difference of rounded
 * entropies, so an exact copy gives exactly 0 (I(X;Y|X) = 0 holds bit-for-bit).
 */
import { EidosError } from '../contract/errors.ts';

export type EntropyEstimator = 'plugin' | 'miller-madow';

/** Counts of a joint table of two variables, index x·ny + y (row-major [x][y]). */
export interface PairTableShape {
  x: number;
  y: number;
}

/** Counts of a joint table of three variables laid out [x][z][y], index (x·nz + z)·ny + y. This is the
 * layout of a pair count table (feature, selected feature, label), so I(F;Y|S) needs no reshuffle. */
export interface TripleTableShape {
  x: number;
  z: number;
  y: number;
}

const LN2 = Math.LN2;

/** Entropy in bits of any count table (a joint table is just flattened: this is the joint entropy). */
export function entropyBits(counts: ArrayLike<number>, estimator: EntropyEstimator = 'plugin'): number {
  let total = 0;
  let sumNLogN = 0;
  let occupied = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n > 0) {
      total += n;
      sumNLogN += n * Math.log(n);
      occupied++;
    }
  }
  if (total === 0) return 0;
  const plugin = (Math.log(total) - sumNLogN / total) / LN2;
  return estimator === 'plugin' ? plugin : plugin + millerMadowBits(occupied, total);
}

/** Joint entropy H(X,Y,…) in bits: the entropy of the flattened joint table (named for readers). */
export const jointEntropyBits = entropyBits;

/** I(X;Y) in bits from a [x][y] count table. */
export function mutualInformationBits(
  counts: ArrayLike<number>,
  shape: PairTableShape,
  estimator: EntropyEstimator = 'plugin',
): number {
  // A pair table is a triple table with a single-valued Z.
  return conditionalMutualInformationBits(counts, { x: shape.x, z: 1, y: shape.y }, estimator);
}

/**
 * I(X;Y|Z) in bits from a [x][z][y] count table:
 * Σ_xyz (n_xyz/N) · log( n_xyz · n_z / (n_xz · n_yz) ) = H(X,Z) + H(Y,Z) − H(X,Y,Z) − H(Z).
 */
export function conditionalMutualInformationBits(
  counts: ArrayLike<number>,
  shape: TripleTableShape,
  estimator: EntropyEstimator = 'plugin',
): number {
  return estimatedBits(conditionalMutualInformation(counts, shape), estimator);
}

/** The estimate of I(X;Y|Z): plug-in, or Miller–Madow (the four entropies' (m − 1)/(2N) nats corrections, signed). */
export function estimatedBits(info: ConditionalInformation, estimator: EntropyEstimator): number {
  if (estimator === 'plugin' || info.samples === 0) return info.pluginBits;
  return info.pluginBits - info.occupiedCellBalance / (2 * info.samples * LN2);
}

export interface ConditionalInformation {
  /** Plug-in I(X;Y|Z) in bits. */
  pluginBits: number;
  /** Occupied cells m(XYZ) + m(Z) − m(XZ) − m(YZ): the count in the Miller–Madow correction. */
  occupiedCellBalance: number;
  /**
   * Degrees of freedom of the test of X ⊥ Y | Z: Σ_z (r_z − 1)(c_z − 1) over the x and y values seen with
   * each z ((|X|−1)(|Y|−1)|Z| when every margin is occupied). Unlike the cell balance it does not shrink
   * when strong dependence empties cells.
   */
  degreesOfFreedom: number;
  samples: number;
}

/**
 * I(X;Y|Z) with what its corrections and a significance test need: under X ⊥ Y | Z the G statistic
 * 2N·ln2·pluginBits is asymptotically χ² with `degreesOfFreedom` (Wilks; see chi-square.ts).
 */
export function conditionalMutualInformation(
  counts: ArrayLike<number>,
  shape: TripleTableShape,
): ConditionalInformation {
  const { x: nx, z: nz, y: ny } = shape;
  if (counts.length !== nx * nz * ny) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `MI count table has ${counts.length} cells but its shape ${nx}×${nz}×${ny} needs ${nx * nz * ny}; pass the table's true shape.`,
    );
  }
  const xz = new Float64Array(nx * nz);
  const yz = new Float64Array(ny * nz);
  const z = new Float64Array(nz);
  let total = 0;
  let occupiedXYZ = 0;
  for (let ix = 0; ix < nx; ix++) {
    for (let iz = 0; iz < nz; iz++) {
      for (let iy = 0; iy < ny; iy++) {
        const n = counts[(ix * nz + iz) * ny + iy]!;
        if (n === 0) continue;
        xz[ix * nz + iz]! += n;
        yz[iy * nz + iz]! += n;
        z[iz]! += n;
        total += n;
        occupiedXYZ++;
      }
    }
  }
  if (total === 0) return { pluginBits: 0, occupiedCellBalance: 0, degreesOfFreedom: 0, samples: 0 };

  let sum = 0;
  for (let ix = 0; ix < nx; ix++) {
    for (let iz = 0; iz < nz; iz++) {
      for (let iy = 0; iy < ny; iy++) {
        const n = counts[(ix * nz + iz) * ny + iy]!;
        if (n === 0) continue;
        sum += n * Math.log((n * z[iz]!) / (xz[ix * nz + iz]! * yz[iy * nz + iz]!));
      }
    }
  }
  // The "− 1" of each entropy's (m − 1) correction cancels in H(XZ) + H(YZ) − H(XYZ) − H(Z): +1 +1 −1 −1.
  const occupiedCellBalance = occupiedXYZ + occupiedCells(z) - occupiedCells(xz) - occupiedCells(yz);
  let degreesOfFreedom = 0;
  for (let iz = 0; iz < nz; iz++) {
    let rows = 0;
    let columns = 0;
    for (let ix = 0; ix < nx; ix++) if (xz[ix * nz + iz]! > 0) rows++;
    for (let iy = 0; iy < ny; iy++) if (yz[iy * nz + iz]! > 0) columns++;
    if (rows > 0 && columns > 0) degreesOfFreedom += (rows - 1) * (columns - 1);
  }
  return { pluginBits: sum / total / LN2, occupiedCellBalance, degreesOfFreedom, samples: total };
}

/** The Miller–Madow correction (m − 1)/(2N) nats, in bits. */
function millerMadowBits(occupied: number, total: number): number {
  return (occupied - 1) / (2 * total * LN2);
}

function occupiedCells(counts: Float64Array): number {
  let m = 0;
  for (const n of counts) if (n > 0) m++;
  return m;
}
