// Mutual-kNN alignment of two models over a library (100,000 photos, 512-d, f16 as the index holds
// them): the time of each of the two exact kNN passes (native kernel) against everything else (the
// overlaps, the 1000-resample bootstrap, linear CKA through the d×d cross-covariances), to show the kNN
// passes dominate. Target (issue 16): report it; the two kNN passes should be most of the time.
//   node bin/run-ts.js test/bench/alignment.ts [--n 100000] [--d 512]
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { alignRepresentations, type Alignment } from '../../app/alignment/align.ts';
import { kernels, kernelStatus } from '../../app/kernels/index.ts';
import { allocateMatrix } from '../../app/kernels/matrix.ts';
import { rng } from '../unit/kernels/fixtures.ts';

/**
 * Model A: random unit rows. Model B: A's rows plus independent noise of half their size, renormalised,
 * so the two agree partly, as two real models do (the alignment's value does not change its cost).
 */
function twoModels(n: number, d: number) {
  const next = rng(16);
  const a = new Float32Array(n * d);
  const b = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let normA = 0;
    let normB = 0;
    for (let j = 0; j < d; j++) {
      const x = next() * 2 - 1;
      const y = x + 0.5 * (next() * 2 - 1);
      a[i * d + j] = x;
      b[i * d + j] = y;
      normA += x * x;
      normB += y * y;
    }
    for (let j = 0; j < d; j++) {
      a[i * d + j]! /= Math.sqrt(normA);
      b[i * d + j]! /= Math.sqrt(normB);
    }
  }
  const asF16 = (values: Float32Array) => {
    const matrix = allocateMatrix('f16', n, d);
    matrix.data.set(kernels.f32ToF16(values));
    return matrix;
  };
  return { a: asF16(a), b: asF16(b) };
}

export interface AlignmentBench {
  n: number;
  d: number;
  alignment: Alignment;
  /** Seconds. */
  knnA: number;
  knnB: number;
  rest: number;
}

/** Runs the benchmark and prints its lines; returns the figures (for run-all or the map bench). */
export async function runAlignmentBench(
  n = 100_000,
  d = 512,
  print: (line: string) => void = console.log,
): Promise<AlignmentBench> {
  const { backend, threads } = kernelStatus();
  print(
    `mutual-kNN alignment of two models, n = ${n}, d = ${d} (f16), k = 10; kernels: ${backend}, ${threads} threads`,
  );
  const { a, b } = twoModels(n, d);
  const alignment = await alignRepresentations(a, b);
  const [knnA, knnB, rest] = [alignment.timings.knnA, alignment.timings.knnB, alignment.timings.rest].map(
    (ms) => ms / 1000,
  ) as [number, number, number];
  const total = knnA + knnB + rest;
  print(`  kNN pass, model A      ${knnA.toFixed(2).padStart(8)} s`);
  print(`  kNN pass, model B      ${knnB.toFixed(2).padStart(8)} s`);
  print(
    `  the rest               ${rest.toFixed(2).padStart(8)} s   (overlaps, bootstrap of ${alignment.interval.resamples}, linear CKA)`,
  );
  print(
    `  total                  ${total.toFixed(2).padStart(8)} s   kNN passes ${((100 * (knnA + knnB)) / total).toFixed(1)} % of it (target: the kNN passes dominate, > 50 %)`,
  );
  print(
    `  alignment ${alignment.mutualKnn.toFixed(4)} [${alignment.interval.low.toFixed(4)}, ${alignment.interval.high.toFixed(4)}], chance ${alignment.chance.toExponential(2)}, CKA ${alignment.cka.toFixed(4)}`,
  );
  return { n, d, alignment, knnA, knnB, rest };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { n: { type: 'string', default: '100000' }, d: { type: 'string', default: '512' } },
  });
  await runAlignmentBench(Number(values.n), Number(values.d));
}
