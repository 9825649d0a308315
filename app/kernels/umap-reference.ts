/**
 * The TypeScript twin of native/src/umap.cc (the `umapLayout` kernel): umap-learn's fuzzy simplicial set
 * and optimize_layout_euclidean, written for obviousness, one thread. It keeps the native code's float
 * rounding where a rounding decides a discrete step (which epoch samples an edge, how many negatives it
 * draws), the same counter-based random draws, and the same per-epoch fixed-point sums, so the two agree
 * to rounding after an epoch (test/unit/kernels/umap.test.ts); the gradients use Math.pow in double.
 */
import type { JobControl, LayoutGraph, UmapSettings } from './contract.ts';
import * as check from './validate.ts';

const NEGATIVE_RATE = 5;
const GAMMA = 1;
const INITIAL_ALPHA = 1;
const CLIP = 4;
const FIXED = 2 ** 32;
const f = Math.fround;

function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The native code's Draw (native/src/progress.h): a 32-bit hash of (seed, a, b, c). */
export function draw(seed: number, a: number, b: number, c: number): number {
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  h = mix32((h ^ a) >>> 0);
  h = mix32((((h + 0x7f4a7c15) >>> 0) ^ b) >>> 0);
  return mix32((((h + 0x2545f491) >>> 0) ^ c) >>> 0);
}

/** smooth_knn_dist for one row of k ascending distances (self excluded): [ρ, σ]. */
export function smoothKnn(distances: Float32Array, meanAll: number): [number, number] {
  const k = distances.length;
  const target = Math.log2(k + 1);
  let rho = 0;
  let rowSum = 0;
  for (const d of distances) {
    rowSum += d;
    if (rho === 0 && d > 0) rho = d;
  }
  let lo = 0;
  let hi = Infinity;
  let mid = 1;
  for (let iteration = 0; iteration < 64; iteration++) {
    let psum = 0;
    for (const distance of distances) {
      const d = distance - rho;
      psum += d > 0 ? Math.exp(-d / mid) : 1;
    }
    if (Math.abs(psum - target) < 1e-5) break;
    if (psum > target) {
      hi = mid;
      mid = (lo + hi) / 2;
    } else {
      lo = mid;
      mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
    }
  }
  mid = rho > 0 ? Math.max(mid, (1e-3 * rowSum) / (k + 1)) : Math.max(mid, 1e-3 * meanAll);
  return [rho, mid];
}

interface Edges {
  start: Uint32Array;
  tail: Uint32Array;
  weight: Float32Array;
}

/** The fuzzy union A + Aᵀ − A∘Aᵀ of the directed memberships, rows sorted by tail, zero weights dropped. */
export function fuzzySet(graph: LayoutGraph, n: number): Edges {
  const { k, indices, distances } = graph;
  let total = 0;
  for (const d of distances) total += d;
  const meanAll = total / (n * (k + 1));
  const rows: { col: number; w: number }[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const [rho, sigma] = smoothKnn(distances.subarray(i * k, (i + 1) * k), meanAll);
    for (let j = 0; j < k; j++) {
      const e = i * k + j;
      const d = distances[e]! - rho;
      const w = indices[e] === i ? 0 : d <= 0 || sigma === 0 ? 1 : f(Math.exp(-d / sigma));
      rows[i]!.push({ col: indices[e]!, w });
      rows[indices[e]!]!.push({ col: i, w });
    }
  }
  const start = new Uint32Array(n + 1);
  const tails: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows[i]!.sort((x, y) => x.col - y.col || x.w - y.w);
    for (let s = 0; s < row.length;) {
      const both = s + 1 < row.length && row[s + 1]!.col === row[s]!.col;
      const w = both ? f(f(row[s]!.w + row[s + 1]!.w) - f(row[s]!.w * row[s + 1]!.w)) : row[s]!.w;
      if (w > 0) {
        tails.push(row[s]!.col);
        weights.push(w);
      }
      s += both ? 2 : 1;
    }
    start[i + 1] = tails.length;
  }
  return { start, tail: Uint32Array.from(tails), weight: Float32Array.from(weights) };
}

const clip = (v: number): number => Math.max(-CLIP, Math.min(CLIP, v));

