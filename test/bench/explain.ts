// "Why these results" on a large library: the full explanation (concept scores, binning, counting,
// selection) with the native kernels, against a straightforward TypeScript pipeline (the reference
// kernels, and the sort-based binning of app/mi/equal-frequency-bins.ts), and the target, in one run.
//   node bin/run-ts.js test/bench/explain.ts [--n 100000] [--d 512] [--concepts 1000] [--runs 5]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { EXPLAIN_DEFAULTS, explainRanking } from '../../app/explain/explain.ts';
import type { ExplainInput, ExplainResult, ExplainTimings } from '../../app/explain/types.ts';
import { kernels, kernelStatus } from '../../app/kernels/index.ts';
import { allocateMatrix } from '../../app/kernels/matrix.ts';
import { referenceKernels } from '../../app/kernels/reference.ts';
import { binFeatureMatrix } from '../../app/mi/equal-frequency-bins.ts';
import { unitRows } from '../unit/kernels/fixtures.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    d: { type: 'string', default: '512' },
    concepts: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
  },
});
const n = Number(values.n);
const d = Number(values.d);
const conceptCount = Number(values.concepts);
const runs = Number(values.runs);
const TARGET_MS = 1000;
const TAU = 100;

// Random unit rows and concepts; the query leans on concepts 0 and 1, so the top-k has a real explanation.
const matrix = allocateMatrix('f32', n, d);
matrix.data.set(unitRows(n, d, 1));
const concepts = unitRows(conceptCount, d, 2);
const query = new Float32Array(d);
for (let j = 0; j < d; j++) query[j] = concepts[j]! + concepts[d + j]!;
const cosines = kernels.scores(matrix, query, 1);
const lse = kernels.logSumExp(cosines, TAU);
const rowScores = cosines.map((c) => (TAU * c - lse + Math.log(n)) / Math.LN2);
const input: ExplainInput = {
  matrix,
  rowScores,
  features: {
    kind: 'concepts',
    names: Array.from({ length: conceptCount }, (_, c) => `concept ${c}`),
    embeddings: concepts,
  },
  tau: TAU,
};

const STAGES = ['sampleMs', 'featuresMs', 'binningMs', 'countingMs', 'selectionMs', 'reportMs', 'totalMs'] as const;

function medianTimings(results: ExplainResult[]): ExplainTimings {
  return Object.fromEntries(
    STAGES.map((s) => [s, median(results.map((r) => r.timings[s]))]),
  ) as unknown as ExplainTimings;
}

function measure(count: number, body: () => ExplainResult): ExplainTimings {
  body(); // warm-up
  return medianTimings(Array.from({ length: count }, body));
}

const format = (t: ExplainTimings): string => STAGES.map((s) => `${s.replace('Ms', '')} ${t[s].toFixed(1)}`).join('  ');

console.log(
  `explain bench: n=${n} d=${d} concepts=${conceptCount} k=${EXPLAIN_DEFAULTS.k} background=${EXPLAIN_DEFAULTS.background} bins=${EXPLAIN_DEFAULTS.bins}`,
);
console.log(
  `kernels: ${JSON.stringify(kernelStatus())}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (2 cores shared)`,
);

const ours = measure(runs, () => explainRanking(input));
const picked = explainRanking(input).selected.map((f) => `${f.name} (${f.gainBits.toFixed(3)} bits)`);
console.log(`ours (native kernels, quantile binning), median of ${runs} ms: ${format(ours)}`);
console.log(`  picked: ${picked.join(', ')}`);

// The straightforward pipeline: TypeScript reference kernels throughout, and a full sort per feature for
// the bins (app/mi's binFeatureMatrix on the same feature matrix, timed in place of our binning).
const typescript = measure(1, () => explainRanking(input, referenceKernels));
const sampleSize = EXPLAIN_DEFAULTS.k + EXPLAIN_DEFAULTS.background;
// Any M random rows have the sample's distribution (the library rows are i.i.d.): the first M will do.
const someRows = { dtype: 'f32' as const, data: matrix.data.subarray(0, sampleSize * d), n: sampleSize, d };
const featureMatrix = kernels.scores(someRows, concepts, conceptCount);
const sortStart = performance.now();
binFeatureMatrix(featureMatrix, conceptCount, sampleSize, EXPLAIN_DEFAULTS.bins);
const sortBinningMs = performance.now() - sortStart;
const straightforward: ExplainTimings = {
  ...typescript,
  binningMs: sortBinningMs,
  totalMs: typescript.totalMs - typescript.binningMs + sortBinningMs,
};
console.log(`straightforward TypeScript, 1 run ms:            ${format(straightforward)}`);

const dims = measure(runs, () => explainRanking({ ...input, features: { kind: 'dims' } }));
console.log(`ours on the ${d} raw dimensions, median ms:        ${format(dims)}`);

console.log(
  `total: ours ${ours.totalMs.toFixed(0)} ms vs straightforward ${straightforward.totalMs.toFixed(0)} ms ` +
    `(${(straightforward.totalMs / ours.totalMs).toFixed(1)}×) vs target ≤ ${TARGET_MS} ms: ${ours.totalMs <= TARGET_MS ? 'MEETS' : 'MISSES'} the target`,
);
