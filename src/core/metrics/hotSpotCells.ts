/**
 * Reading a hot spot's windows (HotSpotRegion.cells): its grid of k×k windows over its box, and whether
 * one window belongs to the region. Plain functions with no imports beyond types: the inspector webview
 * bundles this to trace outlines, the host to tell overlapping regions apart.
 */
import type { HotSpot, HotSpotRegion } from '../types';

/** The window grid of a hot spot's box: the last column and row may be clipped by the image edge. */
export function cellGrid(spot: Pick<HotSpot, 'scale' | 'box'>): { columns: number; rows: number } {
  return { columns: Math.ceil(spot.box.width / spot.scale), rows: Math.ceil(spot.box.height / spot.scale) };
}

/** Whether window (column, row) of the box is one of the region's; false outside the grid. */
export function hasCell(spot: HotSpotRegion, column: number, row: number): boolean {
  const { columns, rows } = cellGrid(spot);
  if (column < 0 || row < 0 || column >= columns || row >= rows) return false;
  const index = row * columns + column;
  return ((spot.cells[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

/** Whether image pixel (x, y) lies in one of the region's windows. */
export function coversPixel(spot: HotSpotRegion, x: number, y: number): boolean {
  return hasCell(spot, Math.floor((x - spot.box.x) / spot.scale), Math.floor((y - spot.box.y) / spot.scale));
}
