import { addBoundaryCounts, boundarySummary, emptyBoundaryCounts, type BoundaryCounts } from '../metrics/boundaryIoU';
import { classScores, type ClassScores } from '../metrics/classScores';
import {
  CITYSCAPES_TRAIN_CLASSES,
  cityscapesSummary,
  emptyInstanceCounts,
  type CityscapesInstanceCounts,
  type CityscapesSummary,
} from '../metrics/cityscapesScores';
import { classAreas, confusionRows, emptyConfusion, iouOfAreas } from '../metrics/confusion';
import type { ConfusionMatrix } from '../types';
import { addSparseConfusion } from '../metrics/sparseConfusion';
import {
  CALIBRATION_BINS,
  CalibrationTable,
  type CalibrationCounts,
  type CalibrationSummary,
} from '../metrics/calibration';
import { ExactSum, type ExactSumState } from './exactSum';
import { sparseConfusionOf, type ImageRecord } from './record';

/**
 * The dataset figures. After the losses come the per-class figures of mmseg's IoUMetric (classScores.ts),
 * pooled like the IoU: from the summed confusion matrix.
 */
export interface DatasetSummary extends ClassScores {
  readonly images: number;
  /** Pooled: from the summed confusion matrix, not the mean of per-image mIoU. */
  readonly miou: number | null;
  /** Mean over images of per-image mIoU (images with no defined IoU left out); null when none. */
  readonly meanImageMiou: number | null;
  readonly pixelAccuracy: number | null;
  readonly perClassIoU: (number | null)[];
  /** Pooled Boundary IoU: per class Σ intersections / Σ unions over images; the mean of the defined ones. */
  readonly boundaryMiou: number | null;
  readonly perClassBoundaryIoU: (number | null)[];
  readonly confusion: number[][];
  /** Label pixels whose predicted id is outside 0..C-1, per label class. */
  readonly unknownPredictions: number[];
  readonly meanCe: number | null;
  readonly meanAdaptive: number | null;
  readonly meanMergeEffect: number | null;
  /** Cityscapes runs only (their records carry instance counts): the official evaluator's other figures. */
  readonly cityscapes?: CityscapesSummary;
  /** Soft predictions: calibration pooled over every valid pixel of every image; null without soft images. */
  readonly calibration: CalibrationSummary | null;
}

/**
 * A DatasetAccumulator's state as plain data (what a worker thread sends back): every sum is a whole
 * number added in doubles (exact below 2^53) or an exact sum, so states add up in any order to the
 * state of all the records folded by one accumulator.
 */
export interface AccumulatorState {
  readonly numClasses: number;
  readonly images: number;
  readonly confusion: ConfusionMatrix;
  readonly boundary: BoundaryCounts;
  readonly imageMious: ExactSumState;
  readonly ce: ExactSumState;
  readonly adaptive: ExactSumState;
  readonly mergeEffect: ExactSumState;
  readonly instances: InstancesState;
  readonly calibration: CalibrationState | null;
}

/** Folds image records into the dataset figures; order-independent, so shards merge exactly. */
export class DatasetAccumulator {
  private readonly confusion: ConfusionMatrix;
  private readonly boundary: BoundaryCounts;
  private images = 0;
  /**
   * Per-image figures summed exactly (rounded once, at the end), so any arrival order gives identical
   * means and nothing is kept per image: the state is the same size at 5,000 images and at 1,000,000.
   */
  private readonly imageMious = new ExactSum();
  private readonly ce = new ExactSum();
  private readonly adaptive = new ExactSum();
  private readonly mergeEffect = new ExactSum();
  /** Cityscapes runs: the images' instance counts, summed exactly for the same reason. */
  private readonly instances = new PooledInstances();
  /** Made by the first soft image's calibration sums. */
  private calibration: PooledCalibration | undefined;

  constructor(readonly numClasses: number) {
    this.confusion = emptyConfusion(numClasses);
    this.boundary = emptyBoundaryCounts(numClasses);
  }

