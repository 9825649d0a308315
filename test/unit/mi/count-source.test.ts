import { describe, expect, it } from 'vitest';
import { createCountSource, type CountKernels } from '../../../app/mi/count-source.ts';
import { referenceKernels } from '../../../app/kernels/reference.ts';
import { thrownCode } from '../../helpers/errors.ts';

// 2 features × 5 samples, 3 bins. Feature 0: 0,1,2,2,0; feature 1: 1,1,0,2,1. Labels: 1,0,1,1,0.
const binned = Uint8Array.from([0, 1, 2, 2, 0, /* f1 */ 1, 1, 0, 2, 1]);
const labels = Uint8Array.from([1, 0, 1, 1, 0]);

describe('count source', () => {
  it('counts (bin, label) at index b·2 + y', () => {
    const source = createCountSource(binned, labels, 3);
    // Feature 0: (0,1) sample 0, (1,0) sample 1, (2,1) samples 2–3, (0,0) sample 4.
    const [first, second] = source.featureCounts();
    expect([...first!]).toEqual([1, 1, 1, 0, 0, 2]);
    // Feature 1: (1,1) s0, (1,0) s1, (0,1) s2, (2,1) s3, (1,0) s4.
    expect([...second!]).toEqual([0, 1, 2, 1, 0, 1]);
  });

  it('counts (bin f, bin s, label) at index (b_f·bins + b_s)·2 + y', () => {
    const source = createCountSource(binned, labels, 3);
    const expected = new Array<number>(18).fill(0);
    // Samples as (b_f0, b_f1, y): (0,1,1), (1,1,0), (2,0,1), (2,2,1), (0,1,0).
    for (const [bf, bs, y] of [
      [0, 1, 1],
      [1, 1, 0],
      [2, 0, 1],
      [2, 2, 1],
      [0, 1, 0],
    ] as const)
      expected[(bf * 3 + bs) * 2 + y]!++;
    expect([...source.pairCountsWith(1)[0]!]).toEqual(expected);
  });

  it('gives pair tables whose margins are the single tables', () => {
    const source = createCountSource(binned, labels, 3);
    const pair = source.pairCountsWith(0)[1]!;
    const margin = new Array<number>(6).fill(0);
    pair.forEach((n, i) => {
      const y = i % 2;
      const bf = Math.floor(i / 6);
      margin[bf * 2 + y]! += n;
    });
    expect(margin).toEqual([...source.featureCounts()[1]!]);
  });

  it('exposes each feature’s bins as a view of the matrix', () => {
    const source = createCountSource(binned, labels, 3);
    expect([...source.featureBins(1)]).toEqual([1, 1, 0, 2, 1]);
    expect(source.featureBins(1).buffer).toBe(binned.buffer);
    expect([source.featureCount, source.sampleCount, source.bins]).toEqual([2, 5, 3]);
  });

  it('asks the injected kernels once per table set, for all features (the native addon plugs in here)', () => {
    const calls: string[] = [];
    const spy: CountKernels = {
      countTables: (...args) => (calls.push(`count F=${args[1]}`), referenceKernels.countTables(...args)),
      pairCountTables: (...args) => (
        calls.push(`pair F=${args[1]} s=${args[5]}`),
        referenceKernels.pairCountTables(...args)
      ),
    };
    const source = createCountSource(binned, labels, 3, spy);
    expect(source.featureCounts()).toHaveLength(2);
    expect(source.pairCountsWith(0)).toHaveLength(2);
    expect(calls).toEqual(['count F=2', 'pair F=2 s=0']);
  });

  it('rejects out-of-range bins, non-binary labels, ragged matrices and unknown features', () => {
    expect(thrownCode(() => createCountSource(binned, labels, 2))).toBe('BAD_ARGUMENT'); // bin 2 with 2 bins
    expect(thrownCode(() => createCountSource(binned, Uint8Array.from([1, 0, 2, 1, 0]), 3))).toBe('BAD_ARGUMENT');
    expect(thrownCode(() => createCountSource(binned.subarray(0, 9), labels, 3))).toBe('BAD_ARGUMENT');
    expect(thrownCode(() => createCountSource(binned, labels, 3).pairCountsWith(2))).toBe('BAD_ARGUMENT');
    expect(thrownCode(() => createCountSource(binned, labels, 3).featureBins(-1))).toBe('BAD_ARGUMENT');
  });
});
