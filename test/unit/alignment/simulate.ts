/**
 * Test-side truth for the alignment tests, written apart from app/alignment: seeded Gaussian data, a
 * sort-based brute-force kNN, mutual-kNN from it, linear CKA from the n×n Gram matrices (Kornblith et
 * al. 2019, eq. 3–5: HSIC with the centring matrix H), and summary statistics.
 */
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';

/** Standard normal draws (Box–Muller on a seeded mulberry32). */
export function gaussian(count: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Rows scaled to unit length, in f64. */
export function unitRows(values: Float64Array, d: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let r = 0; r < values.length / d; r++) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += values[r * d + j]! ** 2;
    for (let j = 0; j < d; j++) out[r * d + j] = values[r * d + j]! / Math.sqrt(sum);
  }
  return out;
}

/** An f32 matrix of the rows, as the index would hold them. */
export function f32Matrix(
  values: Float64Array,
  d: number,
): Extract<ReturnType<typeof allocateMatrix>, { dtype: 'f32' }> {
  const matrix = allocateMatrix('f32', values.length / d, d);
  matrix.data.set(values);
  return matrix;
}

/** Columns of `from` (n×dFrom) listed in `columns`, as an n×columns.length matrix. */
export function columns(from: Float64Array, dFrom: number, picked: number[]): Float64Array {
  const n = from.length / dFrom;
  const out = new Float64Array(n * picked.length);
  for (let r = 0; r < n; r++) picked.forEach((c, j) => (out[r * picked.length + j] = from[r * dFrom + c]!));
  return out;
}

/** Side-by-side concatenation of two n-row matrices. */
export function concat(a: Float64Array, da: number, b: Float64Array, db: number): Float64Array {
  const n = a.length / da;
  const out = new Float64Array(n * (da + db));
  for (let r = 0; r < n; r++) {
    out.set(a.subarray(r * da, r * da + da), r * (da + db));
    out.set(b.subarray(r * db, r * db + db), r * (da + db) + da);
  }
  return out;
}

/** Each row's k nearest other rows by inner product, by sorting every similarity (ties: lower index). */
export function bruteForceKnn(rows: Float64Array, d: number, k: number): number[][] {
  const n = rows.length / d;
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    const sims: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += rows[i * d + c]! * rows[j * d + c]!;
      sims.push([dot, j]);
    }
    sims.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
    lists.push(sims.slice(0, k).map(([, j]) => j));
  }
  return lists;
}

/** Mean share of shared neighbours, from two lists of neighbour lists. */
export function bruteForceMutualKnn(a: number[][], b: number[][], k: number): number {
  let total = 0;
  a.forEach((list, i) => {
    const other = new Set(b[i]);
    total += list.filter((j) => other.has(j)).length / k;
  });
  return total / a.length;
}

function centredGram(rows: Float64Array, d: number): Float64Array {
  const n = rows.length / d;
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += rows[i * d + c]! * rows[j * d + c]!;
      gram[i * n + j] = dot;
    }
  // H K H with H = I − 11ᵀ/n: subtract row and column means, add back the grand mean.
  const rowMean = new Float64Array(n);
  let grand = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) rowMean[i]! += gram[i * n + j]! / n;
    grand += rowMean[i]! / n;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gram[i * n + j]! += grand - rowMean[i]! - rowMean[j]!;
  return gram;
}

/** Linear CKA = HSIC(K, L) / √(HSIC(K, K) · HSIC(L, L)) with K = XXᵀ, L = YYᵀ, HSIC ∝ tr(KHLH). */
export function gramCka(x: Float64Array, dx: number, y: Float64Array, dy: number): number {
  const k = centredGram(x, dx);
  const l = centredGram(y, dy);
  let kl = 0;
  let kk = 0;
  let ll = 0;
  for (let i = 0; i < k.length; i++) {
    kl += k[i]! * l[i]!;
    kk += k[i]! * k[i]!;
    ll += l[i]! * l[i]!;
  }
  return kl / Math.sqrt(kk * ll);
}

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample standard deviation (n − 1). */
export function sd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/** A random d×d orthogonal matrix (Gram–Schmidt on Gaussian columns), row-major, f64. */
export function randomRotation(d: number, seed: number): Float64Array {
  const g = gaussian(d * d, seed);
  const q = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    const v = g.slice(r * d, r * d + d);
    for (let p = 0; p < r; p++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += v[c]! * q[p * d + c]!;
      for (let c = 0; c < d; c++) v[c]! -= dot * q[p * d + c]!;
    }
    const norm = Math.hypot(...v);
    for (let c = 0; c < d; c++) q[r * d + c] = v[c]! / norm;
  }
  return q;
}

/** rows (n×d) times m (d×d). */
export function multiply(rows: Float64Array, m: Float64Array, d: number): Float64Array {
  const n = rows.length / d;
  const out = new Float64Array(n * d);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < d; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += rows[r * d + j]! * m[j * d + c]!;
      out[r * d + c] = dot;
    }
  return out;
}

/** Mean share of shared neighbours when each item's two neighbour sets are independent uniform k-subsets of the others. */
export function randomNeighbourhoodAlignment(n: number, k: number, random: () => number): number {
  const others = Array.from({ length: n - 1 }, (_, j) => j);
  const draw = (): Set<number> => {
    for (let j = 0; j < k; j++) {
      const pick = j + Math.floor(random() * (n - 1 - j));
      [others[j], others[pick]] = [others[pick]!, others[j]!];
    }
    return new Set(others.slice(0, k));
  };
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = draw();
    total += [...draw()].filter((j) => a.has(j)).length / k;
  }
  return total / n;
}

/**
 * For each row, how many of its k nearest lie within `epsilon` of the (k+1)-th nearest's similarity: the
 * members a different rounding of the dot products could swap out. A mutual-kNN figure computed with other
 * arithmetic can differ from this one by at most Σ_i (ties of A + ties of B) / (n·k).
 */
export function boundaryTies(rows: Float64Array, d: number, k: number, epsilon: number): number[] {
  const n = rows.length / d;
  const ties: number[] = [];
  for (let i = 0; i < n; i++) {
    const sims: number[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += rows[i * d + c]! * rows[j * d + c]!;
      sims.push(dot);
    }
    sims.sort((x, y) => y - x);
    const next = sims[k] ?? -Infinity;
    ties.push(sims.slice(0, k).filter((s) => s - next < epsilon).length);
  }
  return ties;
}
