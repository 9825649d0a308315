import { describe, expect, it } from 'vitest';
import type { EmbeddingMatrix } from '../../../app/kernels/contract.ts';
import { kernels } from '../../../app/kernels/index.ts';
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { referenceKernels } from '../../../app/kernels/reference.ts';
import { explainRanking } from '../../../app/explain/explain.ts';
import type { ExplainInput } from '../../../app/explain/types.ts';
import { normalSource } from '../mi/helpers/random.ts';

const N = 3000;
const D = 32;
const normal = normalSource(21);

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
const randomUnit = (): Float32Array => unit(Float32Array.from({ length: D }, () => normal()));
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

const library = allocateMatrix('f32', N, D);
const rows = Array.from({ length: N }, () => randomUnit());
rows.forEach((row, i) => library.data.set(row, i * D));

// Two planted, orthogonal directions drive the query; the vocabulary holds them, an exact copy of the
// first (a synonym), and noise concepts.
const u1 = randomUnit();
const u2 = unit(u2Raw());
function u2Raw(): Float32Array {
  const v = randomUnit();
  const along = dot(v, u1);
  return v.map((x, j) => x - along * u1[j]!);
}
const noise = Array.from({ length: 20 }, () => randomUnit());
const names = ['first', ...noise.map((_, i) => `noise ${i}`), 'second', 'first again'];
const embeddings = new Float32Array(names.length * D);
[u1, ...noise, u2, u1].forEach((v, c) => embeddings.set(v, c * D));
const rowScores = Float32Array.from(rows, (row) => dot(row, u1) + dot(row, u2));

const base = (overrides: Partial<ExplainInput> = {}): ExplainInput => ({
  matrix: library,
  rowScores,
  scoreKind: 'cosine',
  features: { kind: 'concepts', names, embeddings },
  k: 60,
  background: 1200,
  bins: 8,
  maxFeatures: 4,
  tau: 30,
  ...overrides,
});