export function umapLayout(graph: LayoutGraph, settings: UmapSettings, control?: JobControl): Float32Array {
  const { k, indices, distances } = graph;
  const { seed, epochs, a, b, init } = settings;
  check.checkCount('k', k);
  if (k < 1) throw new TypeError('k must be at least 1');
  if (indices.length % k !== 0) throw new TypeError(`indices must hold n×k values, got ${indices.length}`);
  const n = indices.length / k;
  if (distances.length !== n * k) throw new TypeError(`distances must hold ${n}×${k} values, got ${distances.length}`);
  if (!(epochs >= 1) || !Number.isInteger(epochs)) throw new TypeError('epochs must be at least 1');
  if (!(a > 0) || !(b > 0)) throw new TypeError('a and b must be positive');
  if (init !== undefined && init.length !== n * 2) throw new TypeError(`init must hold ${n}×2 values`);
  for (const index of indices) if (index >= n) throw new TypeError(`indices must be rows below n = ${n}`);

  const edges = fuzzySet(graph, n);
  const m = edges.tail.length;
  let wmax = 0;
  for (const w of edges.weight) wmax = Math.max(wmax, w);
  const perSample = new Float32Array(m);
  const perNegative = new Float32Array(m);
  for (let e = 0; e < m; e++) {
    const w = edges.weight[e]! < wmax / epochs ? 0 : edges.weight[e]!;
    const samples = (epochs * w) / wmax;
    perSample[e] = samples > 0 ? epochs / samples : -1;
    perNegative[e] = perSample[e]! / NEGATIVE_RATE;
  }
  const nextSample = Float32Array.from(perSample);
  const nextNegative = Float32Array.from(perNegative);

  const y = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) y[i] = init ? init[i]! : (draw(seed, 0xfffffffe, i, 0) / FIXED) * 20 - 10;
  for (let dim = 0; dim < 2; dim++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, y[2 * i + dim]!);
      hi = Math.max(hi, y[2 * i + dim]!);
    }
    const span = hi > lo ? f(hi - lo) : 1;
    for (let i = 0; i < n; i++) y[2 * i + dim] = f(f(10 * f(y[2 * i + dim]! - lo)) / span);
  }

  const moves = new Float64Array(2 * n);
  const add = (at: number, v: number): void => {
    moves[at]! += Math.trunc(v * FIXED);
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (control && Atomics.load(control, 0) !== 0) throw new Error('cancelled');
    const alpha = INITIAL_ALPHA * (1 - epoch / epochs);
    for (let j = 0; j < n; j++) {
      const cx = y[2 * j]!;
      const cy = y[2 * j + 1]!;
      let hx = 0;
      let hy = 0;
      for (let e = edges.start[j]!; e < edges.start[j + 1]!; e++) {
        if (perSample[e]! <= 0 || nextSample[e]! > epoch) continue;
        const t = edges.tail[e]!;
        let dx = cx - y[2 * t]!;
        let dy = cy - y[2 * t + 1]!;
        let d2 = dx * dx + dy * dy;
        let coeff = d2 > 0 ? (-2 * a * b * Math.pow(d2, b - 1)) / (a * Math.pow(d2, b) + 1) : 0;
        const gx = clip(coeff * dx) * alpha;
        const gy = clip(coeff * dy) * alpha;
        hx += gx;
        hy += gy;
        add(2 * t, -gx);
        add(2 * t + 1, -gy);
        nextSample[e] = nextSample[e]! + perSample[e]!;
        const negatives = Math.trunc(f(f(epoch - nextNegative[e]!) / perNegative[e]!));
        for (let p = 0; p < negatives; p++) {
          const other = draw(seed, epoch, e, p) % n;
          dx = cx - y[2 * other]!;
          dy = cy - y[2 * other + 1]!;
          d2 = dx * dx + dy * dy;
          if (d2 > 0) coeff = (2 * GAMMA * b) / ((0.001 + d2) * (a * Math.pow(d2, b) + 1));
          else if (other === j) continue;
          else coeff = 0;
          if (coeff > 0) {
            hx += clip(coeff * dx) * alpha;
            hy += clip(coeff * dy) * alpha;
          }
        }
        nextNegative[e] = nextNegative[e]! + f(negatives * perNegative[e]!);
      }
      add(2 * j, hx);
      add(2 * j + 1, hy);
    }
    for (let i = 0; i < 2 * n; i++) {
      y[i] = y[i]! + moves[i]! / FIXED;
      moves[i] = 0;
    }
    if (control) {
      Atomics.store(control, 3, epochs);
      Atomics.store(control, 2, epoch + 1);
      Atomics.store(control, 1, 2);
    }
  }
  return y;
}
