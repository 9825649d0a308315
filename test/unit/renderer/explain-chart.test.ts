import { describe, expect, it } from 'vitest';
import type { ExplainFeature } from '../../../app/contract/types.ts';
import { explainChart, niceCeiling } from '../../../renderer/src/lib/explain-chart.ts';

const feature = (name: string, bits: number, cumulativeBits: number): ExplainFeature => ({
  name,
  kind: 'concept',
  bits,
  gainBits: bits,
  cumulativeBits,
  pValue: 0.001,
  direction: 'higher',
});

describe('niceCeiling', () => {
  it('is the smallest 1/2/2.5/5 × 10^k at or above the value', () => {
    const candidates = [-3, -2, -1, 0, 1, 2].flatMap((k) => [1, 2, 2.5, 5].map((m) => m * 10 ** k));
    for (const value of [0.0007, 0.013, 0.2, 0.21, 0.99, 1, 1.01, 2.4, 2.6, 7, 42]) {
      const truth = Math.min(...candidates.filter((c) => c >= value - 1e-12));
      expect(niceCeiling(value)).toBeCloseTo(truth, 12);
    }
    expect(niceCeiling(0)).toBe(1);
  });
});

describe('explainChart', () => {
  const features = [feature('sand', 0.6, 0.6), feature('sea', 0.3, 0.8), feature('sky', 0.1, 0.85)];
  const chart = explainChart(features, 400, 200, { top: 10, bottom: 10, left: 40, right: 10 });

  it('draws bar heights in proportion to bits on a shared axis', () => {
    expect(chart.maxBits).toBe(1);
    chart.bars.forEach((bar, i) => {
      expect(bar.height).toBeCloseTo(180 * features[i]!.bits, 9);
      expect(bar.y + bar.height).toBeCloseTo(190, 9);
    });
  });

  it('puts the cumulative curve at each bar centre and at the cumulative bits', () => {
    const points = chart.curve.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
    expect(points).toHaveLength(3);
    points.forEach(([x, y], i) => {
      const bar = chart.bars[i]!;
      expect(x).toBeCloseTo(bar.x + bar.width / 2, 0);
      expect(y).toBeCloseTo(10 + 180 * (1 - features[i]!.cumulativeBits), 0);
    });
  });

  it('places bars left to right without overlap inside the plot', () => {
    for (let i = 1; i < chart.bars.length; i++)
      expect(chart.bars[i]!.x).toBeGreaterThan(chart.bars[i - 1]!.x + chart.bars[i - 1]!.width);
    expect(chart.bars[0]!.x).toBeGreaterThanOrEqual(40);
    expect(chart.bars.at(-1)!.x + chart.bars.at(-1)!.width).toBeLessThanOrEqual(390);
  });
});
