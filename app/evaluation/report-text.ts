/** `eidos eval --embeddings` as text lines: one row per ranking, then the paired test. */
import type { EmbeddingEvalReport, RankingReport } from './embedding-eval.ts';
import { pairedAlignmentLine } from './paired-alignment.ts';

export function embeddingReportLines(report: EmbeddingEvalReport): string[] {
  const prior = report.bank
    ? `image prior over a bank of ${report.bank.rows} (softmax scale ${report.bank.priorTau})`
    : 'no bank: uniform prior, so full PMI ranks as cosine';
  const row = (name: string, r: RankingReport) =>
    `${name.padEnd(10)}${[r.recallAt[1], r.recallAt[5], r.recallAt[10]].map((v) => v.toFixed(1).padStart(7)).join('')}` +
    `${String(r.medianRank).padStart(8)}${r.meanRank.toFixed(1).padStart(8)}${r.hubness.skewness.toFixed(2).padStart(9)}${String(r.hubness.neverInTopK).padStart(8)}`;
  const { gained, lost, pValue, test } = report.vsCosine;
  return [
    `${report.queries} queries over ${report.images} images (d = ${report.dim}, ${report.dtype}, τ = ${report.tau}); ${prior}`,
    `${''.padEnd(10)}${['R@1', 'R@5', 'R@10'].map((h) => h.padStart(7)).join('')}${'median'.padStart(8)}${'mean'.padStart(8)}${'N10 skew'.padStart(9)}${'never'.padStart(8)}`,
    row('cosine', report.cosine),
    row('full PMI', report.pmi),
    `full PMI vs cosine at R@1: ${gained} queries gained, ${lost} lost; McNemar ${test} p = ${pValue.toPrecision(3)}`,
    `(rank: of the query's own image, 1 = first; never: images in no query's top ${report.pmi.hubness.k})`,
    pairedAlignmentLine(report.alignment),
  ];
}
