/**
 * mmseg's IoUMetric, retyped from its published source (open-mmlab/mmsegmentation,
 * mmseg/evaluation/metrics/iou_metric.py: `intersect_and_union`, `total_area_to_metrics` and the
 * `np.nanmean` of `compute_metrics`) as an oracle for the engine's per-class figures. Arithmetic is
 * kept as written there, 0 / 0 = NaN included; nothing here imports the engine.
 *
 * One deliberate difference, SegLens' convention: a label id >= C (other than the ignore index) is
 * void here too, so `intersectAndUnion` masks it like the ignore index (mmseg would count the
 * prediction of such a pixel in the predicted area). The tests' labels hold no such ids.
 */

export interface Areas {
  intersect: number[];
  union: number[];
  predLabel: number[];
  label: number[];
}

/**
 * torch.histc(values, bins=C, min=0, max=C-1) of integer values: bin i holds the values in
 * [i·w, (i+1)·w) with w = (C-1)/C, the last bin closed; values outside [0, C-1] are not counted.
 */
function histc(values: readonly number[], numClasses: number): number[] {
  const bins = new Array<number>(numClasses).fill(0);
  const [min, max] = [0, numClasses - 1];
  for (const v of values) {
    if (v < min || v > max) continue;
    // torch's bin index: (v - min) * bins / (max - min), the maximum into the last bin.
    const bin = max === min ? 0 : Math.min(numClasses - 1, Math.floor(((v - min) * numClasses) / (max - min)));
    bins[bin]!++;
  }
  return bins;
}

/** `intersect_and_union`: areas of one image from its label and predicted ids. */
export function intersectAndUnion(
  pred: readonly number[],
  label: readonly number[],
  numClasses: number,
  ignoreIndex: number,
): Areas {
  const keptPred: number[] = [];
  const keptLabel: number[] = [];
  for (let p = 0; p < label.length; p++) {
    const y = label[p]!;
    if (y === ignoreIndex || y >= numClasses) continue; // mask = (label != ignore_index), plus the SegLens void rule
    keptPred.push(pred[p]!);
    keptLabel.push(y);
  }
  const intersectValues = keptPred.filter((q, i) => q === keptLabel[i]);
  const intersect = histc(intersectValues, numClasses);
  const predLabel = histc(keptPred, numClasses);
  const labelArea = histc(keptLabel, numClasses);
  const union = predLabel.map((v, c) => v + labelArea[c]! - intersect[c]!);
  return { intersect, union, predLabel, label: labelArea };
}

/** `sum(results[i])` over images. */
export function sumAreas(all: readonly Areas[], numClasses: number): Areas {
  const zero = (): number[] => new Array<number>(numClasses).fill(0);
  const total: Areas = { intersect: zero(), union: zero(), predLabel: zero(), label: zero() };
  for (const areas of all)
    for (const key of ['intersect', 'union', 'predLabel', 'label'] as const)
      areas[key].forEach((v, c) => (total[key][c]! += v));
  return total;
}

export interface MmsegMetrics {
  aAcc: number;
  IoU: number[];
  Acc: number[];
  Dice: number[];
  Fscore: number[];
  Precision: number[];
  Recall: number[];
}

/** `total_area_to_metrics` with metrics ['mIoU', 'mDice', 'mFscore'] and beta = 1, nan_to_num None. */
export function totalAreaToMetrics(areas: Areas, beta = 1): MmsegMetrics {
  const { intersect, union, predLabel, label } = areas;
  const divide = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v / b[i]!);
  const fScore = (precision: number, recall: number): number =>
    ((1 + beta ** 2) * (precision * recall)) / (beta ** 2 * precision + recall);
  const sum = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0);
  const precision = divide(intersect, predLabel);
  const recall = divide(intersect, label);
  return {
    aAcc: sum(intersect) / sum(label),
    IoU: divide(intersect, union),
    Acc: divide(intersect, label),
    Dice: divide(
      intersect.map((v) => 2 * v),
      predLabel.map((v, i) => v + label[i]!),
    ),
    Fscore: precision.map((p, i) => fScore(p, recall[i]!)),
    Precision: precision,
    Recall: recall,
  };
}

/** np.nanmean; NaN (numpy's "mean of empty slice") when every value is NaN. */
export function nanMean(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length === 0 ? Number.NaN : defined.reduce((s, v) => s + v, 0) / defined.length;
}

/**
 * Frequency-weighted IoU as the FCN reference code scores it (`freq = hist.sum(1) / hist.sum();
 * (freq[freq > 0] * iu[freq > 0]).sum()`), with mmseg's label areas and IoU.
 */
export function frequencyWeightedIoU(areas: Areas): number {
  const total = areas.label.reduce((s, v) => s + v, 0);
  const iou = areas.intersect.map((v, c) => v / areas.union[c]!);
  let sum = 0;
  areas.label.forEach((v, c) => {
    const freq = v / total;
    if (freq > 0) sum += freq * iou[c]!;
  });
  return total === 0 ? Number.NaN : sum;
}
