import { confusionRows, emptyConfusion, iouSummary } from '../metrics/confusion';
import type { ConfusionMatrix } from '../types';
import type { ImageRecord } from './record';

export interface DatasetSummary {
  readonly images: number;
  /** From the summed confusion matrix, not the mean of per-image mIoU. */
  readonly miou: number | null;
  readonly pixelAccuracy: number | null;
  readonly perClassIoU: (number | null)[];
  readonly confusion: number[][];
  /** Label pixels whose predicted id is outside 0..C-1, per label class. */
  readonly unknownPredictions: number[];
  readonly meanCe: number | null;
  readonly meanAdaptive: number | null;
  readonly meanMergeEffect: number | null;
}

/** Folds image records into the dataset figures; order-independent, so shards merge exactly. */
export class DatasetAccumulator {
  private readonly confusion: ConfusionMatrix;
  private images = 0;
  /** Per-image losses by name, summed in name order at the end so any arrival order gives identical means. */
  private readonly losses: { name: string; ce: number; adaptive: number; mergeEffect: number }[] = [];

  constructor(readonly numClasses: number) {
    this.confusion = emptyConfusion(numClasses);
  }

  add(record: ImageRecord): void {
    const { counts, unknown } = record.confusion;
    if (counts.length !== this.numClasses * this.numClasses || unknown.length !== this.numClasses) {
      throw new Error(
        `${record.name}: confusion matrix is for ${Math.sqrt(counts.length)} classes, not ${this.numClasses}`,
      );
    }
    // Added from the record's arrays directly: copying them into typed arrays first cost more than the sum.
    for (let i = 0; i < counts.length; i++) this.confusion.counts[i]! += counts[i]!;
    for (let c = 0; c < unknown.length; c++) this.confusion.unknown[c]! += unknown[c]!;
    this.images++;
    if (record.ce !== null && record.adaptive !== null && record.mergeEffect !== null) {
      this.losses.push({
        name: record.name,
        ce: record.ce,
        adaptive: record.adaptive,
        mergeEffect: record.mergeEffect,
      });
    }
  }

  summary(): DatasetSummary {
    const iou = iouSummary(this.confusion);
    const ordered = [...this.losses].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const mean = (key: 'ce' | 'adaptive' | 'mergeEffect'): number | null =>
      ordered.length > 0 ? ordered.reduce((sum, entry) => sum + entry[key], 0) / ordered.length : null;
    return {
      images: this.images,
      miou: iou.miou,
      pixelAccuracy: iou.pixelAccuracy,
      perClassIoU: iou.perClassIoU,
      confusion: confusionRows(this.confusion),
      unknownPredictions: Array.from(this.confusion.unknown),
      meanCe: mean('ce'),
      meanAdaptive: mean('adaptive'),
      meanMergeEffect: mean('mergeEffect'),
    };
  }
}
