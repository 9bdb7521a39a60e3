/**
 * The arithmetic of the virtualised grid: how many columns fit, which rows are on screen, where a
 * cell sits, and where the keyboard moves. No DOM, so it is the same in every browser and cheap to
 * run on every scroll frame.
 */

export interface GridMetrics {
  /** Width and height of one cell including its gap, in CSS pixels. */
  readonly cellWidth: number;
  readonly cellHeight: number;
}

export const GRID: GridMetrics = { cellWidth: 184, cellHeight: 236 };
/** Rows drawn above and below the viewport, so a quick scroll shows cells rather than blank space. */
export const OVERSCAN_ROWS = 2;

export function columnsFor(width: number, metrics: GridMetrics = GRID): number {
  return Math.max(1, Math.floor(width / metrics.cellWidth));
}

export function rowCount(items: number, columns: number): number {
  return Math.ceil(items / columns);
}

/** Indices [first, end) of the items whose rows are on screen or in the overscan. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  columns: number,
  items: number,
  metrics: GridMetrics = GRID,
): { first: number; end: number } {
  const rows = rowCount(items, columns);
  const firstRow = Math.max(0, Math.floor(scrollTop / metrics.cellHeight) - OVERSCAN_ROWS);
  const endRow = Math.min(rows, Math.ceil((scrollTop + viewportHeight) / metrics.cellHeight) + OVERSCAN_ROWS);
  return { first: Math.min(items, firstRow * columns), end: Math.min(items, endRow * columns) };
}

/** Rows fully on screen (at least one), the distance PageUp/PageDown move. */
export function rowsPerPage(viewportHeight: number, metrics: GridMetrics = GRID): number {
  return Math.max(1, Math.floor(viewportHeight / metrics.cellHeight));
}

export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

export function isGridKey(key: string): key is GridKey {
  return ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(key);
}

/** Where a key moves the active cell from `index`, clamped to the list. */
export function moveIndex(index: number, key: GridKey, columns: number, items: number, pageRows: number): number {
  if (items === 0) return 0;
  const last = items - 1;
  const step: Record<GridKey, number> = {
    ArrowLeft: -1,
    ArrowRight: 1,
    ArrowUp: -columns,
    ArrowDown: columns,
    Home: -Infinity,
    End: Infinity,
    PageUp: -columns * pageRows,
    PageDown: columns * pageRows,
  };
  const target = index + step[key];
  // Down from the last full row lands on the last image rather than nowhere.
  return Math.max(0, Math.min(last, target));
}

/** The scrollTop that brings cell `index` fully into view, or the current one when it already is. */
export function scrollToShow(
  index: number,
  columns: number,
  scrollTop: number,
  viewportHeight: number,
  metrics: GridMetrics = GRID,
): number {
  const top = Math.floor(index / columns) * metrics.cellHeight;
  const bottom = top + metrics.cellHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
