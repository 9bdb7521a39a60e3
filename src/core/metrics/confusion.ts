import type { ConfusionMatrix, PixelTerms } from '../types';

export function emptyConfusion(numClasses: number): ConfusionMatrix {
  return {
    numClasses,
    counts: new Float64Array(numClasses * numClasses),
    unknown: new Float64Array(numClasses),
  };
}

export function confusionOf(terms: PixelTerms, numClasses: number): ConfusionMatrix {
  const matrix = emptyConfusion(numClasses);
  const { label, predicted } = terms;
  for (let p = 0; p < label.length; p++) {
    const y = label[p]!;
    if (y < 0) continue;
    const predictedId = predicted[p]!;
    if (predictedId >= 0 && predictedId < numClasses) matrix.counts[y * numClasses + predictedId]!++;
    else matrix.unknown[y]!++;
  }
  return matrix;
}

/** Adds `source` into `target` in place: confusion matrices of disjoint pixel sets sum exactly. */
export function addConfusion(target: ConfusionMatrix, source: ConfusionMatrix): void {
  if (target.numClasses !== source.numClasses) {
    throw new Error(`cannot add a ${source.numClasses}-class confusion matrix to a ${target.numClasses}-class one`);
  }
  for (let i = 0; i < target.counts.length; i++) target.counts[i]! += source.counts[i]!;
  for (let i = 0; i < target.unknown.length; i++) target.unknown[i]! += source.unknown[i]!;
}

/** Per class: pixels predicted right, label pixels (valid ones) and predictions on valid label pixels. */
export interface ClassAreas {
  readonly truePositives: Float64Array;
  /** Label area: every valid pixel labelled c, predictions outside 0..C-1 included (they are misses). */
  readonly labelled: Float64Array;
  /** Predicted area: valid pixels predicted c (predictions on void pixels and ids outside 0..C-1 never count). */
  readonly predicted: Float64Array;
}

export function classAreas(matrix: ConfusionMatrix): ClassAreas {
  const n = matrix.numClasses;
  // Row and column sums in one row-major pass: reading column by column strides C cells at a time,
  // which at 150 classes cost more than the rest of an image's IoU. Same sums in the same order.
  const labelled = matrix.unknown.slice();
  const predicted = new Float64Array(n);
  const truePositives = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const row = c * n;
    let sum = labelled[c]!;
    for (let j = 0; j < n; j++) {
      const count = matrix.counts[row + j]!;
      // An image's matrix is almost all zeros (a few of C classes): skipping them changes no sum.
      if (count === 0) continue;
      sum += count;
      predicted[j]! += count;
    }
    labelled[c] = sum;
    truePositives[c] = matrix.counts[row + c]!;
  }
  return { truePositives, labelled, predicted };
}

export interface IoUSummary {
  /** IoU_c = TP / (TP + FP + FN); null when the class is absent from both label and prediction. */
  readonly perClassIoU: (number | null)[];
  /** Mean of the defined IoU_c; null when none is defined. */
  readonly miou: number | null;
  /** TP total / valid pixels; null when there are no valid pixels. */
  readonly pixelAccuracy: number | null;
}

export function iouSummary(matrix: ConfusionMatrix): IoUSummary {
  return iouOfAreas(classAreas(matrix));
}

export function iouOfAreas({ truePositives, labelled, predicted }: ClassAreas): IoUSummary {
  const perClassIoU: (number | null)[] = [];
  let truePositiveSum = 0;
  let validPixels = 0;
  let iouSum = 0;
  let defined = 0;
  for (let c = 0; c < labelled.length; c++) {
    const tp = truePositives[c]!;
    const union = labelled[c]! + predicted[c]! - tp;
    truePositiveSum += tp;
    validPixels += labelled[c]!;
    if (union > 0) {
      const iou = tp / union;
      perClassIoU.push(iou);
      iouSum += iou;
      defined++;
    } else {
      perClassIoU.push(null);
    }
  }
  return {
    perClassIoU,
    miou: defined > 0 ? iouSum / defined : null,
    pixelAccuracy: validPixels > 0 ? truePositiveSum / validPixels : null,
  };
}

/** Square C x C rows for JSON output. */
export function confusionRows(matrix: ConfusionMatrix): number[][] {
  const n = matrix.numClasses;
  return Array.from({ length: n }, (_, r) => Array.from(matrix.counts.subarray(r * n, (r + 1) * n)));
}
