import type { ExplainFeature } from '../../../app/contract/types.ts';

/**
 * Geometry of the "why these results" chart: one bar per selected feature (its own bits, I(F; Y))
 * in greedy order, and the cumulative information of the selection as a line over them. Both share
 * one y scale, so the curve's last point reads directly as the total information captured.
 */
export interface ChartBar {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ExplainChart {
  bars: ChartBar[];
  /** SVG polyline points for the cumulative curve, one per feature at the bar centre. */
  curve: string;
  /** Horizontal grid lines: y position and the bits they mark. */
  ticks: { y: number; bits: number }[];
  maxBits: number;
}

export function explainChart(
  features: ExplainFeature[],
  width: number,
  height: number,
  padding = { top: 8, bottom: 8, left: 36, right: 8 },
): ExplainChart {
  const plotWidth = Math.max(1, width - padding.left - padding.right);
  const plotHeight = Math.max(1, height - padding.top - padding.bottom);
  const highest = Math.max(0, ...features.map((f) => Math.max(f.bits, f.cumulativeBits)));
  const maxBits = niceCeiling(highest);
  const slot = plotWidth / Math.max(1, features.length);
  const yOf = (bits: number): number => padding.top + plotHeight * (1 - Math.max(0, bits) / maxBits);
  const bars = features.map((feature, i) => {
    const y = yOf(feature.bits);
    return { x: padding.left + i * slot + slot * 0.15, y, width: slot * 0.7, height: padding.top + plotHeight - y };
  });
  const curve = features
    .map((feature, i) => `${round(padding.left + (i + 0.5) * slot)},${round(yOf(feature.cumulativeBits))}`)
    .join(' ');
  const ticks = [0, 0.5, 1].map((fraction) => ({ bits: maxBits * fraction, y: yOf(maxBits * fraction) }));
  return { bars, curve, ticks, maxBits };
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (a readable axis top); 1 for zero. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value - 1e-12) return step * power;
  return 10 * power;
}

const round = (n: number): number => Math.round(n * 10) / 10;