describe('explainRanking on planted concepts', () => {
  it('selects both planted directions first and never the exact copy second', () => {
    const result = explainRanking(base());
    const picked = result.selected.map((f) => f.name);
    expect(new Set(picked.slice(0, 2))).toEqual(new Set(['first', 'second']));
    expect(picked).not.toContain('first again');
    expect(result.selected.every((f) => f.gainBits > 0 && f.marginalBits > 0)).toBe(true);
    result.selected.forEach((f, i) => {
      expect(f.cumulativeBits).toBeGreaterThanOrEqual(i === 0 ? 0 : result.selected[i - 1]!.cumulativeBits - 1e-12);
      expect(f.cumulativeBits).toBeLessThanOrEqual(result.labelEntropyBits + 1e-12);
    });
    // H(Y) of 60 positives among 1260: the binary entropy by hand, plus Miller–Madow's (2 − 1)/(2M) nats.
    const p = 60 / 1260;
    const millerMadow = 1 / (2 * 1260 * Math.LN2);
    expect(result.labelEntropyBits).toBeCloseTo(-p * Math.log2(p) - (1 - p) * Math.log2(1 - p) + millerMadow, 12);
    expect(result.selected[0]!.direction).toBe('higher');
  });

  it('reports "lower" for a concept the top results lack', () => {
    const anti = u1.map((x) => -x);
    const result = explainRanking(
      base({ features: { kind: 'concepts', names: ['not first'], embeddings: anti }, maxFeatures: 1 }),
    );
    expect(result.selected[0]).toMatchObject({ name: 'not first', direction: 'lower' });
    expect(result.selected[0]!.topMean).toBeLessThan(result.selected[0]!.backgroundMean);
  });

  it('gives each top result its cosine, bin and library percentile (exact when the background is the whole rest)', () => {
    const result = explainRanking(base({ background: N, maxFeatures: 1 }));
    expect(result.sample).toMatchObject({ topK: 60, background: N - 60, libraryRows: N });
    const concept = names.indexOf(result.selected[0]!.name);
    const direction = embeddings.subarray(concept * D, (concept + 1) * D);
    const all = rows.map((row) => dot(row, direction));
    const byScore = [...rowScores.keys()].sort((a, b) => rowScores[b]! - rowScores[a]!);
    expect(result.results.map((r) => r.row)).toEqual(byScore.slice(0, 60));
    for (const r of result.results) {
      const { value, bin, percentile } = r.values[0]!;
      expect(value).toBeCloseTo(dot(rows[r.row]!, direction), 5);
      expect(percentile).toBeCloseTo((100 * all.filter((v) => v <= value + 1e-7).length) / N, 1);
      expect(bin).toBeGreaterThanOrEqual(0);
      expect(bin).toBeLessThan(8);
    }
  });

  it('native and TypeScript kernels give the same explanation', () => {
    const native = explainRanking(base(), kernels);
    const typescript = explainRanking(base(), referenceKernels);
    expect(typescript.selected.map((f) => f.feature)).toEqual(native.selected.map((f) => f.feature));
    native.selected.forEach((f, i) => expect(typescript.selected[i]!.cumulativeBits).toBeCloseTo(f.cumulativeBits, 9));
    expect(typescript.infoNce.bits).toBeCloseTo(native.infoNce.bits, 4);
  });

  it('explains raw dimensions: the coordinate that is the score comes first', () => {
    const byDim = Float32Array.from(rows, (row) => row[5]!);
    const result = explainRanking(base({ rowScores: byDim, features: { kind: 'dims' }, maxFeatures: 2 }));
    expect(result.selected[0]).toMatchObject({ feature: 5, name: 'dim 5', direction: 'higher' });
  });

  it('works on f16 and i8 libraries with the same first picks', () => {
    const f16: EmbeddingMatrix = { dtype: 'f16', data: kernels.f32ToF16(library.data), n: N, d: D };
    const first = (matrix: EmbeddingMatrix) =>
      explainRanking(base({ matrix, maxFeatures: 2 }))
        .selected.map((f) => f.name)
        .sort();
    expect(first(f16)).toEqual(['first', 'second']);
    const scales = new Float32Array(N).fill(1 / 127);
    const i8: EmbeddingMatrix = {
      dtype: 'i8',
      data: Int8Array.from(library.data, (x) => Math.round(x * 127)),
      n: N,
      d: D,
      scales,
    };
    expect(first(i8)).toEqual(['first', 'second']);
  });

  it('refuses bad input with a message that says what to pass', () => {
    expect(() => explainRanking(base({ k: N }))).toThrow(/k = 3000/);
    const nan = rowScores.slice();
    nan[7] = NaN;
    expect(() => explainRanking(base({ rowScores: nan }))).toThrow(/rowScores\[7\] is NaN/);
    expect(() => explainRanking(base({ rowScores: rowScores.subarray(1) }))).toThrow(/one score per library row/);
    expect(() =>
      explainRanking(base({ features: { kind: 'concepts', names: ['a'], embeddings: new Float32Array(D + 1) } })),
    ).toThrow(/one embedding per name/);
    expect(() =>
      explainRanking(base({ features: { kind: 'concepts', names: ['zero'], embeddings: new Float32Array(D) } })),
    ).toThrow(/"zero" has norm 0/);
    expect(() => explainRanking(base({ tau: 0 }))).toThrow(/logit scale/);
  });
});

describe('explainRanking stopping rule', () => {
  it('stops when no remaining gain exceeds minGainBits', () => {
    const all = explainRanking(base({ maxFeatures: 6, significance: 1 }));
    const threshold = (all.selected[1]!.gainBits + all.selected[2]!.gainBits) / 2;
    const stopped = explainRanking(base({ maxFeatures: 6, minGainBits: threshold, significance: 1 }));
    expect(stopped.selected.map((f) => f.name)).toEqual(all.selected.slice(0, 2).map((f) => f.name));
  });
});
