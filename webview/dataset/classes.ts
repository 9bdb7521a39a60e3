/**
 * What the matrix and the class table derive from the pooled counts: pixel totals per class, which
 * classes have any pixel, the order the matrix lists them in, and the largest confusions. Pure
 * functions of the message, so they read the same in every view of the panel.
 */
import type { ConfusionPair, DatasetMessage, MatrixOrder } from '../../src/shared/protocol/dataset';

export type MatrixData = Pick<DatasetMessage, 'numClasses' | 'confusion' | 'unknownPredictions'>;

export function cellCount(data: MatrixData, pair: ConfusionPair): number {
  return data.confusion[pair.label * data.numClasses + pair.predicted] ?? 0;
}

/** Share of the label class's pixels in the cell (row-normalised); 0 for a class with no label pixel. */
export function rowShare(data: MatrixData, labels: Float64Array, pair: ConfusionPair): number {
  const total = labels[pair.label] ?? 0;
  return total > 0 ? cellCount(data, pair) / total : 0;
}

/** The figures every view of the panel reads, computed once per message. */
export interface ClassTotals {
  /** Label pixels of each class: its matrix row plus those predicted as an id outside the classes. */
  readonly labels: Float64Array;
  /** Pixels predicted as each class on valid label pixels (the matrix's column sums). */
  readonly predicted: Float64Array;
  /** Pixels of the class's row and column off the diagonal: how much it is confused, either way. */
  readonly confused: Float64Array;
}

export function classTotals(data: MatrixData): ClassTotals {
  const n = data.numClasses;
  const labels = Float64Array.from(data.unknownPredictions);
  const predicted = new Float64Array(n);
  const confused = new Float64Array(n);
  const counts = data.confusion;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const count = counts[r * n + c]!;
      labels[r]! += count;
      predicted[c]! += count;
      if (r !== c) {
        confused[r]! += count;
        confused[c]! += count;
      }
    }
  }
  return { labels, predicted, confused };
}

/** A class with neither a label pixel nor a predicted one: nothing to show in the matrix or the table. */
export function isEmptyClass(totals: ClassTotals, c: number): boolean {
  return (totals.labels[c] ?? 0) === 0 && (totals.predicted[c] ?? 0) === 0;
}

/**
 * The classes the matrix lists, in order: every class, or only those with pixels; by id, by IoU
 * (worst first, undefined last) or most confused first (the off-diagonal pixels of its row and
 * column). Ties keep the id order.
 */
export function matrixClasses(
  totals: ClassTotals,
  perClassIoU: readonly (number | null)[],
  order: MatrixOrder,
  showEmpty: boolean,
): number[] {
  const ids = Array.from(totals.labels, (_, c) => c).filter((c) => showEmpty || !isEmptyClass(totals, c));
  if (order === 'iou') {
    const key = (c: number): number => perClassIoU[c] ?? Number.POSITIVE_INFINITY;
    return ids.sort((a, b) => key(a) - key(b) || a - b);
  }
  if (order === 'confusion') return ids.sort((a, b) => (totals.confused[b] ?? 0) - (totals.confused[a] ?? 0) || a - b);
  return ids;
}

export interface Confusion extends ConfusionPair {
  readonly count: number;
}

/** The `limit` largest off-diagonal cells, largest first (ties: label id, then predicted id). */
export function topConfusions(data: MatrixData, limit: number): Confusion[] {
  if (limit <= 0) return [];
  const n = data.numClasses;
  const before = (a: Confusion, b: Confusion): boolean =>
    a.count > b.count ||
    (a.count === b.count && (a.label < b.label || (a.label === b.label && a.predicted < b.predicted)));
  // Kept sorted and at most `limit` long: 171 classes have 29,070 off-diagonal cells, and only 20 are shown.
  const top: Confusion[] = [];
  for (let label = 0; label < n; label++) {
    for (let predicted = 0; predicted < n; predicted++) {
      const count = data.confusion[label * n + predicted] ?? 0;
      if (label === predicted || count <= 0) continue;
      if (top.length === limit && !(count > top[limit - 1]!.count)) continue;
      const cell = { label, predicted, count };
      let at = top.length;
      while (at > 0 && before(cell, top[at - 1]!)) at--;
      top.splice(at, 0, cell);
      if (top.length > limit) top.pop();
    }
  }
  return top;
}
