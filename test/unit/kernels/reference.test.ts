// The TypeScript reference against closed forms and hand-computed tables (independent of any backend),
// and the incremental prior update against a full recompute.
import { describe, expect, it } from 'vitest';
import { kernels } from '../../../app/kernels/index.ts';
import { mergeBankLse, priorDrift, removeBankLse } from '../../../app/kernels/prior-update.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import { matrixOf, rng, unitRows } from './fixtures.ts';

describe.each([
  ['reference', ref],
  ['active backend', kernels],
] as const)('closed forms, %s', (_name, impl) => {
  it('log-sum-exp of n equal values v is scale·v + log n, even where exp overflows', () => {
    expect(impl.logSumExp(new Float32Array(1000).fill(2), 3)).toBeCloseTo(6 + Math.log(1000), 10);
    expect(impl.logSumExp(new Float32Array(7).fill(900), 1)).toBeCloseTo(900 + Math.log(7), 10);
  });

  it('n identical rows: every query-side PMI is 0 and every log-prior is −log n', () => {
    const d = 19,
      n = 500;
    const row = unitRows(1, d, 1);
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) data.set(row, i * d);
    const matrix = matrixOf('f32', data, n, d);
    const query = unitRows(1, d, 2);
    const pass = impl.searchPass(matrix, query, 100, 3, undefined, true);
    for (const s of pass.scores!) expect(s - (pass.lse - Math.log(n))).toBeCloseTo(0, 4);
    expect(pass.entropy).toBeCloseTo(Math.log(n), 4); // a uniform softmax: the query carries 0 bits
    const prior = impl.logPrior(matrix, unitRows(4, d, 3), 4, 100);
    for (const p of prior) expect(p).toBeCloseTo(-Math.log(n), 4);
  });

  it('the search pass entropy of two distinct rows is the binary entropy of their softmax', () => {
    // scores s = τ·⟨q, row⟩ = 0 and τ·1 = ln 3: p = (1/4, 3/4), H = −¼ ln ¼ − ¾ ln ¾
    const matrix = matrixOf('f32', Float32Array.from([0, 1, 1, 0]), 2, 2);
    const pass = impl.searchPass(matrix, Float32Array.from([1, 0]), Math.log(3), 2);
    expect(pass.entropy).toBeCloseTo(-0.25 * Math.log(0.25) - 0.75 * Math.log(0.75), 6);
  });

  it('the prior is a log of a mean of softmaxes: Σ_i p̂(i) = 1', () => {
    const n = 400,
      d = 16;
    const matrix = matrixOf('f32', unitRows(n, d, 4), n, d);
    const prior = impl.logPrior(matrix, unitRows(6, d, 5), 6, 30);
    expect(prior.reduce((sum, p) => sum + Math.exp(p), 0)).toBeCloseTo(1, 4);
  });

  it('counts a hand-made table', () => {
    // feature 0: bins [0,1,1,2], feature 1: bins [2,2,0,0]; labels [1,0,1,1]
    const binned = Uint8Array.from([0, 1, 1, 2, 2, 2, 0, 0]);
    const y = Uint8Array.from([1, 0, 1, 1]);
    // entry (f·3 + b)·2 + y
    expect(Array.from(impl.countTables(binned, 2, 4, y, 3))).toEqual([0, 1, 1, 1, 0, 1, 0, 2, 0, 0, 1, 1]);
    const pairs = impl.pairCountTables(binned, 2, 4, y, 3, 1);
    // feature 0 with feature 1: samples (b0, b1, y) = (0,2,1) (1,2,0) (1,0,1) (2,0,1)
    const expected = new Uint32Array(2 * 3 * 3 * 2);
    for (const [bf, bs, label] of [
      [0, 2, 1],
      [1, 2, 0],
      [1, 0, 1],
      [2, 0, 1],
    ])
      expected[((0 * 3 + bf!) * 3 + bs!) * 2 + label!]!++;
    for (const [b, label] of [
      [2, 1],
      [2, 0],
      [0, 1],
      [0, 1],
    ])
      expected[((1 * 3 + b!) * 3 + b!) * 2 + label!]!++;
    expect(pairs).toEqual(expected);
  });
});

it('reference top-k equals a full sort by (value desc, index asc)', () => {
  const next = rng(2);
  const values = Float32Array.from({ length: 3000 }, () => Math.floor(next() * 100));
  const order = Array.from(values.keys()).sort((i, j) => values[j]! - values[i]! || i - j);
  expect(Array.from(ref.topK(values, 250).indices)).toEqual(order.slice(0, 250));
});

describe('incremental prior update', () => {
  const d = 12,
    nb = 5,
    tau = 20;
  const all = unitRows(900, d, 6);
  const bank = unitRows(nb, d, 7);
  const part = (from: number, to: number) => matrixOf('f32', all.subarray(from * d, to * d), to - from, d);

  it('merged per-bank log-sum-exps of two parts equal the whole, and new rows get the full prior', () => {
    const merged = mergeBankLse(
      ref.bankLogSumExp(part(0, 700), bank, nb, tau),
      ref.bankLogSumExp(part(700, 900), bank, nb, tau),
    );
    const whole = ref.bankLogSumExp(part(0, 900), bank, nb, tau);
    for (let b = 0; b < nb; b++) expect(merged[b]).toBeCloseTo(whole[b]!, 9);
    const full = ref.logPrior(part(0, 900), bank, nb, tau);
    const added = ref.logPrior(part(700, 900), bank, nb, tau, merged);
    for (let i = 0; i < 200; i++) expect(added[i]).toBeCloseTo(full[700 + i]!, 5);
  });

  it('removing rows inverts adding them, and the drift bound holds for stale rows', () => {
    const before = ref.bankLogSumExp(part(0, 700), bank, nb, tau);
    const after = ref.bankLogSumExp(part(0, 900), bank, nb, tau);
    const back = removeBankLse(after, ref.bankLogSumExp(part(700, 900), bank, nb, tau))!;
    for (let b = 0; b < nb; b++) expect(back[b]).toBeCloseTo(before[b]!, 9);
    const stale = ref.logPrior(part(0, 700), bank, nb, tau, before);
    const fresh = ref.logPrior(part(0, 700), bank, nb, tau, after);
    const bound = priorDrift(before, after);
    expect(bound).toBeGreaterThan(0);
    for (let i = 0; i < 700; i++) expect(Math.abs(fresh[i]! - stale[i]!)).toBeLessThanOrEqual(bound + 1e-6);
  });

  it('asks for a recompute when the removed rows hold all the mass', () => {
    const whole = ref.bankLogSumExp(part(0, 900), bank, nb, tau);
    expect(removeBankLse(whole, whole)).toBeUndefined();
  });
});
