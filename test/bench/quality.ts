// Ranking quality of the product's scorer on real CLIP ViT-B/32 embeddings (Flickr8k, 1000 images and one
// caption each per split; ../shared/real-embeddings/flickr8k-clip-vit-b32/SOURCE.md): full PMI against
// cosine, R@1, for the query banks a user's machine may really have.
//
// 1. Choose, on the DEV split only (bank captions drawn from the test split's captions), the prior's bank
//    softmax scale (a fraction of τ) and a prior weight w: the rule, fixed before looking, is "largest
//    smallest mean gain over the four bank rows, among candidates with no single draw below cosine − 0.5".
// 2. Report the TEST split once, with the product's constants (image-prior.ts) and banks drawn from the
//    dev split's captions, against the targets of issue 14.
//   node bin/run-ts.js test/bench/quality.ts [--dev-only]   (a few minutes on 2 cores; run under flock)
import { join } from 'node:path';
import { rankQueries, type QueryRanks } from '../../app/evaluation/embedding-eval.ts';
import { loadEmbeddingSet, type EmbeddingSet } from '../../app/evaluation/embedding-set.ts';
import { summarizeRanks } from '../../app/evaluation/rank-metrics.ts';
import { estimateLogPrior, PRIOR_TEMPERATURE_RATIO, type QueryBank } from '../../app/search/image-prior.ts';
import { rng } from '../unit/kernels/fixtures.ts';

const REAL = join(import.meta.dirname, '../../../shared/real-embeddings/flickr8k-clip-vit-b32');
const TAU = 100;
const DRAWS = 10;

interface BankRow {
  name: string;
  banks: QueryBank[];
  /** Target on the test split as a gain over cosine in R@1 points, and the lowest single draw allowed. */
  target: { meanGain: number; stretch?: number; worstDraw?: number };
}

function split(name: 'test' | 'val', bankFrom: 'test' | 'val'): EmbeddingSet & { bank: QueryBank } {
  const set = loadEmbeddingSet({ folder: REAL, images: `flickr8k_hf_${name}_image_embs.npy`, queries: `flickr8k_hf_${name}_text_embs.npy`, bank: `flickr8k_hf_${bankFrom}_text_embs.npy` });
  return set as EmbeddingSet & { bank: QueryBank };
}

function pick(all: QueryBank, rows: readonly number[]): QueryBank {
  const d = all.vectors.length / all.nb;
  const vectors = new Float32Array(rows.length * d);
  rows.forEach((row, k) => vectors.set(all.vectors.subarray(row * d, row * d + d), k * d));
  return { vectors, nb: rows.length };
}

