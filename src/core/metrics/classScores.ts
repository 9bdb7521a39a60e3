import type { ClassAreas } from './confusion';

/**
 * Per-class accuracy, precision, Dice and F-score, and their means, as mmseg's IoUMetric computes them
 * (mmseg/evaluation/metrics/iou_metric.py, `total_area_to_metrics`), from the areas of the confusion
 * matrix: TP, label area and predicted area of each class. Where mmseg divides 0 by 0 it gets NaN, and
 * its means are `np.nanmean`: here that value is null and each mean is over the defined values.
 *
 * - accuracy (mmseg "Acc", = recall) = TP / label area: undefined when the class is not in the labels;
 * - precision = TP / predicted area: undefined when the class is never predicted;
 * - Dice = 2 TP / (predicted area + label area): 0 for a class predicted but absent from the labels,
 *   undefined only when both areas are 0;
 * - F-score (β = 1) = 2 · precision · recall / (precision + recall), computed from the two as mmseg
 *   does: undefined when either is, and 0 / 0 (undefined) when TP is 0. Where defined it equals Dice.
 *
 * Frequency-weighted IoU is not mmseg's; it is the FCN paper's (Long et al. 2015, and its reference
 * code's `score.py`): Σ over classes in the labels of (label area / all label pixels) · IoU.
 */
export interface ClassScores {
  readonly perClassAccuracy: (number | null)[];
  readonly meanAccuracy: number | null;
  readonly perClassPrecision: (number | null)[];
  readonly meanPrecision: number | null;
  readonly perClassDice: (number | null)[];
  readonly meanDice: number | null;
  readonly perClassFscore: (number | null)[];
  readonly meanFscore: number | null;
  readonly fwIoU: number | null;
}

const ratio = (numerator: number, denominator: number): number => numerator / denominator;

/** NaN (mmseg's 0 / 0) as null. */
const definedOrNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** np.nanmean: the mean of the defined values, null when none is. */
function meanOfDefined(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value === null) continue;
    sum += value;
    count++;
  }
  return count > 0 ? sum / count : null;
}

function fScore(precision: number, recall: number): number {
  return (2 * (precision * recall)) / (precision + recall);
}

export function classScores({ truePositives, labelled, predicted }: ClassAreas): ClassScores {
  const perClassAccuracy: (number | null)[] = [];
  const perClassPrecision: (number | null)[] = [];
  const perClassDice: (number | null)[] = [];
  const perClassFscore: (number | null)[] = [];
  let labelPixels = 0;
  let weightedIoU = 0;
  for (let c = 0; c < labelled.length; c++) {
    const tp = truePositives[c]!;
    const label = labelled[c]!;
    const prediction = predicted[c]!;
    const recall = ratio(tp, label);
    const precision = ratio(tp, prediction);
    perClassAccuracy.push(definedOrNull(recall));
    perClassPrecision.push(definedOrNull(precision));
    perClassDice.push(definedOrNull(ratio(2 * tp, prediction + label)));
    perClassFscore.push(definedOrNull(fScore(precision, recall)));
    labelPixels += label;
    // Classes absent from the labels weigh 0 (their IoU may be undefined): left out of the sum.
    if (label > 0) weightedIoU += label * ratio(tp, label + prediction - tp);
  }
  return {
    perClassAccuracy,
    meanAccuracy: meanOfDefined(perClassAccuracy),
    perClassPrecision,
    meanPrecision: meanOfDefined(perClassPrecision),
    perClassDice,
    meanDice: meanOfDefined(perClassDice),
    perClassFscore,
    meanFscore: meanOfDefined(perClassFscore),
    fwIoU: labelPixels > 0 ? weightedIoU / labelPixels : null,
  };
}