  add(record: ImageRecord): void {
    const sparse = sparseConfusionOf(record);
    if (sparse) {
      // A worker's record: its non-zero cells, without building the C x C plain array it would read.
      if (sparse.numClasses !== this.numClasses)
        throw new Error(`${record.name}: confusion matrix is for ${sparse.numClasses} classes, not ${this.numClasses}`);
      addSparseConfusion(this.confusion, sparse);
    } else {
      this.addDense(record);
    }
    addBoundaryCounts(this.boundary, record.boundary);
    if (record.cityscapesInstances !== undefined)
      this.instances.add(record.name, record.labelFile, record.cityscapesInstances);
    if (record.calibration) (this.calibration ??= new PooledCalibration(this.numClasses)).add(record.calibration);
    this.images++;
    if (record.miou !== null) this.imageMious.add(record.miou);
    // The three means are over the same images: those whose losses are defined.
    if (record.ce !== null && record.adaptive !== null && record.mergeEffect !== null) {
      this.ce.add(record.ce);
      this.adaptive.add(record.adaptive);
      this.mergeEffect.add(record.mergeEffect);
    }
  }

  /** What has been folded so far, as plain data (see AccumulatorState). */
  state(): AccumulatorState {
    return {
      numClasses: this.numClasses,
      images: this.images,
      confusion: this.confusion,
      boundary: this.boundary,
      imageMious: this.imageMious.state(),
      ce: this.ce.state(),
      adaptive: this.adaptive.state(),
      mergeEffect: this.mergeEffect.state(),
      instances: this.instances.state(),
      calibration: this.calibration?.state() ?? null,
    };
  }

  /** Adds another accumulator's state: afterwards this one is as if it had folded that one's records too. */
  addState(state: AccumulatorState): void {
    if (state.numClasses !== this.numClasses)
      throw new Error(`cannot add the figures of ${state.numClasses} classes to ${this.numClasses}`);
    const { counts, unknown } = state.confusion;
    for (let i = 0; i < counts.length; i++) this.confusion.counts[i]! += counts[i]!;
    for (let c = 0; c < unknown.length; c++) this.confusion.unknown[c]! += unknown[c]!;
    addBoundaryCounts(this.boundary, state.boundary);
    this.images += state.images;
    this.imageMious.addState(state.imageMious);
    this.ce.addState(state.ce);
    this.adaptive.addState(state.adaptive);
    this.mergeEffect.addState(state.mergeEffect);
    this.instances.addState(state.instances);
    if (state.calibration) (this.calibration ??= new PooledCalibration(this.numClasses)).addState(state.calibration);
  }

  /** A record read from a file (a shard part, a results file): its plain arrays. */
  private addDense(record: ImageRecord): void {
    const { counts, unknown } = record.confusion;
    if (counts.length !== this.numClasses * this.numClasses || unknown.length !== this.numClasses) {
      throw new Error(
        `${record.name}: confusion matrix is for ${Math.sqrt(counts.length)} classes, not ${this.numClasses}`,
      );
    }
    // Added from the record's arrays directly: copying them into typed arrays first cost more than the sum.
    for (let i = 0; i < counts.length; i++) this.confusion.counts[i]! += counts[i]!;
    for (let c = 0; c < unknown.length; c++) this.confusion.unknown[c]! += unknown[c]!;
  }

  summary(): DatasetSummary {
    const areas = classAreas(this.confusion);
    const iou = iouOfAreas(areas);
    const boundary = boundarySummary(this.boundary);
    return {
      images: this.images,
      miou: iou.miou,
      meanImageMiou: this.imageMious.mean(),
      pixelAccuracy: iou.pixelAccuracy,
      perClassIoU: iou.perClassIoU,
      boundaryMiou: boundary.boundaryMiou,
      perClassBoundaryIoU: boundary.perClassBoundaryIoU,
      confusion: confusionRows(this.confusion),
      unknownPredictions: Array.from(this.confusion.unknown),
      meanCe: this.ce.mean(),
      meanAdaptive: this.adaptive.mean(),
      meanMergeEffect: this.mergeEffect.mean(),
      ...classScores(areas),
      ...(this.instances.images > 0 && this.numClasses === CITYSCAPES_TRAIN_CLASSES
        ? { cityscapes: cityscapesSummary(this.confusion, this.instances.pooled(this.images)) }
        : {}),
      calibration: this.calibration?.summary() ?? null,
    };
  }
}

const INSTANCE_KEYS = ['tpWeighted', 'fnWeighted', 'categoryTpWeighted', 'categoryFnWeighted'] as const;

/** PooledInstances as plain data. */
interface InstancesState {
  readonly images: number;
  readonly missing: number;
  readonly firstMissing: { readonly name: string; readonly labelFile: string } | null;
  readonly sums: Readonly<Record<(typeof INSTANCE_KEYS)[number], readonly ExactSumState[]>>;
}

