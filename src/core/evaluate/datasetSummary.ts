import { addBoundaryCounts, boundarySummary, emptyBoundaryCounts, type BoundaryCounts } from '../metrics/boundaryIoU';
import { confusionRows, emptyConfusion, iouSummary } from '../metrics/confusion';
import type { ConfusionMatrix } from '../types';
import { addSparseConfusion } from '../metrics/sparseConfusion';
import { CalibrationTable, type CalibrationSummary } from '../metrics/calibration';
import { sparseConfusionOf, type ImageRecord } from './record';

export interface DatasetSummary {
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
  /** Soft predictions: calibration pooled over every valid pixel of every image; null without soft images. */
  readonly calibration: CalibrationSummary | null;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Folds image records into the dataset figures; order-independent, so shards merge exactly. */
export class DatasetAccumulator {
  private readonly confusion: ConfusionMatrix;
  private readonly boundary: BoundaryCounts;
  /** Per-image mIoU by name, summed in name order like the losses. */
  private readonly imageMious: { name: string; miou: number }[] = [];
  private images = 0;
  /** Per-image losses by name, summed in name order at the end so any arrival order gives identical means. */
  private readonly losses: { name: string; ce: number; adaptive: number; mergeEffect: number }[] = [];
  /** Made by the first soft image's calibration sums. */
  private calibration: CalibrationTable | undefined;

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
    if (record.calibration) (this.calibration ??= new CalibrationTable(this.numClasses)).addCounts(record.calibration);
    this.images++;
    if (record.miou !== null) this.imageMious.push({ name: record.name, miou: record.miou });
    if (record.ce !== null && record.adaptive !== null && record.mergeEffect !== null) {
      this.losses.push({
        name: record.name,
        ce: record.ce,
        adaptive: record.adaptive,
        mergeEffect: record.mergeEffect,
      });
    }
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
    const iou = iouSummary(this.confusion);
    const boundary = boundarySummary(this.boundary);
    const ordered = [...this.losses].sort(byName);
    const mious = [...this.imageMious].sort(byName);
    const mean = (key: 'ce' | 'adaptive' | 'mergeEffect'): number | null =>
      ordered.length > 0 ? ordered.reduce((sum, entry) => sum + entry[key], 0) / ordered.length : null;
    return {
      images: this.images,
      miou: iou.miou,
      meanImageMiou: mious.length > 0 ? mious.reduce((sum, entry) => sum + entry.miou, 0) / mious.length : null,
      pixelAccuracy: iou.pixelAccuracy,
      perClassIoU: iou.perClassIoU,
      boundaryMiou: boundary.boundaryMiou,
      perClassBoundaryIoU: boundary.perClassBoundaryIoU,
      confusion: confusionRows(this.confusion),
      unknownPredictions: Array.from(this.confusion.unknown),
      meanCe: mean('ce'),
      meanAdaptive: mean('adaptive'),
      meanMergeEffect: mean('mergeEffect'),
      calibration: this.calibration?.summary() ?? null,
    };
  }
}
