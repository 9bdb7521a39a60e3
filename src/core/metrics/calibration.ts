/**
 * Expected calibration error of soft predictions, as Guo et al. define it ("On Calibration of Modern
 * Neural Networks", ICML 2017, section 2): M = 15 equal-width bins of the top-1 confidence, bin m
 * holding the confidences in ((m−1)/M, m/M]; ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|, where acc is
 * the share of pixels whose top-1 class is the label and conf the mean top-1 confidence. Pixels are
 * the samples (valid pixels only). Per class: the pixels whose predicted class is c.
 *
 * Images keep sums (count, summed confidence, correct pixels per bin, overall and per predicted class)
 * so that the dataset's figures pool pixels over images, in any order, as the confusion matrix does.
 */

export const CALIBRATION_BINS = 15;

/** Sums of one set of pixels per bin: how many, their summed top-1 confidence, how many were right. */
export interface BinSums {
  readonly count: readonly number[];
  readonly confidence: readonly number[];
  readonly correct: readonly number[];
}

/** An image's calibration sums: overall and for each class predicted on some valid pixel. */
export interface CalibrationCounts extends BinSums {
  readonly perClass: readonly ({ readonly classId: number } & BinSums)[];
}

export interface CalibrationBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  /** Mean top-1 confidence of the bin's pixels; null when it has none. */
  readonly confidence: number | null;
  /** Share of the bin's pixels whose top-1 class is their label; null when it has none. */
  readonly accuracy: number | null;
}

/** The dataset's calibration: `dataset.calibration` of the JSON report. */
export interface CalibrationSummary {
  readonly ece: number | null;
  /** Per predicted class; null for a class never predicted on a valid pixel. */
  readonly perClassEce: (number | null)[];
  readonly bins: CalibrationBin[];
}

/** Bin m (0-based) holds ((m)/M, (m+1)/M]; a confidence of 0 (never a top-1 probability) goes to the first. */
export function calibrationBin(confidence: number): number {
  const bin = Math.ceil(confidence * CALIBRATION_BINS) - 1;
  return bin < 0 ? 0 : bin >= CALIBRATION_BINS ? CALIBRATION_BINS - 1 : bin;
}

/**
 * Per-class bin sums in one flat table: class c's bin m at (c·M + m)·3 holds count, summed confidence,
 * correct pixels. Filled pixel by pixel (add), read out as counts or summaries.
 */
export class CalibrationTable {
  readonly sums: Float64Array;
  constructor(readonly numClasses: number) {
    this.sums = new Float64Array(numClasses * CALIBRATION_BINS * 3);
  }

  /** One valid pixel: its predicted class (0..C-1), top-1 confidence and whether that class is its label. */
  add(predicted: number, confidence: number, correct: boolean): void {
    const at = (predicted * CALIBRATION_BINS + calibrationBin(confidence)) * 3;
    this.sums[at]! += 1;
    this.sums[at + 1]! += confidence;
    if (correct) this.sums[at + 2]! += 1;
  }

  /** Adds an image's counts (a record's, from a worker or a file). */
  addCounts(counts: CalibrationCounts): void {
    for (const entry of counts.perClass) {
      if (!(Number.isInteger(entry.classId) && entry.classId >= 0 && entry.classId < this.numClasses))
        throw new RangeError(`calibration counts for class ${entry.classId} of ${this.numClasses}`);
      for (let m = 0; m < CALIBRATION_BINS; m++) {
        const at = (entry.classId * CALIBRATION_BINS + m) * 3;
        this.sums[at]! += entry.count[m] ?? 0;
        this.sums[at + 1]! += entry.confidence[m] ?? 0;
        this.sums[at + 2]! += entry.correct[m] ?? 0;
      }
    }
  }

  private classSums(classId: number): BinSums {
    const count: number[] = [];
    const confidence: number[] = [];
    const correct: number[] = [];
    for (let m = 0; m < CALIBRATION_BINS; m++) {
      const at = (classId * CALIBRATION_BINS + m) * 3;
      count.push(this.sums[at]!);
      confidence.push(this.sums[at + 1]!);
      correct.push(this.sums[at + 2]!);
    }
    return { count, confidence, correct };
  }

  /** Sums over every class, bin by bin, in class order. */
  private overall(): BinSums {
    const count = new Array<number>(CALIBRATION_BINS).fill(0);
    const confidence = new Array<number>(CALIBRATION_BINS).fill(0);
    const correct = new Array<number>(CALIBRATION_BINS).fill(0);
    for (let c = 0; c < this.numClasses; c++) {
      for (let m = 0; m < CALIBRATION_BINS; m++) {
        const at = (c * CALIBRATION_BINS + m) * 3;
        count[m]! += this.sums[at]!;
        confidence[m]! += this.sums[at + 1]!;
        correct[m]! += this.sums[at + 2]!;
      }
    }
    return { count, confidence, correct };
  }

  private classPixels(classId: number): number {
    let n = 0;
    for (let m = 0; m < CALIBRATION_BINS; m++) n += this.sums[(classId * CALIBRATION_BINS + m) * 3]!;
    return n;
  }

  /** The counts a record keeps: overall, and per class only for classes with pixels. */
  counts(): CalibrationCounts {
    const perClass: ({ classId: number } & BinSums)[] = [];
    for (let c = 0; c < this.numClasses; c++) {
      if (this.classPixels(c) > 0) perClass.push({ classId: c, ...this.classSums(c) });
    }
    return { ...this.overall(), perClass };
  }

  summary(): CalibrationSummary {
    const overall = this.overall();
    const perClassEce: (number | null)[] = [];
    for (let c = 0; c < this.numClasses; c++) perClassEce.push(expectedCalibrationError(this.classSums(c)));
    return { ece: expectedCalibrationError(overall), perClassEce, bins: calibrationBins(overall) };
  }
}

/** Σ_m |correct_m − confidence_m| / n: the same as Σ_m n_m/n · |acc_m − conf_m|; null when n = 0. */
export function expectedCalibrationError(sums: BinSums): number | null {
  let n = 0;
  let gap = 0;
  for (let m = 0; m < CALIBRATION_BINS; m++) {
    n += sums.count[m]!;
    gap += Math.abs(sums.correct[m]! - sums.confidence[m]!);
  }
  return n > 0 ? gap / n : null;
}

/** The reliability diagram's bins. */
export function calibrationBins(sums: BinSums): CalibrationBin[] {
  return Array.from({ length: CALIBRATION_BINS }, (_, m) => {
    const count = sums.count[m]!;
    return {
      lo: m / CALIBRATION_BINS,
      hi: (m + 1) / CALIBRATION_BINS,
      count,
      confidence: count > 0 ? sums.confidence[m]! / count : null,
      accuracy: count > 0 ? sums.correct[m]! / count : null,
    };
  });
}
