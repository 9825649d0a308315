/**
 * The arithmetic behind the virtualised result grid: how many columns fit, and which rows are on
 * screen. Only those rows (plus a little overscan) are in the DOM, so 100k results cost what 50 do.
 */
export interface GridLayout {
  columns: number;
  /** Width of one cell, px (cells stretch to fill the row). */
  cellWidth: number;
  /** Height of one row including the gap, px. */
  rowHeight: number;
  rows: number;
  totalHeight: number;
}

export interface GridSpec {
  width: number;
  count: number;
  minCellWidth: number;
  gap: number;
  /** Height of a cell's caption under the square thumbnail, px. */
  captionHeight: number;
}

export function layoutGrid({ width, count, minCellWidth, gap, captionHeight }: GridSpec): GridLayout {
  const columns = Math.max(1, Math.floor((width + gap) / (minCellWidth + gap)));
  const cellWidth = Math.max(1, (width - gap * (columns - 1)) / columns);
  const rowHeight = cellWidth + captionHeight + gap;
  const rows = Math.ceil(count / columns);
  return { columns, cellWidth, rowHeight, rows, totalHeight: Math.max(0, rows * rowHeight - gap) };
}

export interface VisibleRange {
  /** Index of the first result to render. */
  start: number;
  /** One past the last result to render. */
  end: number;
  /** Where the first rendered row starts, px from the top of the grid. */
  offsetY: number;
}

export function visibleRange(
  layout: GridLayout,
  count: number,
  scrollTop: number,
  viewportHeight: number,
  overscanRows = 2,
): VisibleRange {
  if (count === 0 || layout.rows === 0) return { start: 0, end: 0, offsetY: 0 };
  const firstRow = Math.max(0, Math.floor(scrollTop / layout.rowHeight) - overscanRows);
  const lastRow = Math.min(
    layout.rows - 1,
    Math.floor((scrollTop + Math.max(0, viewportHeight)) / layout.rowHeight) + overscanRows,
  );
  return {
    start: firstRow * layout.columns,
    end: Math.min(count, (lastRow + 1) * layout.columns),
    offsetY: firstRow * layout.rowHeight,
  };
}

/** The scrollTop that brings result `index` fully into view (unchanged if it already is). */
export function scrollToReveal(layout: GridLayout, index: number, scrollTop: number, viewportHeight: number): number {
  const top = Math.floor(index / layout.columns) * layout.rowHeight;
  const bottom = top + layout.rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

/** The result selected after pressing `key` on result `index`; stays inside 0 … count − 1. */
export function moveSelection(index: number, key: GridKey, columns: number, count: number, rowsPerPage = 1): number {
  if (count === 0) return -1;
  const step: Record<GridKey, number> = {
    ArrowLeft: -1,
    ArrowRight: 1,
    ArrowUp: -columns,
    ArrowDown: columns,
    PageUp: -columns * Math.max(1, rowsPerPage),
    PageDown: columns * Math.max(1, rowsPerPage),
    Home: -Infinity,
    End: Infinity,
  };
  const from = index < 0 ? 0 : index;
  const to = from + step[key];
  if (to < 0) return key === 'ArrowUp' ? from : 0;
  if (to >= count) return key === 'ArrowDown' ? from : count - 1;
  return to;
}