/** Cityscapes instance counts pooled over images in bounded state, independent of arrival order. */
class PooledInstances {
  images = 0;
  private missing = 0;
  /** The first label (by image name) without instance data, so the message names the same file every run. */
  private firstMissing: { name: string; labelFile: string } | null = null;
  private readonly sums = (() => {
    const empty = emptyInstanceCounts();
    return Object.fromEntries(INSTANCE_KEYS.map((key) => [key, empty[key].map(() => new ExactSum())])) as Record<
      (typeof INSTANCE_KEYS)[number],
      ExactSum[]
    >;
  })();

  add(name: string, labelFile: string, counts: CityscapesInstanceCounts | null): void {
    this.images++;
    if (counts === null) {
      this.missing++;
      this.noteMissing({ name, labelFile });
      return;
    }
    for (const key of INSTANCE_KEYS) counts[key].forEach((value, i) => this.sums[key][i]!.add(value));
  }

  private noteMissing(missing: { readonly name: string; readonly labelFile: string }): void {
    if (this.firstMissing === null || missing.name < this.firstMissing.name) this.firstMissing = missing;
  }

  state(): InstancesState {
    const of = (key: (typeof INSTANCE_KEYS)[number]): ExactSumState[] => this.sums[key].map((sum) => sum.state());
    return {
      images: this.images,
      missing: this.missing,
      firstMissing: this.firstMissing,
      sums: {
        tpWeighted: of('tpWeighted'),
        fnWeighted: of('fnWeighted'),
        categoryTpWeighted: of('categoryTpWeighted'),
        categoryFnWeighted: of('categoryFnWeighted'),
      },
    };
  }

  addState(state: InstancesState): void {
    this.images += state.images;
    this.missing += state.missing;
    if (state.firstMissing !== null) this.noteMissing(state.firstMissing);
    for (const key of INSTANCE_KEYS) state.sums[key].forEach((sum, i) => this.sums[key][i]!.addState(sum));
  }

  /** The summed counts, or why iIoU cannot be computed (it needs every image's instance map). */
  pooled(totalImages: number): CityscapesInstanceCounts | { unavailable: string } {
    if (this.firstMissing !== null)
      return {
        unavailable: `${this.missing} of ${totalImages} labels have no usable _gtFine_instanceIds file beside them (first: ${this.firstMissing.labelFile})`,
      };
    if (this.images < totalImages)
      return {
        unavailable: `${totalImages - this.images} of ${totalImages} images were evaluated without instance data`,
      };
    const total = emptyInstanceCounts();
    for (const key of INSTANCE_KEYS) this.sums[key].forEach((sum, i) => (total[key][i] = sum.value()));
    return total;
  }
}

/** PooledCalibration as plain data (its table's confidence column is summed exactly beside it). */
interface CalibrationState {
  readonly sums: Float64Array;
  readonly confidence: readonly ExactSumState[];
}

/**
 * The images' calibration sums pooled: pixel counts are whole numbers (exact in doubles), and the
 * confidence sums are summed exactly, so the dataset's ECE does not depend on the order images finish in.
 */
class PooledCalibration {
  private readonly table: CalibrationTable;
  private readonly confidence: ExactSum[];

  constructor(numClasses: number) {
    this.table = new CalibrationTable(numClasses);
    this.confidence = Array.from({ length: numClasses * CALIBRATION_BINS }, () => new ExactSum());
  }

  add(counts: CalibrationCounts): void {
    this.table.addCounts(counts);
    for (const entry of counts.perClass)
      for (let m = 0; m < CALIBRATION_BINS; m++)
        this.confidence[entry.classId * CALIBRATION_BINS + m]!.add(entry.confidence[m] ?? 0);
  }

  state(): CalibrationState {
    return { sums: this.table.sums, confidence: this.confidence.map((sum) => sum.state()) };
  }

  /** Another pool's sums: counts and right pixels are whole numbers, the confidences exact sums. */
  addState(state: CalibrationState): void {
    for (let at = 0; at < state.sums.length; at++) this.table.sums[at]! += state.sums[at]!;
    state.confidence.forEach((sum, at) => this.confidence[at]!.addState(sum));
  }

  summary(): CalibrationSummary {
    this.confidence.forEach((sum, at) => (this.table.sums[at * 3 + 1] = sum.value()));
    return this.table.summary();
  }
}
