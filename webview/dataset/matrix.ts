/**
 * The confusion matrix on a canvas: one square per (label row, predicted column) of the listed
 * classes, shaded by the row-normalised share (the fraction of the label class's pixels predicted as
 * the column class), with that share in % written in the cell when the cell is large enough. A
 * canvas, not a table, so 171 classes (29,241 cells) draw at once; the class names are DOM text
 * beside it (matrixView.ts).
 */
import type { ConfusionPair } from '../../src/shared/protocol/dataset';
import { rowShare, type MatrixData } from './classes';

export interface MatrixColors {
  /** Empty cells. */
  readonly background: [number, number, number];
  /** A cell holding the whole row. */
  readonly full: [number, number, number];
}

/** Cells at least this large carry their share as a number. */
export const VALUE_MIN_CELL = 26;
/** Cells at least this large are separated by grid lines (drawn by dataset.css). */
export const GRID_MIN_CELL = 10;

/** The smallest non-zero share's colour position: any pixel at all stays visible. */
export const FAINTEST = 0.15;

/** Where a share sits between background (0) and full (1); any non-zero share is at least faintly visible. */
function shade(share: number): number {
  return share > 0 ? FAINTEST + (1 - FAINTEST) * Math.min(1, share) : 0;
}

/** One channel of the colour at shade `t`. */
function mixChannel(colors: MatrixColors, channel: 0 | 1 | 2, t: number): number {
  return Math.round(colors.background[channel] + (colors.full[channel] - colors.background[channel]) * t);
}

/** Linear blend from background (share 0) to full (share 1); any non-zero share is at least faintly visible. */
export function cellColor(share: number, colors: MatrixColors): [number, number, number] {
  const t = shade(share);
  return [mixChannel(colors, 0, t), mixChannel(colors, 1, t), mixChannel(colors, 2, t)];
}

/** The share as the cell prints it: whole percent, "<1" for a share that rounds to 0, nothing for none. */
export function cellText(share: number): string {
  if (share <= 0) return '';
  const percent = Math.round(share * 100);
  return percent === 0 ? '<1' : String(percent);
}

/** Black or white, whichever reads better on the cell (relative luminance, WCAG). */
function textColor([r, g, b]: [number, number, number]): string {
  const linear = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

export interface MatrixLayout {
  /** Class ids of the rows and columns, in order. */
  readonly classes: readonly number[];
  readonly cellSize: number;
}

/** The numbers are left out above this matrix side (CSS px): their canvas would take too much memory. */
export const VALUES_MAX_SIDE = 3000;

/** What the matrix is drawn on: the cell colours, the numbers over them, the focus outline. */
export interface MatrixSurfaces {
  readonly cells: HTMLCanvasElement;
  readonly values: HTMLCanvasElement;
  readonly focusBox: HTMLElement;
}

/** Whether the cells carry their share as a number at this size. */
export function showsValues(layout: MatrixLayout): boolean {
  return layout.cellSize >= VALUE_MIN_CELL && layout.classes.length * layout.cellSize <= VALUES_MAX_SIDE;
}

export function drawMatrix(
  surfaces: MatrixSurfaces,
  data: MatrixData,
  labels: Float64Array,
  layout: MatrixLayout,
  colors: MatrixColors,
  focus: ConfusionPair | null,
): void {
  const { classes, cellSize } = layout;
  const count = classes.length;
  const side = count * cellSize;
  const { cells, values, focusBox } = surfaces;
  // One pixel per cell, scaled up by CSS without smoothing (image-rendering: pixelated): exact colours
  // at any zoom, and 171 classes are a 171×171 bitmap, not 2,052×2,052.
  if (cells.width !== count || cells.height !== count) {
    cells.width = count;
    cells.height = count;
  }
  cells.style.width = `${side}px`;
  cells.style.height = `${side}px`;
  const shares = new Float64Array(count * count);
  const context = cells.getContext('2d');
  if (context !== null && count > 0) {
    const image = new ImageData(count, count);
    const pixels = image.data;
    // Channel by channel, so this loop (once per cell: 29,241 at 171 classes) allocates no colour array.
    for (let row = 0; row < count; row++) {
      const label = classes[row]!;
      for (let column = 0; column < count; column++) {
        const at = row * count + column;
        const share = rowShare(data, labels, { label, predicted: classes[column]! });
        shares[at] = share;
        const t = shade(share);
        pixels[at * 4] = mixChannel(colors, 0, t);
        pixels[at * 4 + 1] = mixChannel(colors, 1, t);
        pixels[at * 4 + 2] = mixChannel(colors, 2, t);
        pixels[at * 4 + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
  }
  drawValues(values, shares, layout, colors);
  const row = focus === null ? -1 : classes.indexOf(focus.label);
  const column = focus === null ? -1 : classes.indexOf(focus.predicted);
  focusBox.hidden = row < 0 || column < 0;
  focusBox.style.left = `${column * cellSize}px`;
  focusBox.style.top = `${row * cellSize}px`;
}

function drawValues(canvas: HTMLCanvasElement, shares: Float64Array, layout: MatrixLayout, colors: MatrixColors): void {
  const { classes, cellSize } = layout;
  const count = classes.length;
  const side = count * cellSize;
  const scale = Math.max(1, Math.round(window.devicePixelRatio || 1));
  const size = showsValues(layout) ? side * scale : 0;
  canvas.width = size;
  canvas.height = size;
  canvas.style.width = `${size / scale}px`;
  canvas.style.height = `${size / scale}px`;
  const context = size > 0 ? canvas.getContext('2d') : null;
  if (context === null) return;
  context.setTransform(scale, 0, 0, scale, 0, 0);
  context.font = `${Math.min(12, Math.floor(cellSize / 2.4))}px sans-serif`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  for (let i = 0; i < shares.length; i++) {
    const share = shares[i]!;
    if (share <= 0) continue;
    const row = Math.floor(i / count);
    const column = i % count;
    context.fillStyle = textColor(cellColor(share, colors));
    context.fillText(cellText(share), (column + 0.5) * cellSize, (row + 0.5) * cellSize + 0.5);
  }
}

/** The (row, column) position under a point in canvas CSS pixels, or null outside the matrix. */
export function positionAt(
  x: number,
  y: number,
  cellSize: number,
  count: number,
): { row: number; column: number } | null {
  const column = Math.floor(x / cellSize);
  const row = Math.floor(y / cellSize);
  if (column < 0 || row < 0 || column >= count || row >= count) return null;
  return { row, column };
}
