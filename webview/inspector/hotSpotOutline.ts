/**
 * A hot spot's outline: the border of the union of its k×k windows, traced window edge by window edge
 * (an edge is drawn where the neighbouring window is not the region's), and where its number goes.
 */
import { cellGrid, hasCell, type HotSpotRegion } from '../../src/shared/protocol/inspector';

/** Straight segments in image pixels: [x0, y0, x1, y1] each. */
export type Segment = readonly [number, number, number, number];

/**
 * The outline's segments. Horizontal runs of edges are joined, so a large region is a few hundred
 * segments rather than one per window. Windows clipped by the image edge end at the box.
 */
export function outlineSegments(spot: HotSpotRegion): Segment[] {
  const { columns, rows } = cellGrid(spot);
  const { x, y, width, height } = spot.box;
  const k = spot.scale;
  const left = (column: number): number => x + column * k;
  const right = (column: number): number => Math.min(x + width, x + (column + 1) * k);
  const top = (row: number): number => y + row * k;
  const bottom = (row: number): number => Math.min(y + height, y + (row + 1) * k);
  const segments: Segment[] = [];
  // Horizontal edges: above row r (between r - 1 and r), runs of columns where exactly one side is in.
  for (let row = 0; row <= rows; row++) {
    let start = -1;
    for (let column = 0; column <= columns; column++) {
      const edge = column < columns && hasCell(spot, column, row) !== hasCell(spot, column, row - 1);
      if (edge && start < 0) start = column;
      if (!edge && start >= 0) {
        const at = row < rows ? top(row) : bottom(rows - 1);
        segments.push([left(start), at, right(column - 1), at]);
        start = -1;
      }
    }
  }
  // Vertical edges: left of column c, runs of rows.
  for (let column = 0; column <= columns; column++) {
    let start = -1;
    for (let row = 0; row <= rows; row++) {
      const edge = row < rows && hasCell(spot, column, row) !== hasCell(spot, column - 1, row);
      if (edge && start < 0) start = row;
      if (!edge && start >= 0) {
        const at = column < columns ? left(column) : right(columns - 1);
        segments.push([at, top(start), at, bottom(row - 1)]);
        start = -1;
      }
    }
  }
  return segments;
}

export function outlinePath(spot: HotSpotRegion): Path2D {
  const path = new Path2D();
  for (const [x0, y0, x1, y1] of outlineSegments(spot)) {
    path.moveTo(x0, y0);
    path.lineTo(x1, y1);
  }
  return path;
}

/** Where the spot's number is drawn: the top-left corner of its first window (top row, then leftmost). */
export function numberAnchor(spot: HotSpotRegion): { x: number; y: number } {
  const { columns, rows } = cellGrid(spot);
  for (let row = 0; row < rows; row++)
    for (let column = 0; column < columns; column++)
      if (hasCell(spot, column, row)) return { x: spot.box.x + column * spot.scale, y: spot.box.y + row * spot.scale };
  return { x: spot.box.x, y: spot.box.y };
}
