import type { DatasetSummary } from '../evaluate/datasetSummary';
import type { ImageRow } from '../evaluate/record';
import type { SkippedFile } from '../io/pairing';
import type { HotSpot } from '../types';
import {
  lossVariant,
  lossVariantName,
  optionsRecord,
  type MetricOptions,
  type OptionsRecord,
  type Pooling,
  type ReadOptions,
} from '../options';
import type { OptionChoice } from '../optionTable';

/** The CLI's --json document (and the extension's JSON export). */
export interface JsonReport {
  readonly backend: string;
  /** Which locally adaptive loss the numbers are (loss.md v2): `v1`, `paper` or the settings spelled out. */
  readonly loss: LossDescription;
  /** Every option that changes a number, resolved, under its key in the option table. */
  readonly options: OptionsRecord;
  readonly images: {
    name: string;
    prediction: string;
    label: string;
    ce: number | null;
    adaptive: number | null;
    perScale: Readonly<Record<string, number | null>>;
    mergeEffect: number | null;
    miou: number | null;
    pixelAccuracy: number | null;
    perClassIoU: readonly (number | null)[];
    /** Where merging changes the cost most: the image's largest hot spot. */
    largestHotSpot: HotSpot | null;
    boundaryMiou: number | null;
    perClassBoundaryIoU: readonly (number | null)[];
    warnings?: readonly string[];
  }[];
  readonly dataset: {
    images: number;
    miou: number | null;
    meanImageMiou: number | null;
    pixelAccuracy: number | null;
    perClassIoU: (number | null)[];
    boundaryMiou: number | null;
    perClassBoundaryIoU: (number | null)[];
    confusion: number[][];
    unknownPredictions: number[];
    meanCe: number | null;
    meanAdaptive: number | null;
    meanMergeEffect: number | null;
    /** The dataset preset used (`voc`, `cityscapes`, `ade20k`, a JSON file's name), null when none. */
    preset?: string | null;
    /** The id space of the predictions, decided once for the folder. */
    predictionIds?: 'train' | 'label';
    /** The sentence that says what was detected and how to override it. */
    detection?: string;
  };
  readonly skipped: readonly SkippedFile[];
  /** Files left out on purpose (a stem's other label variants, instance maps): not errors. */
  readonly ignored?: readonly SkippedFile[];
}

/** What the report says about the dataset (absent for merged shards, which do not carry it). */
export interface DatasetInfo {
  readonly preset: string | null;
  readonly predictionIds: 'train' | 'label';
  readonly detection: string;
  readonly ignored: readonly SkippedFile[];
}

export interface LossDescription {
  readonly variant: string;
  readonly pooling: Pooling;
  readonly poolingSigma: number;
  readonly minkowski: number;
  readonly scales: readonly number[];
}

export function describeLoss(metric: MetricOptions): LossDescription {
  return { variant: lossVariantName(metric), ...lossVariant(metric), scales: metric.scales };
}

/** The options a report was computed with: the metric's, how files were read, and how it was computed. */
export interface ReportOptions {
  readonly metric: MetricOptions;
  readonly read: ReadOptions;
  readonly compute?: OptionChoice<'compute'>;
}

export function buildJsonReport(
  backend: string,
  engine: ReportOptions,
  records: readonly ImageRow[],
  dataset: DatasetSummary,
  skipped: readonly SkippedFile[],
  info?: DatasetInfo,
): JsonReport {
  return {
    backend,
    loss: describeLoss(engine.metric),
    options: optionsRecord(engine),
    images: records.map((r) => ({
      name: r.name,
      prediction: r.predictionFile,
      label: r.labelFile,
      ce: r.ce,
      adaptive: r.adaptive,
      perScale: r.perScale,
      mergeEffect: r.mergeEffect,
      miou: r.miou,
      pixelAccuracy: r.pixelAccuracy,
      perClassIoU: r.perClassIoU,
      largestHotSpot: r.largestHotSpot ?? null,
      boundaryMiou: r.boundaryMiou,
      perClassBoundaryIoU: r.perClassBoundaryIoU,
      ...(r.warnings.length > 0 ? { warnings: r.warnings } : {}),
    })),
    dataset: info
      ? { ...dataset, preset: info.preset, predictionIds: info.predictionIds, detection: info.detection }
      : dataset,
    skipped,
    ...(info ? { ignored: info.ignored } : {}),
  };
}
