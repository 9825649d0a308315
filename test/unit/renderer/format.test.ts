import { describe, expect, it } from 'vitest';
import {
  formatBits,
  formatBytes,
  formatDuration,
  formatPValue,
  indexingRate,
} from '../../../renderer/src/lib/format.ts';

describe('format', () => {
  it('writes bits with a true minus sign and sensible precision', () => {
    expect(formatBits(3.14159)).toBe('+3.14 bits');
    expect(formatBits(-0.5)).toBe('−0.50 bits');
    expect(formatBits(12.34)).toBe('+12.3 bits');
    expect(formatBits(0)).toBe('0.00 bits');
    expect(formatBits(Number.NaN)).toBe('—');
  });

  it('writes sizes and durations', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(89_117_001)).toBe('89.1 MB');
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(7260)).toBe('2 h 1 min');
  });

  it('derives rate and time left from two progress samples', () => {
    expect(indexingRate({ done: 100, atMs: 0 }, { done: 300, atMs: 4000 }, 1300)).toEqual({
      perSecond: 50,
      etaSeconds: 20,
    });
    expect(indexingRate(undefined, { done: 3, atMs: 10 }, 10)).toEqual({});
    expect(indexingRate({ done: 3, atMs: 10 }, { done: 3, atMs: 20 }, 10)).toEqual({});
  });
});

describe('formatPValue', () => {
  it('keeps two significant digits, switches to powers of ten below 0.001, and floors at 1e-12', () => {
    expect(formatPValue(0.5)).toBe('p = 0.50');
    expect(formatPValue(0.0123)).toBe('p = 0.012');
    expect(formatPValue(0.00042)).toBe('p = 4.2e-4');
    expect(formatPValue(1e-30)).toBe('p < 1e-12');
  });
});