/** Seeded draws: random subsets, and topic-skewed ones (the 300 captions nearest one random caption). */
function bankRows(all: QueryBank, seed: number): BankRow[] {
  const d = all.vectors.length / all.nb;
  const random = (size: number, s: number) => {
    const next = rng(seed * 1000 + s);
    const order = Array.from({ length: all.nb }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return pick(all, order.slice(0, size));
  };
  const topic = (s: number) => {
    const centre = Math.floor(rng(seed * 2000 + s)() * all.nb);
    const c = all.vectors.subarray(centre * d, centre * d + d);
    const sims = Array.from({ length: all.nb }, (_, i) => {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += all.vectors[i * d + j]! * c[j]!;
      return { i, dot };
    });
    return pick(all, sims.sort((a, b) => b.dot - a.dot).slice(0, 300).map((x) => x.i));
  };
  const draws = (make: (s: number) => QueryBank) => Array.from({ length: DRAWS }, (_, s) => make(s));
  return [
    { name: '1000 captions', banks: [all], target: { meanGain: 6.0, stretch: 62 } },
    { name: '300 captions (10 draws)', banks: draws((s) => random(300, s)), target: { meanGain: 4.0 } },
    { name: '100 captions (10 draws)', banks: draws((s) => random(100, s)), target: { meanGain: 1.5, worstDraw: -0.5 } },
    { name: '300 nearest one caption (10)', banks: draws(topic), target: { meanGain: 1.5, worstDraw: -1.0 } },
  ];
}

const r1 = (ranks: QueryRanks) => summarizeRanks(ranks.ranks).recallAt[1];

/** Per bank row: R@1 of each draw, for one estimator (scale ratio, weight). */
async function measure(set: EmbeddingSet, rows: BankRow[], ratio: number, weight: number): Promise<number[][]> {
  const out: number[][] = [];
  for (const row of rows) {
    const values: number[] = [];
    for (const bank of row.banks) {
      const { logPrior } = await estimateLogPrior(set.images, bank, ratio * TAU);
      const weighted = weight === 1 ? logPrior : logPrior.map((v) => weight * v);
      values.push(r1(rankQueries(set.images, set.queries, set.nq, TAU, weighted).pmi));
    }
    out.push(values);
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

// ---- 1. dev: choose ----
const dev = split('val', 'test');
const devCosine = r1(rankQueries(dev.images, dev.queries, dev.nq, TAU, new Float32Array(dev.images.n)).cosine);
const devRows = bankRows(dev.bank, 1);
console.log(`DEV (Flickr8k val, banks from test captions): cosine R@1 ${devCosine.toFixed(1)}; gain in R@1 points, mean / worst draw per bank row`);
console.log(`${'scale/τ'.padEnd(8)}${'w'.padEnd(6)}${devRows.map((r) => r.name.padStart(30)).join('')}   smallest mean`);
let best: { ratio: number; weight: number; score: number } | undefined;
for (const ratio of [1, 0.75, 0.5, 0.35, 0.25]) {
  for (const weight of [1, 0.75, 0.5]) {
    const perRow = await measure(dev, devRows, ratio, weight);
    const gains = perRow.map((values) => ({ mean: mean(values) - devCosine, worst: Math.min(...values) - devCosine }));
    const admissible = gains.every((g) => g.worst >= -0.5);
    const score = Math.min(...gains.map((g) => g.mean));
    if (admissible && (!best || score > best.score)) best = { ratio, weight, score };
    console.log(`${String(ratio).padEnd(8)}${String(weight).padEnd(6)}${gains.map((g) => `${signed(g.mean)} / ${signed(g.worst)}`.padStart(30)).join('')}   ${signed(score)}${admissible ? '' : ' (a draw below −0.5)'}`);
  }
}
console.log(`chosen on dev: scale ${best!.ratio}·τ, w = ${best!.weight} (smallest mean gain ${signed(best!.score)})`);
if (best!.ratio !== PRIOR_TEMPERATURE_RATIO || best!.weight !== 1) {
  console.log(`!! the product uses scale ${PRIOR_TEMPERATURE_RATIO}·τ, w = 1: update app/search/image-prior.ts to the dev choice`);
}

// ---- 2. test: report once, with the product's constants ----
if (process.argv.includes('--dev-only')) process.exit(0);
const test = split('test', 'val');
const testCosine = r1(rankQueries(test.images, test.queries, test.nq, TAU, new Float32Array(test.images.n)).cosine);
const testRows = bankRows(test.bank, 2);
const perRow = await measure(test, testRows, PRIOR_TEMPERATURE_RATIO, 1);
console.log(`\nTEST (Flickr8k test, banks from dev captions), product prior (scale ${PRIOR_TEMPERATURE_RATIO}·τ, w = 1): cosine R@1 ${testCosine.toFixed(1)}`);
console.log(`${'bank'.padEnd(32)}${'cosine'.padStart(8)}${'ours'.padStart(8)}${'gain'.padStart(7)}${'worst'.padStart(8)}   target`);
testRows.forEach((row, k) => {
  const values = perRow[k]!;
  const gain = mean(values) - testCosine;
  const worst = Math.min(...values) - testCosine;
  const { meanGain, stretch, worstDraw } = row.target;
  const met = gain >= meanGain && (worstDraw === undefined || worst >= worstDraw);
  const targetText = `gain ≥ +${meanGain}${worstDraw !== undefined ? `, no draw < ${worstDraw}` : ''}${stretch ? `, stretch R@1 ≥ ${stretch}` : ''}`;
  console.log(`${row.name.padEnd(32)}${testCosine.toFixed(1).padStart(8)}${mean(values).toFixed(1).padStart(8)}${signed(gain).padStart(7)}${signed(worst).padStart(8)}   ${targetText}: ${met ? 'met' : 'NOT met'}${stretch ? (mean(values) >= stretch ? ' (stretch met)' : ' (stretch not met)') : ''}`);
});
