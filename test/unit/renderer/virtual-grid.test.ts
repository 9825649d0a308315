import { describe, expect, it } from 'vitest';
import {
  layoutGrid,
  moveSelection,
  scrollToReveal,
  visibleRange,
  type GridLayout,
} from '../../../renderer/src/lib/virtual-grid.ts';

/** Brute force: every item whose rectangle meets the viewport, from each item's own position. */
function itemsOnScreen(layout: GridLayout, count: number, scrollTop: number, height: number): number[] {
  const shown: number[] = [];
  for (let i = 0; i < count; i++) {
    const top = Math.floor(i / layout.columns) * layout.rowHeight;
    if (top < scrollTop + height && top + layout.rowHeight > scrollTop) shown.push(i);
  }
  return shown;
}

describe('layoutGrid', () => {
  it('fits as many columns as the minimum cell width and gaps allow, and fills the width exactly', () => {
    for (const width of [100, 167, 168, 347, 348, 1000, 1920]) {
      const layout = layoutGrid({ width, count: 10, minCellWidth: 168, gap: 12, captionHeight: 32 });
      const columns = layout.columns;
      expect(columns * 168 + (columns - 1) * 12 <= width || columns === 1).toBe(true);
      expect((columns + 1) * 168 + columns * 12).toBeGreaterThan(width);
      if (width >= 168) expect(columns * layout.cellWidth + (columns - 1) * 12).toBeCloseTo(width, 9);
    }
  });

  it('counts partial last rows and gives a total height of rows minus the trailing gap', () => {
    const layout = layoutGrid({ width: 360, count: 5, minCellWidth: 100, gap: 10, captionHeight: 20 });
    expect(layout.columns).toBe(3);
    expect(layout.rows).toBe(2);
    expect(layout.totalHeight).toBeCloseTo(2 * (layout.cellWidth + 20 + 10) - 10, 9);
  });
});

describe('visibleRange', () => {
  it('covers exactly the rows a brute-force intersection finds, plus the overscan rows', () => {
    const count = 100_000;
    const layout = layoutGrid({ width: 1180, count, minCellWidth: 168, gap: 12, captionHeight: 32 });
    for (const scrollTop of [0, 1, 199.5, 5000, 123_456, layout.totalHeight - 800]) {
      const range = visibleRange(layout, count, scrollTop, 800, 0);
      const truth = itemsOnScreen(layout, count, scrollTop, 800);
      expect(range.start).toBe(truth[0]);
      expect(range.end).toBe(truth.at(-1)! + 1);
      expect(range.offsetY).toBeCloseTo(Math.floor(range.start / layout.columns) * layout.rowHeight, 9);
      const withOverscan = visibleRange(layout, count, scrollTop, 800, 2);
      expect(withOverscan.start).toBe(Math.max(0, range.start - 2 * layout.columns));
      expect(withOverscan.end).toBe(Math.min(count, range.end + 2 * layout.columns));
    }
  });

  it('keeps the DOM small at 100k results: a screenful of rows, not the whole list', () => {
    const layout = layoutGrid({ width: 1180, count: 100_000, minCellWidth: 168, gap: 12, captionHeight: 32 });
    const range = visibleRange(layout, 100_000, 50_000, 900);
    expect(range.end - range.start).toBeLessThanOrEqual((Math.ceil(900 / layout.rowHeight) + 1 + 4) * layout.columns);
  });

  it('is empty for no results and never runs past the last one', () => {
    const layout = layoutGrid({ width: 800, count: 0, minCellWidth: 100, gap: 10, captionHeight: 20 });
    expect(visibleRange(layout, 0, 0, 500)).toEqual({ start: 0, end: 0, offsetY: 0 });
    const small = layoutGrid({ width: 800, count: 3, minCellWidth: 100, gap: 10, captionHeight: 20 });
    expect(visibleRange(small, 3, 0, 5000)).toMatchObject({ start: 0, end: 3 });
  });
});

describe('scrollToReveal', () => {
  const layout = layoutGrid({ width: 500, count: 1000, minCellWidth: 100, gap: 0, captionHeight: 0 });

  it('scrolls up or down just enough to show the whole row, and not at all when it is shown', () => {
    const row = layout.rowHeight;
    expect(scrollToReveal(layout, 0, 3 * row, 2 * row)).toBe(0);
    expect(scrollToReveal(layout, 10 * layout.columns, 0, 2 * row)).toBeCloseTo(11 * row - 2 * row, 9);
    expect(scrollToReveal(layout, 4 * layout.columns, 3 * row, 2 * row)).toBe(3 * row);
  });
});

describe('moveSelection', () => {
  it('moves by one, by a row and by a page, and stays within the results', () => {
    expect(moveSelection(5, 'ArrowRight', 4, 10)).toBe(6);
    expect(moveSelection(5, 'ArrowLeft', 4, 10)).toBe(4);
    expect(moveSelection(5, 'ArrowDown', 4, 10)).toBe(9);
    expect(moveSelection(5, 'ArrowUp', 4, 10)).toBe(1);
    expect(moveSelection(1, 'ArrowUp', 4, 10)).toBe(1);
    expect(moveSelection(7, 'ArrowDown', 4, 10)).toBe(7);
    expect(moveSelection(0, 'ArrowLeft', 4, 10)).toBe(0);
    expect(moveSelection(9, 'ArrowRight', 4, 10)).toBe(9);
    expect(moveSelection(3, 'End', 4, 10)).toBe(9);
    expect(moveSelection(3, 'Home', 4, 10)).toBe(0);
    expect(moveSelection(1, 'PageDown', 4, 100, 3)).toBe(13);
    expect(moveSelection(95, 'PageDown', 4, 100, 3)).toBe(99);
    expect(moveSelection(-1, 'ArrowRight', 4, 10)).toBe(1);
    expect(moveSelection(0, 'ArrowRight', 4, 0)).toBe(-1);
  });
});
