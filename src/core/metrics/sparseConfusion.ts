import type { ConfusionMatrix } from '../types';

/**
 * An image's confusion matrix as its non-zero cells. An image holds a few of the C classes, so its
 * C x C matrix is almost all zeros (at 150 classes, 22,500 cells of which a hundred or so are used):
 * records carry this form from the worker to the dataset sums, and the dense plain arrays a record
 * exposes are built only when something reads them (see record.ts). Typed arrays, so a worker posts it
 * as a few blocks of memory.
 */
export interface SparseConfusion {
  readonly numClasses: number;
  /** Cell index label * C + predicted of each non-zero cell, increasing. */
  readonly cells: Int32Array;
  /** The count of each cell in `cells`. */
  readonly counts: Float64Array;
  /** Label pixels predicted outside 0..C-1, per label class (dense: C numbers). */
  readonly unknown: Float64Array;
}

/** The non-zero cells of a dense matrix: one sequential pass over it. */
export function sparseConfusion(matrix: ConfusionMatrix): SparseConfusion {
  const dense = matrix.counts;
  let used = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) used++;
  const cells = new Int32Array(used);
  const counts = new Float64Array(used);
  for (let i = 0, at = 0; at < used; i++) {
    const count = dense[i]!;
    if (count !== 0) {
      cells[at] = i;
      counts[at++] = count;
    }
  }
  return { numClasses: matrix.numClasses, cells, counts, unknown: matrix.unknown.slice() };
}

/**
 * The dense C x C counts as a plain array (what records store and export), equal to copying the dense
 * matrix element by element. Zeros are pushed one by one: `new Array(n)` of this size makes a
 * dictionary-mode array in V8, several times slower to fill.
 */
export function denseCounts(sparse: SparseConfusion): number[] {
  const size = sparse.numClasses * sparse.numClasses;
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push(0);
  for (let i = 0; i < sparse.cells.length; i++) out[sparse.cells[i]!] = sparse.counts[i]!;
  return out;
}

/** Adds the cells into a dense matrix of the same class count, in place. */
export function addSparseConfusion(target: ConfusionMatrix, source: SparseConfusion): void {
  if (target.numClasses !== source.numClasses) {
    throw new Error(`cannot add a ${source.numClasses}-class confusion matrix to a ${target.numClasses}-class one`);
  }
  for (let i = 0; i < source.cells.length; i++) target.counts[source.cells[i]!]! += source.counts[i]!;
  for (let c = 0; c < source.unknown.length; c++) target.unknown[c]! += source.unknown[c]!;
}

/** Classes with a pixel in the label or the prediction: a non-zero cell in their row or column, or unknown predictions. */
export function classesPresent(sparse: SparseConfusion): number[] {
  const C = sparse.numClasses;
  const present = new Uint8Array(C);
  for (let c = 0; c < C; c++) if (sparse.unknown[c]! > 0) present[c] = 1;
  for (let i = 0; i < sparse.cells.length; i++) {
    const cell = sparse.cells[i]!;
    const label = Math.floor(cell / C);
    present[label] = 1;
    present[cell - label * C] = 1;
  }
  const classes: number[] = [];
  for (let c = 0; c < C; c++) if (present[c] === 1) classes.push(c);
  return classes;
}
