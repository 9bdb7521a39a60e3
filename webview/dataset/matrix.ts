/**
 * The confusion matrix on a canvas: one square per (label row, predicted column), shaded by the
 * row-normalised share (the fraction of the label class's pixels predicted as the column class).
 * A canvas, not a table, so 150 classes (22,500 cells) draw at once; the cell size is the zoom.
 */
import type { ConfusionPair } from '../../src/shared/protocol/dataset';

export interface MatrixData {
  readonly numClasses: number;
  readonly confusion: Float64Array;
}

/** Pixels of each label class (row sums), for the row normalisation. */
export function rowTotals(data: MatrixData): Float64Array {
  const n = data.numClasses;
  const totals = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let c = 0; c < n; c++) sum += data.confusion[r * n + c] ?? 0;
    totals[r] = sum;
  }
  return totals;
}

/** Share of row `label`'s pixels in column `predicted`; 0 for an empty row. */
export function rowShare(data: MatrixData, totals: Float64Array, pair: ConfusionPair): number {
  const total = totals[pair.label] ?? 0;
  return total > 0 ? (data.confusion[pair.label * data.numClasses + pair.predicted] ?? 0) / total : 0;
}

export interface MatrixColors {
  /** Empty cells. */
  readonly background: [number, number, number];
  /** A cell holding the whole row. */
  readonly full: [number, number, number];
  /** Outline of the keyboard focus / selection. */
  readonly focus: string;
}

/** Linear blend from background (share 0) to full (share 1); any non-zero share is at least faintly visible. */
export function cellColor(share: number, colors: MatrixColors): [number, number, number] {
  const t = share > 0 ? 0.08 + 0.92 * Math.min(1, share) : 0;
  const mix = (i: 0 | 1 | 2): number => Math.round(colors.background[i] + (colors.full[i] - colors.background[i]) * t);
  return [mix(0), mix(1), mix(2)];
}

export function drawMatrix(
  canvas: HTMLCanvasElement,
  data: MatrixData,
  cellSize: number,
  colors: MatrixColors,
  focus: ConfusionPair | null,
): void {
  const n = data.numClasses;
  const side = n * cellSize;
  if (canvas.width !== side || canvas.height !== side) {
    canvas.width = side;
    canvas.height = side;
  }
  const context = canvas.getContext('2d');
  if (context === null) return;
  const totals = rowTotals(data);
  // Whole-pixel cells written into one ImageData: exact colours (tests read them back), fast for 150².
  const pixels = new ImageData(side, side);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const [red, green, blue] = cellColor(rowShare(data, totals, { label: r, predicted: c }), colors);
      for (let y = r * cellSize; y < (r + 1) * cellSize; y++) {
        for (let x = c * cellSize; x < (c + 1) * cellSize; x++) {
          const at = (y * side + x) * 4;
          pixels.data[at] = red;
          pixels.data[at + 1] = green;
          pixels.data[at + 2] = blue;
          pixels.data[at + 3] = 255;
        }
      }
    }
  }
  context.putImageData(pixels, 0, 0);
  if (focus !== null && cellSize >= 4) {
    context.strokeStyle = colors.focus;
    context.lineWidth = 1;
    context.strokeRect(focus.predicted * cellSize + 0.5, focus.label * cellSize + 0.5, cellSize - 1, cellSize - 1);
  }
}

/** The cell under a point in canvas CSS pixels, or null outside the matrix. */
export function cellAt(x: number, y: number, cellSize: number, numClasses: number): ConfusionPair | null {
  const predicted = Math.floor(x / cellSize);
  const label = Math.floor(y / cellSize);
  if (predicted < 0 || label < 0 || predicted >= numClasses || label >= numClasses) return null;
  return { label, predicted };
}
